import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { formatRate } from '../../shared/money.js';
import { addDays } from '../reimbursement/calendar/dates.js';
import { catalogueStore } from '../catalogue/catalogue-store.js';
import { ratesInForce } from '../prices/prices-service.js';
import type {
  BillingUnit,
  CheckAbsence,
  CheckGrant,
  CheckLevel,
  CheckLevelGrant,
  CheckPriceList,
  CheckResult,
  CheckService,
  DeliveredMinutes,
  LineResult,
  ProviderKind,
} from './budget-check-evaluator.js';
import type { IsoWeek } from './iso-week.js';
import type {
  BudgetCheck,
  BudgetCheckLine,
  BudgetCheckRun,
  BudgetCheckSettings,
  BudgetCheckSummary,
  Contributor,
} from './budget-schemas.js';

type Db = Knex | Knex.Transaction;

const money = (v: string | null) => (v === null ? null : new Decimal(v).toFixed(2));
const price = (v: string | null) => (v === null ? null : formatRate(v));
const ratio = (v: string | null) => (v === null ? null : new Decimal(v).toFixed(4));
const hours = (minutes: number | string) => new Decimal(minutes).div(60).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
const str = (d: Decimal | null, places = 2) => (d === null ? null : d.toFixed(places));

export async function timeZoneOf(db: Db, municipalityId: number): Promise<string> {
  const r = await db('municipalities').where({ id: municipalityId }).first('time_zone');
  if (!r) throw new Error(`municipality ${municipalityId} vanished`);
  return r.time_zone as string;
}

/** Adopted (or recalculated) price lists overlapping [from, to), each with its Decimal rates. */
export async function priceListsOverlapping(db: Db, municipalityId: number, from: string, to: string): Promise<CheckPriceList[]> {
  const rows = await db('price_lists')
    .where('municipality_id', municipalityId)
    .whereNot('status', 'proposed')
    .andWhere('valid_from', '<', to)
    .andWhere((w) => {
      w.whereNull('valid_to').orWhere('valid_to', '>', from);
    })
    .orderBy('valid_from')
    .select('id', 'valid_from', 'valid_to');
  const lists: CheckPriceList[] = [];
  for (const r of rows) {
    const inForce = await ratesInForce(db as Knex, municipalityId, r.valid_from > from ? r.valid_from : from);
    if (inForce)
      lists.push({
        id: inForce.id,
        validFrom: inForce.validFrom,
        validTo: inForce.validTo,
        rates: inForce.rates,
        levelRates: inForce.levelRates,
      });
  }
  return lists;
}

export async function catalogueVersionOn(db: Db, municipalityId: number, date: string): Promise<number | null> {
  const r = await db('catalogue_versions')
    .where('municipality_id', municipalityId)
    .andWhere('valid_from', '<=', date)
    .andWhere((w) => {
      w.whereNull('valid_to').orWhere('valid_to', '>', date);
    })
    .first('id');
  return r ? (r.id as number) : null;
}

/**
 * Current grants active in [from, to), with what the evaluators need from the citizen (area),
 * the catalogue version `cv` (price group, billing unit) and the provider chosen on `choiceOn`.
 * One set-based query; rows are mapped without per-row queries.
 */
export async function activeGrants(
  db: Db,
  municipalityId: number,
  from: string,
  to: string,
  cv: number | null,
  choiceOn: string,
  nonHourlyOnly = false,
) {
  const { rows } = await db.raw(
    `select g.id, g.citizen_id, g.category, g.minutes_per_occurrence, g.frequency_type, g.frequency_count, g.weekdays,
            g.staff_count, g.valid_from, g.valid_to, g.time_band, c.area, s.price_group, s.billing_unit,
            p.kind as provider_kind, p.id as provider_id
       from grants g
       join citizens c on c.municipality_id = g.municipality_id and c.id = g.citizen_id
       left join services s on s.municipality_id = g.municipality_id and s.catalogue_version_id = ? and s.code = g.service_code
       left join provider_choices pc on pc.municipality_id = g.municipality_id and pc.citizen_id = g.citizen_id
            and pc.category = g.category and pc.valid_from <= ? and (pc.valid_to is null or pc.valid_to > ?)
       left join providers p on p.municipality_id = pc.municipality_id and p.id = pc.provider_id
      where g.municipality_id = ? and g.superseded_at is null
        and g.valid_from < ? and (g.valid_to is null or g.valid_to > ?)${nonHourlyOnly ? ` and s.billing_unit <> 'per_minute'` : ''}`,
    [cv ?? 0, choiceOn, choiceOn, municipalityId, to, from],
  );
  return (rows as Record<string, any>[]).map((r): CheckGrant & { providerId: number | null } => ({
    id: r.id,
    citizenId: r.citizen_id,
    category: r.category,
    area: r.area,
    priceGroup: r.price_group,
    billingUnit: r.billing_unit as BillingUnit | null,
    providerKind: (r.provider_kind ?? 'municipal') as ProviderKind,
    providerId: r.provider_id,
    timeBand: r.time_band,
    frequency: { type: r.frequency_type, count: r.frequency_count, weekdays: r.weekdays ? (r.weekdays as unknown[]).map(Number) : null },
    validFrom: r.valid_from,
    validTo: r.valid_to,
    minutesPerOccurrence: r.minutes_per_occurrence,
    staffCount: r.staff_count,
  }));
}

