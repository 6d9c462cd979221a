import { Decimal } from 'decimal.js';
import type { Recalculation, RecalcReport } from './recalc-schemas.js';
import { COST_ELEMENTS } from './recalc-types.js';

export interface MunicipalityInfo {
  code: string;
  name: string;
  country: 'DK' | 'SE';
  currency: string;
  language: 'da' | 'sv' | 'en';
}

/**
 * The report for the council (JSON; the PDF is rendered from it): costs by element and category,
 * excluded assessment costs, hours, prices, the comparison with what was paid, and each
 * provider's adjustment with its document number. Every figure is one of the recalculation's.
 */
export function recalcReport(r: Recalculation, m: MunicipalityInfo): RecalcReport {
  const codes = r.categories.map((c) => c.code);
  const rows: string[][] = [];
  for (const e of COST_ELEMENTS) {
    const amounts = r.categories.map((c) => c.costs.byElement[e] ?? null);
    if (amounts.every((a) => a === null)) continue;
    const total = amounts.reduce((t, a) => t.plus(a ?? 0), new Decimal(0));
    rows.push([e, ...amounts.map((a) => a ?? '0.00'), total.toFixed(2)]);
  }
  rows.push(['total', ...r.categories.map((c) => c.costs.total), r.totals.allocated]);
  return {
    municipality: m,
    recalculationId: r.id,
    year: r.year,
    status: r.status,
    computedAt: r.computedAt,
    approvedAt: r.approvedAt,
    approvedBy: r.approvedBy,
    fingerprint: r.fingerprint,
    settings: r.settings,
    costsByElement: { columns: ['element', ...codes, 'total'], rows },
    excluded: r.excluded.map(({ reason: _reason, ...x }) => x),
    totals: r.totals,
    categories: r.categories,
    adjustments: r.adjustments,
    proposedPriceListId: r.proposedPriceListId,
    adoptedAt: r.adoptedAt,
  };
}

/** Printable lines for the command line and the demo. */
export function recalcLines(r: Recalculation, currency: string): string[] {
  const out: string[] = [];
  const s = r.settings;
  out.push(
    `Price recalculation ${r.year} (#${r.id}, ${r.status}): policy ${s.policy}, overhead ${s.overheadPercent === null ? 'none' : `${s.overheadPercent} %`}, ` +
      `prices to ${s.priceDecimals} decimals ${s.rounding === 'up' ? 'rounded up' : 'half-up'}, published incl. ${s.publishedVatPercent} % VAT`,
  );
  out.push(
    `  costs ${r.totals.statement} ${currency}, of which assessment unit excluded ${r.totals.excluded}, allocated ${r.totals.allocated}`,
  );
  for (const c of r.categories) {
    const paid = c.paid
      .map(
        (p) =>
          `paid ${p.rate} for ${p.hours} h → ${p.settled === '0.0000' && p.difference !== '0.0000' ? `not settled (${p.difference})` : `settle ${p.settled}/h`}`,
      )
      .join('; ');
    const per = c.level ? `${c.hours.deliveredDays ?? '0'} level-days` : `${c.hours.deliveredHours} h`;
    const unit = c.level ? ` × ${c.level.daysPerUnit} days = ${c.level.unit}` : '';
    out.push(
      `  ${c.code.padEnd(18)} cost ${c.costs.total.padStart(14)} / ${per.padStart(14)} = ${c.costPerHour.padStart(10)}` +
        `${c.overheadPercent ? ` × ${c.overheadPercent} % overhead` : ''}${unit} → price ${c.price} (published ${c.publishedPriceInclVat} incl. VAT)${paid ? `; ${paid}` : ''}`,
    );
  }
  for (const a of r.adjustments) {
    const doc = a.invoice
      ? `${a.invoice.kind} ${a.invoice.number}`
      : a.paymentBasis
        ? `payment basis ${a.paymentBasis}`
        : new Decimal(a.totalInclVat).isZero()
          ? 'nothing to settle'
          : r.status === 'approved'
            ? 'not issued yet'
            : 'draft';
    out.push(
      `  adjustment ${a.providerRef.padEnd(12)} ${a.totalExclVat.padStart(12)} + VAT ${a.vat.padStart(10)} = ${a.totalInclVat.padStart(12)} ${currency} (${a.lines.length} line(s)): ${doc}`,
    );
  }
  return out;
}
