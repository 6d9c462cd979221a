import type { Knex } from 'knex';

/**
 * Invoices and credit notes of retro price adjustments (docs/price-recalculation.md): an invoice
 * now comes from exactly one source, an approved settlement or a price adjustment, and shares the
 * numbering, the frozen document and the renderers with settlement invoices.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table invoices alter column settlement_id drop not null');
  await knex.raw('alter table invoices add column price_adjustment_id integer');
  await knex.raw('alter table invoices add constraint invoices_price_adjustment_id_key unique (price_adjustment_id)');
  await knex.raw(`alter table invoices add constraint invoices_price_adjustment_fkey
                  foreign key (municipality_id, price_adjustment_id) references price_adjustments(municipality_id, id)`);
  await knex.raw('alter table invoices add constraint invoices_one_source check (num_nonnulls(settlement_id, price_adjustment_id) = 1)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table invoices drop constraint invoices_one_source');
  await knex.raw('alter table invoices drop column price_adjustment_id');
  await knex.raw('alter table invoices alter column settlement_id set not null');
}
