import { Decimal } from 'decimal.js';
import { CATEGORIES, type Category } from '../../http/common-schemas.js';
import { dateOf, dayNumber, monthOf } from '../reimbursement/calendar/dates.js';
import { forEachOccurrence, type GrantFrequency } from '../reimbursement/grant-expansion.js';
import type { RateInForce } from '../prices/prices-store.js';
import type { IsoWeek } from './iso-week.js';
import { exactQuotient } from '../../shared/money.js';

/**
 * The weekly budget check as a pure function (docs/budget-check.md has the method in prose).
 *
 * - Granted time: every current grant active in the week, expanded by its frequency
 *   (grant-expansion.ts), minus the days its citizen is absent, times its staff count: staff
 *   minutes, integers throughout. Only hourly services (billing unit per_minute) make hours;
 *   per-visit and per-month services are counted as excluded.
 * - Price of a minute: the adopted price list in force on the day of the occurrence, rate of the
 *   service's price group × time band × the kind of provider the citizen has chosen × area
 *   (area-specific rate first, then the any-area rate). Time band: the grant's own, else the
 *   configured default band, else the mean of the group's hourly rates over all bands.
 * - A budget line's week budget: the line's annual amount in 12 monthly parts, each month's part
 *   spread evenly over its days, summed over the 7 days of the week. The week belongs to its
 *   ISO year (the year of its Thursday), whose budget lines apply to all 7 days.
 * - Affordable hours = week budget ÷ weighted hourly price, where the weights are the granted
 *   minutes of the line per rate (so weighted price = granted cost ÷ granted hours). With no
 *   granted minutes, the plain mean of the hourly rates in the line's scope stands in.
 * - Figures are exact (Decimal) until reported; reported values are rounded half-up: hours,
 *   money and percent to 2 decimals, prices and ratios to 4.
 */

/** The code of one of the municipality's provider kinds. */
export type ProviderKind = string;
export type BillingUnit = 'per_minute' | 'per_visit' | 'per_month';

export interface CheckGrant {
  id: number;
  citizenId: number;
  category: Category;
  /** The citizen's area. */
  area: string | null;
  /** From the catalogue in force on the week's Thursday; null when the service code is not in it. */
  priceGroup: string | null;
  billingUnit: BillingUnit | null;
  /** Kind of the provider the citizen has chosen for the category; municipal when none is chosen. */
  providerKind: ProviderKind;
  timeBand: string | null;
  frequency: GrantFrequency;
  validFrom: string;
  validTo: string | null;
  minutesPerOccurrence: number;
  staffCount: number;
}

export interface CheckAbsence {
  citizenId: number;
  validFrom: string;
  validTo: string | null;
}

export interface CheckPriceList {
  id: number;
  validFrom: string;
  validTo: string | null;
  rates: readonly RateInForce[];
}

export interface CheckService {
  code: string;
  category: Category;
  priceGroup: string;
  billingUnit: BillingUnit;
}

export interface BudgetLine {
  id: number;
  area: string | null;
  category: Category | null;
  /** The annual amount for the week's ISO year. */
  amount: Decimal;
}

export interface CheckSettings {
  watchAbovePercent: Decimal;
  overAbovePercent: Decimal;
  targetMinHours: Decimal;
  targetMaxHours: Decimal;
  defaultTimeBand: string | null;
}

/** Delivered staff minutes of hourly services, aggregated per local day and pricing key. */
export interface DeliveredMinutes {
  date: string;
  category: Category;
  area: string | null;
  priceGroup: string;
  billingUnit: BillingUnit;
  providerKind: ProviderKind;
  minutes: Decimal;
}

export interface CheckInput {
  week: IsoWeek;
  grants: readonly CheckGrant[];
  absences: readonly CheckAbsence[];
  /** Adopted price lists overlapping [1 January of the ISO year (or the Monday if earlier), end of week). */
  priceLists: readonly CheckPriceList[];
  /** The catalogue services in force on the week's Thursday (for the fallback price). */
  services: readonly CheckService[];
  budgets: readonly BudgetLine[];
  settings: CheckSettings;
  /** Delivered minutes from 1 January of the ISO year (or the Monday if earlier) to the end of the week. */
  delivered: readonly DeliveredMinutes[];
}

