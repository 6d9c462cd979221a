import type { Knex } from 'knex';

/**
 * A service may carry its Fælles Sprog III (FSIII) intervention code: the national Danish code
 * the care systems and their FHIR reports use (src/features/catalogue/fsiii.ts). Optional, since
 * Swedish catalogues and local services have none. Classic codes (H1.1) and UUID codes both fit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table services add column fsiii_code text check (fsiii_code ~ '^[A-Za-z0-9_.-]{1,64}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table services drop column fsiii_code');
}
