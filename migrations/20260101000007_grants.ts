import type { Knex } from 'knex';

/**
 * Grants (visiteret tid / beviljad tid). Never edited in place: a change adds a new version
 * and stamps superseded_at on the old one, so a settlement can always be traced to the grant
 * it used. (source_system, external_id) identifies a grant across versions.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table grants (
      id                 serial primary key,
      municipality_id    integer not null,
      source_system      text not null check (source_system ~ '^[A-Za-z0-9_.-]{1,64}$'),
      external_id        text not null check (length(external_id) between 1 and 128),
      version            integer not null default 1 check (version >= 1),
      superseded_at      timestamptz,
      import_batch_id    integer,
      citizen_id         integer not null,
      service_code       text not null,
      category           text not null check (category in
        ('personal_care', 'practical_help', 'meals', 'training', 'night_patrol', 'alarm', 'other')),
      minutes_per_occurrence integer not null check (minutes_per_occurrence between 0 and 1440),
      frequency_type     text not null check (frequency_type in ('daily', 'weekly', 'biweekly', 'monthly', 'weekdays')),
      frequency_count    integer not null default 1 check (frequency_count between 1 and 100),
      weekdays           smallint[] check (weekdays <@ array[1,2,3,4,5,6,7]::smallint[]),
      time_band          text,
      planned_time       time,
      staff_count        smallint not null default 1 check (staff_count between 1 and 2),
      valid_from         date not null,
      valid_to           date,
      duration_kind      text not null default 'permanent' check (duration_kind in ('temporary', 'permanent')),
      recorded_at        timestamptz not null default now(),
      foreign key (municipality_id, citizen_id) references citizens(municipality_id, id),
      unique (municipality_id, id),
      check (valid_to is null or valid_to > valid_from),
      check ((frequency_type = 'weekdays') = (weekdays is not null and cardinality(weekdays) > 0))
    )`);
  await knex.raw(`create unique index grants_current_key on grants (municipality_id, source_system, external_id)
                  where superseded_at is null`);
  await knex.raw(`create index grants_citizen on grants (municipality_id, citizen_id, valid_from) where superseded_at is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table grants');
}
