import { Decimal } from 'decimal.js';
import PDFDocument from 'pdfkit';
import { groupByCategoryAndBand, groupByCitizen, shownQuantity, type SummaryRow } from './invoice-document.js';
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
  labelsFor,
  titleOf,
  type Labels,
} from './invoice-labels.js';
import type { InvoiceDocument, InvoiceLine, Party } from './invoice-types.js';

/**
 * Renders the frozen document as a PDF with pdfkit's built-in Helvetica (WinAnsi: æøå and åäö
 * render and extract as text). Deterministic: the creation date is the issue date and nothing
 * random goes in, so the same document always gives the same bytes. Amounts are signed as in the
 * settlement (a credit note's are negative, with a visible '-').
 */

/** A4 in points; shared with the other PDF documents (e.g. the price recalculation report). */
export const PAGE = { width: 595.28, height: 841.89, margin: 50 };
export const RIGHT = PAGE.width - PAGE.margin;
const BOTTOM = PAGE.height - 70;
export const ROW = 13;

/** Column layout of the line tables: [x, width]. */
const COLS = { desc: [50, 215], visits: [265, 45], qty: [310, 75], rate: [385, 75], amount: [460, RIGHT - 460] } as const;

// Helvetica has no U+2212 (what Intl writes for minus in sv-SE); never let one through.
const safe = (s: string) => s.replace(/\u2212/g, '-');

/** Places text by hand in columns, with page breaks; shared with the other PDF documents. */
export class Writer {
  y = PAGE.margin;
  constructor(
    readonly pdf: PDFKit.PDFDocument,
    private readonly onNewPage: () => void = () => {},
  ) {}

  private font = '';
  private size = 0;

  private use(bold: boolean | undefined, size: number) {
    const font = bold ? 'Helvetica-Bold' : 'Helvetica';
    if (font !== this.font) this.pdf.font((this.font = font));
    if (size !== this.size) this.pdf.fontSize((this.size = size));
  }

  /**
   * One line of text in a column, cut with an ellipsis when too wide. Positioned by hand: pdfkit
   * runs its line wrapper for any text given a width, which is most of the cost of a table cell.
   */
  text(s: string, x: number, width: number, o: { align?: 'left' | 'right'; bold?: boolean; size?: number } = {}) {
    const size = o.size ?? 9;
    this.use(o.bold, size);
    let t = safe(s);
    // No Helvetica glyph is wider than 1.02 em: short text needs no measuring when left-aligned.
    const right = o.align === 'right';
    let w = right || t.length * size * 1.02 > width ? this.pdf.widthOfString(t) : 0;
    if (w > width) {
      while (t.length > 1 && w > width) {
        t = t.slice(0, -1);
        w = this.pdf.widthOfString(`${t}\u2026`);
      }
      t = `${t}\u2026`;
    }
    this.pdf.text(t, right ? x + width - w : x, this.y, { lineBreak: false });
  }

  /** Wrapped text (for free text such as exemption reasons); advances y by its height. */
  paragraph(s: string, x: number, width: number, o: { size?: number } = {}) {
    this.use(false, o.size ?? 8);
    const h = this.pdf.heightOfString(safe(s), { width });
    this.need(h);
    this.pdf.text(safe(s), x, this.y, { width });
    this.y += h + 2;
  }

  need(h: number) {
    if (this.y + h > BOTTOM) {
      this.pdf.addPage();
      this.y = PAGE.margin;
      this.onNewPage();
    }
  }

  rule(weight = 0.5) {
    this.pdf.moveTo(PAGE.margin, this.y).lineTo(RIGHT, this.y).lineWidth(weight).stroke();
  }
}

