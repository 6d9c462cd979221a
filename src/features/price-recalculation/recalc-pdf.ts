import { Decimal } from 'decimal.js';
import PDFDocument from 'pdfkit';
import { PAGE, RIGHT, ROW, shareAfmMetrics, Writer } from '../invoices/invoice-pdf.js';
import { priceBandLabel, priceCategoryLabel } from './recalc-labels.js';
import { formatAmount, formatDate, formatNumber, formatRateLocal, titleOf } from '../invoices/invoice-labels.js';
import type { RecalcReport } from './recalc-schemas.js';

/**
 * The council report as a PDF in the municipality's language, rendered from the JSON report
 * with the invoice PDF's writer (Helvetica; æøå/åäö; '-' for minus). Deterministic: the creation
 * date is the day the recalculation was computed.
 */

const T = {
  da: {
    title: (y: number) => `Efterberegning af timepriser ${y}`,
    draft: 'Udkast',
    approved: 'Godkendt',
    computed: 'Beregnet',
    approvedBy: 'Godkendt af',
    settings: 'Forudsætninger',
    policy: {
      none: 'Ingen efterregulering',
      upward_only: 'Kun opregulering (leverandører får forskellen når prisen stiger)',
      symmetric: 'Symmetrisk efterregulering (§ 19): leverandører får eller tilbagebetaler forskellen',
    },
    overhead: (p: string | null) =>
      p === null ? 'Ingen fast overheadsats' : `Fast overheadsats ${p} % lagt på omkostningen pr. time én gang`,
    rounding: (d: number, up: boolean) => `Timeprisen afrundes ${up ? 'opad' : 'efter 5-reglen'} til ${d} decimaler`,
    vat: (p: string) => `Offentliggjort pris inkl. ${p} % moms`,
    costs: 'Omkostninger fordelt på element og priskategori',
    element: 'Element',
    total: 'I alt',
    excluded: 'Udeladt: visitationens (myndighedens) egne omkostninger',
    prices: 'Timer og timepriser',
    category: 'Kategori',
    bands: 'Tidsrum',
    hours: 'Leverede timer',
    cost: 'Omkostning',
    perHour: 'Pr. time',
    price: 'Timepris',
    published: 'Inkl. moms',
    comparison: 'Sammenligning med den betalte pris',
    paidRate: 'Betalt pris',
    paidHours: 'Betalte timer',
    levelDays: 'niveaudage',
    levelUnits: { per_day: 'niveaupris pr. dag', per_week: 'niveaupris pr. uge', per_month: 'niveaupris pr. måned' },
    difference: 'Forskel',
    settled: 'Efterreguleres',
    adjustments: 'Efterregulering pr. leverandør',
    provider: 'Leverandør',
    document: 'Bilag',
    none: 'Ingen efterregulering',
    notIssued: 'ikke udstedt endnu',
    amount: 'Beløb',
    vatLabel: 'Moms',
    inclVat: 'I alt inkl. moms',
    proposed: (id: number, adopted: string | null) =>
      `Ny prisliste (forslag) nr. ${id}${adopted ? `, vedtaget ${adopted}` : ', afventer vedtagelse'}`,
    page: (n: number, of: number) => `Side ${n} af ${of}`,
    elements: {
      wages: 'Løn (inkl. vikarer og elever)',
      pensions: 'Pension',
      sickness: 'Sygefravær',
      training: 'Uddannelse',
      transport: 'Transport',
      management: 'Ledelse',
      administration: 'Administration',
      it: 'IT',
      hr_payroll: 'HR og løn',
      insurance: 'Forsikring',
      premises: 'Lokaler',
      depreciation: 'Afskrivninger',
      interest: 'Renter',
      other: 'Øvrigt',
      total: 'I alt',
    } as Record<string, string>,
  },
  sv: {
    title: (y: number) => `Efterberäkning av timpriser ${y}`,
    draft: 'Utkast',
    approved: 'Godkänd',
    computed: 'Beräknad',
    approvedBy: 'Godkänd av',
    settings: 'Förutsättningar',
    policy: {
      none: 'Ingen efterreglering',
      upward_only: 'Endast uppåt (utförarna får skillnaden när priset stiger)',
      symmetric: 'Symmetrisk efterreglering: utförarna får eller betalar tillbaka skillnaden',
    },
    overhead: (p: string | null) =>
      p === null ? 'Inget fast overheadpåslag' : `Fast overheadpåslag ${p} % på kostnaden per timme, en gång`,
    rounding: (d: number, up: boolean) => `Timpriset avrundas ${up ? 'uppåt' : 'enligt avrundningsregeln'} till ${d} decimaler`,
    vat: (p: string) => `Publicerat pris inkl. ${p} % moms`,
    costs: 'Kostnader per kostnadsslag och priskategori',
    element: 'Kostnadsslag',
    total: 'Summa',
    excluded: 'Undantaget: biståndsenhetens (myndighetens) egna kostnader',
    prices: 'Timmar och timpriser',
    category: 'Kategori',
    bands: 'Tidsband',
    hours: 'Utförda timmar',
    cost: 'Kostnad',
    perHour: 'Per timme',
    price: 'Timpris',
    published: 'Inkl. moms',
    comparison: 'Jämförelse med betalt pris',
    paidRate: 'Betalt pris',
    paidHours: 'Betalda timmar',
    levelDays: 'nivådygn',
    levelUnits: { per_day: 'nivåpris per dygn', per_week: 'nivåpris per vecka', per_month: 'nivåpris per månad' },
    difference: 'Skillnad',
    settled: 'Regleras',
    adjustments: 'Efterreglering per utförare',
    provider: 'Utförare',
    document: 'Verifikat',
    none: 'Ingen efterreglering',
    notIssued: 'inte utfärdad än',
    amount: 'Belopp',
    vatLabel: 'Moms',
    inclVat: 'Summa inkl. moms',
    proposed: (id: number, adopted: string | null) =>
      `Ny prislista (förslag) nr ${id}${adopted ? `, antagen ${adopted}` : ', väntar på beslut'}`,
    page: (n: number, of: number) => `Sida ${n} av ${of}`,
    elements: {
      wages: 'Lön (inkl. vikarier och elever)',
      pensions: 'Pension',
      sickness: 'Sjukfrånvaro',
      training: 'Utbildning',
      transport: 'Transport',
      management: 'Ledning',
      administration: 'Administration',
      it: 'IT',
      hr_payroll: 'HR och lön',
      insurance: 'Försäkring',
      premises: 'Lokaler',
      depreciation: 'Avskrivningar',
      interest: 'Räntor',
      other: 'Övrigt',
      total: 'Summa',
    } as Record<string, string>,
  },
  en: {
    title: (y: number) => `Recalculation of hourly prices ${y}`,
    draft: 'Draft',
    approved: 'Approved',
    computed: 'Computed',
    approvedBy: 'Approved by',
    settings: 'Basis',
    policy: {
      none: 'No retro settlement',
      upward_only: 'Upward only (providers are paid the difference when the price rises)',
      symmetric: 'Symmetric settlement: providers are paid or repay the difference',
    },
    overhead: (p: string | null) =>
      p === null ? 'No fixed overhead rate' : `Fixed overhead rate of ${p} % added once to the cost per hour`,
    rounding: (d: number, up: boolean) => `Hourly price rounded ${up ? 'up' : 'half-up'} to ${d} decimals`,
    vat: (p: string) => `Published price incl. ${p} % VAT`,
    costs: 'Costs by element and price category',
    element: 'Element',
    total: 'Total',
    excluded: "Excluded: the assessment unit's own costs",
    prices: 'Hours and hourly prices',
    category: 'Category',
    bands: 'Bands',
    hours: 'Delivered hours',
    cost: 'Cost',
    perHour: 'Per hour',
    price: 'Price',
    published: 'Incl. VAT',
    comparison: 'Comparison with the price paid',
    paidRate: 'Paid rate',
    paidHours: 'Paid hours',
    levelDays: 'level-days',
    levelUnits: { per_day: 'level price per day', per_week: 'level price per week', per_month: 'level price per month' },
    difference: 'Difference',
    settled: 'Settled',
    adjustments: 'Retro adjustment per provider',
    provider: 'Provider',
    document: 'Document',
    none: 'No adjustment',
    notIssued: 'not issued yet',
    amount: 'Amount',
    vatLabel: 'VAT',
    inclVat: 'Total incl. VAT',
    proposed: (id: number, adopted: string | null) =>
      `New price list (proposed) no. ${id}${adopted ? `, adopted ${adopted}` : ', awaiting adoption'}`,
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    elements: {
      wages: 'Wages (incl. temps and trainees)',
      pensions: 'Pensions',
      sickness: 'Sickness',
      training: 'Training',
      transport: 'Transport',
      management: 'Management',
      administration: 'Administration',
      it: 'IT',
      hr_payroll: 'HR and payroll',
      insurance: 'Insurance',
      premises: 'Premises',
      depreciation: 'Depreciation',
      interest: 'Interest',
      other: 'Other',
      total: 'Total',
    } as Record<string, string>,
  },
} as const;

