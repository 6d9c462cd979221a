import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table providers (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      ref             text not null check (ref ~ '^[A-Za-z0-9_.-]{1,64}$'),
      name            text not null check (length(name) between 1 and 200),
      kind            text not null check (kind in ('municipal', 'private')),
      company_number  text,
      electronic_address text,
      -- Peppol EAS code of electronic_address: 0184 DK CVR, 0088 GLN/EAN, 0007 SE orgnr, 9918 IBAN …
      electronic_address_scheme text,
      vat_status      text not null check (vat_status in ('registered', 'exempt', 'not_registered')),
      bank_account    text,
      address         text,
      email           text,
      approved_from   date not null,
      approved_to     date,
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      unique (municipality_id, ref),
      unique (municipality_id, id),
      check (approved_to is null or approved_to > approved_from)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table providers');
}