function partyBlock(w: Writer, p: Party, heading: string, x: number, width: number, L: Labels, withBank: boolean): number {
  const top = w.y;
  const line = (s: string, o: { bold?: boolean; size?: number } = {}) => {
    w.text(s, x, width, o);
    w.y += ROW;
  };
  line(heading, { bold: true, size: 8 });
  line(p.name, { bold: true, size: 10 });
  for (const part of (p.address ?? '').split(',').map((s) => s.trim()).filter(Boolean)) line(part);
  if (p.companyNumber) line(`${L.companyNumber} ${p.companyNumber}`);
  if (p.vatId) line(`${L.vatId} ${p.vatId}`);
  line(`${L.endpoint} ${p.endpoint.scheme}:${p.endpoint.id}`);
  if (withBank && p.bankAccount) line(`${L.bankAccount} ${p.bankAccount}`);
  if (p.email) line(p.email);
  const bottom = w.y;
  w.y = top;
  return bottom;
}

const rowDescription = (r: { band: string | null; kind: string; factor: Decimal | string }, lang: InvoiceDocument['language']) => {
  const parts = [bandLabel(r.band, lang), r.kind === 'visit' ? '' : kindLabel(r.kind, lang)].filter(Boolean);
  const factor = new Decimal(r.factor);
  const text = parts.join(', ') || kindLabel(r.kind, lang);
  return factor.eq(1) ? text : `${text} (${formatPercent(factor.mul(100).toDecimalPlaces(4), lang)} %)`;
};

const quantityText = (unit: InvoiceLine['unit'], minutes: number, quantity: Decimal.Value, L: Labels, lang: InvoiceDocument['language']) => {
  const q = shownQuantity(unit, minutes, quantity);
  if (unit === 'per_hour') return `${formatNumber(q, 2, lang)} ${L.hoursUnit}`;
  const places = q.isInteger() ? 0 : 2;
  return `${formatNumber(q, places, lang)} ${unit === 'per_visit' ? L.visitsUnit : L.monthsUnit}`;
};

/**
 * pdfkit reads and parses the AFM metrics of a built-in font again for every document, which is
 * about a quarter of the time of rendering an invoice: the parsed tables are only read afterwards,
 * so they are parsed once per process and shared. Kerning is left out (pdfkit kerns built-in
 * fonts glyph pair by glyph pair, another fifth of the time): invoices are columns of numbers,
 * which Helvetica does not kern anyway.
 */
type Afm = { attributes: object; glyphWidths: object; boundingBoxes: object; kernPairs: object; parse(contents: string): void; getKernPair(): number };
let afmShared = false;
export function shareAfmMetrics(pdf: PDFKit.PDFDocument): void {
  if (afmShared) return;
  afmShared = true;
  const afm = (pdf as unknown as { _font?: { font?: Afm } })._font?.font;
  if (!afm || typeof afm.parse !== 'function' || typeof afm.getKernPair !== 'function') return;
  const proto = Object.getPrototypeOf(afm) as Afm;
  const parse = proto.parse;
  const cache = new Map<string, Pick<Afm, 'attributes' | 'glyphWidths' | 'boundingBoxes' | 'kernPairs'>>();
  proto.parse = function (this: Afm, contents: string) {
    let hit = cache.get(contents);
    if (!hit) {
      parse.call(this, contents);
      cache.set(contents, (hit = { attributes: this.attributes, glyphWidths: this.glyphWidths, boundingBoxes: this.boundingBoxes, kernPairs: this.kernPairs }));
    }
    Object.assign(this, hit);
  };
  proto.getKernPair = () => 0;
}

