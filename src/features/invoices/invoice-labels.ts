import { Decimal } from 'decimal.js';
import type { InvoiceKind, Language } from './invoice-types.js';

/**
 * Texts and number/date formats of the documents, per document language. Formatting is done
 * here by hand rather than with Intl: Intl takes JS numbers (money must stay Decimal), its output
 * varies with the ICU version (an issued document must re-render to the same bytes for years),
 * and sv-SE writes U+2212 for minus, which the PDF's built-in Helvetica cannot show.
 */

const LABELS = {
  da: {
    internal_statement: 'Intern afregning',
    internal_correction: 'Intern afregning (korrektion)',
    statementNumber: 'Afregningsnummer',
    creditNoteDate: 'Kreditnotadato',
    statementDate: 'Dato',
    internalNote: 'Intern afregning: kommunens egen leverandør faktureres ikke. Opgørelsen er uden moms og sendes ikke som e-faktura.',
    selfBillingAgreement: (date: string) => `Aftale om selvfakturering indgået ${date}.`,
    seller_internal: 'Leverandør (kommunal)',
    buyer_internal: 'Kommune',
    paidShare: (percent: string) => `betales med ${percent} %`,
    notPaid: 'betales ikke',
    daysUnit: 'dage',
    pricePer: (unit: string, days: number) =>
      `pris pr. ${unit === 'per_week' ? 'uge' : unit === 'per_month' ? 'måned' : 'dag'}${days === 1 ? '' : ` ÷ ${days} dage`}`,
    hoursPaid: 'betalte timer',
    roundingNote: '* Rækken er summen af beløbene pr. besøg, hvert afrundet til hele øre; timer × sats rammer derfor ikke beløbet på øren.',
    invoice: 'Faktura',
    supplementary_invoice: 'Faktura (efterregulering)',
    credit_note: 'Kreditnota',
    number: 'Fakturanummer',
    creditNumber: 'Kreditnotanummer',
    issueDate: 'Fakturadato',
    dueDate: 'Forfaldsdato',
    period: 'Periode',
    paymentTerms: (days: number) => `Netto ${days} dage`,
    paymentTermsLabel: 'Betalingsbetingelser',
    seller: 'Leverandør (sælger)',
    buyer: 'Kommune (køber)',
    selfBilling: 'Selvfakturering: udstedt af kommunen på leverandørens vegne efter godkendt afregning.',
    fSkatt: 'Godkänd för F-skatt',
    selfBillingAdjustment: 'Selvfakturering: udstedt af kommunen på leverandørens vegne efter godkendt efterberegning af timepriserne.',
    companyNumber: 'CVR-nr.',
    vatId: 'Momsnr.',
    endpoint: 'Elektronisk adresse',
    bankAccount: 'Bankkonto',
    corrects: 'Vedrører faktura',
    settlement: 'Afregning',
    adjustment: 'Efterregulering',
    adjustmentOf: (year: number, id: number) => `timepriser ${year} (efterberegning ${id})`,
    correctionNo: 'korrektion nr.',
    reference: 'Reference',
    linesTitle: 'Ydelser fordelt på kategori og tidsrum',
    description: 'Beskrivelse',
    visits: 'Besøg',
    quantity: 'Antal',
    hoursUnit: 't',
    visitsUnit: 'besøg',
    paymentsUnit: 'betaling',
    monthsUnit: 'md.',
    rate: 'Sats',
    amount: 'Beløb',
    subtotal: 'I alt',
    totalExclVat: 'I alt ekskl. moms',
    vat: 'Moms',
    vatOf: (percent: string, base: string) => `Moms ${percent} % af ${base}`,
    exempt: 'Momsfritaget',
    outOfScope: 'Ikke momspligtig',
    totalInclVat: 'I alt inkl. moms',
    amountDue: 'Til betaling',
    amountCredited: 'Krediteret beløb',
    appendixTitle: 'Bilag: ydelser pr. borger',
    appendixNote: 'Borgere vises kun med deres anonyme reference.',
    citizen: 'Borger',
    service: 'Ydelse',
    band: 'Tidsrum',
    page: (n: number, of: number) => `Side ${n} af ${of}`,
    factor: 'sats',
  },
  sv: {
    internal_statement: 'Intern avräkning',
    internal_correction: 'Intern avräkning (rättelse)',
    statementNumber: 'Avräkningsnummer',
    creditNoteDate: 'Kreditfakturadatum',
    statementDate: 'Datum',
    internalNote: 'Intern avräkning: kommunens egen utförare faktureras inte. Avräkningen är utan moms och skickas inte som e-faktura.',
    selfBillingAgreement: (date: string) => `Avtal om självfakturering ingånget ${date}.`,
    seller_internal: 'Utförare (egen regi)',
    buyer_internal: 'Kommun',
    paidShare: (percent: string) => `ersätts med ${percent} %`,
    notPaid: 'ersätts inte',
    daysUnit: 'dagar',
    pricePer: (unit: string, days: number) =>
      `pris per ${unit === 'per_week' ? 'vecka' : unit === 'per_month' ? 'månad' : 'dygn'}${days === 1 ? '' : ` ÷ ${days} dagar`}`,
    hoursPaid: 'ersatta timmar',
    roundingNote:
      '* Raden är summan av beloppen per besök, vart och ett avrundat till hela ören; timmar × ersättning träffar därför inte beloppet på öret.',
    invoice: 'Faktura',
    supplementary_invoice: 'Faktura (tilläggsdebitering)',
    credit_note: 'Kreditfaktura',
    number: 'Fakturanummer',
    creditNumber: 'Kreditfakturanummer',
    issueDate: 'Fakturadatum',
    dueDate: 'Förfallodatum',
    period: 'Period',
    paymentTerms: (days: number) => `${days} dagar netto`,
    paymentTermsLabel: 'Betalningsvillkor',
    seller: 'Utförare (säljare)',
    buyer: 'Kommun (köpare)',
    selfBilling: 'Självfakturering: utfärdad av kommunen för utförarens räkning efter godkänd ersättningskörning.',
    fSkatt: 'Godkänd för F-skatt',
    selfBillingAdjustment: 'Självfakturering: utfärdad av kommunen för utförarens räkning efter godkänd efterberäkning av timpriserna.',
    companyNumber: 'Org.nr',
    vatId: 'Momsreg.nr',
    endpoint: 'Elektronisk adress',
    bankAccount: 'Bankkonto',
    corrects: 'Avser faktura',
    settlement: 'Ersättningskörning',
    adjustment: 'Efterreglering',
    adjustmentOf: (year: number, id: number) => `timpriser ${year} (efterberäkning ${id})`,
    correctionNo: 'rättelse nr',
    reference: 'Referens',
    linesTitle: 'Insatser per kategori och tidsband',
    description: 'Beskrivning',
    visits: 'Besök',
    quantity: 'Antal',
    hoursUnit: 'h',
    visitsUnit: 'besök',
    paymentsUnit: 'ersättning',
    monthsUnit: 'mån',
    rate: 'Ersättning',
    amount: 'Belopp',
    subtotal: 'Summa',
    totalExclVat: 'Summa exkl. moms',
    vat: 'Moms',
    vatOf: (percent: string, base: string) => `Moms ${percent} % på ${base}`,
    exempt: 'Momsfri',
    outOfScope: 'Ej momspliktig',
    totalInclVat: 'Summa inkl. moms',
    amountDue: 'Att betala',
    amountCredited: 'Krediterat belopp',
    appendixTitle: 'Bilaga: insatser per brukare',
    appendixNote: 'Brukare visas endast med sin anonyma referens.',
    citizen: 'Brukare',
    service: 'Insats',
    band: 'Tidsband',
    page: (n: number, of: number) => `Sida ${n} av ${of}`,
    factor: 'ersättning',
  },
  en: {
    internal_statement: 'Internal settlement statement',
    internal_correction: 'Internal settlement statement (correction)',
    statementNumber: 'Statement number',
    creditNoteDate: 'Credit note date',
    statementDate: 'Date',
    internalNote:
      "Internal settlement: the municipality's own provider is not invoiced. The statement carries no VAT and is not sent as an e-invoice.",
    selfBillingAgreement: (date: string) => `Self-billing agreement signed ${date}.`,
    seller_internal: 'Provider (in-house)',
    buyer_internal: 'Municipality',
    paidShare: (percent: string) => `paid at ${percent} %`,
    notPaid: 'not paid',
    daysUnit: 'days',
    pricePer: (unit: string, days: number) =>
      `price per ${unit === 'per_week' ? 'week' : unit === 'per_month' ? 'month' : 'day'}${days === 1 ? '' : ` ÷ ${days} days`}`,
    hoursPaid: 'hours paid',
    roundingNote:
      '* The row is the sum of the amounts per visit, each rounded to the øre; hours × rate therefore does not meet the amount to the øre.',
    invoice: 'Invoice',
    supplementary_invoice: 'Invoice (supplementary)',
    credit_note: 'Credit note',
    number: 'Invoice number',
    creditNumber: 'Credit note number',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    period: 'Period',
    paymentTerms: (days: number) => `Net ${days} days`,
    paymentTermsLabel: 'Payment terms',
    seller: 'Provider (seller)',
    buyer: 'Municipality (buyer)',
    selfBilling: 'Self-billing: issued by the municipality on behalf of the provider from an approved settlement.',
    fSkatt: 'Godkänd för F-skatt (approved for F-tax)',
    selfBillingAdjustment:
      'Self-billing: issued by the municipality on behalf of the provider from an approved recalculation of the hourly prices.',
    companyNumber: 'Company no.',
    vatId: 'VAT no.',
    endpoint: 'Electronic address',
    bankAccount: 'Bank account',
    corrects: 'Refers to invoice',
    settlement: 'Settlement',
    adjustment: 'Retro adjustment',
    adjustmentOf: (year: number, id: number) => `hourly prices ${year} (recalculation ${id})`,
    correctionNo: 'correction no.',
    reference: 'Reference',
    linesTitle: 'Services by category and time band',
    description: 'Description',
    visits: 'Visits',
    quantity: 'Quantity',
    hoursUnit: 'h',
    visitsUnit: 'visits',
    paymentsUnit: 'payment',
    monthsUnit: 'mo.',
    rate: 'Rate',
    amount: 'Amount',
    subtotal: 'Subtotal',
    totalExclVat: 'Total excl. VAT',
    vat: 'VAT',
    vatOf: (percent: string, base: string) => `VAT ${percent} % of ${base}`,
    exempt: 'Exempt from VAT',
    outOfScope: 'Not subject to VAT',
    totalInclVat: 'Total incl. VAT',
    amountDue: 'Amount due',
    amountCredited: 'Amount credited',
    appendixTitle: 'Appendix: services per citizen',
    appendixNote: 'Citizens are shown by their opaque reference only.',
    citizen: 'Citizen',
    service: 'Service',
    band: 'Time band',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    factor: 'rate',
  },
} as const;

