import type { Knex } from 'knex';

/**
 * Password sign-in attempts per account and per client address (issue 20, defect 4), kept in
 * PostgreSQL so that every instance on the database counts the same attempts. A password
 * sign-in names its municipality, so both counters belong to one: an attempt against an unknown
 * municipality cannot succeed and is left to the per-instance limit (docs/security.md).
 * subject: 'account:<username>' or 'address:<ip>'; one fixed window per subject.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table sign_in_throttles (
      municipality_id   integer not null references municipalities(id),
      subject           text not null check (subject ~ '^(account|address):.{1,100}$'),
      attempts          integer not null check (attempts >= 0),
      window_started_at timestamptz not null,
      primary key (municipality_id, subject)
    )`);
  await knex.raw('create index sign_in_throttles_window on sign_in_throttles (municipality_id, window_started_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table sign_in_throttles');
}
