import { Decimal } from 'decimal.js';
import { csvDocument } from '../../shared/csv-writer.js';
import type { LineData } from './invoice-document.js';
import type { SettlementRow } from './invoices-store.js';

/**
 * A settlement and its lines as CSV for the accounting system: one row per line, the settlement's
 * (and its invoice's) identity repeated on every row so each row stands alone. Semicolon-separated,
 * decimal point, UTF-8 with a header row; amounts signed as in the settlement. Refs and codes go
 * through the shared cell rule, so a ref such as `-cmd` cannot run as a formula in a spreadsheet.
 */
const HEADER = [
  'settlement_id',
  'provider_ref',
  'period',
  'settlement_kind',
  'sequence',
  'status',
  'invoice_number',
  'currency',
  'line_no',
  'citizen_ref',
  'service_code',
  'category',
  'line_kind',
  'band',
  'unit',
  'visits',
  'minutes',
  'quantity',
  'rate',
  'factor',
  'amount',
  'vat_percent',
];

export function settlementCsv(
  s: SettlementRow & { providerRef: string },
  lines: readonly LineData[],
  invoiceNumber: string | null,
): string {
  const head = [s.id, s.providerRef, s.periodStart.slice(0, 7), s.kind, s.sequence, s.status, invoiceNumber, s.currency];
  const rows = lines.map((l) => [
    ...head,
    l.lineNo,
    l.citizenRef,
    l.serviceCode,
    l.category,
    l.kind,
    l.band,
    l.unit,
    l.visits,
    l.minutes,
    new Decimal(l.quantity).toFixed(),
    new Decimal(l.rate).toFixed(),
    new Decimal(l.factor).toFixed(),
    new Decimal(l.amount).toFixed(2),
    new Decimal(l.vatPercent).toFixed(),
  ]);
  return csvDocument(HEADER, rows);
}
