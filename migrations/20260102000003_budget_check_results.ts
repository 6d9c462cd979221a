import type { Knex } from 'knex';

/**
 * Weekly budget checks. Every run (scheduled, manual, demo; succeeded or failed) is kept in
 * budget_check_runs; the latest successful result of a week replaces the previous one in
 * budget_check_results, with one row per budget line (money in NUMERIC) and, for traceability,
 * the grant versions that made the hours and their minutes that week (two parallel arrays:
 * one row per week instead of one per grant keeps 100 k grants cheap to store and read).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table budget_check_runs (
      id              serial primary key,
      municipality_id integer not null references municipalities(id),
      week            text not null check (week ~ '^\\d{4}-W\\d{2}$'),
      trigger         text not null check (trigger in ('schedule', 'manual', 'demo')),
      actor           text not null,
      started_at      timestamptz not null,
      finished_at     timestamptz not null default clock_timestamp(),
      status          text not null check (status in ('succeeded', 'failed')),
      error           text,
      summary         jsonb not null default '{}'::jsonb,
      unique (municipality_id, id)
    )`);
  await knex.raw('create index budget_check_runs_week on budget_check_runs (municipality_id, week, id)');
  await knex.raw(`
    create table budget_check_results (
      id                  serial primary key,
      municipality_id     integer not null,
      week                text not null check (week ~ '^\\d{4}-W\\d{2}$'),
      week_start          date not null,
      iso_year            integer not null,
      run_id              integer not null,
      computed_at         timestamptz not null,
      watch_above_percent numeric(6, 2) not null,
      over_above_percent  numeric(6, 2) not null,
      granted_minutes     bigint not null,
      recipients          integer not null,
      summary             jsonb not null,
      grant_ids           integer[] not null,
      grant_minutes       integer[] not null,
      foreign key (municipality_id, run_id) references budget_check_runs(municipality_id, id),
      unique (municipality_id, week),
      unique (municipality_id, id),
      check (cardinality(grant_ids) = cardinality(grant_minutes))
    )`);
  await knex.raw(`
    create table budget_check_lines (
      municipality_id         integer not null,
      result_id               integer not null,
      position                smallint not null,
      budget_id               integer not null,
      area                    text,
      category                text,
      annual_budget           numeric(16, 2) not null,
      week_budget             numeric(16, 2) not null,
      granted_minutes         bigint not null,
      granted_cost            numeric(16, 2) not null,
      weighted_price          numeric(14, 4),
      affordable_hours        numeric(14, 2),
      deviation_hours         numeric(14, 2),
      deviation_percent       numeric(10, 2),
      deviation_money         numeric(16, 2) not null,
      status                  text not null check (status in ('ok', 'watch', 'over', 'no_price')),
      recipients              integer not null,
      avg_hours_per_recipient numeric(8, 2),
      delivered_minutes       bigint not null,
      delivery_ratio          numeric(10, 4),
      spent_so_far            numeric(16, 2) not null,
      forecast                numeric(16, 2) not null,
      forecast_deviation      numeric(16, 2) not null,
      primary key (municipality_id, result_id, position),
      foreign key (municipality_id, result_id) references budget_check_results(municipality_id, id) on delete cascade,
      foreign key (municipality_id, budget_id) references budgets(municipality_id, id)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table budget_check_lines');
  await knex.raw('drop table budget_check_results');
  await knex.raw('drop table budget_check_runs');
}
