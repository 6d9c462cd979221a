import { Decimal } from 'decimal.js';
import { roundMoney } from '../../shared/money.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import type { InvoiceDocument, InvoiceLine } from './invoice-types.js';

/**
 * A realistic monthly invoice of a private provider: `citizens` citizens with personal care on
 * weekdays and at other times, practical help for every second, a cancellation for every fifth —
 * 2.7 lines per citizen, so the default 25 citizens give 67 lines on three pages (one page of summary, two of appendix).
 */
export function benchDocument(citizens = 25, language: InvoiceDocument['language'] = 'da'): InvoiceDocument {
  const lines: InvoiceLine[] = [];
  const add = (
    citizenRef: string,
    serviceCode: string,
    category: string,
    band: string,
    kind: string,
    minutes: number,
    rate: string,
    factor = '1',
  ) => {
    const amount = roundMoney(new Decimal(minutes).div(60).mul(rate).mul(factor));
    lines.push({
      lineNo: lines.length + 1,
      citizenRef,
      serviceCode,
      category,
      kind,
      band,
      unit: 'per_hour',
      visits: Math.ceil(minutes / 25),
      minutes,
      quantity: new Decimal(minutes).div(60).toDecimalPlaces(4).toFixed(),
      rate,
      factor,
      amount: amount.toFixed(2),
      vatPercent: '25',
      vatCategory: 'S',
    });
  };
  for (let c = 1; c <= citizens; c++) {
    const ref = `B-${String(c).padStart(5, '0')}`;
    add(ref, 'PP1', 'personal_care', 'weekday_day', 'visit', 600 + ((c * 37) % 900), '450.00');
    add(ref, 'PP1', 'personal_care', 'other_times', 'visit', 300 + ((c * 53) % 600), '540.00');
    if (c % 2 === 0) add(ref, 'PH1', 'practical_help', 'weekday_day', 'visit', 120 + ((c * 11) % 120), '400.00');
    if (c % 5 === 0) add(ref, 'PP1', 'personal_care', 'weekday_day', 'cancellation', 30, '450.00', '0.5');
  }
  const base = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const vat = roundMoney(base.mul(25).div(100));
  const party = (name: string, cvr: string, gln: string, address: string) => ({
    name,
    companyNumber: cvr,
    vatId: `DK${cvr}`,
    endpoint: { id: gln, scheme: '0088' },
    address,
    country: 'DK' as const,
    email: null,
    bankAccount: 'DK50 0040 0440 1162 43',
    ref: null,
  });
  return {
    format: 1,
    kind: 'invoice',
    number: '2026-000042',
    issueDate: '2026-05-04',
    dueDate: '2026-06-03',
    paymentTermsDays: 30,
    currency: 'DKK',
    language,
    period: { start: '2026-04-01', end: '2026-05-01' },
    settlement: { id: 42, kind: 'regular', sequence: 0 },
    corrects: null,
    buyerReference: 'settlement 42',
    seller: { ...party('PlejePlus Ærø & Søby I/S', '29189919', '5798000000001', 'Søndergade 4, 5970 Ærøskøbing'), ref: 'PLEJE-PLUS' },
    buyer: { ...party('Demo Kommune', '29189919', '5798000000001', 'Rådhustorvet 1, 6200 Aabenraa'), vatId: null, bankAccount: null },
    lines,
    vat: [{ category: 'S', percent: '25', exemptionReason: null, base: base.toFixed(2), vat: vat.toFixed(2) }],
    totals: { exclVat: base.toFixed(2), vat: vat.toFixed(2), inclVat: base.plus(vat).toFixed(2) },
  };
}

export interface InvoiceBenchResult {
  n: number;
  lines: number;
  bytes: number;
  ms: number;
  msPerPdf: number;
  /** CPU time of the process (all threads) while rendering: less dependent on other load on the machine. */
  cpuMs: number;
  peakRssMb: number;
}

/** Renders `n` invoice PDFs of a realistic size from an in-memory document (target: 1,000 in under 10 s). */
export async function benchInvoicePdfs(n = 1000, citizens = 25): Promise<InvoiceBenchResult> {
  const doc = benchDocument(citizens);
  let bytes = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) bytes += (await renderInvoicePdf({ ...doc, number: `2026-${String(i + 1).padStart(6, '0')}` })).length;
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  const used = process.cpuUsage(cpu);
  const cpuMs = Math.round((used.user + used.system) / 1000);
  return {
    n,
    lines: doc.lines.length,
    bytes: Math.round(bytes / n),
    ms,
    msPerPdf: Math.round((ms / n) * 100) / 100,
    cpuMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
