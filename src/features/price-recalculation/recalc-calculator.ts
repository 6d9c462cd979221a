import { Decimal } from 'decimal.js';
import { exactQuotient, formatRate, Money, roundedQuotient, roundMoney } from '../../shared/money.js';
import {
  COST_ELEMENTS,
  RecalcInputError,
  type AdjustmentLine,
  type AdjustmentResult,
  type AllocationRow,
  type CategoryResult,
  type CostElement,
  type CostLine,
  type LevelUnit,
  type PaidComparison,
  type RecalcInput,
  type RecalcResult,
  type RecalcSettings,
} from './recalc-types.js';

/**
 * The annual recalculation, pure (DOMAIN.md §7; method in docs/price-recalculation.md):
 *
 * 1. every cost line not of the assessment unit is split over the price categories by its key —
 *    documented shares, or a driver (delivered hours, staff hours) — in øre: each part is rounded
 *    down to the øre and the øre left over go to the largest remainders (ties: category order), so
 *    the parts add up exactly to the line;
 * 2. per category: cost ÷ the municipal provider's delivered hours, × (1 + overhead %) once;
 *    the price is that exact value rounded to the configured decimals (half-up, or up);
 *    the published price is price × (1 + VAT %) rounded half-up to 2 decimals;
 * 3. per paid rate: difference = price − rate; the policy settles none of it, only a positive
 *    difference, or all of it;
 * 4. per private provider, category, band and paid rate: amount = round₂(settled difference ×
 *    paid minutes ÷ 60) (the one rounding rule, src/shared/money.ts); VAT per rate on the sum.
 *
 * Level prices (Ældreloven § 19) are categories too: cost ÷ the in-house provider's delivered
 * level-days × (1 + the category's overhead %) × the days of the price's unit (1, 7, or the days
 * of the year ÷ 12 for a monthly price), rounded once; the retro adjustment of a level line is
 * round₂(settled difference × paid units), the paid units being Σ level-days × factor of the
 * provider's level lines (days, weeks or months at the price). The overhead may differ per
 * category (6.0 helhedspleje, 3.6 meal delivery, 6.3 friplejeboliger) and the policy per provider
 * kind (`kindPolicies`).
 *
 * Money never passes through a JS number. The same input always gives the same result.
 */

const ZERO = new Money(0);
const dec = (s: Decimal.Value) => new Money(s);
const fixed4 = (d: Decimal) => d.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rounds the price by the configured rule. */
export function roundPrice(exact: Decimal.Value, s: Pick<RecalcSettings, 'priceDecimals' | 'rounding'>): Decimal {
  return dec(exact).toDecimalPlaces(s.priceDecimals, s.rounding === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_UP);
}

/** The policy for a provider of `kind`: its own where the settings give one, else the general one. */
export const policyOf = (s: RecalcSettings, kind: string | undefined): RecalcSettings['policy'] =>
  (kind !== undefined && s.kindPolicies && Object.hasOwn(s.kindPolicies, kind) ? s.kindPolicies[kind] : undefined) ?? s.policy;

/** Days one unit of a level price stands for, as a fraction: 1, 7, or the days of the year ÷ 12. */
export function daysPerUnit(unit: LevelUnit, year: number): { numerator: number; denominator: number } {
  if (unit === 'per_day') return { numerator: 1, denominator: 1 };
  if (unit === 'per_week') return { numerator: 7, denominator: 1 };
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return { numerator: leap ? 366 : 365, denominator: 12 };
}

/** The difference the policy settles. */
export function settledDifference(difference: Decimal, policy: RecalcSettings['policy']): Decimal {
  if (policy === 'none') return ZERO;
  if (policy === 'upward_only') return difference.isNegative() ? ZERO : difference;
  return difference;
}

/**
 * Splits `amount` in proportion to `weights` (all ≥ 0, sum > 0) into øre that add up exactly:
 * floor each part to the øre, then give the øre left over to the largest remainders, earlier
 * index first on ties. The sign of the amount is kept.
 */
