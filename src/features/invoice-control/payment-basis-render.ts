import { Decimal } from 'decimal.js';
import { csvDocument } from '../../shared/csv-writer.js';
import { archivalPdf, PAGE, RIGHT, ROW, Writer } from '../invoices/invoice-pdf.js';
import {
  bandLabel,
  categoryLabel,
  formatAmount,
  formatDate,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatRateLocal,
  kindLabel,
} from '../invoices/invoice-labels.js';
import { controlWords } from './control-words.js';
import type { BasisDocument, BasisParty, BasisRow } from './invoice-control-types.js';

/**
 * The payment basis as the provider reads it (PDF, in the municipality's language) and as its
 * system reads it (CSV, one row per basis row, through the shared CSV writer). Both are rendered
 * from the frozen basis, so they never change once sent. The PDF is deterministic: its dates are
 * the basis's issue date.
 */

const COLS = { item: [50, 130], desc: [180, 140], qty: [320, 80], price: [400, 70], amount: [470, RIGHT - 470] } as const;

const rowDescription = (r: BasisRow, doc: BasisDocument) => {
  const W = controlWords(doc.language).basis;
  if (r.kind === 'rounding') return W.rounding;
  if (r.kind === 'price_adjustment') return [categoryLabel(r.category, doc.language), bandLabel(r.band, doc.language)].join(', ');
  return [
    categoryLabel(r.category, doc.language),
    bandLabel(r.band, doc.language),
    r.kind === 'visit' ? '' : kindLabel(r.kind, doc.language),
  ]
    .filter(Boolean)
    .join(', ');
};

const quantityText = (r: BasisRow, doc: BasisDocument) =>
  r.unitCode === 'MIN'
    ? `${formatNumber(r.quantity, 0, doc.language)} ${controlWords(doc.language).basis.minutes}`
    : `${formatNumber(r.quantity, new Decimal(r.quantity).isInteger() ? 0 : 2, doc.language)} ${r.unitCode}`;