/**
 * Level grants overlapping [from, to), with the citizen's area and the kind of the provider chosen
 * on `choiceOn` for the level's category in catalogue version `cv` (municipal when none is chosen
 * or the level is not in that version).
 */
export async function levelGrantsOverlapping(
  db: Db,
  municipalityId: number,
  from: string,
  to: string,
  cv: number | null,
  choiceOn: string,
): Promise<CheckLevelGrant[]> {
  const { rows } = await db.raw(
    `select lg.id, lg.citizen_id, lg.level_code, lg.valid_from, lg.valid_to, c.area, p.kind as provider_kind
       from level_grants lg
       join citizens c on c.municipality_id = lg.municipality_id and c.id = lg.citizen_id
       left join catalogue_levels l on l.municipality_id = lg.municipality_id and l.catalogue_version_id = ? and l.code = lg.level_code
       left join provider_choices pc on pc.municipality_id = lg.municipality_id and pc.citizen_id = lg.citizen_id
            and pc.category = l.category and pc.valid_from <= ? and (pc.valid_to is null or pc.valid_to > ?)
       left join providers p on p.municipality_id = pc.municipality_id and p.id = pc.provider_id
      where lg.municipality_id = ? and lg.valid_from < ? and (lg.valid_to is null or lg.valid_to > ?)`,
    [cv ?? 0, choiceOn, choiceOn, municipalityId, to, from],
  );
  return (rows as Record<string, any>[]).map((r) => ({
    id: r.id,
    citizenId: r.citizen_id,
    level: r.level_code,
    area: r.area,
    providerKind: (r.provider_kind ?? 'municipal') as ProviderKind,
    validFrom: r.valid_from,
    validTo: r.valid_to,
  }));
}

/** The levels of catalogue version `cv` by code: category and expected hours per week. */
export async function levelsOf(db: Db, municipalityId: number, cv: number | null): Promise<Map<string, CheckLevel>> {
  if (cv === null) return new Map();
  const levels = await catalogueStore.levelsOfVersion(db, municipalityId, cv);
  return new Map(
    levels.map((l) => [
      l.code,
      { category: l.category, expectedHoursPerWeek: l.expectedHoursPerWeek === null ? null : new Decimal(l.expectedHoursPerWeek) },
    ]),
  );
}

export async function absencesOverlapping(db: Db, municipalityId: number, from: string, to: string): Promise<CheckAbsence[]> {
  const rows = await db('absences')
    .where('municipality_id', municipalityId)
    .andWhere('valid_from', '<', to)
    .andWhere((w) => {
      w.whereNull('valid_to').orWhere('valid_to', '>', from);
    })
    .select('citizen_id', 'valid_from', 'valid_to');
  return rows.map((r) => ({ citizenId: r.citizen_id, validFrom: r.valid_from, validTo: r.valid_to }));
}

/**
 * Delivered (and replacement) visits in local days [from, to), as staff minutes per local day
 * and pricing key. A visit with several service codes is shared evenly between them; the
 * category, price group and billing unit come from the catalogue in force on the visit's day.
 * Time in the category of a level the citizen holds that day is left out: the level pays for it.
 */