export type LineStatus = 'ok' | 'watch' | 'over' | 'no_price';
export type TargetStatus = 'below' | 'within' | 'above' | 'no_recipients';

export interface LineResult {
  budgetId: number;
  area: string | null;
  category: Category | null;
  annualBudget: Decimal;
  weekBudget: Decimal;
  grantedMinutes: number;
  grantedHours: Decimal;
  grantedCost: Decimal;
  weightedPrice: Decimal | null;
  affordableHours: Decimal | null;
  deviationHours: Decimal | null;
  deviationPercent: Decimal | null;
  deviationMoney: Decimal;
  status: LineStatus;
  recipients: number;
  avgHoursPerRecipient: Decimal | null;
  deliveredMinutes: number;
  deliveryRatio: Decimal | null;
  spentSoFar: Decimal;
  forecast: Decimal;
  forecastDeviation: Decimal;
}

export interface RecipientBands {
  under2: number;
  from2To8: number;
  from8To20: number;
  from20: number;
}

export interface BreakdownRow {
  category: Category;
  area: string | null;
  grantedMinutes: number;
  recipients: number;
}

export interface CheckResult {
  week: IsoWeek;
  priceListIds: number[];
  lines: LineResult[];
  grantedMinutes: number;
  recipients: number;
  avgHoursPerRecipient: Decimal | null;
  target: { minHours: Decimal; maxHours: Decimal; status: TargetStatus };
  recipientsByBand: RecipientBands;
  breakdown: BreakdownRow[];
  /** Granted minutes that no budget line covers (e.g. a category without a budget). */
  unbudgetedMinutes: number;
  /** Grants active in the week that make no hours: service not in the catalogue, not hourly, no hourly price. */
  excluded: { noService: number; notHourly: number; noPrice: number };
  /** The grant versions that made the hours, with their staff minutes in the week (same order). */
  contributions: { grantIds: number[]; minutes: number[] };
}

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const r4 = (d: Decimal) => d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
const hoursOf = (minutes: number | Decimal) => new Decimal(minutes).div(60);
const ZERO = new Decimal(0);

const covers = (l: { validFrom: string; validTo: string | null }, date: string) =>
  l.validFrom <= date && (l.validTo === null || date < l.validTo);
const inScope = (line: { area: string | null; category: Category | null }, category: Category, area: string | null) =>
  (line.category === null || line.category === category) && (line.area === null || line.area === area);

/** Hourly rates of one price list, with the documented fallbacks and a memo per lookup key. */
export class RateBook {
  private readonly exact = new Map<string, Decimal>();
  private readonly overBands = new Map<string, Decimal[]>();
  private readonly memo = new Map<string, { rate: Decimal; key: string } | null>();
  private readonly kinds: string[];

  constructor(
    readonly list: CheckPriceList,
    private readonly defaultBand: string | null,
  ) {
    for (const r of list.rates) {
      if (r.unit !== 'per_hour') continue;
      const area = r.area ?? '';
      this.exact.set(`${r.priceGroup}|${r.timeBand}|${r.providerKind}|${area}`, r.rate);
      const k = `${r.priceGroup}|${r.providerKind}|${area}`;
      const all = this.overBands.get(k);
      if (all) all.push(r.rate);
      else this.overBands.set(k, [r.rate]);
    }
    this.kinds = [...new Set(list.rates.map((r) => r.providerKind))].sort();
  }

  hourly(group: string, band: string | null, kind: ProviderKind, area: string | null): Decimal | null {
    return this.lookup(group, band, kind, area)?.rate ?? null;
  }