export function renderBasisPdf(doc: BasisDocument): Promise<Buffer> {
  const lang = doc.language;
  const W = controlWords(lang).basis;
  const money = (d: Decimal.Value) => formatAmount(d, doc.currency, lang);
  const issued = new Date(`${doc.issueDate}T00:00:00Z`);
  // Kept for years like the invoices: archival PDF/A with the embedded font.
  const { pdf, done, fonts } = archivalPdf({
    title: `${W.title} ${doc.reference}`,
    author: doc.buyer.name,
    subject: `${doc.seller.name} ${doc.period.start}`,
    issued,
    language: lang,
  });
  let tableHeader: (() => void) | null = null;
  const w = new Writer(pdf, () => tableHeader?.(), fonts);

  const s = doc.settlement;
  const title = doc.adjustment
    ? `${W.title}: ${W.adjustmentTitle(doc.adjustment.year)}`
    : s?.kind === 'correction'
      ? `${W.title} (${W.correction(s.sequence)})`
      : W.title;
  w.text(title, PAGE.margin, RIGHT - PAGE.margin, { bold: true, size: 18 });
  w.y += 28;
  const facts: [string, string][] = [
    [W.reference, doc.reference],
    [W.period, formatPeriod(doc.period.start, doc.period.end, lang)],
    [W.issueDate, formatDate(doc.issueDate, lang)],
    doc.adjustment
      ? ([W.recalculation, String(doc.adjustment.recalculationId)] as [string, string])
      : ([W.settlement, String(s?.id ?? '')] as [string, string]),
    ...(s?.correctsReference ? ([[W.corrects, s.correctsReference]] as [string, string][]) : []),
    ...(doc.buyerReference ? ([[W.buyerReference, doc.buyerReference]] as [string, string][]) : []),
    ...(doc.buyer.endpoint ? ([[W.sendTo, `Peppol ${doc.buyer.endpoint.scheme}:${doc.buyer.endpoint.id}`]] as [string, string][]) : []),
  ];
  for (const [k, v] of facts) {
    w.text(k, 50, 170, { bold: true });
    w.text(v, 225, RIGHT - 225, { bold: k === W.reference });
    w.y += ROW;
  }
  w.y += 6;
  const party = (p: BasisParty, heading: string, x: number, width: number) => {
    const top = w.y;
    w.text(heading, x, width, { bold: true, size: 8 });
    w.y += ROW;
    w.text(p.name, x, width, { bold: true });
    w.y += ROW;
    for (const part of (p.address ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      w.text(part, x, width);
      w.y += ROW;
    }
    if (p.companyNumber) {
      w.text(p.companyNumber, x, width);
      w.y += ROW;
    }
    const bottom = w.y;
    w.y = top;
    return bottom;
  };
  w.y = Math.max(party(doc.seller, W.provider, 50, 240), party(doc.buyer, W.municipality, 310, RIGHT - 310)) + 8;
  w.paragraph(W.intro, 50, RIGHT - 50, { size: 8 });
  if (doc.adjustment) w.paragraph(W.adjustmentIntro, 50, RIGHT - 50, { size: 8 });
  w.paragraph(W.whereReference, 50, RIGHT - 50, { size: 8 });
  w.paragraph(W.whereItems, 50, RIGHT - 50, { size: 8 });
  w.y += 6;

  w.text(W.rows, 50, RIGHT - 50, { bold: true, size: 11 });
  w.y += ROW + 4;
  const header = () => {
    w.text(W.itemId, COLS.item[0], COLS.item[1], { bold: true });
    w.text(W.description, COLS.desc[0], COLS.desc[1], { bold: true });
    w.text(W.quantity, COLS.qty[0], COLS.qty[1], { bold: true, align: 'right' });
    w.text(W.price, COLS.price[0], COLS.price[1], { bold: true, align: 'right' });
    w.text(W.amount, COLS.amount[0], COLS.amount[1], { bold: true, align: 'right' });
    w.y += ROW - 2;
    w.rule();
    w.y += 3;
  };
  tableHeader = header;
  header();
  for (const r of doc.rows) {
    // An adjustment's row says under its description which rate was paid and what the recalculated price is.
    const priceLine =
      r.paidRate !== undefined && r.newPrice !== undefined
        ? W.paidAndNew(formatRateLocal(r.paidRate, lang), formatRateLocal(r.newPrice, lang))
        : null;
    w.need(priceLine ? ROW * 2 : ROW);
    w.text(r.itemId, COLS.item[0], COLS.item[1], { size: 7 });
    w.text(rowDescription(r, doc), COLS.desc[0], COLS.desc[1], { size: 8 });
    w.text(quantityText(r, doc), COLS.qty[0], COLS.qty[1], { align: 'right' });
    w.text(`${formatRateLocal(r.price, lang)}${r.unitCode === 'MIN' ? W.perHour : ''}`, COLS.price[0], COLS.price[1], {
      align: 'right',
      size: 8,
    });
    w.text(money(r.amount), COLS.amount[0], COLS.amount[1], { align: 'right' });
    w.y += ROW;
    if (priceLine) {
      w.text(priceLine, COLS.desc[0], COLS.desc[1], { size: 7 });
      w.y += ROW - 2;
    }
  }
  tableHeader = null;
  w.need(ROW * (4 + doc.vat.length));
  w.rule();
  w.y += 5;
  const total = (label: string, value: string, bold = false) => {
    w.text(label, 250, COLS.amount[0] - 250, { bold });
    w.text(value, COLS.amount[0], COLS.amount[1], { align: 'right', bold });
    w.y += ROW;
  };
  total(W.totalExclVat, money(doc.totals.exclVat));
  for (const v of doc.vat)
    total(
      new Decimal(v.percent).gt(0) ? `${W.vatOf(formatPercent(v.percent, lang))} (${money(v.base)})` : `${W.exempt} (${money(v.base)})`,
      money(v.vat),
    );
  total(W.vat, money(doc.totals.vat));
  total(W.totalInclVat, money(doc.totals.inclVat), true);

  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    w.y = PAGE.height - 45;
    w.text(`${W.title} ${doc.reference} · ${doc.seller.name}`, 50, 330, { size: 7 });
    w.text(W.page(i - start + 1, count), 380, RIGHT - 380, { size: 7, align: 'right' });
  }
  pdf.end();
  return done;
}

/** The rows for the provider's system: semicolon-separated, decimal point, signed as the basis. */
export function renderBasisCsv(doc: BasisDocument): string {
  return csvDocument(
    controlWords(doc.language).basis.csvHeader,
    doc.rows.map((r) => [
      doc.reference,
      r.itemId,
      r.category,
      r.band ?? '',
      r.kind,
      r.unitCode,
      r.quantity,
      r.baseQuantity,
      r.price,
      r.amount,
      r.vatPercent,
      r.visits,
      r.minutes,
    ]),
  );
}
