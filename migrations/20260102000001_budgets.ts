import type { Knex } from 'knex';

/**
 * Budgets adopted by the council, per year and optionally per area and/or service category
 * (NULL means "all"), and the municipality's settings for the weekly budget check.
 * `nulls not distinct` makes (year, NULL, NULL) unique too: one total per year.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table budgets (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      year            integer not null check (year between 2000 and 2100),
      area            text check (area ~ '^[A-Za-z0-9_.-]{1,64}$'),
      category        text check (category in
        ('personal_care', 'practical_help', 'meals', 'training', 'night_patrol', 'alarm', 'other')),
      amount          numeric(16, 2) not null check (amount >= 0),
      note            text check (length(note) <= 500),
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      unique (municipality_id, id),
      constraint budgets_line_key unique nulls not distinct (municipality_id, year, area, category)
    )`);
  await knex.raw(`
    create table budget_check_settings (
      municipality_id     integer primary key references municipalities(id),
      watch_above_percent numeric(6, 2) not null default -2 check (watch_above_percent between -100 and 1000),
      over_above_percent  numeric(6, 2) not null default 0 check (over_above_percent between -100 and 1000),
      target_min_hours    numeric(5, 2) not null default 3.0 check (target_min_hours >= 0),
      target_max_hours    numeric(5, 2) not null default 3.5,
      default_time_band   text check (default_time_band ~ '^[A-Za-z0-9_.-]{1,64}$'),
      updated_at          timestamptz not null default now(),
      check (watch_above_percent <= over_above_percent),
      check (target_min_hours <= target_max_hours)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table budget_check_settings');
  await knex.raw('drop table budgets');
}
