import type { Knex } from 'knex';

/**
 * One row per (municipality, job, period): the cluster-wide "this period has run" marker. A
 * scheduled job inserts its row with ON CONFLICT DO NOTHING in the same transaction as its work,
 * so of several instances exactly one does the work; a failure is recorded here after rollback.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table job_runs (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      job             text not null check (job ~ '^[a-z0-9-]{1,64}$'),
      period          text not null check (length(period) between 1 and 32),
      status          text not null check (status in ('running', 'succeeded', 'failed')),
      instance        text not null,
      started_at      timestamptz not null default now(),
      finished_at     timestamptz,
      error           text,
      unique (municipality_id, job, period)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table job_runs');
}
