import { Decimal } from 'decimal.js';
import { bundle, tr, trDynamic, type KeyOf, type Params } from '../../i18n/i18n.js';
import type { InvoiceKind, Language } from './invoice-types.js';

/**
 * Texts and number/date formats of the documents, per document language. Formatting is done
 * here by hand rather than with Intl: Intl takes JS numbers (money must stay Decimal), its output
 * varies with the ICU version (an issued document must re-render to the same bytes for years),
 * and sv-SE writes U+2212 for minus, which the PDF's built-in Helvetica cannot show.
 */

/** The document words of a language (src/i18n/<lang>/documents.ts), sentences with values as functions. */
function labels(l: Language) {
  const w = bundle(l, 'documents');
  const d = (key: KeyOf<'documents'>, params: Params) => tr(l, 'documents', key, params);
  return {
    ...w,
    selfBillingAgreement: (date: string) => d('selfBillingAgreement', { date }),
    paidShare: (percent: string) => d('paidShare', { percent }),
    pricePer: (unit: string, days: number) =>
      `${unit === 'per_week' ? w.pricePer_per_week : unit === 'per_month' ? w.pricePer_per_month : w.pricePer_per_day}${days === 1 ? '' : d('pricePerDays', { days })}`,
    paymentTerms: (days: number) => d('paymentTerms', { days }),
    adjustmentOf: (year: number, id: number) => d('adjustmentOf', { year, id }),
    vatOf: (percent: string, base: string) => d('vatOf', { percent, base }),
    page: (n: number, of: number) => d('page', { n, of }),
  };
}

const LABELS = { da: labels('da'), sv: labels('sv'), en: labels('en') };

export type Labels = ReturnType<typeof labels>;
export const labelsFor = (language: Language): Labels => LABELS[language];
export const titleOf = (kind: InvoiceKind, language: Language): string => LABELS[language][kind];

const humanise = (code: string) => code.replace(/_/g, ' ');
const word = (prefix: string, code: string, l: Language) => trDynamic(l, 'documents', `${prefix}.${code}`, undefined, humanise(code));
export const categoryLabel = (code: string, l: Language) => word('category', code, l);
export const bandLabel = (code: string | null, l: Language) => (code === null ? '' : word('band', code, l));
export const kindLabel = (code: string, l: Language) => word('kind', code, l);

const monthName = (l: Language, month: number) => bundle(l, 'documents')[`month.${month}` as 'month.1'];

/** A date the local way: da 04.05.2026, sv 2026-05-04, en 4 May 2026. */
export function formatDate(iso: string, l: Language): string {
  const [y, m, d] = iso.split('-');
  if (l === 'da') return `${d}.${m}.${y}`;
  if (l === 'sv') return iso;
  return `${Number(d)} ${monthName('en', Number(m))} ${y}`;
}

/** The month of a period, e.g. "april 2026"; several months as a date range. */
export function formatPeriod(start: string, endExclusive: string, l: Language): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  const nextMonth = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  if (start.endsWith('-01') && endExclusive === nextMonth) return `${monthName(l, m)} ${y}`;
  return `${formatDate(start, l)} – ${formatDate(lastDayBefore(endExclusive), l)}`;
}

export function lastDayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

const SEPARATORS: Record<Language, { group: string; decimal: string }> = {
  da: { group: '.', decimal: ',' },
  // Swedish groups with a (no-break) space; Helvetica's WinAnsi encoding has U+00A0.
  sv: { group: '\u00a0', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

/** A decimal with `places` decimals the local way, with an ASCII hyphen-minus for negatives. */
export function formatNumber(value: Decimal.Value, places: number, l: Language): string {
  let s = new Decimal(value).toFixed(places, Decimal.ROUND_HALF_UP);
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  const [int, frac] = s.split('.') as [string, string | undefined];
  const { group, decimal } = SEPARATORS[l];
  const grouped = int.length > 3 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, group) : int;
  // A value that rounds to zero has no sign.
  return `${negative && /[1-9]/.test(s) ? '-' : ''}${grouped}${frac ? decimal + frac : ''}`;
}

/** A rate with 2 to 4 decimals (rates are kept to 4), e.g. 450,00 or 452,3456. */
export function formatRateLocal(value: Decimal.Value, l: Language): string {
  const d = new Decimal(value).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
  return formatNumber(d, Math.max(2, d.decimalPlaces()), l);
}

/** Money the local way: da 1.234,50 kr. · sv 1 234,50 kr · en DKK 1,234.50. */
export function formatAmount(value: Decimal.Value, currency: string, l: Language): string {
  const n = formatNumber(value, 2, l);
  if (l === 'da' && currency === 'DKK') return `${n} kr.`;
  if (l === 'sv' && currency === 'SEK') return `${n}\u00a0kr`;
  if (l === 'en') return `${currency} ${n}`;
  return `${n} ${currency}`;
}

/** A percent without trailing zeros, e.g. "25" or "12,5". */
export function formatPercent(value: Decimal.Value, l: Language): string {
  const s = new Decimal(value).toString();
  return l === 'en' ? s : s.replace('.', ',');
}
