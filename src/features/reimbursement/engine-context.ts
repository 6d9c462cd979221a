import { Decimal } from 'decimal.js';
import { dayNumber } from './calendar/dates.js';
import { holidaySet } from './calendar/holidays.js';
import { BandCalendar, compileBands } from './calendar/time-bands.js';
import type {
  ExceptionParams,
  AbsenceInput,
  CatalogueService,
  Category,
  ChoiceInput,
  CitizenInput,
  EngineException,
  EngineInput,
  EngineIssue,
  ExceptionKind,
  GrantInput,
  LineKind,
  PriceRate,
  RateUnit,
  VisitInput,
  VisitStatus,
} from './engine-types.js';
import type { Basis, CancellationPercents, ReimbursementModel } from './model-schema.js';
import { type Factor, Pricing } from './pricing.js';
import type { Reasons } from './reasons.js';

/** The rules that apply to one service code: defaults ← category ← service (basis replaced, percents merged). */
export interface ResolvedRules {
  basis: Basis;
  cancellation: CancellationPercents;
}

/** A priced piece of a unit: minutes (and visits) in one band at one rate. */
export interface Part {
  band: string;
  minutes: number;
  unit: RateUnit;
  rate: Decimal | null;
}

/**
 * One service of one visit on its way through the pipeline. Rules fill it in order; each rule
 * that changes something adds a reason code.
 */
export interface Unit {
  visit: VisitInput;
  citizen: CitizenInput | undefined;
  citizenRef: string;
  code: string;
  service: CatalogueService;
  category: Category;
  rules: ResolvedRules;
  grant: GrantInput | undefined;
  /** Epoch minute the visit occurs at (actual start, else planned start): the processing order. */
  at: number;
  /** Local day number and date of the visit. */
  day: number;
  date: string;
  /** Interval that positions the visit in time bands: actual for delivered visits, planned otherwise. */
  start: number;
  end: number;
  /** Minutes of the visit registered (delivered) or planned (cancelled), this service's share. */
  registered: number;
  /** Granted minutes per occurrence (the service's standard minutes when there is no grant). */
  granted: number;
  /** Minutes to pay for (hourly bases), before the band split. */
  minutes: number;
  kind: LineKind;
  /** Set by basis rule: the unit is paid through a per-period line and not on its own. */
  included: boolean;
  /** Cancellation / hospital percent ("100" when unset), area percent, provider-kind percent. */
  percent: string | null;
  areaPercent: string | null;
  kindPercent: string | null;
  area: string;
  parts: Part[];
  exception: ExceptionKind | null;
  exceptionMessage: string;
  exceptionParams: ExceptionParams;
  /** Shared and frozen (reasons.ts): add with addReason, never push. */
  reasons: Reasons;
}

export const isDelivered = (s: VisitStatus): boolean => s === 'delivered' || s === 'replacement';
export const isHourly = (b: Basis): boolean => b.type === 'granted' || b.type === 'delivered' || b.type === 'per_service';

/** The first entry whose [validFrom, validTo) contains `date` (a loop: this runs per visit). */
function firstInRange<T extends { validFrom: string; validTo: string | null }>(
  list: readonly T[] | undefined,
  date: string,
): T | undefined {
  if (!list) return undefined;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    if (r.validFrom <= date && (r.validTo === null || date < r.validTo)) return r;
  }
  return undefined;
}

/** Everything the rules look up, indexed once per run. */
export class EngineContext {
  readonly model: ReimbursementModel;
  readonly calendar: BandCalendar;
  readonly fromDay: number;
  readonly toDay: number;
  readonly issues: EngineIssue[] = [];
  readonly exceptions: EngineException[] = [];
  /** Lines from batch rules (per-period, quality bonus), priced like unit parts. */
  readonly extraItems: ExtraItem[] = [];
  /**
   * The provider's units on the days of the period's first ISO week before the period, after the
   * rules before delivered-caps: they use up weekly caps and are never paid in this run.
   */
  earlierInWeek: Unit[] = [];
  /** Provider-cancelled visits' services (`visit id|code`) that a replacement answered (replacement-match). */
  readonly replacedCancellations = new Set<string>();
  readonly pricing = new Pricing();
  readonly citizens = new Map<number, CitizenInput>();
  private readonly grants = new Map<number, Map<string, GrantInput[]>>();
  private readonly choices = new Map<number, Map<string, ChoiceInput[]>>();
  readonly absences = new Map<number, AbsenceInput[]>();
  /** This provider kind's rates: price group → band → area ('' = any) → rate. */
  private readonly rates = new Map<string, Map<string, Map<string, PriceRate>>>();
  private readonly rulesCache = new Map<string, ResolvedRules>();
  private readonly missing = new Set<string>();

