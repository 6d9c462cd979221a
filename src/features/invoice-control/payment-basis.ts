import { Decimal } from 'decimal.js';
import { roundMoney } from '../../shared/money.js';
import type { LineData, SettlementData, VatData } from '../invoices/invoice-document.js';
import type { Country, Language } from '../invoices/invoice-types.js';
import type { AdjustmentLine } from '../price-recalculation/recalc-types.js';
import type { BasisDocument, BasisParty, BasisRow } from './invoice-control-types.js';

/**
 * Pure: the payment basis (afregningsgrundlag / fakturaunderlag) of an approved settlement, the
 * document a provider in payment-basis mode invoices from.
 *
 * Rows are the settlement's lines summed per category, time band, kind, unit and price, and on
 * each row quantity × price = amount holds to the øre, so a provider's system that computes its
 * line amounts itself arrives at the same figures. Hourly rows are stated in minutes at a price
 * per 60 minutes (exact; hours are repeating decimals). The settlement pays the sum of its
 * rounded lines, which can differ from the rows by a few øre: that difference is one rounding row
 * per VAT rate, so the rows add up to the settlement's total exactly.
 */

/** The reference the provider must quote: AG (afregningsgrundlag) in Denmark, FU (fakturaunderlag) in Sweden, the period's year and the settlement id. */
export function basisReference(country: Country, periodStart: string, settlementId: number): string {
  return `${country === 'SE' ? 'FU' : 'AG'}-${periodStart.slice(0, 4)}-${String(settlementId).padStart(6, '0')}`;
}

export interface BasisInput {
  reference: string;
  issueDate: string;
  language: Language;
  country: Country;
  settlement: SettlementData;
  correctsReference: string | null;
  buyerReference: string | null;
  buyer: BasisParty;
  seller: BasisParty;
  lines: LineData[];
  vat: VatData[];
}

const UNIT_CODE = { per_hour: 'MIN', per_visit: 'C62', per_month: 'MON' } as const;

