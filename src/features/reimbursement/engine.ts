import { Decimal } from 'decimal.js';
import { roundMoney } from '../../shared/money.js';
import { mondayOf } from './calendar/dates.js';
import { toEpochMinute } from './calendar/time-bands.js';
import { EngineContext, type Part, type Unit } from './engine-context.js';
import type {
  Category,
  EngineException,
  EngineInput,
  EngineIssue,
  EngineResult,
  LineKind,
  RateUnit,
  SettlementLine,
  VatGroup,
  VisitLine,
} from './engine-types.js';
import { ReimbursementInputError } from './engine-types.js';
import type { Factor, Pricing } from './pricing.js';
import { NO_REASONS, type Reasons } from './reasons.js';
import { absenceSuspendsGrant } from './rules/absence-suspends-grant.js';
import { areaSupplement } from './rules/area-supplement.js';
import { bandSplit } from './rules/band-split.js';
import { basisMinutes } from './rules/basis-minutes.js';
import { citizenCancellation } from './rules/citizen-cancellation.js';
import { deliveredCaps, usesWeeklyCaps } from './rules/delivered-caps.js';
import { doubleStaffing } from './rules/double-staffing.js';
import { farLongerThanGranted } from './rules/far-longer-than-granted.js';
import { grantNeverDelivered } from './rules/grant-never-delivered.js';
import { hospitalPlannedCare } from './rules/hospital-planned-care.js';
import { hospitalStay } from './rules/hospital-stay.js';
import { levelDays } from './rules/level-days.js';
import { matchChoice } from './rules/match-choice.js';
import { matchGrant } from './rules/match-grant.js';
import { minuteRounding } from './rules/minute-rounding.js';
import { oneOffPayments } from './rules/one-off-payments.js';
import { perPeriod } from './rules/per-period.js';
import { providerCancellation } from './rules/provider-cancellation.js';
import { providerKindAdjustment } from './rules/provider-kind-adjustment.js';
import { qualityBonus } from './rules/quality-bonus.js';
import { rateLookup } from './rules/rate-lookup.js';
import { replacementMatch } from './rules/replacement-match.js';
import type { Rule, UnitRule } from './rules/rule.js';
import { serviceShares } from './rules/service-shares.js';
import { vatRateOf } from './vat-rate.js';

/** The ordered pipeline. Each rule decides whether it applies and leaves reason codes on the units it changes. */
export const PIPELINE: readonly Rule[] = [
  matchGrant,
  matchChoice,
  absenceSuspendsGrant,
  serviceShares,
  farLongerThanGranted,
  basisMinutes,
  replacementMatch,
  deliveredCaps,
  minuteRounding,
  doubleStaffing,
  bandSplit,
  rateLookup,
  providerCancellation,
  hospitalStay,
  citizenCancellation,
  areaSupplement,
  providerKindAdjustment,
  qualityBonus,
  perPeriod,
  levelDays,
  hospitalPlannedCare,
  oneOffPayments,
  grantNeverDelivered,
];

