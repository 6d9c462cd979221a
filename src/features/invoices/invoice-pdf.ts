import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { Decimal } from 'decimal.js';
import PDFDocument from 'pdfkit';
import { groupByCategoryAndBand, groupByCitizen, levelPricing, parseAddress, shownQuantity, type SummaryRow } from './invoice-document.js';
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
 * Renders the frozen document as an archival PDF (PDF/A-3b: invoices are kept five to seven
 * years) with the DejaVu Sans fonts embedded (docs/decisions/0013-embedded-invoice-font.md).
 * Deterministic: the creation date is the issue date and nothing random goes in, so the same
 * document always gives the same bytes. Amounts are signed as in the settlement (a credit note's
 * are negative, with a visible '-').
 */

/**
 * The embedded fonts, read once per process. PDF/A requires every font to be embedded, which
 * pdfkit's built-in Helvetica is not; pdfkit embeds only the glyphs used.
 */
const require = createRequire(import.meta.url);
let fontFiles: { regular: Buffer; bold: Buffer } | null = null;
export function embeddedFonts(): { regular: Buffer; bold: Buffer } {
  fontFiles ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fontFiles;
}
const FONT = { regular: 'DejaVuSans', bold: 'DejaVuSans-Bold' } as const;

/**
 * pdfkit shapes every word of an embedded font with fontkit and keeps the result per document;
 * invoices repeat the same words and numbers, so the shaped runs are kept per process instead (by
 * font and text: the same font file always shapes a text the same way). Without it an invoice took
 * about ten times as long to render as with the built-in Helvetica.
 */