export function buildBasisRows(lines: readonly LineData[]): BasisRow[] {
  const groups = new Map<string, { l: LineData; price: Decimal; minutes: number; visits: number; quantity: Decimal; paid: Decimal }>();
  for (const l of lines) {
    const price = new Decimal(l.rate).mul(l.factor);
    const key = [l.category, l.band ?? '', l.kind, l.unit, price.toFixed(), new Decimal(l.vatPercent).toFixed(2)].join('|');
    const g = groups.get(key) ?? { l, price, minutes: 0, visits: 0, quantity: new Decimal(0), paid: new Decimal(0) };
    g.minutes += l.minutes;
    g.visits += l.visits;
    g.quantity = g.quantity.plus(l.quantity);
    g.paid = g.paid.plus(l.amount);
    groups.set(key, g);
  }
  const used = new Map<string, number>();
  const rows: BasisRow[] = [];
  const paidByRate = new Map<string, Decimal>();
  const rowsByRate = new Map<string, Decimal>();
  const sorted = [...groups.values()].sort(
    (a, b) =>
      cmp(a.l.category, b.l.category) || cmp(a.l.band ?? '', b.l.band ?? '') || cmp(a.l.kind, b.l.kind) || a.price.comparedTo(b.price),
  );
  for (const g of sorted) {
    const hourly = g.l.unit === 'per_hour';
    const quantity = hourly ? new Decimal(g.minutes) : g.quantity;
    // Multiply first, divide last, round once (TECH-NOTES: minutes ÷ 60 repeats).
    const amount = roundMoney(hourly ? quantity.mul(g.price).div(60) : quantity.mul(g.price));
    const base = `${g.l.category}.${g.l.band ?? 'all'}.${g.l.kind}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const rate = new Decimal(g.l.vatPercent).toFixed(2);
    paidByRate.set(rate, (paidByRate.get(rate) ?? new Decimal(0)).plus(g.paid));
    rowsByRate.set(rate, (rowsByRate.get(rate) ?? new Decimal(0)).plus(amount));
    rows.push({
      itemId: n === 1 ? base : `${base}.${n}`,
      category: g.l.category,
      band: g.l.band,
      kind: g.l.kind,
      unit: g.l.unit,
      visits: g.visits,
      minutes: g.minutes,
      quantity: quantity.toFixed(),
      // A level line counts days whatever the period of its price (DOMAIN.md §4 levels).
      unitCode: g.l.kind === 'level_day' ? 'DAY' : UNIT_CODE[g.l.unit as keyof typeof UNIT_CODE],
      price: g.price.toFixed(),
      baseQuantity: hourly ? 60 : 1,
      amount: amount.toFixed(2),
      vatPercent: new Decimal(g.l.vatPercent).toFixed(),
    });
  }
  rows.push(...roundingRows(paidByRate, rowsByRate));
  return rows;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One rounding row per VAT rate where what is paid differs from the rows' amounts, so the rows add up to it exactly. */
function roundingRows(paidByRate: Map<string, Decimal>, rowsByRate: Map<string, Decimal>): BasisRow[] {
  const rows: BasisRow[] = [];
  for (const [rate, paid] of [...paidByRate].sort((a, b) => new Decimal(b[0]).comparedTo(a[0]))) {
    const diff = paid.minus(rowsByRate.get(rate)!);
    if (diff.isZero()) continue;
    rows.push({
      itemId: `rounding.${new Decimal(rate).toFixed()}`,
      category: 'rounding',
      band: null,
      kind: 'rounding',
      unit: 'rounding',
      visits: 0,
      minutes: 0,
      quantity: diff.isNegative() ? '-1' : '1',
      unitCode: 'C62',
      price: diff.abs().toFixed(2),
      baseQuantity: 1,
      amount: diff.toFixed(2),
      vatPercent: new Decimal(rate).toFixed(),
    });
  }
  return rows;
}

/** The reference of an adjustment's basis: the same series as the settlements' (AG / FU, the year), an R before the adjustment's id. */
export function adjustmentBasisReference(country: Country, year: number, adjustmentId: number): string {
  return `${country === 'SE' ? 'FU' : 'AG'}-${year}-R${String(adjustmentId).padStart(6, '0')}`;
}

/** A line of a retro price adjustment (the settled difference per hour, hours = paid minutes ÷ 60 to 8 decimals) and its service category. */
export type AdjustmentLineData = Pick<
  AdjustmentLine,
  'categoryCode' | 'band' | 'paidRate' | 'newPrice' | 'difference' | 'minutes' | 'hours' | 'amount' | 'vatPercent'
> & { serviceCategory: string; unit?: AdjustmentLine['unit'] };

const LEVEL_UNIT_CODE = { per_day: 'DAY', per_week: 'WEE', per_month: 'MON' } as const;

/**
 * The rows of an adjustment's basis: one per category, band and paid rate, in paid minutes at the
 * difference per hour (minutes are exact where hours repeat), so minutes × price ÷ 60 = amount to
 * the øre. The price is never negative on an e-invoice line: a row the provider pays back has a
 * negative quantity. The paid minutes come back exactly from the stored hours (8 decimals; the
 * factor has 6, so minutes × factor has at most 6).
 */
export function buildAdjustmentRows(lines: readonly AdjustmentLineData[]): BasisRow[] {
  const used = new Map<string, number>();
  const rows: BasisRow[] = [];
  const paidByRate = new Map<string, Decimal>();
  const rowsByRate = new Map<string, Decimal>();
  for (const l of lines) {
    const difference = new Decimal(l.difference);
    if (l.unit && l.unit !== 'per_hour') {
      // A level price's row (§ 19): the paid days, weeks or months (stored exactly in `hours`) at the difference per unit.
      const units = new Decimal(l.hours);
      const q = difference.isNegative() ? units.neg() : units;
      const amt = roundMoney(q.mul(difference.abs()));
      const base = `retro.${l.categoryCode}.${l.band}`;
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      const rate = new Decimal(l.vatPercent).toFixed(2);
      paidByRate.set(rate, (paidByRate.get(rate) ?? new Decimal(0)).plus(l.amount));
      rowsByRate.set(rate, (rowsByRate.get(rate) ?? new Decimal(0)).plus(amt));
      rows.push({
        itemId: n === 1 ? base : `${base}.${n}`,
        category: l.serviceCategory,
        band: l.band,
        kind: 'price_adjustment',
        unit: l.unit,
        visits: 0,
        minutes: l.minutes,
        quantity: q.toFixed(),
        unitCode: LEVEL_UNIT_CODE[l.unit],
        price: difference.abs().toFixed(),
        baseQuantity: 1,
        amount: amt.toFixed(2),
        vatPercent: new Decimal(l.vatPercent).toFixed(),
        paidRate: new Decimal(l.paidRate).toFixed(),
        newPrice: new Decimal(l.newPrice).toFixed(),
      });
      continue;
    }
    const paidMinutes = new Decimal(l.hours).mul(60).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
    const quantity = difference.isNegative() ? paidMinutes.neg() : paidMinutes;
    const amount = roundMoney(quantity.mul(difference.abs()).div(60));
    const base = `retro.${l.categoryCode}.${l.band}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const rate = new Decimal(l.vatPercent).toFixed(2);
    paidByRate.set(rate, (paidByRate.get(rate) ?? new Decimal(0)).plus(l.amount));
    rowsByRate.set(rate, (rowsByRate.get(rate) ?? new Decimal(0)).plus(amount));
    rows.push({
      itemId: n === 1 ? base : `${base}.${n}`,
      category: l.serviceCategory,
      band: l.band,
      kind: 'price_adjustment',
      unit: 'per_hour',
      visits: 0,
      minutes: l.minutes,
      quantity: quantity.toFixed(),
      unitCode: 'MIN',
      price: difference.abs().toFixed(),
      baseQuantity: 60,
      amount: amount.toFixed(2),
      vatPercent: new Decimal(l.vatPercent).toFixed(),
      paidRate: new Decimal(l.paidRate).toFixed(),
      newPrice: new Decimal(l.newPrice).toFixed(),
    });
  }
  return [...rows, ...roundingRows(paidByRate, rowsByRate)];
}

