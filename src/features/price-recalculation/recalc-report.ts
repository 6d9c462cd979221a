import { Decimal } from 'decimal.js';
import { tr, type KeyOf, type Params } from '../../i18n/i18n.js';
import { formatNumber } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';
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
export function recalcLines(r: Recalculation, currency: string, lang: Language = 'en'): string[] {
  const w = (key: KeyOf<'cli'>, params?: Params) => tr(lang, 'cli', key, params);
  /** A decimal as it comes (its own decimals), in the language's digits. */
  const dec = (v: string) => formatNumber(v, /\.(\d+)$/.exec(v)?.[1]?.length ?? 0, lang);
  const out: string[] = [];
  const s = r.settings;
  out.push(
    w('recalcHead', {
      year: r.year,
      id: r.id,
      status: w(`status_${r.status}`),
      policy: w(`recalcPolicy_${s.policy}`),
      overhead: s.overheadPercent === null ? w('recalcNoOverhead') : `${dec(s.overheadPercent)} %`,
      count: s.priceDecimals,
      rounding: w(s.rounding === 'up' ? 'recalcRounding_up' : 'recalcRounding_half_up'),
      vat: dec(s.publishedVatPercent),
    }),
  );
  out.push(
    `  ${w('recalcCosts', { total: dec(r.totals.statement), currency, excluded: dec(r.totals.excluded), allocated: dec(r.totals.allocated) })}`,
  );
  for (const c of r.categories) {
    const paid = c.paid
      .map((p) =>
        w('recalcPaid', {
          rate: dec(p.rate),
          hours: w('cliHours', { hours: dec(p.hours) }),
          settlement:
            p.settled === '0.0000' && p.difference !== '0.0000'
              ? w('recalcNotSettled', { difference: dec(p.difference) })
              : w('recalcSettle', { amount: dec(p.settled) }),
        }),
      )
      .join('; ');
    const per = c.level
      ? w('cliLevelDayCount', { count: Number(c.hours.deliveredDays ?? '0') })
      : w('cliHours', { hours: dec(c.hours.deliveredHours) });
    const unit = c.level ? w('recalcLevelUnit', { count: Number(c.level.daysPerUnit), unit: c.level.unit }) : '';
    out.push(
      `  ${c.code.padEnd(18)} ${w('recalcCost')} ${dec(c.costs.total).padStart(14)} / ${per.padStart(14)} = ${dec(c.costPerHour).padStart(10)}` +
        `${c.overheadPercent ? w('recalcOverhead', { percent: dec(c.overheadPercent) }) : ''}${unit} ${w('recalcPrice', { price: dec(c.price), published: dec(c.publishedPriceInclVat) })}${paid ? `; ${paid}` : ''}`,
    );
  }
  for (const a of r.adjustments) {
    const doc = a.invoice
      ? `${w(`invoiceKind_${a.invoice.kind}`)} ${a.invoice.number}`
      : a.paymentBasis
        ? w('recalcPaymentBasis', { reference: a.paymentBasis })
        : new Decimal(a.totalInclVat).isZero()
          ? w('recalcNothing')
          : r.status === 'approved'
            ? w('recalcNotIssued')
            : w('status_draft');
    out.push(
      `  ${w('recalcAdjustment')} ${a.providerRef.padEnd(12)} ${dec(a.totalExclVat).padStart(12)} + ${w('vatWord')} ${dec(a.vat).padStart(10)} = ${dec(a.totalInclVat).padStart(12)} ${currency} (${w('lineCount', { count: a.lines.length })}): ${doc}`,
    );
  }
  return out;
}
