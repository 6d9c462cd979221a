import type { Knex } from 'knex';

/**
 * How money reaches each provider (DOMAIN.md §8, docs/invoices.md):
 *
 * - `self_billing`: carepay issues the invoice on the provider's behalf (Peppol self-billing,
 *   types 389/261), which needs the provider's written agreement: the date it was signed is kept
 *   in `providers.self_billing_agreed_on`, and nothing is self-billed without it;
 * - `payment_basis`: carepay sends the approved payment basis (afregningsgrundlag / fakturaunderlag)
 *   and checks the invoice the provider then sends through its own system.
 *
 * The municipality chooses; a provider may be set otherwise (`providers.invoicing_mode`, null =
 * the municipality's). The in-house provider gets an internal statement unless
 * `invoice_in_house_provider` says it is invoiced like the others.
 * `buyer_reference` is the municipality's own reference on every document (BT-10), and
 * `received_invoice_tolerance` the most a received invoice may differ from its basis, per amount
 * compared, and still be matched.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table municipalities
    add column invoicing_mode text not null default 'self_billing' check (invoicing_mode in ('self_billing', 'payment_basis')),
    add column invoice_in_house_provider boolean not null default false,
    add column buyer_reference text check (buyer_reference is null or length(buyer_reference) between 1 and 200),
    add column received_invoice_tolerance numeric(14, 2) not null default 0 check (received_invoice_tolerance >= 0)`);
  await knex.raw(`alter table providers
    add column invoicing_mode text check (invoicing_mode in ('self_billing', 'payment_basis')),
    add column self_billing_agreed_on date`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table providers drop column invoicing_mode, drop column self_billing_agreed_on');
  await knex.raw(`alter table municipalities drop column invoicing_mode, drop column invoice_in_house_provider,
    drop column buyer_reference, drop column received_invoice_tolerance`);
}