export interface AdjustmentBasisInput extends Omit<BasisInput, 'settlement' | 'correctsReference' | 'lines' | 'vat'> {
  adjustment: {
    id: number;
    recalculationId: number;
    year: number;
    /** The recalculation's span, [periodFrom, periodTo); absent: the year. */
    periodFrom?: string;
    periodTo?: string;
    currency: string;
    totalExclVat: string;
    vat: string;
    totalInclVat: string;
  };
  lines: AdjustmentLineData[];
  vat: { percent: string; base: string; vat: string; exemptionReason: string | null }[];
}

/** Pure: the payment basis of an approved retro price adjustment; the recalculation's span (normally the year) is its period. */
export function buildAdjustmentBasisDocument(input: AdjustmentBasisInput): BasisDocument {
  const a = input.adjustment;
  const rows = buildAdjustmentRows(input.lines);
  const sum = rows.reduce((t, r) => t.plus(r.amount), new Decimal(0));
  if (!sum.eq(a.totalExclVat))
    throw new Error(`price adjustment ${a.id}: the rows add up to ${sum.toFixed(2)}, the adjustment to ${a.totalExclVat}`);
  return {
    ...documentHead(input, a.currency, { start: a.periodFrom ?? `${a.year}-01-01`, end: a.periodTo ?? `${a.year + 1}-01-01` }),
    settlement: null,
    adjustment: { id: a.id, recalculationId: a.recalculationId, year: a.year },
    rows,
    vat: vatByRate(input.vat),
    totals: {
      exclVat: new Decimal(a.totalExclVat).toFixed(2),
      vat: new Decimal(a.vat).toFixed(2),
      inclVat: new Decimal(a.totalInclVat).toFixed(2),
    },
  };
}

type Head = Pick<BasisInput, 'reference' | 'language' | 'country' | 'issueDate' | 'buyerReference' | 'buyer' | 'seller'>;
const documentHead = (input: Head, currency: string, period: { start: string; end: string }) => ({
  format: 1 as const,
  reference: input.reference,
  language: input.language,
  country: input.country,
  currency,
  issueDate: input.issueDate,
  period,
  buyerReference: input.buyerReference,
  buyer: input.buyer,
  seller: input.seller,
});

/** VAT per rate, the groups of one rate together; an exemption reason only on 0 %. */
function vatByRate(
  groups: readonly { percent: string; base: string; vat: string; exemptionReason?: string | null }[],
): BasisDocument['vat'] {
  const byRate = new Map<string, { percent: string; base: Decimal; vat: Decimal; reasons: Set<string> }>();
  for (const g of groups) {
    const key = new Decimal(g.percent).toFixed(2);
    const e = byRate.get(key) ?? {
      percent: new Decimal(g.percent).toFixed(),
      base: new Decimal(0),
      vat: new Decimal(0),
      reasons: new Set<string>(),
    };
    e.base = e.base.plus(g.base);
    e.vat = e.vat.plus(g.vat);
    if (g.exemptionReason) e.reasons.add(g.exemptionReason);
    byRate.set(key, e);
  }
  return [...byRate.values()]
    .sort((a, b) => new Decimal(b.percent).comparedTo(a.percent))
    .map((v) => ({
      percent: v.percent,
      base: v.base.toFixed(2),
      vat: v.vat.toFixed(2),
      exemptionReason: new Decimal(v.percent).isZero() ? [...v.reasons].sort().join('; ') || null : null,
    }));
}

export function buildBasisDocument(input: BasisInput): BasisDocument {
  const s = input.settlement;
  const rows = buildBasisRows(input.lines);
  const sum = rows.reduce((t, r) => t.plus(r.amount), new Decimal(0));
  // The rows are built to add up to the lines; a settlement whose lines do not add up to its total is not approved.
  if (!sum.eq(s.totalExclVat))
    throw new Error(`settlement ${s.id}: the rows add up to ${sum.toFixed(2)}, the settlement to ${s.totalExclVat}`);
  return {
    ...documentHead(input, s.currency, { start: s.periodStart, end: s.periodEnd }),
    settlement: { id: s.id, kind: s.kind, sequence: s.sequence, correctsReference: input.correctsReference },
    rows,
    vat: vatByRate(input.vat),
    totals: {
      exclVat: new Decimal(s.totalExclVat).toFixed(2),
      vat: new Decimal(s.vat).toFixed(2),
      inclVat: new Decimal(s.totalInclVat).toFixed(2),
    },
  };
}