export function splitInOere(amount: Decimal, weights: readonly Decimal[]): Decimal[] {
  const total = weights.reduce((t, w) => t.plus(w), ZERO);
  const abs = amount.abs();
  const exact = weights.map((w) => abs.mul(w).div(total));
  const parts = exact.map((e) => e.toDecimalPlaces(2, Decimal.ROUND_DOWN));
  let left = abs.minus(parts.reduce((t, p) => t.plus(p), ZERO));
  const order = exact
    .map((e, i) => ({ i, rem: e.minus(parts[i]!) }))
    .filter((x) => weights[x.i]!.gt(0))
    .sort((a, b) => b.rem.comparedTo(a.rem) || a.i - b.i);
  // Fewer øre are left over than there are parts, so each part gets at most one.
  for (let k = 0; left.gt(0); k++, left = left.minus('0.01')) parts[order[k]!.i] = parts[order[k]!.i]!.plus('0.01');
  return amount.isNegative() ? parts.map((p) => p.neg()) : parts;
}

function validate(input: RecalcInput): void {
  const issues: { path: string; message: string }[] = [];
  const codes = new Set<string>();
  input.categories.forEach((c, i) => {
    if (codes.has(c.code)) issues.push({ path: `categories.${i}.code`, message: `repeats category ${c.code}` });
    codes.add(c.code);
  });
  const bandOwner = new Map<string, string>();
  for (const c of input.categories) {
    for (const b of c.timeBands) {
      const key = `${c.priceGroup}|${b}`;
      const other = bandOwner.get(key);
      if (other)
        issues.push({ path: `categories.${c.code}`, message: `price group ${c.priceGroup} band ${b} is already in category ${other}` });
      bandOwner.set(key, c.code);
    }
  }
  const hours = new Map(input.hours.map((h) => [h.code, h]));
  for (const c of input.categories) {
    const h = hours.get(c.code);
    if (!c.level && !h) issues.push({ path: `hours.${c.code}`, message: 'no delivered hours for this category' });
    else if (c.level && (!h || h.deliveredDays == null || dec(h.deliveredDays).isZero()))
      issues.push({
        path: `hours.${c.code}`,
        message: `level ${c.level.code} has no delivered level-days of the in-house provider: settle its level days or enter deliveredDays`,
      });
  }
  input.lines.forEach((l) => {
    const path = `lines.${l.lineNo}`;
    if (l.assessmentUnit) return;
    if (l.allocation.type === 'shares') {
      let sum = ZERO;
      for (const [code, share] of Object.entries(l.allocation.shares)) {
        if (!codes.has(code)) issues.push({ path, message: `share for unknown category ${code} (categories: ${[...codes].join(', ')})` });
        if (!dec(share).gt(0)) issues.push({ path, message: `share for ${code} must be above 0` });
        sum = sum.plus(share);
      }
      if (!sum.eq(100)) issues.push({ path, message: `shares add up to ${sum.toString()} %, not 100 %` });
    } else if (l.allocation.driver === 'staff_hours') {
      const missing = input.categories.filter((c) => hours.get(c.code)?.staffHours == null).map((c) => c.code);
      if (missing.length)
        issues.push({ path, message: `allocated by staff hours, but no staff hours are entered for ${missing.join(', ')}` });
      else if (input.categories.every((c) => dec(hours.get(c.code)!.staffHours!).isZero()))
        issues.push({ path, message: 'allocated by staff hours, but all staff hours are 0' });
    } else if (input.categories.every((c) => dec(hours.get(c.code)?.deliveredHours ?? 0).isZero())) {
      issues.push({ path, message: 'allocated by delivered hours, but all delivered hours are 0' });
    }
  });
  if (issues.length) throw new RecalcInputError(issues);
}