type FontkitFont = { stream?: { buffer?: object }; _decodeTable(table: { tag: string }): unknown };
type FontSubset = { font: FontkitFont; glyphs: number[]; encode(): Uint8Array };
type EmbeddedFontLike = {
  name: string;
  font: FontkitFont;
  subset: FontSubset;
  layoutRun(text: string): unknown;
  layoutCached(text: string): unknown;
};
let layoutShared = false;
function shareFontLayout(pdf: PDFKit.PDFDocument): void {
  if (layoutShared) return;
  const font = (pdf as unknown as { _font?: EmbeddedFontLike })._font;
  if (
    !font ||
    typeof font.layoutCached !== 'function' ||
    typeof font.layoutRun !== 'function' ||
    typeof font.font?._decodeTable !== 'function'
  )
    return;
  layoutShared = true;
  // fontkit decodes the font's tables again for every document (DejaVu Sans has 6,000 glyphs and
  // their names): the decoded tables are only read, so they are kept per font file.
  const tables = new WeakMap<object, Map<string, unknown>>();
  const fontkitProto = Object.getPrototypeOf(font.font) as FontkitFont;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this)
  const decode = fontkitProto._decodeTable;
  fontkitProto._decodeTable = function (this: FontkitFont, table: { tag: string }) {
    const file = this.stream?.buffer;
    if (!file) return decode.call(this, table);
    let decoded = tables.get(file);
    if (!decoded) tables.set(file, (decoded = new Map()));
    if (!decoded.has(table.tag)) decoded.set(table.tag, decode.call(this, table));
    return decoded.get(table.tag);
  };
  // The embedded subset of a font is a function of the font file and the glyphs it takes, in
  // order: documents of one kind use the same glyphs, so the encoded subset is kept per process.
  const subsetProto = Object.getPrototypeOf(font.subset) as FontSubset;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this)
  const encode = subsetProto.encode;
  const subsets = new WeakMap<object, Map<string, Uint8Array>>();
  subsetProto.encode = function (this: FontSubset) {
    const file = this.font.stream?.buffer;
    if (!file) return encode.call(this);
    let encoded = subsets.get(file);
    if (!encoded) subsets.set(file, (encoded = new Map()));
    const key = this.glyphs.join(',');
    let bytes = encoded.get(key);
    if (!bytes) {
      bytes = encode.call(this);
      if (encoded.size > 1_000) encoded.clear();
      encoded.set(key, bytes);
    }
    return bytes;
  };
  // Every document embeds the same colour profile and, mostly, the same font subsets: their
  // compressed bytes are kept by content (deflate is a pure function of its input).
  type Reference = { compress: boolean; buffer: Uint8Array[]; finalize(): void };
  const referenceProto = Object.getPrototypeOf((pdf as unknown as { _root: Reference })._root) as Reference;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this)
  const finalize = referenceProto.finalize;
  const deflated = new Map<string, Buffer>();
  referenceProto.finalize = function (this: Reference) {
    if (this.compress && this.buffer.length) {
      const raw = Buffer.concat(this.buffer);
      if (raw.length >= 2048) {
        const key = createHash('sha1').update(raw).digest('base64');
        let z = deflated.get(key);
        if (!z) {
          z = deflateSync(raw);
          if (deflated.size > 1_000) deflated.clear();
          deflated.set(key, z);
        }
        // Already marked FlateDecode when written; the bytes are compressed here instead.
        this.buffer = [z];
        this.compress = false;
      }
    }
    finalize.call(this);
  };
  const runs = new Map<string, unknown>();
  Object.getPrototypeOf(font).layoutCached = function (this: EmbeddedFontLike, text: string) {
    const key = `${this.name}\u0000${text}`;
    let run = runs.get(key);
    if (run === undefined) {
      run = this.layoutRun(text);
      // Bounded: free text (names, reasons) must not grow the cache without end.
      if (runs.size > 50_000) runs.clear();
      runs.set(key, run);
    }
    return run;
  };
}

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
    private readonly fonts: { regular: string; bold: string } = { regular: 'Helvetica', bold: 'Helvetica-Bold' },
  ) {}

  private font = '';
  private size = 0;
  /** Widths at 1 pt per font and text: tables repeat the same numbers and words. */
  private static widths = new Map<string, number>();

  private widthOf(t: string): number {
    const key = `${this.font}\u0000${t}`;
    let w = Writer.widths.get(key);
    if (w === undefined) {
      w = this.pdf.widthOfString(t) / this.size;
      if (Writer.widths.size > 50_000) Writer.widths.clear();
      Writer.widths.set(key, w);
    }
    return w * this.size;
  }

  private use(bold: boolean | undefined, size: number) {
    const font = bold ? this.fonts.bold : this.fonts.regular;
    if (font !== this.font) this.pdf.font((this.font = font));
    if (size !== this.size) this.pdf.fontSize((this.size = size));
  }

  /**
   * One line of text in a column; text too wide for it is set smaller rather than cut, as every
   * word of an invoice counts. Positioned by hand: pdfkit runs its line wrapper for any text given
   * a width, which is most of the cost of a table cell.
   */
  text(s: string, x: number, width: number, o: { align?: 'left' | 'right'; bold?: boolean; size?: number } = {}) {
    const size = o.size ?? 9;
    this.use(o.bold, size);
    const t = safe(s);
    // No Helvetica or DejaVu Sans glyph used here is wider than 1.4 em: short text needs no
    // measuring when left-aligned.
    const right = o.align === 'right';
    let w = right || t.length * size * 1.4 > width ? this.widthOf(t) : 0;
    if (w > width) {
      this.use(o.bold, (size * width) / w);
      w = this.widthOf(t);
    }
    this.pdf.text(t, right ? x + width - w : x, this.y, { lineBreak: false });
  }

  /** A row of wrapped cells (table headings with long names); advances y by the tallest. */
  wrappedRow(cells: Array<{ s: string; x: number; width: number; align?: 'left' | 'right' }>, o: { bold?: boolean; size?: number } = {}) {
    const size = o.size ?? 8;
    this.use(o.bold, size);
    const h = Math.max(...cells.map((c) => this.pdf.heightOfString(safe(c.s), { width: c.width })));
    this.need(h);
    this.use(o.bold, size); // a new page's heading may have changed the font
    for (const c of cells) this.pdf.text(safe(c.s), c.x, this.y, { width: c.width, align: c.align ?? 'left' });
    this.y += h;
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

function partyBlock(
  w: Writer,
  p: Party,
  heading: string,
  x: number,
  width: number,
  L: Labels,
  o: { bank: boolean; fSkatt: boolean; endpoint: boolean },
): number {
  const top = w.y;
  const line = (s: string, o: { bold?: boolean; size?: number } = {}) => {
    w.text(s, x, width, o);
    w.y += ROW;
  };
  line(heading, { bold: true, size: 8 });
  line(p.name, { bold: true, size: 10 });
  const a = p.postal ?? parseAddress(p.address);
  const lines = a
    ? [a.streetName, a.additionalStreetName, [a.postalZone, a.cityName].filter(Boolean).join(' ')]
    : (p.address ?? '').split(',');
  for (const part of lines.map((s) => s?.trim()).filter(Boolean)) line(part!);
  if (p.companyNumber) line(`${L.companyNumber} ${p.companyNumber}`);
  if (p.vatId) line(`${L.vatId} ${p.vatId}`);
  if (o.fSkatt) line(L.fSkatt);
  if (o.endpoint) line(`${L.endpoint} ${p.endpoint.scheme}:${p.endpoint.id}`);
  if (o.bank && p.bankAccount) line(`${L.bankAccount} ${p.bankAccount}`);
  if (p.email) line(p.email);
  const bottom = w.y;
  w.y = top;
  return bottom;
}

/**
 * A row's description. A share paid (a cancellation paid at 50 %) is said in words, "paid at
 * 50 %", and 0 % as "not paid", so that neither reads as a VAT rate; the amount is then
 * quantity × rate × share.
 */
const rowDescription = (
  r: { band: string | null; kind: string; unit: string; factor: Decimal.Value },
  lang: InvoiceDocument['language'],
  periodStart: string,
) => {
  const L = labelsFor(lang);
  const level = levelPricing(r, periodStart);
  const parts = [
    bandLabel(r.band, lang),
    r.kind === 'visit' ? '' : kindLabel(r.kind, lang),
    level ? L.pricePer(r.unit, level.divisor) : '',
  ].filter(Boolean);
  const factor = level ? level.share : new Decimal(r.factor);
  const text = parts.join(', ') || kindLabel(r.kind, lang);
  if (factor.eq(1)) return text;
  return `${text}, ${factor.isZero() ? L.notPaid : L.paidShare(formatPercent(factor.mul(100).toDecimalPlaces(4), lang))}`;
};

type Row = {
  unit: InvoiceLine['unit'];
  minutes: number;
  quantity: Decimal.Value;
  kind: string;
  rate: Decimal.Value;
  factor: Decimal.Value;
  amount: Decimal.Value;
};

/**
 * The quantity of a row as printed, so that quantity × rate (× the share paid) = amount holds to
 * the øre as a bookkeeper would multiply it: hours are minutes ÷ 60, which rarely has two
 * decimals (47 min = 0.78333… h, and 0.78 × 452.3456 is 352.83, not the 354.34 paid), so they are
 * shown with the fewest decimals (2 to 6) for which the product rounds to the amount. A row summing
 * lines that were each rounded to the øre may fit no quantity: it is marked `*`, and a note under
 * the table says why.
 */
export function shownQuantityOf(r: Row, periodStart = ''): { places: number; value: Decimal; exact: boolean } {
  const q = shownQuantity(r.unit, r.minutes, r.quantity, r.kind);
  const amount = new Decimal(r.amount);
  const factor = levelPricing(r, periodStart)?.factor ?? r.factor;
  const fits = (p: number) =>
    q.toDecimalPlaces(p, Decimal.ROUND_HALF_UP).mul(r.rate).mul(factor).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).eq(amount);
  const minimum = r.unit === 'per_hour' ? 2 : q.isInteger() ? 0 : 2;
  for (let p = minimum; p <= 6; p++) if (fits(p)) return { places: p, value: q, exact: true };
  return { places: minimum, value: q, exact: false };
}