/** Shared until band-split gives a unit its own parts (saves an array per visit). */
const NO_PARTS = Object.freeze([]) as unknown as Part[];
const KIND_ORDER: Record<LineKind, number> = {
  visit: 0,
  cancellation: 1,
  hospital: 2,
  per_period: 3,
  quality_bonus: 4,
  level_day: 5,
  new_customer: 6,
  takeover: 7,
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Settles one provider for one period under one model: pure, deterministic (inputs are sorted
 * here, so their order does not matter), no I/O. Rules the model does not use are skipped. Throws ReimbursementInputError when the inputs
 * cannot be settled (missing rates, a model for another country, an empty period); never
 * returns a partial settlement.
 */
export function settleProvider(input: EngineInput): EngineResult {
  const pre: EngineIssue[] = [];
  if (!(input.period.from < input.period.to))
    pre.push({ code: 'bad_period', message: `period ${input.period.from}–${input.period.to} is empty`, details: { ...input.period } });
  if (input.model.holidays.country !== input.municipality.country)
    pre.push({
      code: 'holiday_country_mismatch',
      message: `the model uses the ${input.model.holidays.country} holiday calendar, the municipality is in ${input.municipality.country}`,
      details: { model: input.model.holidays.country, municipality: input.municipality.country },
    });
  if (pre.length) throw new ReimbursementInputError(pre);

  const ctx = new EngineContext(input);
  const { units, exceptions, visitCount } = buildUnits(ctx, ctx.fromDay, ctx.toDay);
  const rules = PIPELINE.filter((r) => r.enabled?.(ctx) !== false);
  // A weekly cap is taken over the whole ISO week: the week's visits before the period (those passed
  // in) use it up first. They go through the rules before the caps and are never paid here.
  const weekStart = mondayOf(ctx.fromDay);
  if (weekStart < ctx.fromDay && rules.includes(deliveredCaps) && usesWeeklyCaps(ctx.model)) {
    ctx.earlierInWeek = buildUnits(ctx, weekStart, ctx.fromDay).units;
    runPipeline(rules.slice(0, rules.indexOf(deliveredCaps)), ctx.earlierInWeek, ctx);
  }
  runPipeline(rules, units, ctx);
  if (ctx.issues.length) throw new ReimbursementInputError(ctx.issues);
  return assemble(ctx, ctx.pricing, units, [...exceptions, ...ctx.exceptions], visitCount);
}

function runPipeline(rules: readonly Rule[], units: Unit[], ctx: EngineContext) {
  for (let i = 0; i < rules.length;) {
    const rule = rules[i]!;
    if (rule.stage === 'batch') {
      rule.apply(units, ctx);
      i++;
      continue;
    }
    // Consecutive unit rules run in one pass over the units.
    const run: UnitRule[] = [];
    while (i < rules.length && rules[i]!.stage === 'unit') run.push(rules[i++] as UnitRule);
    for (const u of units) for (const r of run) r.apply(u, ctx);
  }
}

/** Units of the provider's visits on local days [fromDay, toDay), in time order. */
function buildUnits(
  ctx: EngineContext,
  fromDay: number,
  toDay: number,
): { units: Unit[]; exceptions: EngineException[]; visitCount: number } {
  const { input, calendar } = ctx;
  const units: Unit[] = [];
  const exceptions: EngineException[] = [];
  let visitCount = 0;
  for (const v of input.visits) {
    if (v.providerId !== ctx.provider.id) continue;
    const occurs = v.actualStart ?? v.plannedStart;
    if (occurs == null) continue;
    const at = toEpochMinute(occurs);
    const localDay = calendar.dayAt(at);
    const day = localDay.day;
    if (day < fromDay || day >= toDay) continue;
    visitCount++;
    const delivered = v.status === 'delivered' || v.status === 'replacement';
    const start = delivered || v.plannedStart == null ? at : toEpochMinute(v.plannedStart);
    const endAt = delivered ? v.actualEnd : v.plannedEnd;
    const end = endAt != null ? toEpochMinute(endAt) : -1;
    const date = localDay.date;
    const citizen = ctx.citizens.get(v.citizenId);
    const codes = v.serviceCodes;
    for (let c = 0; c < codes.length; c++) {
      const code = codes[c]!;
      if (c > 0 && codes.indexOf(code) < c) continue; // a code listed twice counts once
      const service = input.services[code];
      if (!service) {
        exceptions.push({
          kind: 'unknown_service',
          citizenId: v.citizenId,
          citizenRef: ctx.citizenRef(v.citizenId),
          serviceCode: code,
          category: null,
          date,
          visitId: v.id,
          externalId: v.externalId,
          grantId: null,
          minutes: end > start ? end - start : 0,
          amount: new Decimal(0),
          message: `service ${code} is not in the catalogue`,
          params: { service: code },
          reasonCodes: ['exception.unknown_service'],
        });
        continue;
      }
      units.push({
        visit: v,
        citizen,
        citizenRef: citizen?.ref ?? `#${v.citizenId}`,
        code,
        service,
        category: service.category,
        rules: ctx.rulesFor(code, service.category),
        grant: undefined,
        at,
        day,
        date,
        start,
        end,
        registered: 0,
        granted: 0,
        minutes: 0,
        kind: 'visit',
        included: false,
        percent: null,
        areaPercent: null,
        kindPercent: null,
        area: '',
        parts: NO_PARTS,
        exception: null,
        exceptionMessage: '',
        exceptionParams: {},
        reasons: NO_REASONS,
      });
    }
  }
  // Time order decides which visits a cap bites on; inputs loaded in that order skip the sort.
  const before = (a: Unit, b: Unit) =>
    a.at - b.at || cmp(a.visit.externalId, b.visit.externalId) || cmp(String(a.visit.id), String(b.visit.id));
  let sorted = true;
  for (let i = 1; i < units.length && sorted; i++) if (before(units[i - 1]!, units[i]!) > 0) sorted = false;
  if (!sorted) units.sort(before); // stable: the services of a visit stay together, in their order
  return { units, exceptions, visitCount };
}

interface LineAcc {
  citizenId: number;
  code: string;
  category: Category;
  kind: LineKind;
  band: string | null;
  unit: RateUnit;
  rate: Decimal;
  factor: Factor;
  minutes: number;
  visits: number;
  quantity: Decimal | null;
  reasons: Set<string>;
  /** The shared reason list added last: the units of a line mostly carry the same one. */
  lastReasons: Reasons | null;
  /** Rounded amount of a visit line by its minutes (same rate and factor); made when visit lines are asked for. */
  amounts: Map<number, Decimal> | null;
}

/**
 * Lines grouped by citizen → service → kind and factor → band → rate. Nested maps keyed by
 * strings the inputs already hold avoid building a string key per visit.
 */
class LineIndex {
  private readonly root = new Map<number, Map<string, Map<string, Map<string, Map<number, LineAcc>>>>>();
  readonly all: LineAcc[] = [];

  get(
    citizenId: number,
    code: string,
    kind: LineKind,
    category: Category,
    factor: Factor,
    band: string | null,
    unit: RateUnit,
    rate: Decimal,
    rateId: number,
  ): LineAcc {
    const byCode = this.root.get(citizenId) ?? this.set(this.root, citizenId, new Map());
    const byFactor = byCode.get(code) ?? this.set(byCode, code, new Map());
    const factorKey = kind === 'visit' ? factor.key : `${kind}|${factor.key}`;
    const byBand = byFactor.get(factorKey) ?? this.set(byFactor, factorKey, new Map());
    const bandKey = band ?? '\u0000';
    const byRate = byBand.get(bandKey) ?? this.set(byBand, bandKey, new Map());
    let acc = byRate.get(rateId);
    if (!acc) {
      acc = {
        citizenId,
        code,
        category,
        kind,
        band,
        unit,
        rate,
        factor,
        minutes: 0,
        visits: 0,
        quantity: null,
        reasons: new Set(),
        lastReasons: null,
        amounts: null,
      };
      byRate.set(rateId, acc);
      this.all.push(acc);
    }
    return acc;
  }

  private set<K, V>(map: Map<K, V>, key: K, value: V): V {
    map.set(key, value);
    return value;
  }
}

function assemble(ctx: EngineContext, pricing: Pricing, units: Unit[], exceptions: EngineException[], visitCount: number): EngineResult {
  const withVisitLines = ctx.input.options?.visitLines !== false;
  const index = new LineIndex();
  const visitLines: VisitLine[] = [];
  const zero = new Decimal(0);
  let last: Unit | null = null;
  let factor = pricing.factor(null, null, null);

  for (const u of units) {
    if (!last || u.percent !== last.percent || u.areaPercent !== last.areaPercent || u.kindPercent !== last.kindPercent)
      factor = pricing.factor(u.percent, u.areaPercent, u.kindPercent);
    last = u;
    if (u.exception) {
      let amount = zero;
      for (const p of u.parts)
        if (p.rate) amount = amount.plus(pricing.amount(p.unit, p.unit === 'per_hour' ? p.minutes : 1, p.rate, factor));
      exceptions.push({
        kind: u.exception,
        citizenId: u.visit.citizenId,
        citizenRef: u.citizenRef,
        serviceCode: u.code,
        category: u.category,
        date: u.date,
        visitId: u.visit.id,
        externalId: u.visit.externalId,
        grantId: u.grant?.id ?? null,
        minutes: u.minutes,
        amount,
        message: u.exceptionMessage,
        params: u.exceptionParams,
        reasonCodes: u.reasons,
      });
      continue;
    }
    if (u.included) {
      if (withVisitLines) visitLines.push(visitLine(u, null, 'per_month', 0, zero, factor.value, zero));
      continue;
    }
    for (const p of u.parts) {
      const rate = p.rate!;
      const acc = index.get(u.visit.citizenId, u.code, u.kind, u.category, factor, p.band, p.unit, rate, pricing.rateId(rate));
      acc.minutes += p.minutes;
      acc.visits += 1;
      if (acc.lastReasons !== u.reasons) {
        const r = u.reasons;
        for (let i = 0; i < r.length; i++) acc.reasons.add(r[i]!);
        acc.lastReasons = r;
      }
      if (withVisitLines) {
        const q = p.unit === 'per_hour' ? p.minutes : 1;
        const amounts = (acc.amounts ??= new Map());
        let amount = amounts.get(q);
        if (!amount) amounts.set(q, (amount = pricing.amount(p.unit, q, rate, factor)));
        visitLines.push(visitLine(u, p.band, p.unit, p.minutes, rate, factor.value, amount));
      }
    }
  }
  for (const x of ctx.extraItems) {
    const acc = index.get(x.citizenId, x.code, x.kind, x.category, x.factor, x.band, x.unit, x.rate, pricing.rateId(x.rate));
    acc.minutes += x.minutes;
    acc.visits += x.visits ?? 0;
    if (x.unit !== 'per_hour') acc.quantity = (acc.quantity ?? zero).plus(x.quantity);
    for (const c of x.reasons) acc.reasons.add(c);
  }

  const settlementLines: SettlementLine[] = index.all.map((a) => {
    const quantity =
      a.unit === 'per_hour'
        ? new Decimal(a.minutes).div(60).toDecimalPlaces(4, Decimal.ROUND_HALF_UP)
        : (a.quantity ?? new Decimal(a.visits));
    const exact = pricing.exact(a.unit, a.unit === 'per_hour' ? a.minutes : quantity, a.rate, a.factor);
    return {
      citizenId: a.citizenId,
      citizenRef: ctx.citizenRef(a.citizenId),
      serviceCode: a.code,
      category: a.category,
      kind: a.kind,
      band: a.band,
      unit: a.unit,
      visits: a.visits,
      minutes: a.minutes,
      quantity,
      rate: a.rate,
      factor: a.factor.value,
      amount: roundMoney(exact),
      reasonCodes: [...a.reasons],
    };
  });
  settlementLines.sort(
    (a, b) =>
      cmp(a.citizenRef, b.citizenRef) ||
      cmp(a.serviceCode, b.serviceCode) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      cmp(a.band ?? '\uffff', b.band ?? '\uffff') ||
      cmp(a.unit, b.unit) ||
      a.rate.comparedTo(b.rate) ||
      a.factor.comparedTo(b.factor),
  );
  exceptions.sort(
    (a, b) =>
      cmp(a.date, b.date) ||
      cmp(a.citizenRef, b.citizenRef) ||
      cmp(a.externalId ?? '', b.externalId ?? '') ||
      cmp(a.serviceCode, b.serviceCode) ||
      cmp(a.kind, b.kind) ||
      (a.grantId ?? 0) - (b.grantId ?? 0) ||
      cmp(String(a.visitId ?? ''), String(b.visitId ?? '')),
  );
  return totals(ctx, settlementLines, visitLines, exceptions, visitCount);
}

function visitLine(
  u: Unit,
  band: string | null,
  unit: RateUnit,
  minutes: number,
  rate: Decimal,
  factor: Decimal,
  amount: Decimal,
): VisitLine {
  return {
    visitId: u.visit.id,
    externalId: u.visit.externalId,
    version: u.visit.version,
    citizenRef: u.citizenRef,
    serviceCode: u.code,
    category: u.category,
    date: u.date,
    status: u.visit.status,
    kind: u.kind,
    band,
    unit,
    minutes,
    rate,
    factor,
    amount,
    reasonCodes: u.reasons,
  };
}

function totals(
  ctx: EngineContext,
  lines: SettlementLine[],
  visitLines: VisitLine[],
  exceptions: EngineException[],
  visitCount: number,
): EngineResult {
  const zero = new Decimal(0);
  const byCategory = new Map<Category, { minutes: number; amount: Decimal }>();
  const byBand = new Map<string | null, { minutes: number; amount: Decimal }>();
  const vatGroups = new Map<string, VatGroup>();
  const { model, provider } = ctx;
  for (const l of lines) {
    add(byCategory, l.category, l);
    add(byBand, l.band, l);
  }
  // The VAT rate depends on the category only: the total and the VAT bases are sums of the
  // category totals (the same rounded line amounts, added exactly).
  let totalExclVat = zero;
  for (const [category, t] of byCategory) {
    totalExclVat = totalExclVat.plus(t.amount);
    const rate = vatRateOf(model, provider, category);
    const key = `${rate.percent.toString()}|${rate.exemptionReason ?? ''}`;
    let g = vatGroups.get(key);
    if (!g) vatGroups.set(key, (g = { percent: rate.percent, exemptionReason: rate.exemptionReason, base: zero, vat: zero }));
    g.base = g.base.plus(t.amount);
  }
  const vat = [...vatGroups.values()].sort(
    (a, b) => b.percent.comparedTo(a.percent) || cmp(a.exemptionReason ?? '', b.exemptionReason ?? ''),
  );
  let vatTotal = zero;
  for (const g of vat) {
    g.vat = roundMoney(g.base.mul(g.percent).div(100));
    vatTotal = vatTotal.plus(g.vat);
  }
  const list = <K>(m: Map<K, { minutes: number; amount: Decimal }>) => [...m.entries()];
  return {
    providerId: provider.id,
    providerRef: provider.ref,
    period: { ...ctx.input.period },
    modelVersionId: ctx.input.modelVersionId,
    priceListVersionId: ctx.input.priceListVersionId,
    lines,
    visitLines,
    exceptions,
    totalsByCategory: list(byCategory)
      .map(([category, t]) => ({ category, ...t }))
      .sort((a, b) => cmp(a.category, b.category)),
    totalsByBand: list(byBand)
      .map(([band, t]) => ({ band, ...t }))
      .sort((a, b) => cmp(a.band ?? '\uffff', b.band ?? '\uffff')),
    vat,
    totalExclVat,
    vatTotal,
    totalInclVat: totalExclVat.plus(vatTotal),
    exceptionsAmount: exceptions.reduce((s, e) => s.plus(e.amount), zero),
    counts: { visits: visitCount, lines: lines.length, exceptions: exceptions.length },
  };
}

function add<K>(m: Map<K, { minutes: number; amount: Decimal }>, key: K, l: SettlementLine) {
  const t = m.get(key);
  if (t) {
    t.minutes += l.minutes;
    t.amount = t.amount.plus(l.amount);
  } else m.set(key, { minutes: l.minutes, amount: l.amount });
}