export async function deliveredMinutes(
  db: Db,
  municipalityId: number,
  timeZone: string,
  from: string,
  to: string,
): Promise<DeliveredMinutes[]> {
  const { rows } = await db.raw(
    `with v as (
       select (v.occurs_at at time zone ?)::date as day, u.code, v.provider_id, coalesce(v.area, c.area) as area,
              -- the citizen only where a level grant covers the day (keeps the rows few without levels)
              case when exists (select 1 from level_grants lg where lg.municipality_id = v.municipality_id and lg.citizen_id = v.citizen_id
                                   and lg.valid_from <= (v.occurs_at at time zone ?)::date
                                   and (lg.valid_to is null or lg.valid_to > (v.occurs_at at time zone ?)::date))
                   then v.citizen_id end as level_citizen,
              sum(extract(epoch from (v.actual_end - v.actual_start)) / 60.0 * v.staff_count / cardinality(v.service_codes)) as minutes
         from visits v
         join citizens c on c.municipality_id = v.municipality_id and c.id = v.citizen_id
         cross join lateral unnest(v.service_codes) as u(code)
        where v.municipality_id = ? and v.superseded_at is null and v.status in ('delivered', 'replacement')
          and v.occurs_at >= (?::timestamp at time zone ?) and v.occurs_at < (?::timestamp at time zone ?)
        group by 1, 2, 3, 4, 5)
     select v.day, s.category, s.price_group, s.billing_unit, p.kind as provider_kind, v.area, sum(v.minutes)::text as minutes
       from v
       join providers p on p.municipality_id = ? and p.id = v.provider_id
       join catalogue_versions cv on cv.municipality_id = ? and cv.valid_from <= v.day and (cv.valid_to is null or cv.valid_to > v.day)
       join services s on s.catalogue_version_id = cv.id and s.code = v.code
       -- time in the category of a level the citizen holds that day is paid by the level (non-hourly money)
       left join level_grants lg on lg.municipality_id = cv.municipality_id and lg.citizen_id = v.level_citizen
            and lg.valid_from <= v.day and (lg.valid_to is null or lg.valid_to > v.day)
       left join catalogue_levels l on l.municipality_id = lg.municipality_id and l.catalogue_version_id = cv.id
            and l.code = lg.level_code and l.category = s.category
      where l.code is null
      group by 1, 2, 3, 4, 5, 6`,
    [timeZone, timeZone, timeZone, municipalityId, from, timeZone, to, timeZone, municipalityId, municipalityId],
  );
  return (rows as Record<string, any>[]).map((r) => ({
    date: r.day,
    category: r.category,
    area: r.area,
    priceGroup: r.price_group,
    billingUnit: r.billing_unit,
    providerKind: r.provider_kind,
    minutes: new Decimal(r.minutes),
  }));
}

export async function servicesOn(db: Db, municipalityId: number, date: string): Promise<CheckService[]> {
  const map = await catalogueStore.servicesInForce(db, municipalityId, date);
  return [...map.values()].map((s) => ({ code: s.code, category: s.category, priceGroup: s.priceGroup, billingUnit: s.billingUnit }));
}

/**
 * Runs independent queries in parallel on a pool, one after the other in a transaction (its one
 * connection cannot run two queries at once).
 */
export async function inParallel<T extends readonly (() => Promise<unknown>)[]>(
  db: Db,
  fns: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  if (!('isTransaction' in db && db.isTransaction)) return Promise.all(fns.map((f) => f())) as never;
  const out: unknown[] = [];
  for (const f of fns) out.push(await f());
  return out as never;
}

/** Loads everything the weekly evaluator needs for one week, set-based (a handful of queries). */
export async function loadWeekInputs(db: Db, municipalityId: number, week: IsoWeek) {
  const thursday = addDays(week.monday, 3);
  const yearStart = `${week.year}-01-01`;
  const from = yearStart < week.monday ? yearStart : week.monday;
  const timeZone = await timeZoneOf(db, municipalityId);
  const cv = await catalogueVersionOn(db, municipalityId, thursday);
  const [grants, periodGrants, levelGrants, levels, absences, priceLists, services, delivered] = await inParallel(db, [
    () => activeGrants(db, municipalityId, week.monday, week.end, cv, thursday),
    // non-hourly grants before the week (their spend so far); none when the week starts the year
    () => (from < week.monday ? activeGrants(db, municipalityId, from, week.monday, cv, thursday, true) : Promise.resolve([])),
    () => levelGrantsOverlapping(db, municipalityId, from, week.end, cv, thursday),
    () => levelsOf(db, municipalityId, cv),
    () => absencesOverlapping(db, municipalityId, from, week.end),
    () => priceListsOverlapping(db, municipalityId, from, week.end),
    () => servicesOn(db, municipalityId, thursday),
    () => deliveredMinutes(db, municipalityId, timeZone, from, week.end),
  ] as const);
  return { grants, periodGrants, levelGrants, levels, absences, priceLists, services, delivered };
}

