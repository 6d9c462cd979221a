import type { Knex } from 'knex';

/**
 * The recalculation runs "løbende efter behov og mindst en gang årligt" (Ældreloven § 19 stk. 4):
 * more than once a year, each from a given date, each adjustment covering only its span. A cost
 * statement may cover a span [period_from, period_to) of its year, both the 1st of a month (the
 * settlements are monthly); null is the whole year, as every existing statement. Spans of one
 * municipality never overlap (exclusion constraint), and a recalculation belongs to its statement
 * (one each), so a year may have several. Nothing is backfilled: existing rows keep null, the
 * whole year, and their meaning.
 */
const span = `daterange(coalesce(period_from, make_date(year, 1, 1)), coalesce(period_to, make_date(year + 1, 1, 1)))`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table cost_statements
    add column period_from date,
    add column period_to date,
    add constraint cost_statements_span_check check (
      (period_from is null) = (period_to is null)
      and (period_from is null or (
        period_from < period_to and extract(day from period_from) = 1 and extract(day from period_to) = 1
        and period_from >= make_date(year, 1, 1) and period_to <= make_date(year + 1, 1, 1))))`);
  await knex.raw('alter table cost_statements drop constraint cost_statements_municipality_id_year_key');
  await knex.raw(`alter table cost_statements add constraint cost_statements_span_excl
    exclude using gist (municipality_id with =, (${span}) with &&)`);
  await knex.raw('alter table price_recalculations drop constraint price_recalculations_municipality_id_year_key');
  await knex.raw(`alter table price_recalculations add constraint price_recalculations_statement_key
    unique (municipality_id, cost_statement_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table price_recalculations drop constraint price_recalculations_statement_key');
  await knex.raw(
    'alter table price_recalculations add constraint price_recalculations_municipality_id_year_key unique (municipality_id, year)',
  );
  await knex.raw('alter table cost_statements drop constraint cost_statements_span_excl');
  await knex.raw('alter table cost_statements add constraint cost_statements_municipality_id_year_key unique (municipality_id, year)');
  await knex.raw('alter table cost_statements drop constraint cost_statements_span_check, drop column period_to, drop column period_from');
}
