import type { Knex } from 'knex';

/**
 * The municipality's account strings for the accounting posting file of an approved month: one
 * per service category (or "vat" for the VAT of a provider's invoice) and provider kind code.
 * The string is the municipality's own (e.g. a Danish kontostreng "5.32.32.1-4000-12"); carepay
 * never parses it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table posting_accounts (
      id              serial,
      municipality_id integer not null references municipalities(id),
      category        text not null check (category ~ '^[a-z_]{1,32}$'),
      provider_kind   text not null check (provider_kind ~ '^[A-Za-z0-9_.-]{1,32}$'),
      account         text not null check (length(account) between 1 and 100 and account !~ '[\\x00-\\x1f\\x7f]'),
      updated_at      timestamptz not null default now(),
      updated_by      text not null,
      primary key (municipality_id, id),
      unique (municipality_id, category, provider_kind)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table posting_accounts');
}
