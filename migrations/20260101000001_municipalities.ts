import type { Knex } from 'knex';

/** The tenant. Every other table carries municipality_id as its leading key. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists btree_gist');
  await knex.raw(`
    create table municipalities (
      id            serial primary key,
      code          text not null unique check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
      name          text not null check (length(name) between 1 and 200),
      country       char(2) not null check (country in ('DK', 'SE')),
      currency      char(3) not null check (currency in ('DKK', 'SEK')),
      time_zone     text not null check (time_zone in ('Europe/Copenhagen', 'Europe/Stockholm')),
      language      char(2) not null check (language in ('da', 'sv', 'en')),
      company_number text,
      electronic_address text,
      electronic_address_scheme text,
      address       text,
      -- How a change of provider takes effect: see docs/data-model.md
      choice_notice_rule text not null default 'next_month_start'
        check (choice_notice_rule in ('immediate', 'next_month_start', 'rest_of_month_plus_one_month', 'days')),
      choice_notice_days integer not null default 0 check (choice_notice_days between 0 and 365),
      created_at    timestamptz not null default now(),
      updated_at    timestamptz not null default now()
    )`);
  // Municipality-specific closed days on top of the national holiday calendar.
  await knex.raw(`
    create table municipal_holidays (
      municipality_id integer not null references municipalities(id),
      date            date not null,
      name            text not null,
      created_at      timestamptz not null default now(),
      primary key (municipality_id, date)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table municipal_holidays');
  await knex.raw('drop table municipalities');
}
