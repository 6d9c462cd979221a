import { tr, trDynamic } from '../../i18n/i18n.js';
import { formatAmount } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';
import { differenceText, reasonText } from './control-words.js';
import type { PaymentBasis, ReceivedDocument } from './invoice-control-schemas.js';

/** Printable lines of payment bases and received documents, for the command line and the demo. */
export const basisLine = (b: PaymentBasis, lang: Language) =>
  `${b.reference} ${b.providerRef.padEnd(14)} ${b.period} ${formatAmount(b.totalInclVat, b.currency, lang).padStart(18)}`;

/** A verdict (matched, disputed, rejected, accepted; the inbox's "not stored") in words of the CLI's language. */
export const verdictWord = (verdict: string, lang: Language): string =>
  trDynamic(lang, 'cli', `verdict_${verdict.replace(/\s+/g, '_')}`, undefined, verdict.toUpperCase());

/** A received document in a few lines: verdict, then each reason or difference in words. */
export function receivedLines(d: ReceivedDocument, lang: Language): string[] {
  const head = tr(lang, 'cli', 'receivedHead', {
    id: d.id,
    verdict: verdictWord(d.outcome, lang),
    filename: d.filename ?? '',
    number: d.number ?? '?',
    seller: d.providerRef ?? d.sellerName ?? tr(lang, 'cli', 'receivedUnknownSeller'),
    basis: d.paymentBasisReference ? tr(lang, 'cli', 'receivedForBasis', { reference: d.paymentBasisReference }) : '',
    payable: d.payable ? `, ${d.currency ? formatAmount(d.payable, d.currency, lang) : d.payable}` : '',
  });
  return [
    head.replace(/\s+/g, ' ').trim(),
    ...d.reasons.map((r) => `  - ${reasonText(r, lang)}`),
    ...d.differences.map((x) => `  - ${differenceText(x, lang)}`),
  ];
}
