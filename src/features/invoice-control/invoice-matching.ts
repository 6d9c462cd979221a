import { Decimal } from 'decimal.js';
import { lastDayBefore } from '../invoices/invoice-labels.js';
import type { BasisDocument, BasisRow, Difference, DifferenceCode, ReceivedInvoice, ReceivedLine } from './invoice-control-types.js';

/**
 * Pure: every difference between a received invoice (or credit note) and the payment basis it
 * quotes. Amounts are compared to the øre with Decimal; a difference no larger than the
 * municipality's tolerance is no difference. A credit note states positive amounts for what it
 * credits, so its amounts are negated before they are compared with a (negative) correction basis.
 *
 * Checked: document type (a negative basis is answered by a credit note), period, currency, the
 * totals (tax exclusive, VAT, VAT base and amount per rate, tax inclusive, payable with its
 * rounding amount), and line by line when the document's lines quote the basis's item ids (or
 * are more than one per VAT rate): each basis row is found by the item id it gave the provider
 * (else by amount and price), then quantity, price and amount are compared; rows without a line
 * and lines without a row are listed. A document of one summary line (per VAT rate) is compared
 * on its totals only.
 */
const ZERO = new Decimal(0);
const dec = (v: string | null | undefined) => (v === null || v === undefined ? null : new Decimal(v));
const money = (d: Decimal | null) => (d === null ? null : d.toFixed(2));

export function compareWithBasis(inv: ReceivedInvoice, basis: BasisDocument, tolerance: Decimal.Value): Difference[] {
  const tol = new Decimal(tolerance);
  const sign = inv.documentType === 'credit_note' ? -1 : 1;
  const signed = (v: string | null) => (v === null ? null : new Decimal(v).mul(sign));
  const out: Difference[] = [];
  const amountDiff = (
    code: DifferenceCode,
    subject: string | null,
    expected: Decimal,
    received: Decimal | null,
    allowed: Decimal = ZERO,
  ) => {
    const diff = received === null ? expected : expected.minus(received);
    if (received !== null && diff.minus(allowed).abs().lte(tol)) return;
    out.push({ code, subject, expected: money(expected), received: money(received), difference: money(diff) });
  };

  const expectedType = new Decimal(basis.totals.inclVat).isNegative() ? 'credit_note' : 'invoice';
  if (inv.documentType !== expectedType)
    out.push({ code: 'document_type', subject: null, expected: expectedType, received: inv.documentType, difference: null });
  const expectedPeriod = `${basis.period.start}/${lastDayBefore(basis.period.end)}`;
  const receivedPeriod = inv.period ? `${inv.period.start ?? ''}/${inv.period.end ?? ''}` : null;
  if (receivedPeriod !== expectedPeriod)
    out.push({ code: 'period', subject: null, expected: expectedPeriod, received: receivedPeriod, difference: null });
  if (inv.currency !== basis.currency)
    out.push({ code: 'currency', subject: null, expected: basis.currency, received: inv.currency, difference: null });

  const t = inv.totals;
  amountDiff('tax_exclusive', null, new Decimal(basis.totals.exclVat), signed(t.taxExclusive));
  amountDiff('vat_total', null, new Decimal(basis.totals.vat), signed(t.vat));
  const received = new Map<string, { taxable: Decimal; amount: Decimal }>();
  for (const v of inv.vat) {
    const key = new Decimal(v.percent ?? 0).toFixed(2);
    const e = received.get(key) ?? { taxable: ZERO, amount: ZERO };
    received.set(key, { taxable: e.taxable.plus(signed(v.taxable) ?? ZERO), amount: e.amount.plus(signed(v.amount) ?? ZERO) });
  }
  const rates = new Set([...basis.vat.map((v) => new Decimal(v.percent).toFixed(2)), ...received.keys()]);
  for (const rate of [...rates].sort((a, b) => new Decimal(b).comparedTo(a))) {
    const b = basis.vat.find((v) => new Decimal(v.percent).toFixed(2) === rate);
    const r = received.get(rate) ?? null;
    const subject = new Decimal(rate).toFixed();
    amountDiff('vat_base', subject, new Decimal(b?.base ?? 0), r ? r.taxable : null);
    amountDiff('vat_rate', subject, new Decimal(b?.vat ?? 0), r ? r.amount : null);
  }
  amountDiff('tax_inclusive', null, new Decimal(basis.totals.inclVat), signed(t.taxInclusive));
  // Rounding the amount due to whole kroner (DK) or öre/kronor (SE) is the provider's right: under one krone it is allowed.
  const rounding = signed(t.rounding) ?? ZERO;
  amountDiff('payable', null, new Decimal(basis.totals.inclVat), signed(t.payable), rounding.abs().lt(1) ? rounding.neg() : ZERO);

  const quotesRows = inv.lines.some((l) => basis.rows.some((r) => l.itemIds.includes(r.itemId)));
  if (quotesRows || inv.lines.length > Math.max(1, basis.vat.length)) out.push(...compareLines(inv.lines, basis.rows, sign, tol));
  return out;
}

