import type { Knex } from 'knex';

/**
 * Settlement settings of a municipality: with four eyes on, a settlement must be approved by
 * someone other than the one who computed it. Plus the index behind "all settlements of a month".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table municipalities add column settlement_four_eyes boolean not null default false');
  await knex.raw('create index settlements_period on settlements (municipality_id, period_start, provider_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index settlements_period');
  await knex.raw('alter table municipalities drop column settlement_four_eyes');
}