/** Renders the PDF of a frozen document. */
export function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const lang = doc.language;
  const L = labelsFor(lang);
  const title = titleOf(doc.kind, lang);
  const money = (d: Decimal.Value) => formatAmount(d, doc.currency, lang);
  const issued = new Date(`${doc.issueDate}T00:00:00Z`);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    autoFirstPage: true,
    info: { Title: `${title} ${doc.number}`, Author: doc.buyer.name, Subject: `${doc.seller.name} ${doc.period.start}`, Creator: 'carepay', Producer: 'carepay', CreationDate: issued, ModDate: issued },
  });
  shareAfmMetrics(pdf);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  let tableHeader: (() => void) | null = null;
  const w = new Writer(pdf, () => tableHeader?.());

  // Heading and document facts.
  w.text(title, PAGE.margin, 250, { bold: true, size: 20 });
  const facts: [string, string][] = [
    [doc.kind === 'credit_note' ? L.creditNumber : L.number, doc.number],
    [L.issueDate, formatDate(doc.issueDate, lang)],
    ...(doc.kind === 'credit_note' ? [] : ([[L.dueDate, formatDate(doc.dueDate, lang)]] as [string, string][])),
    [L.period, formatPeriod(doc.period.start, doc.period.end, lang)],
    ...(doc.kind === 'credit_note' ? [] : ([[L.paymentTermsLabel, L.paymentTerms(doc.paymentTermsDays)]] as [string, string][])),
    ...(doc.corrects ? ([[L.corrects, `${doc.corrects.number} (${formatDate(doc.corrects.issueDate, lang)})`]] as [string, string][]) : []),
    doc.settlement
      ? [L.settlement, doc.settlement.kind === 'correction' ? `${doc.settlement.id}, ${L.correctionNo} ${doc.settlement.sequence}` : String(doc.settlement.id)]
      : [L.adjustment, L.adjustmentOf(doc.adjustment!.year, doc.adjustment!.recalculationId)],
  ];
  for (const [k, v] of facts) {
    w.text(k, 315, 110, { bold: true });
    w.text(v, 430, RIGHT - 430);
    w.y += ROW;
  }
  w.y = Math.max(w.y, PAGE.margin + 40) + 12;

  // Parties: the provider sells, the municipality buys and issues (self-billing).
  const bottom = Math.max(partyBlock(w, doc.seller, L.seller, 50, 240, L, true), partyBlock(w, doc.buyer, L.buyer, 310, RIGHT - 310, L, false));
  w.y = bottom + 6;
  w.paragraph(doc.adjustment ? L.selfBillingAdjustment : L.selfBilling, 50, RIGHT - 50);
  w.y += 8;

  // Lines by category and time band.
  const header = () => {
    w.text(L.description, COLS.desc[0], COLS.desc[1], { bold: true });
    w.text(L.visits, COLS.visits[0], COLS.visits[1], { bold: true, align: 'right' });
    w.text(L.quantity, COLS.qty[0], COLS.qty[1], { bold: true, align: 'right' });
    w.text(L.rate, COLS.rate[0], COLS.rate[1], { bold: true, align: 'right' });
    w.text(L.amount, COLS.amount[0], COLS.amount[1], { bold: true, align: 'right' });
    w.y += ROW - 2;
    w.rule();
    w.y += 3;
  };
  w.need(ROW * 4);
  w.text(L.linesTitle, 50, RIGHT - 50, { bold: true, size: 11 });
  w.y += ROW + 4;
  tableHeader = header;
  header();
  const summaryRow = (r: SummaryRow) => {
    w.need(ROW);
    w.text(rowDescription(r, lang), COLS.desc[0] + 8, COLS.desc[1] - 8);
    w.text(String(r.visits), COLS.visits[0], COLS.visits[1], { align: 'right' });
    w.text(quantityText(r.unit, r.minutes, r.quantity, L, lang), COLS.qty[0], COLS.qty[1], { align: 'right' });
    w.text(formatRateLocal(r.rate, lang), COLS.rate[0], COLS.rate[1], { align: 'right' });
    w.text(money(r.amount), COLS.amount[0], COLS.amount[1], { align: 'right' });
    w.y += ROW;
  };
  for (const g of groupByCategoryAndBand(doc.lines)) {
    w.need(ROW * 3);
    w.text(categoryLabel(g.category, lang), COLS.desc[0], COLS.desc[1], { bold: true });
    w.y += ROW;
    g.rows.forEach(summaryRow);
    w.text(`${L.subtotal} ${categoryLabel(g.category, lang)}`, COLS.desc[0] + 8, 300, { bold: true });
    w.text(money(g.amount), COLS.amount[0], COLS.amount[1], { align: 'right', bold: true });
    w.y += ROW + 4;
  }
  tableHeader = null;

  // Totals and VAT.
  w.need(ROW * (4 + doc.vat.length * 2));
  w.rule();
  w.y += 5;
  const total = (label: string, value: string, bold = false) => {
    w.need(ROW);
    w.text(label, 265, COLS.amount[0] - 265, { bold });
    w.text(value, COLS.amount[0], COLS.amount[1], { align: 'right', bold });
    w.y += ROW;
  };
  total(L.totalExclVat, money(doc.totals.exclVat));
  for (const v of doc.vat) {
    const base = money(v.base);
    if (v.category === 'S') total(L.vatOf(formatPercent(v.percent, lang), base), money(v.vat));
    else {
      total(`${v.category === 'E' ? L.exempt : L.outOfScope} (${base})`, money(v.vat));
      if (v.exemptionReason) w.paragraph(v.exemptionReason, 265, RIGHT - 265, { size: 7 });
    }
  }
  total(L.vat, money(doc.totals.vat));
  total(L.totalInclVat, money(doc.totals.inclVat), true);
  if (doc.kind !== 'credit_note') total(L.amountDue, money(doc.totals.inclVat), true);

  // Appendix: lines per citizen, by opaque reference only (a price adjustment has no citizens).
  if (!doc.adjustment) {
  pdf.addPage();
  w.y = PAGE.margin;
  w.text(L.appendixTitle, 50, RIGHT - 50, { bold: true, size: 13 });
  w.y += ROW + 6;
  w.text(L.appendixNote, 50, RIGHT - 50, { size: 8 });
  w.y += ROW + 4;
  const appendixHeader = () => {
    w.text(L.service, COLS.desc[0], COLS.desc[1], { bold: true });
    w.text(L.visits, COLS.visits[0], COLS.visits[1], { bold: true, align: 'right' });
    w.text(L.quantity, COLS.qty[0], COLS.qty[1], { bold: true, align: 'right' });
    w.text(L.rate, COLS.rate[0], COLS.rate[1], { bold: true, align: 'right' });
    w.text(L.amount, COLS.amount[0], COLS.amount[1], { bold: true, align: 'right' });
    w.y += ROW - 2;
    w.rule();
    w.y += 3;
  };
  tableHeader = appendixHeader;
  appendixHeader();
  for (const c of groupByCitizen(doc.lines)) {
    w.need(ROW * Math.min(c.lines.length + 2, 6));
    w.text(`${L.citizen} ${c.citizenRef}`, COLS.desc[0], COLS.desc[1], { bold: true });
    w.text(money(c.amount), COLS.amount[0], COLS.amount[1], { align: 'right', bold: true });
    w.y += ROW;
    for (const l of c.lines) {
      w.need(ROW);
      w.text(`${l.serviceCode} ${categoryLabel(l.category, lang)}, ${rowDescription(l, lang)}`, COLS.desc[0] + 8, COLS.desc[1] - 8);
      w.text(String(l.visits), COLS.visits[0], COLS.visits[1], { align: 'right' });
      w.text(quantityText(l.unit, l.minutes, l.quantity, L, lang), COLS.qty[0], COLS.qty[1], { align: 'right' });
      w.text(formatRateLocal(l.rate, lang), COLS.rate[0], COLS.rate[1], { align: 'right' });
      w.text(money(l.amount), COLS.amount[0], COLS.amount[1], { align: 'right' });
      w.y += ROW;
    }
    w.y += 3;
  }
  tableHeader = null;
  }

  // Footer with page numbers, once the page count is known.
  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    w.y = PAGE.height - 45;
    w.text(`${title} ${doc.number} · ${doc.seller.name}`, 50, 330, { size: 7 });
    w.text(L.page(i - start + 1, count), 380, RIGHT - 380, { size: 7, align: 'right' });
  }
  pdf.end();
  return done;
}