function allocateLine(
  line: CostLine,
  input: RecalcInput,
  hours: Map<string, { delivered: Decimal; staff: Decimal | null }>,
): AllocationRow[] {
  const cats = input.categories;
  const amount = dec(line.amount);
  let weights: Decimal[];
  let basis: (i: number) => string;
  if (line.allocation.type === 'shares') {
    const shares = line.allocation.shares;
    weights = cats.map((c) => dec(shares[c.code] ?? 0));
    basis = (i) => `share ${weights[i]!.toString()} %`;
  } else {
    const driver = line.allocation.driver;
    weights = cats.map((c) => (driver === 'staff_hours' ? hours.get(c.code)!.staff! : hours.get(c.code)!.delivered));
    const total = weights.reduce((t, w) => t.plus(w), ZERO);
    basis = (i) => `${driver} ${weights[i]!.toString()} of ${total.toString()}`;
  }
  const parts = splitInOere(amount, weights);
  return cats
    .map((c, i) => ({
      lineNo: line.lineNo,
      element: line.element,
      costType: line.costType,
      categoryCode: c.code,
      amount: parts[i]!.toFixed(2),
      basis: basis(i),
      w: weights[i]!,
    }))
    .filter((r) => r.w.gt(0))
    .map(({ w: _w, ...r }) => r);
}