export type RunTrigger = BudgetCheckRun['trigger'];

const lineToJson = (l: Record<string, any>): BudgetCheckLine => ({
  budgetId: l.budget_id,
  area: l.area,
  category: l.category,
  annualBudget: money(l.annual_budget)!,
  weekBudget: money(l.week_budget)!,
  grantedHours: hours(l.granted_minutes),
  grantedCost: money(l.granted_cost)!,
  nonHourlyCost: money(l.non_hourly_cost)!,
  equivalentHours: money(l.equivalent_hours),
  levelDays: l.level_days,
  weightedPrice: price(l.weighted_price),
  affordableHours: money(l.affordable_hours),
  deviationHours: money(l.deviation_hours),
  deviationPercent: money(l.deviation_percent),
  deviationMoney: money(l.deviation_money)!,
  status: l.status,
  recipients: l.recipients,
  avgHoursPerRecipient: money(l.avg_hours_per_recipient),
  deliveredHours: hours(l.delivered_minutes),
  deliveryRatio: ratio(l.delivery_ratio),
  spentSoFar: money(l.spent_so_far)!,
  forecast: money(l.forecast)!,
  forecastDeviation: money(l.forecast_deviation)!,
});

const lineColumns = (municipalityId: number, resultId: number, l: LineResult, position: number) => ({
  municipality_id: municipalityId,
  result_id: resultId,
  position,
  budget_id: l.budgetId,
  area: l.area,
  category: l.category,
  annual_budget: l.annualBudget.toFixed(2),
  week_budget: l.weekBudget.toFixed(2),
  granted_minutes: l.grantedMinutes,
  granted_cost: l.grantedCost.toFixed(2),
  non_hourly_cost: l.nonHourlyCost.toFixed(2),
  equivalent_hours: str(l.equivalentHours),
  level_days: l.levelDays,
  weighted_price: str(l.weightedPrice, 4),
  affordable_hours: str(l.affordableHours),
  deviation_hours: str(l.deviationHours),
  deviation_percent: str(l.deviationPercent),
  deviation_money: l.deviationMoney.toFixed(2),
  status: l.status,
  recipients: l.recipients,
  avg_hours_per_recipient: str(l.avgHoursPerRecipient),
  delivered_minutes: l.deliveredMinutes,
  delivery_ratio: str(l.deliveryRatio, 4),
  spent_so_far: l.spentSoFar.toFixed(2),
  forecast: l.forecast.toFixed(2),
  forecast_deviation: l.forecastDeviation.toFixed(2),
});

const STATUS_ORDER = ['no_budget', 'ok', 'watch', 'no_price', 'over'] as const;
export const worstStatus = (statuses: readonly string[]): BudgetCheckSummary['worstStatus'] =>
  statuses.reduce<BudgetCheckSummary['worstStatus']>(
    (w, s) => (STATUS_ORDER.indexOf(s as never) > STATUS_ORDER.indexOf(w) ? (s as BudgetCheckSummary['worstStatus']) : w),
    'no_budget',
  );

/** What a run keeps in its history row: enough to read the verdict without the (replaced) result. */
export const runSummary = (r: CheckResult) => ({
  grantedHours: hours(r.grantedMinutes),
  recipients: r.recipients,
  contributingGrants: r.contributions.grantIds.length,
  lines: r.lines.map((l) => ({
    budgetId: l.budgetId,
    area: l.area,
    category: l.category,
    grantedHours: l.grantedHours.toFixed(2),
    equivalentHours: str(l.equivalentHours),
    affordableHours: str(l.affordableHours),
    deviationPercent: str(l.deviationPercent),
    status: l.status,
  })),
});

const toRun = (r: Record<string, any>): BudgetCheckRun => ({
  id: r.id,
  week: r.week,
  trigger: r.trigger,
  actor: r.actor,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at.toISOString(),
  status: r.status,
  error: r.error,
  summary: r.summary,
});

