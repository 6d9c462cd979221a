import { Decimal } from 'decimal.js';
import { CATEGORIES, type Category } from '../../http/common-schemas.js';
import { dateOf, dayNumber, monthOf } from '../reimbursement/calendar/dates.js';
import { forEachOccurrence, type GrantFrequency } from '../reimbursement/grant-expansion.js';
import type { LevelRateInForce, RateInForce } from '../prices/prices-store.js';
import type { IsoWeek } from './iso-week.js';
import { exactQuotient, Money } from '../../shared/money.js';

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
 * - Non-hourly services count in money (docs/budget-check.md, "non-hourly services"): a level
 *   grant's days × the level's price per day (a weekly price 1/7 a day, a monthly one 1/(days of
 *   the month)), a per-visit service's occurrences × its per-visit rate, a per-month service's
 *   days × its monthly rate ÷ the days of the month; absent days count nothing, as for hours.
 *   In hours they count as equivalent hours: their money ÷ the line's weighted hourly price
 *   (the hours the same money buys at the line's hourly prices), so the hours and the money
 *   deviation tell the same story. A line with no hourly price at all weighs a level by its
 *   expected hours per week; a line with neither is judged in money alone.
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
  /** Level prices per day, week or month (none: level grants on its days count as unpriced). */
  levelRates?: readonly LevelRateInForce[];
}

/** A citizen's level grant (level_grants), with what the check needs from the citizen and the catalogue. */
export interface CheckLevelGrant {
  id: number;
  citizenId: number;
  level: string;
  area: string | null;
  /** Kind of the provider chosen for the level's category on the week's Thursday; municipal when none. */
  providerKind: ProviderKind;
  validFrom: string;
  validTo: string | null;
}

/** A level of the catalogue in force on the week's Thursday. */
export interface CheckLevel {
  category: Category;
  /** The level's expected time frame (hours per week), when the catalogue gives one. */
  expectedHoursPerWeek: Decimal | null;
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
  /**
   * Non-hourly grants (per visit, per month) active before the week since 1 January of the ISO
   * year (spend so far); their days from the Monday on come from `grants`.
   */
  periodGrants?: readonly CheckGrant[];
  /** Level grants overlapping [1 January of the ISO year (or the Monday if earlier), end of week). */
  levelGrants?: readonly CheckLevelGrant[];
  levels?: ReadonlyMap<string, CheckLevel>;
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
  /** The whole granted cost: hourly services plus non-hourly ones. */
  grantedCost: Decimal;
  /** The part of grantedCost from level-based and other non-hourly services. */
  nonHourlyCost: Decimal;
  /** nonHourlyCost in hours at the line's weighted price (null without a price). */
  equivalentHours: Decimal | null;
  /** Granted level-days in the week in the line's scope. */
  levelDays: number;
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
  /**
   * Grants active in the week left out: service (or level) not in the catalogue, or no price on
   * some day of the week (hourly rate, per-visit or per-month rate, level price).
   */
  excluded: { noService: number; noPrice: number };
  /** Level-based and other non-hourly services counted in money. */
  nonHourly: { grants: number; levelGrants: number; levelDays: number; cost: Decimal };
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
  /** Per-visit and per-month rates, keyed like `exact` with the unit in front. */
  private readonly other = new Map<string, Decimal>();
  private readonly otherOverBands = new Map<string, Decimal[]>();
  private readonly levels = new Map<string, LevelRateInForce>();
  private readonly levelMemo = new Map<string, { rate: Decimal; unit: LevelRateInForce['unit']; key: string } | null>();