export function recalculate(input: RecalcInput): RecalcResult {
  validate(input);
  const s = input.settings;
  const hours = new Map(
    input.hours.map((h) => [h.code, { delivered: dec(h.deliveredHours), staff: h.staffHours === null ? null : dec(h.staffHours) }]),
  );
  const lines = [...input.lines].sort((a, b) => a.lineNo - b.lineNo);

  const allocations: AllocationRow[] = [];
  const excluded: RecalcResult['excluded'] = [];
  for (const l of lines) {
    if (l.assessmentUnit)
      excluded.push({
        lineNo: l.lineNo,
        element: l.element,
        description: l.description,
        amount: dec(l.amount).toFixed(2),
        reason: 'assessment_unit',
      });
    else allocations.push(...allocateLine(l, input, hours));
  }

  const paidByCategory = new Map<string, Map<string, Decimal>>();
  for (const p of input.paid) {
    let byRate = paidByCategory.get(p.categoryCode);
    if (!byRate) paidByCategory.set(p.categoryCode, (byRate = new Map()));
    const key = dec(p.rate).toFixed(4);
    byRate.set(key, (byRate.get(key) ?? ZERO).plus(p.paidMinutes));
  }

  const issues: { path: string; message: string }[] = [];
  const prices = new Map<string, Decimal>();
  const levelCodes = new Set(input.categories.filter((c) => c.level).map((c) => c.code));
  /** Per paid rate: the paid hours (a level category: the paid units), the difference and what the policy settles. */
  const comparisons = (code: string, price: Decimal): PaidComparison[] =>
    [...(paidByCategory.get(code) ?? new Map<string, Decimal>()).entries()]
      .sort(([a], [b]) => dec(a).comparedTo(b))
      .map(([rate, paidMinutes]) => {
        const difference = price.minus(rate);
        return {
          rate: formatRate(rate),
          hours: fixed4(levelCodes.has(code) ? paidMinutes : paidMinutes.div(60)),
          difference: difference.toFixed(4),
          settled: settledDifference(difference, s.policy).toFixed(4),
        };
      });
  const categories: CategoryResult[] = input.categories.map((c) => {
    const mine = allocations.filter((a) => a.categoryCode === c.code);
    const byElement: Partial<Record<CostElement, string>> = {};
    let direct = ZERO;
    let indirect = ZERO;
    for (const e of COST_ELEMENTS) {
      const rows = mine.filter((a) => a.element === e);
      if (rows.length) byElement[e] = rows.reduce((t, a) => t.plus(a.amount), ZERO).toFixed(2);
    }
    for (const a of mine) {
      if (a.costType === 'direct') direct = direct.plus(a.amount);
      else indirect = indirect.plus(a.amount);
    }
    const total = direct.plus(indirect);
    const h = hours.get(c.code)!;
    const hoursInput = input.hours.find((x) => x.code === c.code)!;
    const overheadText = c.overheadPercent ?? s.overheadPercent;
    const overhead = overheadText == null ? null : dec(overheadText);
    if (c.level) {
      // A level price: cost per delivered level-day × (100 + overhead) ÷ 100 × days of the unit, divided last.
      const days = dec(hoursInput.deliveredDays!);
      if (mine.length === 0)
        issues.push({
          path: `categories.${c.code}`,
          message: `level ${c.level.code} has no cost data: give it a share of the cost lines (or a staff-hours key)`,
        });
      const unitDays = daysPerUnit(c.level.unit, input.year);
      const perDay = exactQuotient([total], days);
      const exact = exactQuotient(
        [total, overhead === null ? 100 : overhead.plus(100), unitDays.numerator],
        days.mul(100 * unitDays.denominator),
      );
      const price = roundPrice(exact, s);
      if (price.isNegative())
        issues.push({ path: `categories.${c.code}`, message: `the costs add up to a negative price (${price.toFixed()})` });
      prices.set(c.code, price);
      return {
        code: c.code,
        name: c.name,
        priceGroup: c.priceGroup,
        timeBands: [],
        costs: { byElement, direct: direct.toFixed(2), indirect: indirect.toFixed(2), total: total.toFixed(2) },
        hours: { ...hoursInput, byBand: { ...hoursInput.byBand } },
        costPerHour: fixed4(perDay),
        level: {
          code: c.level.code,
          unit: c.level.unit,
          costPerDay: fixed4(perDay),
          daysPerUnit: unitDays.denominator === 1 ? String(unitDays.numerator) : `${unitDays.numerator}/${unitDays.denominator}`,
        },
        overheadPercent: overhead === null ? null : overhead.toString(),
        priceBeforeRounding: fixed4(exact),
        price: price.toFixed(s.priceDecimals),
        publishedPriceInclVat: roundMoney(price.mul(dec(s.publishedVatPercent).div(100).plus(1))).toFixed(2),
        paid: comparisons(c.code, price),
      };
    }
    if (h.delivered.isZero()) {
      issues.push({
        path: `categories.${c.code}`,
        message: `has ${total.toFixed(2)} of costs but no delivered hours: merge it with another category or enter its hours`,
      });
    }
    const perHour = h.delivered.isZero() ? ZERO : exactQuotient([total], h.delivered);
    // cost × (100 + overhead) ÷ (hours × 100): the division last, so a price that is exactly a tie rounds as one.
    const exact = h.delivered.isZero() || overhead === null ? perHour : exactQuotient([total, overhead.plus(100)], h.delivered.mul(100));
    const price = roundPrice(exact, s);
    if (price.isNegative())
      issues.push({ path: `categories.${c.code}`, message: `the costs add up to a negative price (${price.toFixed()})` });
    prices.set(c.code, price);
    const paid = comparisons(c.code, price);
    return {
      code: c.code,
      name: c.name,
      priceGroup: c.priceGroup,
      timeBands: [...c.timeBands],
      costs: { byElement, direct: direct.toFixed(2), indirect: indirect.toFixed(2), total: total.toFixed(2) },
      hours: { ...hoursInput, byBand: { ...hoursInput.byBand } },
      costPerHour: fixed4(perHour),
      overheadPercent: overhead === null ? null : overhead.toString(),
      priceBeforeRounding: fixed4(exact),
      price: price.toFixed(s.priceDecimals),
      publishedPriceInclVat: roundMoney(price.mul(dec(s.publishedVatPercent).div(100).plus(1))).toFixed(2),
      paid,
    };
  });
  if (issues.length) throw new RecalcInputError(issues);

  const adjustments = adjust(input, prices);
  const sum = (xs: readonly { amount: string }[]) => xs.reduce((t, x) => t.plus(x.amount), ZERO);
  return {
    year: input.year,
    settings: { ...s },
    categories,
    allocations,
    excluded,
    totals: {
      statement: sum(lines).toFixed(2),
      excluded: sum(excluded).toFixed(2),
      allocated: sum(allocations).toFixed(2),
      adjustmentsExclVat: adjustments.reduce((t, a) => t.plus(a.totalExclVat), ZERO).toFixed(2),
    },
    adjustments,
  };
}

