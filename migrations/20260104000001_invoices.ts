import type { Knex } from 'knex';

/**
 * Invoices and credit notes issued from approved settlements (docs/invoices.md).
 *
 * Numbers are gapless per municipality and year: they come from a counter row that the issuing
 * transaction increments (and so locks) — a rolled-back issue rolls the counter back with it, which
 * a sequence would not. An issued document is immutable; `document` is the frozen snapshot every
 * rendering (PDF, UBL) is made from, so later changes to master data do not change it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table municipalities
    add column invoice_payment_terms_days integer not null default 30 check (invoice_payment_terms_days between 0 and 365)`);
  await knex.raw(`
    create table invoice_counters (
      municipality_id integer not null references municipalities(id),
      year            integer not null check (year between 2000 and 2999),
      last_number     integer not null check (last_number >= 0),
      primary key (municipality_id, year)
    )`);
  await knex.raw(`
    create table invoices (
      id                  serial primary key,
      municipality_id     integer not null,
      number              text not null check (number ~ '^\\d{4}-\\d{6}$'),
      year                integer not null,
      sequence_no         integer not null check (sequence_no > 0),
      kind                text not null check (kind in ('invoice', 'supplementary_invoice', 'credit_note')),
      settlement_id       integer not null,
      provider_id         integer not null,
      period_start        date not null,
      period_end          date not null,
      corrects_invoice_id integer,
      issue_date          date not null,
      due_date            date not null check (due_date >= issue_date),
      currency            char(3) not null,
      -- Signed as the settlement: a credit note's totals are negative (what the municipality owes).
      total_excl_vat      numeric(14, 2) not null,
      vat                 numeric(14, 2) not null,
      total_incl_vat      numeric(14, 2) not null check (total_incl_vat = total_excl_vat + vat),
      line_count          integer not null,
      document            jsonb not null,
      issued_at           timestamptz not null default now(),
      issued_by           text not null,
      unique (municipality_id, id),
      unique (municipality_id, number),
      unique (municipality_id, year, sequence_no),
      unique (settlement_id),
      check (number = year || '-' || lpad(sequence_no::text, 6, '0')),
      check ((kind = 'invoice') = (corrects_invoice_id is null)),
      check ((kind = 'credit_note') = (total_incl_vat < 0)),
      foreign key (municipality_id, settlement_id) references settlements(municipality_id, id),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      foreign key (municipality_id, corrects_invoice_id) references invoices(municipality_id, id)
    )`);
  await knex.raw('create index invoices_listing on invoices (municipality_id, provider_id, period_start)');
  await knex.raw(`
    create function invoices_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'invoice % is issued and cannot be changed or removed', old.number
        using errcode = 'P0001', hint = 'a correction settlement produces a credit note or a supplementary invoice';
    end $$`);
  await knex.raw(
    'create trigger invoices_immutable before update or delete on invoices for each row execute function invoices_immutable()',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table invoices');
  await knex.raw('drop function invoices_immutable()');
  await knex.raw('drop table invoice_counters');
  await knex.raw('alter table municipalities drop column invoice_payment_terms_days');
}