export const budgetCheckStore = {
  async insertRun(
    db: Db,
    municipalityId: number,
    run: {
      week: string;
      trigger: RunTrigger;
      actor: string;
      startedAt: Date;
      status: 'succeeded' | 'failed';
      error?: string | null;
      summary?: object;
    },
  ): Promise<number> {
    const [row] = await db('budget_check_runs')
      .insert({
        municipality_id: municipalityId,
        week: run.week,
        trigger: run.trigger,
        actor: run.actor,
        started_at: run.startedAt,
        status: run.status,
        error: run.error ?? null,
        summary: JSON.stringify(run.summary ?? {}),
      })
      .returning('id');
    return row.id;
  },

  /** Replaces the week's result (lines cascade) with the new one. */
  async saveResult(
    tx: Knex.Transaction,
    municipalityId: number,
    runId: number,
    r: CheckResult,
    settings: BudgetCheckSettings,
  ): Promise<void> {
    await tx('budget_check_results').where({ municipality_id: municipalityId, week: r.week.key }).delete();
    const [row] = await tx('budget_check_results')
      .insert({
        municipality_id: municipalityId,
        week: r.week.key,
        week_start: r.week.monday,
        iso_year: r.week.year,
        run_id: runId,
        computed_at: tx.fn.now(),
        watch_above_percent: settings.watchAbovePercent,
        over_above_percent: settings.overAbovePercent,
        granted_minutes: r.grantedMinutes,
        recipients: r.recipients,
        summary: JSON.stringify({
          priceListIds: r.priceListIds,
          avgHoursPerRecipient: str(r.avgHoursPerRecipient),
          target: { minHours: r.target.minHours.toFixed(2), maxHours: r.target.maxHours.toFixed(2), status: r.target.status },
          recipientsByBand: r.recipientsByBand,
          breakdown: r.breakdown.map((b) => ({
            category: b.category,
            area: b.area,
            grantedHours: hours(b.grantedMinutes),
            recipients: b.recipients,
          })),
          unbudgetedHours: hours(r.unbudgetedMinutes),
          excluded: r.excluded,
          nonHourly: { ...r.nonHourly, cost: r.nonHourly.cost.toFixed(2) },
        }),
        grant_ids: r.contributions.grantIds,
        grant_minutes: r.contributions.minutes,
      })
      .returning('id');
    if (r.lines.length > 0) await tx('budget_check_lines').insert(r.lines.map((l, i) => lineColumns(municipalityId, row.id, l, i)));
  },

  async result(db: Db, municipalityId: number, week: string): Promise<BudgetCheck | undefined> {
    const h = await db('budget_check_results')
      .where({ municipality_id: municipalityId, week })
      .first(
        'id',
        'week',
        'week_start',
        'run_id',
        'computed_at',
        'watch_above_percent',
        'over_above_percent',
        'granted_minutes',
        'recipients',
        'summary',
        db.raw('cardinality(grant_ids) as contributing'),
      );
    if (!h) return undefined;
    const lines = await db('budget_check_lines').where({ municipality_id: municipalityId, result_id: h.id }).orderBy('position');
    const s = h.summary;
    return {
      week: h.week,
      weekStart: h.week_start,
      runId: h.run_id,
      computedAt: h.computed_at.toISOString(),
      thresholds: { watchAbovePercent: money(h.watch_above_percent)!, overAbovePercent: money(h.over_above_percent)! },
      priceListIds: s.priceListIds,
      grantedHours: hours(h.granted_minutes),
      recipients: h.recipients,
      avgHoursPerRecipient: s.avgHoursPerRecipient,
      // jsonb keeps keys in its own order: rebuild the objects in the documented one
      target: { minHours: s.target.minHours, maxHours: s.target.maxHours, status: s.target.status },
      recipientsByBand: {
        under2: s.recipientsByBand.under2,
        from2To8: s.recipientsByBand.from2To8,
        from8To20: s.recipientsByBand.from8To20,
        from20: s.recipientsByBand.from20,
      },
      breakdown: s.breakdown.map((b: Record<string, any>) => ({
        category: b.category,
        area: b.area,
        grantedHours: b.grantedHours,
        recipients: b.recipients,
      })),
      unbudgetedHours: s.unbudgetedHours,
      // results stored before the whole-budget check counted non-hourly grants as excluded
      excluded: { noService: s.excluded.noService, noPrice: s.excluded.noPrice },
      nonHourly: s.nonHourly
        ? { grants: s.nonHourly.grants, levelGrants: s.nonHourly.levelGrants, levelDays: s.nonHourly.levelDays, cost: s.nonHourly.cost }
        : null,
      contributingGrants: Number(h.contributing),
      lines: lines.map(lineToJson),
    };
  },

  async results(db: Db, municipalityId: number, year: number | undefined): Promise<BudgetCheckSummary[]> {
    const q = db('budget_check_results').where('municipality_id', municipalityId);
    if (year !== undefined) q.andWhere('iso_year', year);
    const heads = await q
      .orderBy('week_start')
      .select('id', 'week', 'week_start', 'run_id', 'computed_at', 'granted_minutes', 'recipients');
    const lines = heads.length
      ? await db('budget_check_lines')
          .where('municipality_id', municipalityId)
          .whereIn(
            'result_id',
            heads.map((h) => h.id),
          )
          .orderBy(['result_id', 'position'])
      : [];
    return heads.map((h) => {
      const own = lines.filter((l) => l.result_id === h.id).map(lineToJson);
      return {
        week: h.week,
        weekStart: h.week_start,
        runId: h.run_id,
        computedAt: h.computed_at.toISOString(),
        grantedHours: hours(h.granted_minutes),
        recipients: h.recipients,
        worstStatus: worstStatus(own.map((l) => l.status)),
        lines: own.map((l) => ({
          budgetId: l.budgetId,
          area: l.area,
          category: l.category,
          grantedHours: l.grantedHours,
          equivalentHours: l.equivalentHours,
          affordableHours: l.affordableHours,
          deviationPercent: l.deviationPercent,
          status: l.status,
        })),
      };
    });
  },

  /** The stored lines of a year's results, with the thresholds of each week (for the series). */
  async seriesRows(db: Db, municipalityId: number, year: number) {
    return db('budget_check_results as r')
      .join('budget_check_lines as l', function () {
        this.on('l.municipality_id', 'r.municipality_id').andOn('l.result_id', 'r.id');
      })
      .where({ 'r.municipality_id': municipalityId, 'r.iso_year': year })
      .orderBy(['r.week_start', 'l.position'])
      .select(
        'r.week',
        'r.week_start',
        'r.watch_above_percent',
        'r.over_above_percent',
        'l.area',
        'l.category',
        'l.granted_minutes',
        'l.equivalent_hours',
        'l.affordable_hours',
        'l.deviation_percent',
        'l.status',
      );
  },

  async runs(db: Db, municipalityId: number, week: string | undefined, page: { limit: number; offset: number }) {
    const q = db('budget_check_runs').where('municipality_id', municipalityId);
    if (week) q.andWhere('week', week);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.orderBy('id', 'desc').limit(page.limit).offset(page.offset);
    return { items: rows.map(toRun), total: Number(count) };
  },

  /** The grants behind a stored week, largest first, optionally narrowed to a category and area. */
  async contributors(
    db: Db,
    municipalityId: number,
    week: string,
    f: { category?: string; area?: string },
    page: { limit: number; offset: number },
  ) {
    const head = await db('budget_check_results').where({ municipality_id: municipalityId, week }).first('id');
    if (!head) return undefined;
    const base = db
      .from(db.raw('budget_check_results r cross join lateral unnest(r.grant_ids, r.grant_minutes) as x(grant_id, minutes)'))
      .join('grants as g', function () {
        this.on('g.municipality_id', 'r.municipality_id').andOn('g.id', 'x.grant_id');
      })
      .join('citizens as c', function () {
        this.on('c.municipality_id', 'g.municipality_id').andOn('c.id', 'g.citizen_id');
      })
      .where('r.id', head.id)
      .andWhere('r.municipality_id', municipalityId);
    if (f.category) base.andWhere('g.category', f.category);
    if (f.area) base.andWhere('c.area', f.area);
    const [{ count, minutes }] = (await base.clone().select(db.raw('count(*) as count, coalesce(sum(x.minutes), 0) as minutes'))) as [
      { count: string; minutes: string },
    ];
    const rows = await base
      .select('g.*', 'c.ref as citizen_ref', 'c.area', 'x.minutes')
      .orderBy([{ column: 'x.minutes', order: 'desc' }, { column: 'g.id' }])
      .limit(page.limit)
      .offset(page.offset);
    const items: Contributor[] = rows.map((r) => ({
      grantId: r.id,
      sourceSystem: r.source_system,
      externalId: r.external_id,
      version: r.version,
      citizenId: r.citizen_id,
      citizenRef: r.citizen_ref,
      area: r.area,
      serviceCode: r.service_code,
      category: r.category,
      frequency: {
        type: r.frequency_type,
        count: r.frequency_count,
        ...(r.weekdays ? { weekdays: (r.weekdays as unknown[]).map(Number) } : {}),
      },
      minutesPerOccurrence: r.minutes_per_occurrence,
      staffCount: r.staff_count,
      grantedHours: hours(r.minutes),
    }));
    return { items, total: Number(count), grantedHours: hours(minutes) };
  },
};