const quantityText = (r: Row, L: Labels, lang: InvoiceDocument['language'], marks: { inexact: boolean }, periodStart: string) => {
  const { places, value, exact } = shownQuantityOf(r, periodStart);
  if (!exact) marks.inexact = true;
  const unit =
    r.kind === 'level_day'
      ? L.daysUnit
      : r.unit === 'per_hour'
        ? L.hoursUnit
        : r.kind === 'new_customer' || r.kind === 'takeover'
          ? L.paymentsUnit
          : r.unit === 'per_visit'
            ? L.visitsUnit
            : L.monthsUnit;
  return `${exact ? '' : '* '}${formatNumber(value, places, lang)} ${unit}`;
};

/**
 * pdfkit reads and parses the AFM metrics of a built-in font again for every document, which is
 * about a quarter of the time of rendering an invoice: the parsed tables are only read afterwards,
 * so they are parsed once per process and shared. Kerning is left out (pdfkit kerns built-in
 * fonts glyph pair by glyph pair, another fifth of the time): invoices are columns of numbers,
 * which Helvetica does not kern anyway.
 */
type Afm = {
  attributes: object;
  glyphWidths: object;
  boundingBoxes: object;
  kernPairs: object;
  parse(contents: string): void;
  getKernPair(): number;
};
let afmShared = false;
export function shareAfmMetrics(pdf: PDFKit.PDFDocument): void {
  if (afmShared) return;
  afmShared = true;
  const afm = (pdf as unknown as { _font?: { font?: Afm } })._font?.font;
  if (!afm || typeof afm.parse !== 'function' || typeof afm.getKernPair !== 'function') return;
  const proto = Object.getPrototypeOf(afm) as Afm;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this)
  const parse = proto.parse;
  const cache = new Map<string, Pick<Afm, 'attributes' | 'glyphWidths' | 'boundingBoxes' | 'kernPairs'>>();
  proto.parse = function (this: Afm, contents: string) {
    let hit = cache.get(contents);
    if (!hit) {
      parse.call(this, contents);
      cache.set(
        contents,
        (hit = {
          attributes: this.attributes,
          glyphWidths: this.glyphWidths,
          boundingBoxes: this.boundingBoxes,
          kernPairs: this.kernPairs,
        }),
      );
    }
    Object.assign(this, hit);
  };
  proto.getKernPair = () => 0;
}

