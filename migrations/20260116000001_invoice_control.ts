import type { Knex } from 'knex';

/**
 * Payment bases and the provider invoices received against them (docs/invoices.md, "Payment
 * basis and the provider's own invoice").
 *
 * - `payment_bases`: one per approved settlement of a provider in payment-basis mode; frozen
 *   (the document is what the provider was shown), with the reference it must quote.
 * - `received_documents`: every document received, the refused ones too, with its original bytes
 *   (none when it was over the size limit), what was read from it, the checks' results and the
 *   verdict. A seller's invoice number counts once: the partial unique index is the backstop of
 *   the duplicate check (a refused document claims no number).
 * - `invoice_responses`: the Peppol Invoice Responses issued for a received document (one per
 *   verdict, a new one after finance overrides), kept as sent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table payment_bases (
      id              serial,
      municipality_id integer not null,
      reference       text not null check (reference ~ '^(AG|FU|PB)-\\d{4}-\\d{6,}$'),
      settlement_id   integer not null,
      provider_id     integer not null,
      period_start    date not null,
      period_end      date not null,
      currency        char(3) not null,
      total_excl_vat  numeric(14, 2) not null,
      vat             numeric(14, 2) not null,
      total_incl_vat  numeric(14, 2) not null check (total_incl_vat = total_excl_vat + vat),
      document        jsonb not null,
      issued_at       timestamptz not null default now(),
      issued_by       text not null,
      primary key (municipality_id, id),
      unique (municipality_id, reference),
      unique (municipality_id, settlement_id),
      foreign key (municipality_id, settlement_id) references settlements(municipality_id, id),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id)
    )`);
  await knex.raw('create index payment_bases_listing on payment_bases (municipality_id, provider_id, period_start)');
  await knex.raw(`
    create table received_documents (
      id                   serial,
      municipality_id      integer not null references municipalities(id),
      source               text not null check (source in ('api', 'web', 'cli', 'folder', 'demo')),
      filename             text check (length(filename) <= 255),
      content              bytea,
      size_bytes           bigint not null,
      sha256               char(64) not null,
      document_type        text check (document_type in ('invoice', 'credit_note')),
      type_code            text,
      number               text,
      issue_date           date,
      seller_name          text,
      seller_endpoint      text,
      seller_endpoint_scheme text,
      provider_id          integer,
      payment_basis_id     integer,
      quoted_reference     text,
      currency             text,
      period_start         date,
      period_end           date,
      total_excl_vat       numeric(14, 2),
      vat                  numeric(14, 2),
      payable              numeric(14, 2),
      verdict              text not null check (verdict in ('matched', 'disputed', 'rejected')),
      claims_number        boolean not null,
      reasons              jsonb not null,
      differences          jsonb not null,
      violations           jsonb not null,
      decision             text check (decision in ('accepted', 'rejected')),
      decision_note        text check (decision_note is null or length(decision_note) between 1 and 1000),
      decided_by           text,
      decided_at           timestamptz,
      received_at          timestamptz not null default now(),
      received_by          text not null,
      primary key (municipality_id, id),
      check ((decision is null) = (decision_note is null)),
      check (not claims_number or (provider_id is not null and number is not null)),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      foreign key (municipality_id, payment_basis_id) references payment_bases(municipality_id, id)
    )`);
  await knex.raw(
    `create unique index received_documents_one_number on received_documents (municipality_id, provider_id, number) where claims_number`,
  );
  await knex.raw('create index received_documents_listing on received_documents (municipality_id, provider_id, received_at)');
  await knex.raw('create index received_documents_basis on received_documents (municipality_id, payment_basis_id)');
  await knex.raw(`
    create table invoice_responses (
      id                   serial,
      municipality_id      integer not null,
      received_document_id integer not null,
      sequence             integer not null check (sequence >= 1),
      response_code        text not null check (response_code in ('AP', 'RE', 'UQ')),
      xml                  text not null,
      issued_at            timestamptz not null default now(),
      issued_by            text not null,
      primary key (municipality_id, id),
      unique (municipality_id, received_document_id, sequence),
      foreign key (municipality_id, received_document_id) references received_documents(municipality_id, id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table invoice_responses');
  await knex.raw('drop table received_documents');
  await knex.raw('drop table payment_bases');
}
