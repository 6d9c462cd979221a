import type { Knex } from 'knex';

/** Which provider serves a citizen for a category, effective-dated [valid_from, valid_to). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table provider_choices (
      id              serial primary key,
      municipality_id integer not null,
      citizen_id      integer not null,
      category        text not null check (category in
        ('personal_care', 'practical_help', 'meals', 'training', 'night_patrol', 'alarm', 'other')),
      provider_id     integer not null,
      valid_from      date not null,
      valid_to        date,
      requested_on    date,
      reason          text not null default 'choice' check (reason in ('initial', 'choice', 'takeover')),
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      foreign key (municipality_id, citizen_id) references citizens(municipality_id, id),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      check (valid_to is null or valid_to > valid_from),
      exclude using gist (municipality_id with =, citizen_id with =, category with =, daterange(valid_from, valid_to) with &&)
    )`);
  await knex.raw('create index provider_choices_provider on provider_choices (municipality_id, provider_id, valid_from)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table provider_choices');
}
