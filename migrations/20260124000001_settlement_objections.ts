import type { Knex } from 'knex';

/**
 * A provider's comments and objections on a draft settlement (issue 19): on one line or one
 * exception, before finance approves. A run replaces a draft (new ids), so an objection is kept
 * per provider and month, with what it was about (line number or the exception's kind and
 * subject, and a readable summary); the draft it was raised on is kept while it exists.
 * Finance answers; approval shows how many are still open (no answer).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table settlement_objections (
      municipality_id integer not null references municipalities(id),
      id              integer generated always as identity,
      provider_id     integer not null,
      period_start    date not null check (extract(day from period_start) = 1),
      settlement_id   integer,
      raised_on       integer not null,
      target          text not null check (target in ('line', 'exception')),
      line_no         integer,
      exception_kind  text,
      subject_key     text,
      subject         text not null check (length(subject) <= 500),
      kind            text not null check (kind in ('comment', 'objection')),
      text            text not null check (length(text) between 1 and 2000),
      raised_by       text not null,
      raised_at       timestamptz not null default now(),
      answer          text check (length(answer) between 1 and 2000),
      answered_by     text,
      answered_at     timestamptz,
      primary key (municipality_id, id),
      check ((target = 'line') = (line_no is not null)),
      check ((target = 'exception') = (subject_key is not null and exception_kind is not null)),
      check ((answer is null) = (answered_at is null) and (answer is null) = (answered_by is null)),
      foreign key (municipality_id, provider_id) references providers(municipality_id, id),
      foreign key (municipality_id, settlement_id) references settlements(municipality_id, id) on delete set null (settlement_id)
    )`);
  await knex.raw('create index settlement_objections_period on settlement_objections (municipality_id, provider_id, period_start)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table settlement_objections');
}