  constructor(
    readonly list: CheckPriceList,
    private readonly defaultBand: string | null,
  ) {
    for (const r of list.levelRates ?? []) this.levels.set(`${r.level}|${r.providerKind}|${r.area ?? ''}`, r);
    for (const r of list.rates) {
      if (r.unit !== 'per_hour') {
        const area = r.area ?? '';
        this.other.set(`${r.unit}|${r.priceGroup}|${r.timeBand}|${r.providerKind}|${area}`, r.rate);
        const k = `${r.unit}|${r.priceGroup}|${r.providerKind}|${area}`;
        this.otherOverBands.set(k, [...(this.otherOverBands.get(k) ?? []), r.rate]);
        continue;
      }
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

  /**
   * A per-visit or per-month rate, found as an hourly one is: the grant's band, the default band,
   * else the mean over the bands; the citizen's area first, then any area.
   */
  periodRate(
    unit: 'per_visit' | 'per_month',
    group: string,
    band: string | null,
    kind: ProviderKind,
    area: string | null,
  ): { rate: Decimal; key: string } | null {
    const key = `${unit}|${group}|${band ?? ''}|${kind}|${area ?? ''}`;
    let hit = this.memo.get(key);
    if (hit === undefined) {
      let rate: Decimal | null = null;
      for (const b of [band, this.defaultBand]) {
        if (b === null || rate) continue;
        rate =
          (area !== null && this.other.get(`${unit}|${group}|${b}|${kind}|${area}`)) ||
          this.other.get(`${unit}|${group}|${b}|${kind}|`) ||
          null;
      }
      if (!rate) {
        const all =
          (area !== null && this.otherOverBands.get(`${unit}|${group}|${kind}|${area}`)) ||
          this.otherOverBands.get(`${unit}|${group}|${kind}|`);
        rate = all ? Decimal.sum(...all).div(all.length) : null;
      }
      hit = rate === null ? null : { rate, key: `${this.list.id}|${key}` };
      this.memo.set(key, hit);
    }
    return hit;
  }

  /**
   * A level's price for a provider kind: the citizen's area first, then any area (as the
   * settlement does); memoised, so the same price is the same object (the evaluator's runs).
   */
  levelRate(level: string, kind: ProviderKind, area: string | null): { rate: Decimal; unit: LevelRateInForce['unit']; key: string } | null {
    const key = `level|${level}|${kind}|${area ?? ''}`;
    let hit = this.levelMemo.get(key);
    if (hit === undefined) {
      const r = (area !== null && this.levels.get(`${level}|${kind}|${area}`)) || this.levels.get(`${level}|${kind}|`);
      hit = r ? { rate: r.rate, unit: r.unit, key: `${this.list.id}|level|${level}|${kind}|${r.area ?? ''}` } : null;
      this.levelMemo.set(key, hit);
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

/**
 * Money of non-hourly services with one price and one divisor: amount = rate × units ÷ divisor,
 * divided once (divide last). Units are days (levels, per-month services) or visits.
 */
interface PeriodCell {
  category: Category;
  area: string | null;
  rate: Decimal;
  divisor: number;
  units: number;
  /** Level cells: the level's expected hours per week (for a line without any hourly price). */
  expectedPerWeek: Decimal | null;
  level: boolean;
}

const periodCost = (c: PeriodCell) => exactQuotient([c.rate, c.units], c.divisor);

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
  const excluded = { noService: 0, noPrice: 0 };
  const grantIds: number[] = [];
  const grantMinutes: number[] = [];
  const perDay = new Array<number>(7);

  // Non-hourly money: the week's cells, and the spend-so-far cells (days of the ISO year up to the week's end).
  const yearStart = dayNumber(`${week.year}-01-01`);
  const nextYear = dayNumber(`${week.year + 1}-01-01`);
  const weekPeriod = new Map<string, PeriodCell>();
  const spentPeriod = new Map<string, PeriodCell>();
  const from = Math.min(yearStart, monday);
  // Per day of [from, end): its price list and the days of its month (looked up once, not per grant).
  const dayBooks: Array<RateBook | null> = [];
  const monthDays: number[] = [];
  for (let d = from; d < end; d++) {
    dayBooks.push(bookOn(dateOf(d)));
    monthDays.push(monthOf(d).days);
  }
  /**
   * Adds a grant's priced days run by run: consecutive days with the same price, divisor and
   * (week, year) membership make one addition, so a year of level-days costs a few map updates.
   */
  const runs = (category: Category, area: string | null, expectedPerWeek: Decimal | null, level: boolean) => {
    let cur: { hit: { rate: Decimal; key: string }; divisor: number; week: boolean; year: boolean; units: number } | null = null;
    const flush = () => {
      if (!cur) return;
      const key = `${category}|${area ?? ''}|${cur.hit.key}|${cur.divisor}`;
      for (const map of [cur.week ? weekPeriod : null, cur.year ? spentPeriod : null]) {
        if (!map) continue;
        let cell = map.get(key);
        if (!cell) map.set(key, (cell = { category, area, rate: cur.hit.rate, divisor: cur.divisor, units: 0, expectedPerWeek, level }));
        cell.units += cur.units;
      }
      cur = null;
    };
    return {
      add(d: number, units: number, hit: { rate: Decimal; key: string }, divisor: number) {
        const week = d >= monday;
        const year = d >= yearStart && d < nextYear;
        if (cur && cur.hit === hit && cur.divisor === divisor && cur.week === week && cur.year === year) cur.units += units;
        else {
          flush();
          cur = { hit, divisor, week, year, units };
        }
      },
      flush,
    };
  };
  const nonHourly = { grants: 0, levelGrants: 0, levelDays: 0 };

  /** A per-visit or per-month grant over [a, b) ⊆ [from, end): counted in the week, or unpriced on a day of it. */
  const periodGrant = (g: CheckGrant, a: number, b: number): { counted: boolean; unpriced: boolean } => {
    let counted = false;
    let unpriced = false;
    const unit = g.billingUnit === 'per_visit' ? 'per_visit' : 'per_month';
    const acc = runs(g.category, g.area, null, false);
    const away = absences.get(g.citizenId);
    let book: RateBook | null | undefined;
    let hit: ReturnType<RateBook['periodRate']> = null;
    const priced = (d: number, units: number) => {
      if (away && away.some(([x, y]) => d >= x && d < y)) return;
      if (dayBooks[d - from] !== book) {
        book = dayBooks[d - from];
        hit = book?.periodRate(unit, g.priceGroup!, g.timeBand, g.providerKind, g.area) ?? null;
      }
      if (!hit) {
        if (d >= monday) unpriced = true;
        return;
      }
      if (d >= monday) counted = true;
      acc.add(d, units, hit, unit === 'per_visit' ? 1 : monthDays[d - from]!);
    };
    if (unit === 'per_visit') forEachOccurrence(g, a, b, priced);
    else {
      const [x, y] = [Math.max(a, dayNumber(g.validFrom)), g.validTo === null ? b : Math.min(b, dayNumber(g.validTo))];
      for (let d = x; d < y; d++) priced(d, 1);
    }
    acc.flush();
    return { counted, unpriced };
  };
  for (const g of input.periodGrants ?? []) {
    if (g.priceGroup !== null && (g.billingUnit === 'per_visit' || g.billingUnit === 'per_month')) periodGrant(g, from, monday);
  }
  const levels = input.levels ?? new Map<string, CheckLevel>();
  const weekEnd = dateOf(end);
  for (const g of input.levelGrants ?? []) {
    const level = levels.get(g.level);
    if (!level) {
      if (g.validFrom < weekEnd && (g.validTo === null || g.validTo > week.monday)) excluded.noService++;
      continue;
    }
    let days = 0;
    let unpriced = false;
    const acc = runs(level.category, g.area, level.expectedHoursPerWeek, true);
    const [x, y] = [Math.max(from, dayNumber(g.validFrom)), g.validTo === null ? end : Math.min(end, dayNumber(g.validTo))];
    const away = absences.get(g.citizenId);
    let book: RateBook | null | undefined;
    let hit: ReturnType<RateBook['levelRate']> = null;
    for (let d = x; d < y; d++) {
      if (away && away.some(([a, b]) => d >= a && d < b)) continue;
      if (dayBooks[d - from] !== book) {
        book = dayBooks[d - from];
        hit = book?.levelRate(g.level, g.providerKind, g.area) ?? null;
      }
      if (!hit) {
        if (d >= monday) unpriced = true;
        continue;
      }
      const unit = hit.unit;
      acc.add(d, 1, hit, unit === 'per_day' ? 1 : unit === 'per_week' ? 7 : monthDays[d - from]!);
      if (d >= monday) days++;
    }
    acc.flush();
    if (unpriced) excluded.noPrice++;
    if (days > 0) {
      nonHourly.levelGrants++;
      nonHourly.levelDays += days;
    }
  }

  for (const g of input.grants) {
    if (g.priceGroup === null) {
      excluded.noService++;
      continue;
    }
    if (g.billingUnit !== 'per_minute') {
      if (g.billingUnit === 'per_visit' || g.billingUnit === 'per_month') {
        const { counted, unpriced } = periodGrant(g, monday, end);
        if (unpriced) excluded.noPrice++;
        if (counted) nonHourly.grants++;
      } else excluded.noPrice++;
      continue;
    }
    perDay.fill(0);
    const away = absences.get(g.citizenId);
    let occurrences = 0;
    forEachOccurrence(g, monday, end, (d, count) => {
      if (away && away.some(([a, b]) => d >= a && d < b)) return;
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
    let spent: Decimal = ZERO;
    for (const d of delivered) {
      if (!inScope(line, d.category, d.area)) continue;
      if (d.inWeek) deliveredMinutes = deliveredMinutes.plus(d.minutes);
      spent = spent.plus(d.cost);
    }
    // Non-hourly money of the week, and the level cells' expected hours (a weight of last resort).
    let other = new Money(0);
    let levelMoney = new Money(0);
    let expected = new Money(0);
    let levelDays = 0;
    let priced = false;
    for (const c of weekPeriod.values()) {
      if (!inScope(line, c.category, c.area)) continue;
      priced = true;
      const amount = periodCost(c);
      other = other.plus(amount);
      if (!c.level) continue;
      levelDays += c.units;
      if (c.expectedPerWeek !== null && c.expectedPerWeek.gt(0)) {
        levelMoney = levelMoney.plus(amount);
        expected = expected.plus(c.expectedPerWeek.times(c.units));
      }
    }
    for (const c of spentPeriod.values()) if (inScope(line, c.category, c.area)) spent = spent.plus(periodCost(c));
    const hourlyPrice = minutes > 0 ? cost.div(hoursOf(minutes)) : fallbackPrice(thursdayBook, input.services, line);
    // expected: Σ hours per week × days, so the hours are expected ÷ 7
    const weightedPrice = hourlyPrice ?? (expected.gt(0) ? levelMoney.times(7).div(expected) : null);
    const total = cost.plus(other);
    const weekBudget = line.amount.times(share);
    const affordable = weightedPrice === null ? null : weekBudget.div(weightedPrice);
    const granted = hoursOf(minutes);
    const equivalent = weightedPrice === null ? null : other.isZero() ? ZERO : other.div(weightedPrice);
    const deviation = affordable === null ? null : granted.plus(equivalent ?? ZERO).minus(affordable);
    // Judged in hours; in money alone when nothing gives an hourly price (same percent when both exist).
    const percent =
      affordable !== null
        ? affordable.isZero() || deviation === null
          ? null
          : deviation.div(affordable).times(100)
        : weekBudget.isZero()
          ? null
          : total.minus(weekBudget).div(weekBudget).times(100);
    const forecast = spent.plus(exactQuotient([priceMinutes, remainingDays], 60 * 7)).plus(exactQuotient([other, remainingDays], 7));
    return {
      budgetId: line.id,
      area: line.area,
      category: line.category,
      annualBudget: r2(line.amount),
      weekBudget: r2(weekBudget),
      grantedMinutes: minutes,
      grantedHours: r2(granted),
      grantedCost: r2(total),
      nonHourlyCost: r2(other),
      equivalentHours: equivalent === null ? null : r2(equivalent),
      levelDays,
      weightedPrice: weightedPrice === null ? null : r4(weightedPrice),
      affordableHours: affordable === null ? null : r2(affordable),
      deviationHours: deviation === null ? null : r2(deviation),
      deviationPercent: percent === null ? null : r2(percent),
      deviationMoney: r2(total.minus(weekBudget)),
      status: statusOf(settings, weightedPrice !== null || priced, granted.plus(other), percent),
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
    nonHourly: { ...nonHourly, cost: r2(Decimal.sum(0, ...[...weekPeriod.values()].map(periodCost))) },
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

function statusOf(s: CheckSettings, priced: boolean, granted: Decimal, percent: Decimal | null): LineStatus {
  if (!priced) return 'no_price';
  if (percent === null) return granted.gt(0) ? 'over' : 'ok'; // nothing affordable
  if (percent.gt(s.overAbovePercent)) return 'over';
  if (percent.gt(s.watchAbovePercent)) return 'watch';
  return 'ok';
}