export type Labels = (typeof LABELS)[Language];
export const labelsFor = (language: Language): Labels => LABELS[language];
export const titleOf = (kind: InvoiceKind, language: Language): string => LABELS[language][kind];

const CATEGORIES: Record<string, Record<Language, string>> = {
  personal_care: { da: 'Personlig pleje', sv: 'Omvårdnad', en: 'Personal care' },
  practical_help: { da: 'Praktisk hjælp', sv: 'Service', en: 'Practical help' },
  meals: { da: 'Madservice', sv: 'Matdistribution', en: 'Meals' },
  training: { da: 'Træning', sv: 'Träning', en: 'Training' },
  night_patrol: { da: 'Natpatrulje', sv: 'Nattpatrull', en: 'Night patrol' },
  alarm: { da: 'Nødkald', sv: 'Trygghetslarm', en: 'Alarm' },
  other: { da: 'Øvrigt', sv: 'Övrigt', en: 'Other' },
};

const BANDS: Record<string, Record<Language, string>> = {
  weekday_day: { da: 'Hverdag dag', sv: 'Vardag dag', en: 'Weekday daytime' },
  other_times: { da: 'Øvrige tider', sv: 'Övriga tider', en: 'Other times' },
  day: { da: 'Dag', sv: 'Dag', en: 'Day' },
  evening: { da: 'Aften', sv: 'Kväll', en: 'Evening' },
  night: { da: 'Nat', sv: 'Natt', en: 'Night' },
  weekend: { da: 'Weekend', sv: 'Helg', en: 'Weekend' },
  holiday: { da: 'Helligdag', sv: 'Storhelg', en: 'Holiday' },
  weekend_holiday: { da: 'Weekend og helligdag', sv: 'Helg och storhelg', en: 'Weekend and holiday' },
  all: { da: 'Alle tider', sv: 'Alla tider', en: 'All times' },
};

