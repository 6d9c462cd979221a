import type { Language } from '../invoices/invoice-types.js';
import { differenceText, reasonText } from './control-words.js';
import type { PaymentBasis, ReceivedDocument } from './invoice-control-schemas.js';

/** Printable lines of payment bases and received documents, for the command line and the demo. */
export const basisLine = (b: PaymentBasis) =>
  `${b.reference} ${b.providerRef.padEnd(14)} ${b.period} ${b.totalInclVat.padStart(14)} ${b.currency}`;

/** A received document in a few lines: verdict, then each reason or difference in words. */
export function receivedLines(d: ReceivedDocument, lang: Language): string[] {
  const head = `#${d.id} ${d.outcome.toUpperCase()} ${d.filename ?? ''} ${d.number ?? '?'} from ${d.providerRef ?? d.sellerName ?? 'unknown seller'}${d.paymentBasisReference ? ` for ${d.paymentBasisReference}` : ''}${d.payable ? `, ${d.payable} ${d.currency ?? ''}` : ''}`;
  return [
    head.replace(/\s+/g, ' ').trim(),
    ...d.reasons.map((r) => `  - ${reasonText(r, lang)}`),
    ...d.differences.map((x) => `  - ${differenceText(x, lang)}`),
  ];
}
