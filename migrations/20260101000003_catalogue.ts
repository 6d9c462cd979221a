import type { Knex } from 'knex';

/** Service catalogues (indsatskatalog / insatskatalog), effective-dated, never overlapping. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table catalogue_versions (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      label           text not null check (length(label) between 1 and 100),
      valid_from      date not null,
      valid_to        date,
      created_at      timestamptz not null default now(),
      unique (municipality_id, id),
      unique (municipality_id, label),
      check (valid_to is null or valid_to > valid_from),
      exclude using gist (municipality_id with =, daterange(valid_from, valid_to) with &&)
    )`);
  await knex.raw(`
    create table services (
      id                   serial primary key,
      municipality_id      integer not null,
      catalogue_version_id integer not null,
      code                 text not null check (code ~ '^[A-Za-z0-9_.-]{1,32}$'),
      name                 text not null check (length(name) between 1 and 200),
      category             text not null check (category in
        ('personal_care', 'practical_help', 'meals', 'training', 'night_patrol', 'alarm', 'other')),
      price_group          text not null check (price_group ~ '^[A-Za-z0-9_.-]{1,64}$'),
      standard_minutes     integer not null check (standard_minutes between 0 and 1440),
      billing_unit         text not null check (billing_unit in ('per_minute', 'per_visit', 'per_month')),
      created_at           timestamptz not null default now(),
      foreign key (municipality_id, catalogue_version_id) references catalogue_versions(municipality_id, id) on delete cascade,
      unique (catalogue_version_id, code),
      unique (municipality_id, id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table services');
  await knex.raw('drop table catalogue_versions');
}
