import type { Knex } from 'knex';

/**
 * Delivered-visit records from time registration. Facts are never overwritten: a re-import that
 * changes a visit adds version n+1 and stamps superseded_at on version n (an approved settlement
 * may have used it). Only the current version (superseded_at is null) is unique per
 * (municipality, source_system, external_id).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table import_batches (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      kind            text not null check (kind in ('visits', 'grants')),
      format          text not null check (format in ('csv', 'json')),
      source_system   text not null,
      filename        text,
      actor           text not null,
      started_at      timestamptz not null default now(),
      finished_at     timestamptz,
      total_rows      integer not null default 0,
      accepted        integer not null default 0,
      unchanged       integer not null default 0,
      updated         integer not null default 0,
      rejected        integer not null default 0,
      rejections      jsonb not null default '[]'::jsonb,
      unique (municipality_id, id)
    )`);
  await knex.raw(`
    create table visits (
      id              bigserial primary key,
      municipality_id integer not null,
      source_system   text not null check (source_system ~ '^[A-Za-z0-9_.-]{1,64}$'),
      external_id     text not null check (length(external_id) between 1 and 128),
      version         integer not null default 1 check (version >= 1),
      superseded_at   timestamptz,
      import_batch_id integer,
      provider_id     integer not null,
      citizen_id      integer not null,
      service_codes   text[] not null check (cardinality(service_codes) between 1 and 20),
      planned_start   timestamptz,
      planned_end     timestamptz,
      actual_start    timestamptz,
      actual_end      timestamptz,
      status          text not null check (status in
        ('delivered', 'cancelled_by_citizen', 'no_show', 'cancelled_by_provider', 'replacement')),
      staff_count     smallint not null default 1 check (staff_count between 1 and 4),
      cancelled_at    timestamptz,
      area            text check (area ~ '^[A-Za-z0-9_.-]{1,64}$'),
      occurs_at       timestamptz generated always as (coalesce(actual_start, planned_start)) stored,
      recorded_at     timestamptz not null default now(),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      foreign key (municipality_id, citizen_id) references citizens(municipality_id, id),
      foreign key (municipality_id, import_batch_id) references import_batches(municipality_id, id),
      check (actual_end is null or actual_start is not null),
      check (actual_end is null or actual_end > actual_start),
      check (planned_end is null or planned_start is not null),
      check (planned_end is null or planned_end > planned_start),
      check (occurs_at is not null),
      check (status not in ('delivered', 'replacement') or (actual_start is not null and actual_end is not null))
    )`);
  await knex.raw(`create unique index visits_current_key on visits (municipality_id, source_system, external_id)
                  where superseded_at is null`);
  await knex.raw(`create index visits_provider_time on visits (municipality_id, provider_id, occurs_at) where superseded_at is null`);
  await knex.raw(`create index visits_citizen_time on visits (municipality_id, citizen_id, occurs_at) where superseded_at is null`);
  await knex.raw(`alter table grants add foreign key (municipality_id, import_batch_id) references import_batches(municipality_id, id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table grants drop constraint grants_municipality_id_import_batch_id_fkey');
  await knex.raw('drop table visits');
  await knex.raw('drop table import_batches');
}
