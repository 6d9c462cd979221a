import type { Knex } from 'knex';

/**
 * settlement_vat's key is a unique index on an expression (one group per settlement, rate and
 * exemption reason, a null reason counting as one), so it was not a constraint and the keys
 * migration of 20260114 passed it by. Citus needs municipality_id in every unique index too.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop index settlement_vat_group');
  await knex.raw(
    `create unique index settlement_vat_group on settlement_vat (municipality_id, settlement_id, percent, (coalesce(exemption_reason, '')))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index settlement_vat_group');
  await knex.raw(`create unique index settlement_vat_group on settlement_vat (settlement_id, percent, (coalesce(exemption_reason, '')))`);
}