  constructor(readonly input: EngineInput) {
    const { model, period, municipality } = input;
    this.model = model;
    this.fromDay = dayNumber(period.from);
    this.toDay = dayNumber(period.to);
    const y0 = Number(period.from.slice(0, 4)) - 1;
    const y1 = Number(period.to.slice(0, 4)) + 1;
    const hol = holidaySet(
      model.holidays.country,
      y0,
      y1,
      { includeDeFacto: model.holidays.includeDeFacto, alsoCount: model.holidays.alsoCount },
      municipality.extraHolidays,
    );
    this.calendar = new BandCalendar(compileBands(model.timeBands), municipality.timeZone, hol);
    for (const c of input.citizens) this.citizens.set(c.id, c);
    for (const g of input.grants) push(nested(this.grants, g.citizenId), g.serviceCode, g);
    for (const byCode of this.grants.values())
      for (const list of byCode.values())
        list.sort((a, b) => (a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : b.id - a.id));
    for (const c of input.choices) push(nested(this.choices, c.citizenId), c.category, c);
    // Overlaps cannot come from the database (exclusion constraints); sorting keeps the engine deterministic anyway.
    for (const byCategory of this.choices.values())
      for (const list of byCategory.values())
        list.sort((a, b) => (a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : a.providerId - b.providerId));
    for (const a of input.absences) push(this.absences, a.citizenId, a);
    const key = (a: AbsenceInput) => `${a.validFrom}|${a.validTo ?? '9999'}|${a.kind}|${a.planned}`;
    for (const list of this.absences.values()) list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    for (const r of input.rates)
      if (r.providerKind === input.provider.kind) nested(nested(this.rates, r.priceGroup), r.timeBand).set(r.area ?? '', r);
  }

  get provider() {
    return this.input.provider;
  }

  bandName(i: number): string {
    return this.calendar.bands.names[i]!;
  }

  citizenRef(id: number): string {
    return this.citizens.get(id)?.ref ?? `#${id}`;
  }

  rulesFor(code: string, category: Category): ResolvedRules {
    let r = this.rulesCache.get(code);
    if (!r) {
      const m = this.model;
      const cat = m.categories?.[category];
      const svc = m.services?.[code];
      r = {
        basis: svc?.basis ?? cat?.basis ?? m.defaults.basis,
        cancellation: { ...m.defaults.cancellation, ...cat?.cancellation, ...svc?.cancellation },
      };
      this.rulesCache.set(code, r);
    }
    return r;
  }

  /** The grant for citizen × service in force on `date` (latest validFrom wins). */
  grantOn(citizenId: number, code: string, date: string): GrantInput | undefined {
    return firstInRange(this.grants.get(citizenId)?.get(code), date);
  }

  grantsOf(citizenId: number, code: string): readonly GrantInput[] {
    return this.grants.get(citizenId)?.get(code) ?? [];
  }

  choiceOn(citizenId: number, category: Category, date: string): ChoiceInput | undefined {
    return firstInRange(this.choices.get(citizenId)?.get(category), date);
  }

  choicesOf(citizenId: number, category: Category): readonly ChoiceInput[] {
    return this.choices.get(citizenId)?.get(category) ?? [];
  }

  absenceOn(citizenId: number, date: string): AbsenceInput | undefined {
    return firstInRange(this.absences.get(citizenId), date);
  }

  /**
   * The price-list rate for (price group, band, provider kind, area), falling back to the rate
   * without area. A missing rate is recorded as an issue (the run fails) unless `soft`.
   */
  rate(priceGroup: string, band: string, area: string, unit: RateUnit, soft: boolean): PriceRate | null {
    const byArea = this.rates.get(priceGroup)?.get(band);
    const r = (area ? byArea?.get(area) : undefined) ?? byArea?.get('');
    if (r && r.unit === unit) return r;
    if (soft) return null;
    const kind = this.provider.kind;
    const key = `${priceGroup}|${band}|${kind}|${area}|${unit}`;
    if (!this.missing.has(key)) {
      this.missing.add(key);
      const details = { priceGroup, timeBand: band, providerKind: kind, area: area || null, unit };
      this.issues.push(
        r
          ? {
              code: 'rate_unit_mismatch',
              message: `the rate for ${priceGroup} / ${band} / ${kind} is ${r.unit}, the model needs ${unit}`,
              details,
            }
          : {
              code: 'missing_rate',
              message: `no ${unit} rate for price group ${priceGroup}, band ${band}, ${kind} provider${area ? `, area ${area}` : ''}`,
              details,
            },
      );
    }
    return null;
  }
}

export interface ExtraItem {
  citizenId: number;
  code: string;
  category: Category;
  kind: LineKind;
  band: string | null;
  unit: RateUnit;
  minutes: number;
  /** Quantity in the unit: hours are derived from minutes, so this is used for per_month only. */
  quantity: Decimal;
  rate: Decimal;
  factor: Factor;
  reasons: string[];
  /** Visits (or events) the item counts on its line; 0 when unset. */
  visits?: number;
}

function nested<N, K, V>(map: Map<N, Map<K, V>>, key: N): Map<K, V> {
  let m = map.get(key);
  if (!m) map.set(key, (m = new Map()));
  return m;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const labels = new Map<string, string>();
/** "50" → "50", "1.50" → "1.5", "-1.5" → "-1.5": the form used in reason codes (memoized: rules call it per unit). */
export const pctLabel = (p: string): string => {
  let l = labels.get(p);
  if (l === undefined) labels.set(p, (l = new Decimal(p).toString()));
  return l;
};
export const signed = (p: string): string => (p.startsWith('-') ? pctLabel(p) : `+${pctLabel(p)}`);
