import type { Knex } from 'knex';

/** A citizen away (hospital, respite stay, holiday) over [valid_from, valid_to); suspends grants. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table absences (
      id              serial primary key,
      municipality_id integer not null,
      citizen_id      integer not null,
      kind            text not null check (kind in ('hospital', 'respite', 'holiday')),
      planned         boolean not null default false,
      valid_from      date not null,
      valid_to        date,
      note            text check (length(note) <= 500),
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      foreign key (municipality_id, citizen_id) references citizens(municipality_id, id),
      check (valid_to is null or valid_to > valid_from),
      exclude using gist (municipality_id with =, citizen_id with =, daterange(valid_from, valid_to) with &&)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table absences');
}