  /** The rate with a key that identifies it (list and lookup), memoised: the evaluator's hot path. */
  lookup(group: string, band: string | null, kind: ProviderKind, area: string | null): { rate: Decimal; key: string } | null {
    const key = `${group}|${band ?? ''}|${kind}|${area ?? ''}`;
    let hit = this.memo.get(key);
    if (hit === undefined) {
      const rate = this.resolve(group, band, kind, area);
      hit = rate === null ? null : { rate, key: `${this.list.id}|${key}` };
      this.memo.set(key, hit);
    }
    return hit;
  }

  /** Mean of the hourly rates of some price groups, over every band and provider kind (fallback weighting). */
  mean(groups: Iterable<string>, area: string | null): Decimal | null {
    const rates: Decimal[] = [];
    for (const g of groups) {
      for (const kind of this.kinds) {
        rates.push(...((area !== null && this.overBands.get(`${g}|${kind}|${area}`)) || this.overBands.get(`${g}|${kind}|`) || []));
      }
    }
    return rates.length === 0 ? null : Decimal.sum(...rates).div(rates.length);
  }

  private resolve(group: string, band: string | null, kind: ProviderKind, area: string | null): Decimal | null {
    for (const b of [band, this.defaultBand]) {
      if (b === null) continue;
      const r = (area !== null && this.exact.get(`${group}|${b}|${kind}|${area}`)) || this.exact.get(`${group}|${b}|${kind}|`);
      if (r) return r;
    }
    const all = (area !== null && this.overBands.get(`${group}|${kind}|${area}`)) || this.overBands.get(`${group}|${kind}|`);
    return all ? Decimal.sum(...all).div(all.length) : null;
  }
}

/** Share of a year's budget that one day carries: a twelfth, spread over the days of its month. */
export const dayShare = (day: number): Decimal => new Decimal(1).div(12 * monthOf(day).days);

/** Share of the annual budget that the 7 days of a week carry (about 7/365, more in February). */
export function weekShare(week: IsoWeek): Decimal {
  const monday = dayNumber(week.monday);
  let share = ZERO;
  for (let d = monday; d < monday + 7; d++) share = share.plus(dayShare(d));
  return share;
}

interface Cell {
  category: Category;
  area: string | null;
  price: Decimal;
  minutes: number;
}

interface CitizenMinutes {
  area: string | null;
  byCategory: number[];
  total: number;
}