/** Per private provider: one line per category, band, paid rate and VAT rate with a settled difference. */
function adjust(input: RecalcInput, prices: Map<string, Decimal>): AdjustmentResult[] {
  const order = new Map(input.categories.map((c, i) => [c.code, i]));
  const group = new Map(input.categories.map((c) => [c.code, c.priceGroup]));
  type Acc = {
    providerId: number;
    providerRef: string;
    providerKind: string | undefined;
    unit: 'per_hour' | LevelUnit;
    categoryCode: string;
    band: string;
    rate: string;
    vatPercent: string;
    minutes: number;
    paidMinutes: Decimal;
  };
  const acc = new Map<string, Acc>();
  for (const p of input.paid) {
    if (!prices.has(p.categoryCode)) continue;
    const rate = dec(p.rate).toFixed(4);
    const vat = dec(p.vatPercent).toFixed(2);
    const unit = p.unit ?? 'per_hour';
    const key = [p.providerId, p.categoryCode, unit, p.band, rate, vat].join('|');
    const a = acc.get(key);
    if (a) {
      a.minutes += p.minutes;
      a.paidMinutes = a.paidMinutes.plus(p.paidMinutes);
    } else
      acc.set(key, {
        providerId: p.providerId,
        providerRef: p.providerRef,
        providerKind: p.providerKind,
        unit,
        categoryCode: p.categoryCode,
        band: p.band,
        rate,
        vatPercent: vat,
        minutes: p.minutes,
        paidMinutes: dec(p.paidMinutes),
      });
  }
  const byProvider = new Map<number, Acc[]>();
  for (const a of acc.values()) {
    const list = byProvider.get(a.providerId);
    if (list) list.push(a);
    else byProvider.set(a.providerId, [a]);
  }
  const out: AdjustmentResult[] = [];
  for (const [providerId, rows] of [...byProvider.entries()].sort(([a], [b]) => a - b)) {
    rows.sort(
      (a, b) =>
        order.get(a.categoryCode)! - order.get(b.categoryCode)! ||
        cmp(a.band, b.band) ||
        dec(a.rate).comparedTo(b.rate) ||
        dec(a.vatPercent).comparedTo(b.vatPercent),
    );
    const lines: AdjustmentLine[] = [];
    for (const r of rows) {
      const price = prices.get(r.categoryCode)!;
      const policy = policyOf(input.settings, r.providerKind);
      const settled = settledDifference(price.minus(r.rate), policy);
      if (settled.isZero() || r.paidMinutes.isZero()) continue;
      const perHour = r.unit === 'per_hour';
      lines.push({
        lineNo: lines.length + 1,
        ...(perHour ? {} : { unit: r.unit }),
        ...(input.settings.kindPolicies && Object.keys(input.settings.kindPolicies).length > 0 ? { policy } : {}),
        categoryCode: r.categoryCode,
        priceGroup: group.get(r.categoryCode)!,
        band: r.band,
        paidRate: formatRate(r.rate),
        newPrice: formatRate(price),
        difference: settled.toFixed(4),
        minutes: r.minutes,
        hours: (perHour ? r.paidMinutes.div(60) : r.paidMinutes).toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toFixed(8),
        amount: roundedQuotient([settled, r.paidMinutes], perHour ? 60 : 1).toFixed(2),
        vatPercent: r.vatPercent,
      });
    }
    const bases = new Map<string, Decimal>();
    for (const l of lines) bases.set(l.vatPercent, (bases.get(l.vatPercent) ?? ZERO).plus(l.amount));
    const vat = [...bases.entries()]
      .sort(([a], [b]) => dec(b).comparedTo(a))
      .map(([percent, base]) => ({ percent, base: base.toFixed(2), vat: roundMoney(base.mul(percent).div(100)).toFixed(2) }));
    const excl = lines.reduce((t, l) => t.plus(l.amount), ZERO);
    const vatTotal = vat.reduce((t, v) => t.plus(v.vat), ZERO);
    out.push({
      providerId,
      providerRef: rows[0]!.providerRef,
      lines,
      vat,
      totalExclVat: excl.toFixed(2),
      vatTotal: vatTotal.toFixed(2),
      totalInclVat: excl.plus(vatTotal).toFixed(2),
    });
  }
  return out;
}
