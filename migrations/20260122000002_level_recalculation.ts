import type { Knex } from 'knex';

/**
 * The recalculation covers level prices (issue 18 item 9; Ældreloven § 19): a price category may
 * be a level's price per day, week or month (level_code, unit; no time bands), with the overhead
 * rate of its area (overhead_percent per category, e.g. 6.0 helhedspleje, 3.6 meal delivery, 6.3
 * friplejeboliger; null: the municipality's setting), and the in-house provider's delivered
 * level-days (delivered_days, when entered). The policy may differ per provider kind
 * (kind_policies: { "<kind code>": "none" | "upward_only" | "symmetric" }). An adjustment line
 * says what it is paid in (unit: per_hour, or the level price's unit). Existing rows keep their
 * meaning: hourly categories, no per-category overhead, no kind policies, lines per hour.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table cost_statement_categories
    add column level_code text check (level_code ~ '^[A-Za-z0-9_.-]{1,32}$'),
    add column unit text check (unit in ('per_day', 'per_week', 'per_month')),
    add column overhead_percent numeric(6, 3) check (overhead_percent >= 0 and overhead_percent < 100)`);
  await knex.raw('alter table cost_statement_categories drop constraint cost_statement_categories_time_bands_check');
  await knex.raw(`alter table cost_statement_categories add constraint cost_statement_categories_kind_check check (
    (level_code is null and unit is null and cardinality(time_bands) >= 1)
    or (level_code is not null and unit is not null and cardinality(time_bands) = 0))`);
  await knex.raw('alter table cost_statement_hours add column delivered_days numeric(14, 4) check (delivered_days >= 0)');
  await knex.raw(`alter table price_recalculation_settings add column kind_policies jsonb not null default '{}'::jsonb`);
  await knex.raw(`alter table price_adjustment_lines
    add column unit text not null default 'per_hour' check (unit in ('per_hour', 'per_day', 'per_week', 'per_month'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table price_adjustment_lines drop column unit');
  await knex.raw('alter table price_recalculation_settings drop column kind_policies');
  await knex.raw('alter table cost_statement_hours drop column delivered_days');
  await knex.raw('alter table cost_statement_categories drop constraint cost_statement_categories_kind_check');
  await knex.raw(
    'alter table cost_statement_categories add constraint cost_statement_categories_time_bands_check check (cardinality(time_bands) >= 1)',
  );
  await knex.raw('alter table cost_statement_categories drop column overhead_percent, drop column unit, drop column level_code');
}
