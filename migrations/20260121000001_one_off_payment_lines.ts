import type { Knex } from 'knex';

/**
 * One-off payments (issue 18): a settlement run under a model with `oneOff` reads, for its
 * citizens, the new-customer lines already approved in other months, so a citizen is never paid
 * as a new customer twice. A partial index keeps that a lookup by citizen instead of a scan of
 * every settlement line of the municipality.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index settlement_lines_one_off on settlement_lines (municipality_id, citizen_id) where kind in ('new_customer', 'takeover')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index settlement_lines_one_off');
}