/**
 * A new archival PDF (PDF/A-3b, DejaVu Sans embedded, fixed dates so the same document renders to
 * the same bytes) and the promise of its bytes. Every document carepay keeps for years (invoices,
 * credit notes, internal statements, payment bases) is made with it.
 */
export function archivalPdf(meta: { title: string; author: string; subject: string; issued: Date; language: 'da' | 'sv' | 'en' }): {
  pdf: PDFKit.PDFDocument;
  done: Promise<Buffer>;
  fonts: typeof FONT;
} {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    lang: { da: 'da-DK', sv: 'sv-SE', en: 'en' }[meta.language],
    displayTitle: true,
    info: {
      Title: meta.title,
      Author: meta.author,
      Subject: meta.subject,
      Creator: 'carepay',
      Producer: 'carepay',
      CreationDate: meta.issued,
      ModDate: meta.issued,
    },
  });
  const fonts = embeddedFonts();
  pdf.registerFont(FONT.regular, fonts.regular);
  pdf.registerFont(FONT.bold, fonts.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  shareAfmMetrics(pdf);
  pdf.font(FONT.regular);
  shareFontLayout(pdf);
  return { pdf, done, fonts: FONT };
}

/** Renders the PDF of a frozen document. */
export function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const lang = doc.language;
  const L = labelsFor(lang);
  const title = titleOf(doc.kind, lang);
  const money = (d: Decimal.Value) => formatAmount(d, doc.currency, lang);
  const issued = new Date(`${doc.issueDate}T00:00:00Z`);
  const internal = doc.profile === 'internal';
  const credit = doc.kind === 'credit_note';
  const { pdf, done } = archivalPdf({
    title: `${title} ${doc.number}`,
    author: doc.buyer.name,
    subject: `${doc.seller.name} ${doc.period.start}`,
    issued,
    language: lang,
  });
  let tableHeader: (() => void) | null = null;
  const w = new Writer(pdf, () => tableHeader?.(), FONT);

  // Heading and document facts.
  w.text(title, PAGE.margin, 250, { bold: true, size: 20 });
  const payable = !credit && !internal;
  const facts: [string, string][] = [
    [internal ? L.statementNumber : credit ? L.creditNumber : L.number, doc.number],
    [internal ? L.statementDate : credit ? L.creditNoteDate : L.issueDate, formatDate(doc.issueDate, lang)],
    ...(payable ? ([[L.dueDate, formatDate(doc.dueDate, lang)]] as [string, string][]) : []),
    [L.period, formatPeriod(doc.period.start, doc.period.end, lang)],
    ...(payable ? ([[L.paymentTermsLabel, L.paymentTerms(doc.paymentTermsDays)]] as [string, string][]) : []),
    ...(internal ? [] : ([[L.reference, doc.buyerReference]] as [string, string][])),
    ...(doc.corrects ? ([[L.corrects, `${doc.corrects.number} (${formatDate(doc.corrects.issueDate, lang)})`]] as [string, string][]) : []),
    doc.settlement
      ? [
          L.settlement,
          doc.settlement.kind === 'correction'
            ? `${doc.settlement.id}, ${L.correctionNo} ${doc.settlement.sequence}`
            : String(doc.settlement.id),
        ]
      : [L.adjustment, L.adjustmentOf(doc.adjustment!.year, doc.adjustment!.recalculationId)],
  ];
  for (const [k, v] of facts) {
    w.text(k, 315, 110, { bold: true });
    w.text(v, 430, RIGHT - 430);
    w.y += ROW;
  }
  w.y = Math.max(w.y, PAGE.margin + 40) + 12;

  // Parties: the provider sells, the municipality buys and issues (self-billing).
  const sellerBottom = partyBlock(w, doc.seller, internal ? L.seller_internal : L.seller, 50, 240, L, {
    bank: !internal,
    fSkatt: doc.seller.country === 'SE' && !internal,
    endpoint: !internal,
  });
  const bottom = Math.max(
    sellerBottom,
    partyBlock(w, doc.buyer, internal ? L.buyer_internal : L.buyer, 310, RIGHT - 310, L, {
      bank: false,
      fSkatt: false,
      endpoint: !internal,
    }),
  );
  w.y = bottom + 6;
  if (internal) w.paragraph(L.internalNote, 50, RIGHT - 50);
  else {
    const agreement = doc.selfBillingAgreedOn ? ` ${L.selfBillingAgreement(formatDate(doc.selfBillingAgreedOn, lang))}` : '';
    w.paragraph(`${doc.adjustment ? L.selfBillingAdjustment : L.selfBilling}${agreement}`, 50, RIGHT - 50);
  }
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
  const marks = { inexact: false };
  const roundingNote = () => {
    if (marks.inexact) w.paragraph(L.roundingNote, 50, RIGHT - 50, { size: 7 });
    marks.inexact = false;
  };
  const summaryRow = (r: SummaryRow) => {
    w.need(ROW);
    w.text(rowDescription(r, lang, doc.period.start), COLS.desc[0] + 8, COLS.desc[1] - 8);
    w.text(String(r.visits), COLS.visits[0], COLS.visits[1], { align: 'right' });
    w.text(quantityText(r, L, lang, marks, doc.period.start), COLS.qty[0], COLS.qty[1], { align: 'right' });
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
  roundingNote();

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
  // An internal statement shows VAT only where the model charged the in-house provider any.
  const vatShown = !internal || !new Decimal(doc.totals.vat).isZero();
  for (const v of vatShown ? doc.vat : []) {
    const base = money(v.base);
    if (v.category === 'S') total(L.vatOf(formatPercent(v.percent, lang), base), money(v.vat));
    else {
      total(`${v.category === 'E' ? L.exempt : L.outOfScope} (${base})`, money(v.vat));
      if (v.exemptionReason) w.paragraph(v.exemptionReason, 265, RIGHT - 265, { size: 7 });
    }
  }
  if (vatShown) {
    total(L.vat, money(doc.totals.vat));
    total(L.totalInclVat, money(doc.totals.inclVat), true);
  }
  if (payable) total(L.amountDue, money(doc.totals.inclVat), true);

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
        w.text(
          `${l.serviceCode} ${categoryLabel(l.category, lang)}, ${rowDescription(l, lang, doc.period.start)}`,
          COLS.desc[0] + 8,
          COLS.desc[1] - 8,
        );
        w.text(String(l.visits), COLS.visits[0], COLS.visits[1], { align: 'right' });
        w.text(quantityText(l, L, lang, marks, doc.period.start), COLS.qty[0], COLS.qty[1], { align: 'right' });
        w.text(formatRateLocal(l.rate, lang), COLS.rate[0], COLS.rate[1], { align: 'right' });
        w.text(money(l.amount), COLS.amount[0], COLS.amount[1], { align: 'right' });
        w.y += ROW;
      }
      w.y += 3;
    }
    tableHeader = null;
    roundingNote();
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
