import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { notFound, text, unprocessable, type LocalisedText } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import { evaluateWeek, type CheckResult } from './budget-check-evaluator.js';
import { budgetCheckStore, loadWeekInputs, runSummary, type RunTrigger } from './budget-check-store.js';
import { parseBudgetCsv } from './budget-import.js';
import type {
  BudgetCheck,
  BudgetCheckSettingsUpdate,
  BudgetCreate,
  BudgetFilter,
  BudgetImportResult,
  BudgetUpdate,
  ContributorsQuery,
  FollowUp,
  SeriesQuery,
} from './budget-schemas.js';
import { budgetsStore, checkSettingsOf, lineKey } from './budgets-store.js';
import { evaluateFollowUp } from './follow-up-evaluator.js';
import { loadFollowUpInputs } from './follow-up-store.js';
import { parseIsoWeek, weeksOf, type IsoWeek } from './iso-week.js';
import { chartTitle, seriesCsv, seriesSvg, type SeriesPoint } from './series-chart.js';
import { areasStore } from '../areas/areas-store.js';
import type { Language } from '../invoices/invoice-types.js';

type Page = { limit: number; offset: number };

const weekOrThrow = (key: string): IsoWeek => {
  const w = parseIsoWeek(key);
  if (!w)
    throw unprocessable(`${key} is not an ISO week that exists (YYYY-Www, e.g. 2026-W10; 2026 has 53 weeks)`).localised(
      'budget.not_iso_week',
      {
        key,
      },
    );
  return w;
};

const scopeLabel = (l: { area: string | null; category: string | null }) =>
  `${l.category ?? 'all categories'}, ${l.area ? `area ${l.area}` : 'all areas'}`;
/** scopeLabel with its catalogue message (the category in words in da and sv). */
const scopeText = (l: { area: string | null; category: string | null }): LocalisedText =>
  text(scopeLabel(l), `budget.scope.${l.category === null ? 'all' : 'category'}_${l.area === null ? 'all' : 'area'}`, {
    ...(l.category === null ? {} : { category: l.category }),
    ...(l.area === null ? {} : { area: l.area }),
  });

export class BudgetChecksService {
  constructor(private readonly db: Knex) {}

  // ---- budgets -------------------------------------------------------------------------------

  listBudgets(who: Acting, filter: BudgetFilter, page: Page) {
    return budgetsStore.list(this.db, who.principal.municipalityId, filter, page);
  }

  async getBudget(who: Acting, id: number) {
    const b = await budgetsStore.get(this.db, who.principal.municipalityId, id);
    if (!b) throw notFound('budget', id);
    return b;
  }