export function evaluateWeek(input: CheckInput): CheckResult {
  const { week, settings } = input;
  const monday = dayNumber(week.monday);
  const end = monday + 7;
  const books = input.priceLists.map((l) => new RateBook(l, settings.defaultTimeBand));
  const bookOn = (date: string) => books.find((b) => covers(b.list, date)) ?? null;
  const weekBooks: Array<RateBook | null> = Array.from({ length: 7 }, (_, i) => bookOn(dateOf(monday + i)));

  const absences = new Map<number, Array<[number, number]>>();
  for (const a of input.absences) {
    const range: [number, number] = [dayNumber(a.validFrom), a.validTo === null ? Infinity : dayNumber(a.validTo)];
    const list = absences.get(a.citizenId);
    if (list) list.push(range);
    else absences.set(a.citizenId, [range]);
  }

  const cells = new Map<string, Cell>();
  const cellFor = (category: Category, area: string | null, hit: { rate: Decimal; key: string }): Cell => {
    const key = `${category}|${area ?? ''}|${hit.key}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { category, area, price: hit.rate, minutes: 0 };
      cells.set(key, cell);
    }
    return cell;
  };
  const citizens = new Map<number, CitizenMinutes>();
  const excluded = { noService: 0, notHourly: 0, noPrice: 0 };
  const grantIds: number[] = [];
  const grantMinutes: number[] = [];
  const perDay = new Array<number>(7);

  for (const g of input.grants) {
    if (g.priceGroup === null) {
      excluded.noService++;
      continue;
    }
    if (g.billingUnit !== 'per_minute') {
      excluded.notHourly++;
      continue;
    }
    perDay.fill(0);
    const away = absences.get(g.citizenId);
    let occurrences = 0;
    forEachOccurrence(g, monday, end, (d, count) => {
      if (away && away.some(([from, to]) => d >= from && d < to)) return;
      perDay[d - monday]! += count;
      occurrences += count;
    });
    if (occurrences === 0) continue;
    const unit = g.minutesPerOccurrence * g.staffCount;
    let minutes = 0;
    let unpriced = false;
    let book: RateBook | null | undefined;
    let cell: Cell | null = null;
    for (let i = 0; i < 7; i++) {
      const n = perDay[i]!;
      if (n === 0) continue;
      if (weekBooks[i] !== book) {
        // Days share a price list except in the rare week where one ends: look up once per list.
        book = weekBooks[i];
        const hit = book ? book.lookup(g.priceGroup, g.timeBand, g.providerKind, g.area) : null;
        cell = hit ? cellFor(g.category, g.area, hit) : null;
      }
      if (cell === null) {
        unpriced = true;
        continue;
      }
      cell.minutes += n * unit;
      minutes += n * unit;
    }
    if (unpriced) excluded.noPrice++;
    if (minutes === 0) continue;
    grantIds.push(g.id);
    grantMinutes.push(minutes);
    let c = citizens.get(g.citizenId);
    if (!c) {
      c = { area: g.area, byCategory: new Array<number>(CATEGORIES.length).fill(0), total: 0 };
      citizens.set(g.citizenId, c);
    }
    c.byCategory[CATEGORIES.indexOf(g.category)]! += minutes;
    c.total += minutes;
  }

  // Delivered minutes: this week's (delivery ratio) and, priced, the year's so far (forecast).
  const yearStart = dayNumber(`${week.year}-01-01`);
  const nextYear = dayNumber(`${week.year + 1}-01-01`);
  const delivered = input.delivered
    .filter((d) => d.billingUnit === 'per_minute')
    .map((d) => {
      const day = dayNumber(d.date);
      const inYear = day >= yearStart && day < Math.min(end, nextYear);
      const price = inYear ? (bookOn(d.date)?.hourly(d.priceGroup, null, d.providerKind, d.area) ?? null) : null;
      return { ...d, inWeek: day >= monday && day < end, cost: price ? exactQuotient([d.minutes, price], 60) : ZERO };
    });
  const remainingDays = Math.max(0, nextYear - end);
  const share = weekShare(week);
  const thursdayBook = weekBooks[3] ?? weekBooks.find((b) => b !== null) ?? null;

  const lines = input.budgets.map((line): LineResult => {
    let minutes = 0;
    // Σ price × minutes, divided by 60 once (money: divide last, src/shared/money.ts).
    let priceMinutes = ZERO;
    for (const cell of cells.values()) {
      if (!inScope(line, cell.category, cell.area)) continue;
      minutes += cell.minutes;
      priceMinutes = priceMinutes.plus(cell.price.times(cell.minutes));
    }
    const cost = exactQuotient([priceMinutes], 60);
    let recipients = 0;
    for (const c of citizens.values()) {
      if (line.area !== null && line.area !== c.area) continue;
      const m = line.category === null ? c.total : c.byCategory[CATEGORIES.indexOf(line.category)]!;
      if (m > 0) recipients++;
    }
    let deliveredMinutes = ZERO;
    let spent = ZERO;
    for (const d of delivered) {
      if (!inScope(line, d.category, d.area)) continue;
      if (d.inWeek) deliveredMinutes = deliveredMinutes.plus(d.minutes);
      spent = spent.plus(d.cost);
    }
    const weightedPrice = minutes > 0 ? cost.div(hoursOf(minutes)) : fallbackPrice(thursdayBook, input.services, line);
    const weekBudget = line.amount.times(share);
    const affordable = weightedPrice === null ? null : weekBudget.div(weightedPrice);
    const granted = hoursOf(minutes);
    const deviation = affordable === null ? null : granted.minus(affordable);
    const percent = affordable === null || affordable.isZero() || deviation === null ? null : deviation.div(affordable).times(100);
    const forecast = spent.plus(exactQuotient([priceMinutes, remainingDays], 60 * 7));
    return {
      budgetId: line.id,
      area: line.area,
      category: line.category,
      annualBudget: r2(line.amount),
      weekBudget: r2(weekBudget),
      grantedMinutes: minutes,
      grantedHours: r2(granted),
      grantedCost: r2(cost),
      weightedPrice: weightedPrice === null ? null : r4(weightedPrice),
      affordableHours: affordable === null ? null : r2(affordable),
      deviationHours: deviation === null ? null : r2(deviation),
      deviationPercent: percent === null ? null : r2(percent),
      deviationMoney: r2(cost.minus(weekBudget)),
      status: statusOf(settings, weightedPrice, affordable, granted, percent),
      recipients,
      avgHoursPerRecipient: recipients === 0 ? null : r2(granted.div(recipients)),
      deliveredMinutes: deliveredMinutes.round().toNumber(),
      deliveryRatio: minutes === 0 ? null : r4(deliveredMinutes.div(minutes)),
      spentSoFar: r2(spent),
      forecast: r2(forecast),
      forecastDeviation: r2(forecast.minus(line.amount)),
    };
  });

  let total = 0;
  const bands: RecipientBands = { under2: 0, from2To8: 0, from8To20: 0, from20: 0 };
  const breakdown = new Map<string, BreakdownRow>();
  for (const c of citizens.values()) {
    total += c.total;
    if (c.total < 120) bands.under2++;
    else if (c.total < 480) bands.from2To8++;
    else if (c.total < 1200) bands.from8To20++;
    else bands.from20++;
    c.byCategory.forEach((m, i) => {
      if (m === 0) return;
      const category = CATEGORIES[i]!;
      const key = `${category}|${c.area ?? ''}`;
      const row = breakdown.get(key) ?? { category, area: c.area, grantedMinutes: 0, recipients: 0 };
      row.grantedMinutes += m;
      row.recipients++;
      breakdown.set(key, row);
    });
  }
  let unbudgetedMinutes = 0;
  for (const cell of cells.values()) {
    if (!input.budgets.some((l) => inScope(l, cell.category, cell.area))) unbudgetedMinutes += cell.minutes;
  }
  const avg = citizens.size === 0 ? null : hoursOf(total).div(citizens.size);
  return {
    week,
    priceListIds: [...new Set(weekBooks.filter((b) => b !== null).map((b) => b.list.id))],
    lines,
    grantedMinutes: total,
    recipients: citizens.size,
    avgHoursPerRecipient: avg === null ? null : r2(avg),
    target: {
      minHours: settings.targetMinHours,
      maxHours: settings.targetMaxHours,
      status:
        avg === null ? 'no_recipients' : avg.lt(settings.targetMinHours) ? 'below' : avg.gt(settings.targetMaxHours) ? 'above' : 'within',
    },
    recipientsByBand: bands,
    breakdown: [...breakdown.values()].sort(
      (a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || (a.area ?? '').localeCompare(b.area ?? ''),
    ),
    unbudgetedMinutes,
    excluded,
    contributions: { grantIds, minutes: grantMinutes },
  };
}

/** With no granted minutes to weigh by: the mean hourly rate of the hourly services in the line's scope. */
function fallbackPrice(book: RateBook | null, services: readonly CheckService[], line: BudgetLine): Decimal | null {
  if (!book) return null;
  const groups = new Set(
    services
      .filter((s) => s.billingUnit === 'per_minute' && (line.category === null || s.category === line.category))
      .map((s) => s.priceGroup),
  );
  return book.mean(groups, line.area);
}

function statusOf(
  s: CheckSettings,
  price: Decimal | null,
  affordable: Decimal | null,
  granted: Decimal,
  percent: Decimal | null,
): LineStatus {
  if (price === null || affordable === null) return 'no_price';
  if (percent === null) return granted.gt(0) ? 'over' : 'ok'; // nothing affordable
  if (percent.gt(s.overAbovePercent)) return 'over';
  if (percent.gt(s.watchAbovePercent)) return 'watch';
  return 'ok';
}
