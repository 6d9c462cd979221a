import type { Knex } from 'knex';

/**
 * The weekly budget check covers the whole budget (docs/budget-check.md, "non-hourly services";
 * issue 18 item 8): level-based and other non-hourly services count in money and in equivalent
 * hours. A line keeps the non-hourly part of its granted cost, those hours and its level-days.
 * Results stored before keep 0 / null: they were computed without non-hourly services.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table budget_check_lines
      add column non_hourly_cost  numeric(16, 2) not null default 0,
      add column equivalent_hours numeric(14, 2),
      add column level_days       integer not null default 0`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table budget_check_lines
      drop column non_hourly_cost,
      drop column equivalent_hours,
      drop column level_days`);
}