  async createBudget(who: Acting, input: BudgetCreate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const created = await budgetsStore.insert(tx, m, input);
      await this.audit(tx, who, 'create', created.id, { after: created });
      return created;
    });
  }

  async updateBudget(who: Acting, id: number, patch: BudgetUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await budgetsStore.get(tx, m, id, true);
      if (!before) throw notFound('budget', id);
      const after = await budgetsStore.update(tx, m, id, patch);
      await this.audit(tx, who, 'update', id, { before, after });
      return after;
    });
  }

  /** All or nothing: any bad row refuses the file (422 with every row's errors); otherwise lines are created or updated. */
  async importBudgets(who: Acting, csv: string, filename: string | null = null): Promise<BudgetImportResult> {
    const { rows, errors } = parseBudgetCsv(csv);
    if (errors.length > 0)
      throw unprocessable(`${errors.length} row error(s); nothing was imported`, { rejected: errors }).localised('import.row_errors', {
        count: errors.length,
      });
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const years = [...new Set(rows.map((r) => r.year))];
      const existing = new Map<string, Awaited<ReturnType<typeof budgetsStore.ofYear>>[number]>();
      for (const y of years) for (const b of await budgetsStore.ofYear(tx, m, y)) existing.set(lineKey(b), b);
      const counts = { rows: rows.length, created: 0, updated: 0, unchanged: 0 };
      for (const row of rows) {
        const before = existing.get(lineKey(row));
        if (!before) {
          const created = await budgetsStore.insert(tx, m, row);
          await this.audit(tx, who, 'create', created.id, { after: created, import: filename });
          counts.created++;
        } else if (!new Decimal(before.amount).eq(row.amount) || (row.note !== undefined && row.note !== before.note)) {
          const after = await budgetsStore.update(tx, m, before.id, { amount: row.amount, note: row.note });
          await this.audit(tx, who, 'update', before.id, { before, after, import: filename });
          counts.updated++;
        } else counts.unchanged++;
      }
      return counts;
    });
  }

  getSettings(who: Acting) {
    return budgetsStore.settings(this.db, who.principal.municipalityId);
  }

  async updateSettings(who: Acting, patch: BudgetCheckSettingsUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await budgetsStore.settings(tx, m);
      const next = {
        watchAbovePercent: patch.watchAbovePercent ?? before.watchAbovePercent,
        overAbovePercent: patch.overAbovePercent ?? before.overAbovePercent,
        targetMinHours: patch.targetMinHours ?? before.targetMinHours,
        targetMaxHours: patch.targetMaxHours ?? before.targetMaxHours,
        defaultTimeBand: patch.defaultTimeBand === undefined ? before.defaultTimeBand : patch.defaultTimeBand,
      };
      if (new Decimal(next.watchAbovePercent).gt(next.overAbovePercent)) {
        throw unprocessable('watchAbovePercent must not be above overAbovePercent', { field: 'watchAbovePercent' }).localised(
          'budget.watch_above_over',
        );
      }
      if (new Decimal(next.targetMinHours).gt(next.targetMaxHours)) {
        throw unprocessable('targetMinHours must not be above targetMaxHours', { field: 'targetMinHours' }).localised(
          'budget.target_min_max',
        );
      }
      const after = await budgetsStore.saveSettings(tx, m, next);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'budget_check_settings',
        entityId: m,
        changes: { before, after },
      });
      return after;
    });
  }

  // ---- the weekly check ----------------------------------------------------------------------

  /** Loads and evaluates a week without storing anything (what the bench times, and the core of a run). */
  async evaluate(db: Knex | Knex.Transaction, municipalityId: number, week: IsoWeek): Promise<CheckResult> {
    return (await this.evaluateWithSettings(db, municipalityId, week)).result;
  }

  private async evaluateWithSettings(db: Knex | Knex.Transaction, municipalityId: number, week: IsoWeek) {
    const settings = await budgetsStore.settings(db, municipalityId);
    const lines = (await budgetsStore.ofYear(db, municipalityId, week.year)).map((b) => ({
      id: b.id,
      area: b.area,
      category: b.category,
      amount: new Decimal(b.amount),
    }));
    const inputs = await loadWeekInputs(db, municipalityId, week);
    return { settings, result: evaluateWeek({ week, ...inputs, budgets: lines, settings: checkSettingsOf(settings) }) };
  }

  /**
   * Runs the check for a week inside the caller's transaction: evaluates, records the run and
   * replaces the week's stored result. The scheduled job calls this in the transaction that
   * also holds its job_runs row, so the marker and the result commit together.
   */
  async runWeekIn(
    tx: Knex.Transaction,
    municipalityId: number,
    week: IsoWeek,
    run: { trigger: RunTrigger; actor: string; startedAt?: Date },
  ) {
    const { settings, result } = await this.evaluateWithSettings(tx, municipalityId, week);
    const runId = await budgetCheckStore.insertRun(tx, municipalityId, {
      week: week.key,
      trigger: run.trigger,
      actor: run.actor,
      startedAt: run.startedAt ?? new Date(),
      status: 'succeeded',
      summary: runSummary(result),
    });
    await budgetCheckStore.saveResult(tx, municipalityId, runId, result, settings);
    return { runId, result };
  }

  /** Records a failed run (outside the failed transaction, which has rolled back). */
  recordFailure(municipalityId: number, week: string, run: { trigger: RunTrigger; actor: string; startedAt: Date }, err: unknown) {
    const error = err instanceof Error ? err.message : String(err);
    return budgetCheckStore.insertRun(this.db, municipalityId, { week, ...run, status: 'failed', error: error.slice(0, 2000) });
  }

  /** Runs or re-runs a week: the new result replaces the week's previous one; every run stays in the history. */
  async runWeek(who: Acting, weekKey: string, trigger: RunTrigger = 'manual'): Promise<BudgetCheck> {
    const week = weekOrThrow(weekKey);
    const m = who.principal.municipalityId;
    const run = { trigger, actor: who.principal.actor, startedAt: new Date() };
    try {
      await this.db.transaction((tx) => this.runWeekIn(tx, m, week, run));
    } catch (err) {
      await this.recordFailure(m, week.key, run, err).catch(() => undefined);
      throw err;
    }
    return (await budgetCheckStore.result(this.db, m, week.key))!;
  }

  async getResult(who: Acting, weekKey: string): Promise<BudgetCheck> {
    const r = await budgetCheckStore.result(this.db, who.principal.municipalityId, weekOrThrow(weekKey).key);
    if (!r) throw notFound('budget check for week', weekKey);
    return r;
  }

  listResults(who: Acting, year: number | undefined) {
    return budgetCheckStore.results(this.db, who.principal.municipalityId, year);
  }

  listRuns(who: Acting, week: string | undefined, page: Page) {
    return budgetCheckStore.runs(this.db, who.principal.municipalityId, week, page);
  }

  async contributors(who: Acting, weekKey: string, q: ContributorsQuery) {
    const { limit, offset, ...filter } = q;
    const r = await budgetCheckStore.contributors(this.db, who.principal.municipalityId, weekOrThrow(weekKey).key, filter, {
      limit,
      offset,
    });
    if (!r) throw notFound('budget check for week', weekKey);
    return { ...r, limit, offset };
  }

  // ---- looking: the year's series ------------------------------------------------------------

  /**
   * The year's weekly series for one budget line (area × category; both absent = the total
   * line). Without a total line, the lines are summed when they do not overlap.
   */
  async series(who: Acting, year: number, q: SeriesQuery): Promise<{ points: SeriesPoint[] }> {
    const rows = await budgetCheckStore.seriesRows(this.db, who.principal.municipalityId, year);
    const want = { area: q.area ?? null, category: q.category ?? null };
    let pick = rows.filter((r) => r.area === want.area && r.category === want.category);
    if (pick.length === 0 && rows.length > 0) {
      const keys = [
        ...new Map(
          rows.map((r) => [lineKey({ year, area: r.area, category: r.category }), { area: r.area, category: r.category }]),
        ).values(),
      ];
      const overlap = keys.some((a, i) =>
        keys.some(
          (b, j) =>
            j > i &&
            (a.area === null || b.area === null || a.area === b.area) &&
            (a.category === null || b.category === null || a.category === b.category),
        ),
      );
      if (q.area !== undefined || q.category !== undefined || overlap) {
        throw unprocessable(`no budget line for ${scopeLabel(want)} in the checks of ${year}; lines: ${keys.map(scopeLabel).join('; ')}`, {
          lines: keys,
        }).localised('budget.no_line', { scope: scopeText(want), year, lines: keys.map(scopeText) });
      }
      pick = rows;
    }
    const byWeek = new Map<string, typeof pick>();
    for (const r of pick) byWeek.set(r.week, [...(byWeek.get(r.week) ?? []), r]);
    const points = weeksOf(year).map((week): SeriesPoint => {
      const ls = byWeek.get(week.key);
      if (!ls)
        return {
          week,
          grantedHours: null,
          affordableHours: null,
          watchFromHours: null,
          overFromHours: null,
          deviationPercent: null,
          status: null,
        };
      // hourly staff hours plus the non-hourly services' equivalent hours
      const granted = new Decimal(ls.reduce((s, l) => s + Number(l.granted_minutes), 0))
        .div(60)
        .plus(Decimal.sum(0, ...ls.map((l) => new Decimal(l.equivalent_hours ?? 0))));
      const affordable = ls.every((l) => l.affordable_hours !== null)
        ? Decimal.sum(0, ...ls.map((l) => new Decimal(l.affordable_hours)))
        : null;
      const watch = new Decimal(ls[0]!.watch_above_percent);
      const over = new Decimal(ls[0]!.over_above_percent);
      // One line: its stored (unrounded-input) percent and status; a sum: recomputed from the lines' figures.
      const one = ls.length === 1 ? ls[0]! : null;
      const pct = one
        ? one.deviation_percent === null
          ? null
          : new Decimal(one.deviation_percent)
        : affordable && !affordable.isZero()
          ? granted.minus(affordable).div(affordable).times(100)
          : null;
      const status = one
        ? (one.status as string)
        : affordable === null
          ? 'no_price'
          : pct === null
            ? granted.gt(0)
              ? 'over'
              : 'ok'
            : pct.gt(over)
              ? 'over'
              : pct.gt(watch)
                ? 'watch'
                : 'ok';
      const at = (p: Decimal) =>
        affordable === null ? null : affordable.times(p.div(100).plus(1)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      return {
        week,
        grantedHours: granted.toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
        affordableHours: affordable,
        watchFromHours: at(watch),
        overFromHours: at(over),
        deviationPercent: pct === null ? null : pct.toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
        status,
      };
    });
    return { points };
  }

  async seriesCsv(who: Acting, year: number, q: SeriesQuery) {
    return seriesCsv((await this.series(who, year, q)).points);
  }

  /** The chart as the budget page draws it, in the municipality's language with its area names. */
  async seriesSvg(who: Acting, year: number, q: SeriesQuery) {
    const { points } = await this.series(who, year, q);
    const m = who.principal.municipalityId;
    const { language } = (await this.db<{ id: number; language: Language }>('municipalities').where({ id: m }).first('language'))!;
    const line = q.category === undefined && q.area === undefined ? null : { category: q.category ?? null, area: q.area ?? null };
    return seriesSvg(chartTitle(year, line, language, await areasStore.names(this.db, m)), points, language);
  }

  // ---- the monthly follow-up -----------------------------------------------------------------

  async followUp(who: Acting, month: string, top = 10): Promise<FollowUp> {
    const [y, mo] = month.split('-').map(Number) as [number, number];
    const from = `${month}-01`;
    const to = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
    return evaluateFollowUp(await loadFollowUpInputs(this.db, who.principal.municipalityId, month, from, to, top));
  }

  private audit(tx: Knex.Transaction, who: Acting, action: string, id: number, changes: Record<string, unknown>) {
    return appendAudit(tx, {
      municipalityId: who.principal.municipalityId,
      actor: who.principal.actor,
      requestId: who.requestId,
      action,
      entity: 'budget',
      entityId: id,
      changes,
    });
  }
}