const KINDS: Record<string, Record<Language, string>> = {
  visit: { da: 'Besøg', sv: 'Besök', en: 'Visits' },
  cancellation: { da: 'Aflysning', sv: 'Avbokning', en: 'Cancellations' },
  hospital: { da: 'Indlæggelse', sv: 'Sjukhusvistelse', en: 'Hospital stay' },
  per_period: { da: 'Månedlig ydelse', sv: 'Månadsersättning', en: 'Monthly fee' },
  level_day: { da: 'Niveau, dage', sv: 'Nivå, dygn', en: 'Level, days' },
  quality_bonus: { da: 'Kvalitetsbonus', sv: 'Kvalitetsbonus', en: 'Quality bonus' },
  new_customer: { da: 'Engangsbetaling, ny borger', sv: 'Engångsersättning, ny kund', en: 'One-off payment, new customer' },
  takeover: {
    da: 'Opstartsbetaling, leverandørskift',
    sv: 'Uppstartsersättning, byte av utförare',
    en: 'Start-up payment, change of provider',
  },
  accepted_exception: { da: 'Godkendt afvigelse', sv: 'Godkänd avvikelse', en: 'Accepted exception' },
  price_adjustment: { da: 'Efterregulering af timepris', sv: 'Efterreglering av timpris', en: 'Retro price adjustment' },
};

const humanise = (code: string) => code.replace(/_/g, ' ');
export const categoryLabel = (code: string, l: Language) => CATEGORIES[code]?.[l] ?? humanise(code);
export const bandLabel = (code: string | null, l: Language) => (code === null ? '' : (BANDS[code]?.[l] ?? humanise(code)));
export const kindLabel = (code: string, l: Language) => KINDS[code]?.[l] ?? humanise(code);

const MONTHS: Record<Language, string[]> = {
  da: ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'],
  sv: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** A date the local way: da 04.05.2026, sv 2026-05-04, en 4 May 2026. */
export function formatDate(iso: string, l: Language): string {
  const [y, m, d] = iso.split('-');
  if (l === 'da') return `${d}.${m}.${y}`;
  if (l === 'sv') return iso;
  return `${Number(d)} ${MONTHS.en[Number(m) - 1]} ${y}`;
}

/** The month of a period, e.g. "april 2026"; several months as a date range. */
export function formatPeriod(start: string, endExclusive: string, l: Language): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  const nextMonth = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  if (start.endsWith('-01') && endExclusive === nextMonth) return `${MONTHS[l][m - 1]} ${y}`;
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