/** `groups` names the care category of each price group, so categories are shown in words (see recalc-labels.ts). */
export function renderRecalcPdf(r: RecalcReport, groups: ReadonlyMap<string, string> = new Map()): Promise<Buffer> {
  const lang = r.municipality.language;
  const L = T[lang];
  const money = (d: Decimal.Value) => formatAmount(d, r.municipality.currency, lang);
  const num = (d: Decimal.Value, places = 2) => formatNumber(d, places, lang);
  const day = r.computedAt.slice(0, 10);
  /** A price category in words: a level by its code and unit, else its care category and bands. */
  const categoryName = (c: RecalcReport['categories'][number]) =>
    c.level ? `${c.code} (${L.levelUnits[c.level.unit]})` : priceCategoryLabel(c, groups, lang);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: {
      Title: L.title(r.year),
      Author: r.municipality.name,
      Creator: 'carepay',
      Producer: 'carepay',
      CreationDate: new Date(`${day}T00:00:00Z`),
      ModDate: new Date(`${day}T00:00:00Z`),
    },
  });
  shareAfmMetrics(pdf);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const w = new Writer(pdf);
  const width = RIGHT - PAGE.margin;
  const heading = (s: string) => {
    w.need(ROW * 4);
    w.y += 8;
    w.text(s, PAGE.margin, width, { bold: true, size: 12 });
    w.y += ROW + 4;
  };
  /** A table: first column left, the others right-aligned, of equal width. */
  const table = (columns: string[], rows: string[][], first = 130, boldLast = false, wrapHeading = false) => {
    const n = columns.length - 1;
    const col = n ? (width - first) / n : 0;
    const line = (cells: string[], bold: boolean) => {
      w.need(ROW);
      cells.forEach((c, i) =>
        i === 0
          ? w.text(c, PAGE.margin, first - 4, { bold, size: 8 })
          : w.text(c, PAGE.margin + first + (i - 1) * col, col - 2, { bold, size: 8, align: 'right' }),
      );
      w.y += ROW - 1;
    };
    if (wrapHeading)
      w.wrappedRow(
        columns.map((c, i) =>
          i === 0
            ? { s: c, x: PAGE.margin, width: first - 4 }
            : { s: c, x: PAGE.margin + first + (i - 1) * col, width: col - 2, align: 'right' as const },
        ),
        { bold: true, size: 8 },
      );
    else line(columns, true);
    w.rule();
    w.y += 2;
    rows.forEach((row, i) => line(row, boldLast && i === rows.length - 1));
    w.y += 4;
  };

  w.text(L.title(r.year), PAGE.margin, width, { bold: true, size: 18 });
  w.y += 26;
  w.text(`${r.municipality.name} · ${r.status === 'approved' ? L.approved : L.draft}`, PAGE.margin, width, { size: 10 });
  w.y += ROW + 2;
  w.text(
    `${L.computed} ${formatDate(day, lang)}${r.approvedAt ? ` · ${L.approvedBy} ${r.approvedBy} ${formatDate(r.approvedAt.slice(0, 10), lang)}` : ''}`,
    PAGE.margin,
    width,
    { size: 8 },
  );
  w.y += ROW;
  heading(L.settings);
  for (const s of [
    L.policy[r.settings.policy],
    L.overhead(r.settings.overheadPercent),
    L.rounding(r.settings.priceDecimals, r.settings.rounding === 'up'),
    L.vat(r.settings.publishedVatPercent),
  ]) {
    w.text(`· ${s}`, PAGE.margin, width, { size: 9 });
    w.y += ROW;
  }

  heading(L.costs);
  // The cost columns are headed by the categories' names, wrapped (recalc-labels.ts), never their codes.
  const nameOf = new Map(r.categories.map((c) => [c.code, categoryName(c)]));
  const codes = r.costsByElement.columns.slice(1, -1);
  for (let i = 0; i < codes.length; i += 5) {
    const idx = codes.slice(i, i + 5).map((_, k) => i + k + 1);
    const last = i + 5 >= codes.length;
    const cols = [
      L.element,
      ...idx.map((k) => nameOf.get(r.costsByElement.columns[k]!) ?? r.costsByElement.columns[k]!),
      ...(last ? [L.total] : []),
    ];
    const rows = r.costsByElement.rows.map((row) => [
      L.elements[row[0]!] ?? row[0]!,
      ...idx.map((k) => num(row[k]!)),
      ...(last ? [num(row[row.length - 1]!)] : []),
    ]);
    table(cols, rows, 130, true, true);
  }
  w.y += 4;
  if (r.excluded.length) {
    w.text(L.excluded, PAGE.margin, width, { size: 8, bold: true });
    w.y += ROW;
    for (const e of r.excluded) {
      w.text(`${L.elements[e.element] ?? e.element}: ${e.description}`, PAGE.margin + 8, 330, { size: 8 });
      w.text(money(e.amount), 390, RIGHT - 390, { size: 8, align: 'right' });
      w.y += ROW;
    }
  }

  heading(L.prices);
  table(
    [L.category, L.hours, L.cost, L.perHour, L.price, L.published],
    r.categories.map((c) => [
      categoryName(c),
      c.level ? `${num(c.hours.deliveredDays ?? '0')} ${L.levelDays}` : num(c.hours.deliveredHours),
      num(c.costs.total),
      formatRateLocal(c.costPerHour, lang),
      formatRateLocal(c.price, lang),
      num(c.publishedPriceInclVat),
    ]),
    200,
  );

  heading(L.comparison);
  const comparison: string[][] = [];
  for (const c of r.categories) {
    for (const p of c.paid)
      comparison.push([
        priceCategoryLabel(c, groups, lang),
        formatRateLocal(p.rate, lang),
        num(p.hours),
        formatRateLocal(c.price, lang),
        formatRateLocal(p.difference, lang),
        formatRateLocal(p.settled, lang),
      ]);
  }
  table([L.category, L.paidRate, L.paidHours, L.price, L.difference, L.settled], comparison, 180);

  heading(L.adjustments);
  for (const a of r.adjustments) {
    w.need(ROW * 4);
    const doc = a.invoice
      ? `${titleOf(a.invoice.kind, lang)} ${a.invoice.number}`
      : new Decimal(a.totalInclVat).isZero()
        ? L.none
        : L.notIssued;
    w.text(`${a.providerName} (${a.providerRef})`, PAGE.margin, 300, { bold: true, size: 9 });
    w.text(`${L.document}: ${doc}`, 350, RIGHT - 350, { size: 8, align: 'right' });
    w.y += ROW;
    if (a.lines.length) {
      table(
        [L.category, L.paidRate, L.price, L.paidHours, L.amount],
        a.lines.map((l) => [
          l.unit && l.unit !== 'per_hour'
            ? `${l.categoryCode}, ${L.levelUnits[l.unit]}`
            : priceBandLabel(l.priceGroup, l.band, groups, lang),
          formatRateLocal(l.paidRate, lang),
          formatRateLocal(l.newPrice, lang),
          num(l.hours),
          num(l.amount),
        ]),
        190,
      );
    }
    w.text(
      `${L.amount} ${money(a.totalExclVat)} · ${L.vatLabel} ${money(a.vat)} · ${L.inclVat} ${money(a.totalInclVat)}`,
      PAGE.margin + 8,
      width - 8,
      { size: 8 },
    );
    w.y += ROW + 4;
  }
  if (r.proposedPriceListId !== null) {
    w.need(ROW * 2);
    w.text(L.proposed(r.proposedPriceListId, r.adoptedAt ? formatDate(r.adoptedAt.slice(0, 10), lang) : null), PAGE.margin, width, {
      size: 9,
      bold: true,
    });
    w.y += ROW;
  }

  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    w.y = PAGE.height - 45;
    w.text(`${L.title(r.year)} · ${r.municipality.name} · ${r.fingerprint.slice(0, 12)}`, 50, 330, { size: 7 });
    w.text(L.page(i - start + 1, count), 380, RIGHT - 380, { size: 7, align: 'right' });
  }
  pdf.end();
  return done;
}
