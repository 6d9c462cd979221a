import type { Knex } from 'knex';

/**
 * Payment bases of retro price adjustments (docs/price-recalculation.md, docs/invoices.md): a
 * provider in payment-basis mode is sent a basis for its approved adjustment, as it is for a
 * settlement. A basis now comes from exactly one source, a settlement or a price adjustment (the
 * invoices' rule), one basis per source. An adjustment's reference carries an R before its number
 * (`AG-2025-R000004`): settlement and adjustment ids are separate series and must not meet.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table payment_bases alter column settlement_id drop not null');
  await knex.raw('alter table payment_bases add column price_adjustment_id integer');
  await knex.raw(
    'alter table payment_bases add constraint payment_bases_price_adjustment_key unique (municipality_id, price_adjustment_id)',
  );
  await knex.raw(`alter table payment_bases add constraint payment_bases_price_adjustment_fkey
                  foreign key (municipality_id, price_adjustment_id) references price_adjustments(municipality_id, id)`);
  await knex.raw(
    'alter table payment_bases add constraint payment_bases_one_source check (num_nonnulls(settlement_id, price_adjustment_id) = 1)',
  );
  await knex.raw('alter table payment_bases drop constraint payment_bases_reference_check');
  await knex.raw(`alter table payment_bases add constraint payment_bases_reference_check check (
                    (settlement_id is not null and reference ~ '^(AG|FU|PB)-\\d{4}-\\d{6,}$')
                    or (price_adjustment_id is not null and reference ~ '^(AG|FU|PB)-\\d{4}-R\\d{6,}$'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('delete from payment_bases where price_adjustment_id is not null');
  await knex.raw('alter table payment_bases drop constraint payment_bases_reference_check');
  await knex.raw(
    `alter table payment_bases add constraint payment_bases_reference_check check (reference ~ '^(AG|FU|PB)-\\d{4}-\\d{6,}$')`,
  );
  await knex.raw('alter table payment_bases drop constraint payment_bases_one_source');
  await knex.raw('alter table payment_bases drop column price_adjustment_id');
  await knex.raw('alter table payment_bases alter column settlement_id set not null');
}