/** A received line's quantity in the row's unit (minutes for MIN rows), or null when the units cannot be compared. */
function quantityInRowUnit(l: ReceivedLine, row: BasisRow, sign: number): Decimal | null {
  const q = dec(l.quantity);
  if (q === null) return null;
  const s = q.mul(sign);
  if (row.unitCode === 'MIN') {
    if (l.unitCode === 'MIN') return s;
    if (l.unitCode === 'HUR') return s.mul(60);
    return null;
  }
  return l.unitCode === row.unitCode || (row.unitCode === 'C62' && l.unitCode === 'EA') ? s : null;
}

/** A received line's price per the row's base quantity (per hour for MIN rows). */
function priceInRowUnit(l: ReceivedLine, row: BasisRow): Decimal | null {
  const p = dec(l.price);
  if (p === null) return null;
  const base = dec(l.baseQuantity) ?? new Decimal(1);
  if (base.lte(0)) return null;
  if (row.unitCode === 'MIN' && l.unitCode === 'MIN') return p.mul(60).div(base);
  return p.div(base);
}

function compareLines(lines: readonly ReceivedLine[], rows: readonly BasisRow[], sign: number, tol: Decimal): Difference[] {
  const out: Difference[] = [];
  const free = new Set(rows.map((_, i) => i));
  const pairs: [ReceivedLine, BasisRow][] = [];
  const unmatched: ReceivedLine[] = [];
  for (const l of lines) {
    const i = [...free].find((k) => l.itemIds.includes(rows[k]!.itemId));
    if (i === undefined) unmatched.push(l);
    else {
      free.delete(i);
      pairs.push([l, rows[i]!]);
    }
  }
  const extra: ReceivedLine[] = [];
  for (const l of unmatched) {
    const amount = dec(l.amount)?.mul(sign) ?? null;
    const i = [...free].find(
      (k) => amount !== null && amount.minus(rows[k]!.amount).abs().lte(tol) && priceInRowUnit(l, rows[k]!)?.eq(rows[k]!.price),
    );
    if (i === undefined) extra.push(l);
    else {
      free.delete(i);
      pairs.push([l, rows[i]!]);
    }
  }
  for (const [l, row] of pairs) {
    const amount = dec(l.amount)?.mul(sign) ?? null;
    const expected = new Decimal(row.amount);
    const diff = amount === null ? expected : expected.minus(amount);
    if (amount === null || diff.abs().gt(tol))
      out.push({ code: 'line_amount', subject: row.itemId, expected: money(expected), received: money(amount), difference: money(diff) });
    const q = quantityInRowUnit(l, row, sign);
    // Hours are compared to the hundredth (0.6 minutes), what a provider's system writes.
    const qtyTolerance = row.unitCode === 'MIN' && l.unitCode === 'HUR' ? new Decimal('0.6') : ZERO;
    if (q === null || q.minus(row.quantity).abs().gt(qtyTolerance)) {
      out.push({
        code: 'line_quantity',
        subject: row.itemId,
        expected: `${row.quantity} ${row.unitCode}`,
        received: l.quantity === null ? null : `${new Decimal(l.quantity).mul(sign).toFixed()} ${l.unitCode ?? ''}`.trim(),
        difference: q === null ? null : new Decimal(row.quantity).minus(q).toFixed(),
      });
    }
    const p = priceInRowUnit(l, row);
    if (p === null || !p.toDecimalPlaces(4).eq(new Decimal(row.price).toDecimalPlaces(4))) {
      out.push({
        code: 'line_price',
        subject: row.itemId,
        expected: row.price,
        received: p === null ? null : p.toDecimalPlaces(4).toFixed(),
        difference: p === null ? null : new Decimal(row.price).minus(p).toDecimalPlaces(4).toFixed(),
      });
    }
  }
  for (const i of [...free].sort((a, b) => a - b)) {
    const row = rows[i]!;
    if (new Decimal(row.amount).abs().lte(tol)) continue;
    out.push({
      code: 'line_missing',
      subject: row.itemId,
      expected: new Decimal(row.amount).toFixed(2),
      received: null,
      difference: new Decimal(row.amount).toFixed(2),
    });
  }
  for (const l of extra) {
    const amount = dec(l.amount)?.mul(sign) ?? null;
    if (amount !== null && amount.abs().lte(tol)) continue;
    out.push({
      code: 'line_extra',
      subject: l.id ?? l.itemIds[0] ?? null,
      expected: null,
      received: money(amount),
      difference: amount === null ? null : amount.neg().toFixed(2),
    });
  }
  return out;
}
