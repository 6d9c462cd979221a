import { Decimal } from 'decimal.js';
import { CATEGORIES } from '../../http/common-schemas.js';
import { text, type LocalisedText } from '../../shared/errors.js';
import { roundMoney } from '../../shared/money.js';
import { formatAddress } from '../providers/postal-address.js';
import { paymentMeansOf } from './payment-means.js';
import type {
  AdjustmentSource,
  Country,
  DocumentProfile,
  InvoiceDocument,
  InvoiceKind,
  InvoiceLine,
  Language,
  Party,
  PostalAddress,
  VatBreakdown,
  VatCategory,
} from './invoice-types.js';

/**
 * Pure: turns an approved settlement and the master data of the day into the frozen invoice
 * document, checking on the way that it reconciles with the settlement to the øre. Also the
 * groupings the PDF shows (by category and time band; per citizen).
 */

export interface PartyData {
  name: string;
  companyNumber: string | null;
  electronicAddress: string | null;
  electronicAddressScheme: string | null;
  address: string | null;
  postal?: PostalAddress | null;
  email?: string | null;
  bankAccount?: string | null;
  ref?: string | null;
}

export interface SettlementData {
  id: number;
  kind: 'regular' | 'correction';
  sequence: number;
  periodStart: string;
  periodEnd: string;
  currency: string;
  totalExclVat: string;
  vat: string;
  totalInclVat: string;
}

export interface LineData {
  lineNo: number;
  citizenRef: string;
  serviceCode: string;
  category: string;
  kind: string;
  band: string | null;
  unit: InvoiceLine['unit'];
  visits: number;
  minutes: number;
  quantity: string;
  rate: string;
  factor: string;
  amount: string;
  vatPercent: string;
}

export interface VatData {
  percent: string;
  exemptionReason: string | null;
  base: string;
  vat: string;
}

export interface DocumentInput {
  kind: InvoiceKind;
  /** Default `self_billing`. */
  profile?: DocumentProfile;
  selfBillingAgreedOn?: string | null;
  /** The municipality's own reference (BT-10); default the source, e.g. "settlement 17". */
  buyerReference?: string | null;
  number: string;
  issueDate: string;
  dueDate: string;
  paymentTermsDays: number;
  language: Language;
  country: Country;
  buyer: PartyData;
  seller: PartyData & { vatStatus: 'registered' | 'exempt' | 'not_registered' };
  settlement: SettlementData;
  lines: LineData[];
  vat: VatData[];
  corrects: { number: string; issueDate: string } | null;
  /**
   * Set when the document settles a retro price adjustment instead of a settlement: `settlement`
   * then carries the adjustment's period (the year), currency and totals, and its id is not a
   * settlement's.
   */
  adjustment?: AdjustmentSource | null;
}

export { formatAddress, parseAddress } from '../providers/postal-address.js';

export class DocumentError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('; '));
    this.name = 'DocumentError';
  }
}

const digits = (s: string) => s.replace(/[^0-9]/g, '');

/** The VAT identifier of a VAT-registered company: DK + CVR, SE + organisationsnummer + 01. */
export function vatIdOf(country: Country, companyNumber: string | null): string | null {
  if (!companyNumber) return null;
  const d = digits(companyNumber);
  if (country === 'DK' && d.length === 8) return `DK${d}`;
  if (country === 'SE' && d.length === 10) return `SE${d}01`;
  return null;
}

/** The company number as a Peppol identifier: 0184 DK + CVR, 0007 organisationsnummer (10 digits). */
export function legalIdOf(country: Country, companyNumber: string | null): { id: string; scheme: string } | null {
  if (!companyNumber) return null;
  const d = digits(companyNumber);
  if (country === 'DK' && d.length === 8) return { id: `DK${d}`, scheme: '0184' };
  if (country === 'SE' && d.length === 10) return { id: d, scheme: '0007' };
  return null;
}

/**
 * The Peppol endpoint of a party: its electronic address (scheme given, or recognised: 13 digits
 * GLN 0088, a CVR 0184, an organisationsnummer 0007), else its company number.
 */
export function endpointOf(country: Country, p: Pick<PartyData, 'electronicAddress' | 'electronicAddressScheme' | 'companyNumber'>) {
  const address = p.electronicAddress?.trim();
  if (address) {
    const compact = address.replace(/[\s-]/g, '');
    const scheme = p.electronicAddressScheme ?? (/^\d{13}$/.test(compact) ? '0088' : (legalIdOf(country, compact)?.scheme ?? null));
    if (!scheme) return null;
    if (scheme === '0184' || scheme === '0007') return legalIdOf(country, compact) ?? { id: compact, scheme };
    return { id: scheme === '0088' ? compact : address, scheme };
  }
  return legalIdOf(country, p.companyNumber);
}

/**
 * Master data an issued document needs, checked before a number is taken: a document with a
 * number cannot be withdrawn, so one that could never be delivered electronically, or that the
 * invoice rules would refuse, is refused — with everything missing listed at once.
 */
export function missingMasterData(
  input: Pick<DocumentInput, 'country' | 'buyer' | 'seller' | 'vat' | 'profile' | 'buyerReference'>,
): string[] {
  return missingMasterDataTexts(input).map((t) => t.message);
}

/** missingMasterData with each item's catalogue message, so a refusal can say it in the reader's language. */
export function missingMasterDataTexts(
  input: Pick<DocumentInput, 'country' | 'buyer' | 'seller' | 'vat' | 'profile' | 'buyerReference'>,
): LocalisedText[] {
  const out: LocalisedText[] = [];
  const internal = input.profile === 'internal';
  const dk = input.country === 'DK';
  const number = dk ? 'CVR number (8 digits)' : 'organisationsnummer (10 digits)';
  const party = (who: LocalisedText, p: PartyData) => {
    if (!p.name?.trim()) out.push(text(`${who.message} has no name`, 'masterdata.no_name', { who }));
    if (internal) return;
    const a = p.postal;
    const missing = [!a?.streetName && 'street', !a?.postalZone && 'postcode', !a?.cityName && 'city'].filter(Boolean);
    if (missing.length)
      out.push(
        text(`${who.message} has no ${missing.join(', ')} in its postal address`, 'masterdata.no_postal', {
          who,
          parts: missing.join(', '),
        }),
      );
    if (!legalIdOf(input.country, p.companyNumber))
      out.push(text(`${who.message} has no valid ${number}`, dk ? 'masterdata.no_cvr' : 'masterdata.no_orgnr', { who }));
    if (!endpointOf(input.country, p))
      out.push(text(`${who.message} has no electronic address (EAN/GLN or Peppol id)`, 'masterdata.no_endpoint', { who }));
  };
  party(text('the municipality', 'masterdata.the_municipality'), input.buyer);
  const ref = input.seller.ref ?? input.seller.name;
  const seller = text(`provider ${ref}`, 'masterdata.provider', { ref });
  party(seller, input.seller);
  if (internal) return out;
  if (input.buyerReference !== undefined && !input.buyerReference?.trim())
    out.push(
      text("the municipality's buyer reference (its own reference on invoices, a setting) is not set", 'masterdata.no_buyer_reference'),
    );
  const taxed = input.vat.some((v) => new Decimal(v.percent).gt(0));
  if (taxed && input.seller.vatStatus !== 'registered')
    out.push(
      text(`${seller.message} is not registered for VAT but the settlement charges VAT`, 'masterdata.not_vat_registered', { who: seller }),
    );
  if (input.seller.bankAccount?.trim() && !paymentMeansOf(input.country, input.seller.bankAccount)) {
    const account = input.seller.bankAccount;
    out.push(
      text(
        `${seller.message}'s bank account ${account} is not understood (${dk ? 'an IBAN or reg.nr. and account number' : 'an IBAN, a bankgiro or a plusgiro number'})`,
        dk ? 'masterdata.bank_account_dk' : 'masterdata.bank_account_se',
        { who: seller, account },
      ),
    );
  }
  return out;
}

/**
 * The reason for 0 % VAT when the reimbursement model gives none, in the document's language and
 * citing the law: social care is exempt (DK momsloven § 13, stk. 1, nr. 2; SE mervärdesskattelagen
 * (2023:200) 10 kap. 41 §); a provider not registered for VAT charges none.
 */
export function defaultExemptionReason(category: VatCategory, country: Country, language: Language): string {
  const texts = {
    E: {
      DK: {
        da: 'Momsfritaget: social forsorg, momsloven § 13, stk. 1, nr. 2',
        sv: 'Momsfri: social omsorg, danska momsloven § 13, stk. 1, nr. 2',
        en: 'Exempt from VAT: social care, Danish VAT Act section 13(1)(2)',
      },
      SE: {
        da: 'Momsfritaget: social omsorg, mervärdesskattelagen (2023:200) 10 kap. 41 §',
        sv: 'Undantaget från skatteplikt: social omsorg, 10 kap. 41 § mervärdesskattelagen (2023:200)',
        en: 'Exempt from VAT: social care, Swedish VAT Act (2023:200) chapter 10 section 41',
      },
    },
    O: {
      DK: {
        da: 'Ikke momspligtig: leverandøren er ikke registreret for moms',
        sv: 'Ej momspliktig: utföraren är inte momsregistrerad',
        en: 'Not subject to VAT: the provider is not registered for VAT',
      },
      SE: {
        da: 'Ikke momspligtig: leverandøren er ikke registreret for moms',
        sv: 'Ej momspliktig: utföraren är inte momsregistrerad',
        en: 'Not subject to VAT: the provider is not registered for VAT',
      },
    },
  } as const;
  return category === 'S' ? '' : texts[category][country][language];
}

export const vatCategoryOf = (percent: Decimal.Value, vatStatus: DocumentInput['seller']['vatStatus']): VatCategory =>
  new Decimal(percent).gt(0) ? 'S' : vatStatus === 'not_registered' ? 'O' : 'E';

const eq = (a: Decimal.Value, b: Decimal.Value) => new Decimal(a).eq(b);
const money = (d: Decimal.Value) => new Decimal(d).toFixed(2);

/** The frozen document. Throws DocumentError when the settlement does not reconcile. */
export function buildInvoiceDocument(input: DocumentInput): InvoiceDocument {
  const { settlement: s, country } = input;
  const issues: string[] = [];
  const adjustment = input.adjustment ?? null;
  const source = adjustment ? `price adjustment ${adjustment.id}` : `settlement ${s.id}`;
  if (input.lines.length === 0) issues.push(`${source} has no lines`);
  const sum = input.lines.reduce((t, l) => t.plus(l.amount), new Decimal(0));
  if (!eq(sum, s.totalExclVat))
    issues.push(`the lines add up to ${money(sum)}, the ${adjustment ? 'adjustment' : 'settlement'} to ${s.totalExclVat}`);

  const bases = new Map<string, Decimal>();
  for (const l of input.lines) {
    const key = new Decimal(l.vatPercent).toFixed(2);
    bases.set(key, (bases.get(key) ?? new Decimal(0)).plus(l.amount));
  }
  let vatTotal = new Decimal(0);
  // The settlement's groups per rate: at 0 % there may be several (one per exemption reason, e.g.
  // two exempt categories); they are one breakdown on the invoice, as EN 16931 allows one
  // breakdown per VAT category and rate, with the reasons together.
  const byRate = new Map<string, VatData[]>();
  for (const g of input.vat) {
    const key = new Decimal(g.percent).toFixed(2);
    byRate.set(key, [...(byRate.get(key) ?? []), g]);
  }
  const vat: VatBreakdown[] = [];
  for (const [key, groups] of [...byRate].sort((a, b) => new Decimal(b[0]).comparedTo(a[0]))) {
    const percent = groups[0]!.percent;
    const base = bases.get(key) ?? new Decimal(0);
    bases.delete(key);
    const groupBase = groups.reduce((t, g) => t.plus(g.base), new Decimal(0));
    const groupVat = groups.reduce((t, g) => t.plus(g.vat), new Decimal(0));
    if (!eq(base, groupBase))
      issues.push(`VAT ${percent} %: the lines add up to ${money(base)}, the settlement's base is ${money(groupBase)}`);
    const expected = roundMoney(base.mul(percent).div(100));
    if (!eq(expected, groupVat))
      issues.push(`VAT ${percent} % of ${money(base)} is ${money(expected)}, the settlement says ${money(groupVat)}`);
    vatTotal = vatTotal.plus(groupVat);
    const category = vatCategoryOf(percent, input.seller.vatStatus);
    const reasons = [...new Set(groups.map((g) => g.exemptionReason).filter((r): r is string => !!r))].sort();
    vat.push({
      category,
      percent: new Decimal(percent).toString(),
      exemptionReason:
        category === 'S' ? null : reasons.length ? reasons.join('; ') : defaultExemptionReason(category, country, input.language),
      base: money(groupBase),
      vat: money(groupVat),
    });
  }
  for (const [key] of bases) issues.push(`lines at VAT ${key} % have no VAT group in the settlement`);
  if (!eq(vatTotal, s.vat)) issues.push(`the VAT groups add up to ${money(vatTotal)}, the settlement's VAT is ${s.vat}`);
  if (!eq(new Decimal(s.totalExclVat).plus(s.vat), s.totalInclVat))
    issues.push('the settlement total incl. VAT is not total excl. VAT + VAT');
  const categories = new Set(vat.map((v) => v.category));
  if (categories.has('O') && categories.size > 1) issues.push('a document outside the scope of VAT cannot have other VAT categories');
  issues.push(...missingMasterData(input));
  if (issues.length) throw new DocumentError(issues);

  const category = new Map(vat.map((v) => [new Decimal(v.percent).toFixed(2), v.category]));
  const party = (p: PartyData, vatId: string | null): Party => ({
    name: p.name,
    companyNumber: p.companyNumber,
    vatId,
    endpoint: endpointOf(country, p)!,
    address: formatAddress(p.postal) ?? p.address,
    postal: p.postal ?? null,
    country,
    email: p.email ?? null,
    bankAccount: p.bankAccount ?? null,
    ref: p.ref ?? null,
  });
  return {
    format: 1,
    kind: input.kind,
    profile: input.profile ?? 'self_billing',
    selfBillingAgreedOn: input.selfBillingAgreedOn ?? null,
    number: input.number,
    issueDate: input.issueDate,
    dueDate: input.dueDate,
    paymentTermsDays: input.paymentTermsDays,
    currency: s.currency as InvoiceDocument['currency'],
    language: input.language,
    period: { start: s.periodStart, end: s.periodEnd },
    settlement: adjustment ? null : { id: s.id, kind: s.kind, sequence: s.sequence },
    ...(adjustment ? { adjustment: { ...adjustment } } : {}),
    corrects: input.corrects,
    buyerReference: input.buyerReference?.trim() || source,
    seller: party(input.seller, input.seller.vatStatus === 'registered' ? vatIdOf(country, input.seller.companyNumber) : null),
    buyer: party(input.buyer, null),
    lines: input.lines.map((l) => ({
      lineNo: l.lineNo,
      citizenRef: l.citizenRef,
      serviceCode: l.serviceCode,
      category: l.category,
      kind: l.kind,
      band: l.band,
      unit: l.unit,
      visits: l.visits,
      minutes: l.minutes,
      quantity: new Decimal(l.quantity).toFixed(),
      rate: new Decimal(l.rate).toFixed(),
      factor: new Decimal(l.factor).toFixed(),
      amount: money(l.amount),
      vatPercent: new Decimal(l.vatPercent).toString(),
      vatCategory: category.get(new Decimal(l.vatPercent).toFixed(2))!,
    })),
    vat,
    totals: { exclVat: money(s.totalExclVat), vat: money(s.vat), inclVat: money(s.totalInclVat) },
  };
}

// ---- Groupings shown on the PDF -------------------------------------------------------------

export interface SummaryRow {
  band: string | null;
  kind: string;
  unit: InvoiceLine['unit'];
  rate: Decimal;
  factor: Decimal;
  visits: number;
  minutes: number;
  quantity: Decimal;
  amount: Decimal;
}

export interface CategoryGroup {
  category: string;
  rows: SummaryRow[];
  amount: Decimal;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const categoryRank = (c: string) => {
  const i = (CATEGORIES as readonly string[]).indexOf(c);
  return i === -1 ? CATEGORIES.length : i;
};
const BAND_ORDER = ['weekday_day', 'day', 'evening', 'night', 'weekend', 'holiday', 'other_times', 'all'];
const bandRank = (b: string | null) => {
  const i = b === null ? -1 : BAND_ORDER.indexOf(b);
  return i === -1 ? BAND_ORDER.length : i;
};
const KIND_ORDER = ['visit', 'cancellation', 'hospital', 'per_period', 'quality_bonus', 'accepted_exception'];
const kindRank = (k: string) => {
  const i = KIND_ORDER.indexOf(k);
  return i === -1 ? KIND_ORDER.length : i;
};

/**
 * Quantity shown for a row: hours for hourly lines (minutes / 60), otherwise the line quantity. A
 * retro price adjustment is paid on the hours paid (its quantity), which leave out cancellations
 * paid at 0 % and weigh the others by their share: its minutes are all the hours registered.
 */
export const shownQuantity = (unit: InvoiceLine['unit'], minutes: number, quantity: Decimal.Value, kind?: string) =>
  unit === 'per_hour' && kind !== 'price_adjustment' ? new Decimal(minutes).div(60) : new Decimal(quantity);

/** Lines summed per category, then per time band, kind, unit and rate. */
export function groupByCategoryAndBand(lines: readonly InvoiceLine[]): CategoryGroup[] {
  const groups = new Map<string, { category: string; rows: Map<string, SummaryRow> }>();
  for (const l of lines) {
    let g = groups.get(l.category);
    if (!g) groups.set(l.category, (g = { category: l.category, rows: new Map() }));
    const key = [l.band ?? '', l.kind, l.unit, l.rate, l.factor].join('|');
    let r = g.rows.get(key);
    if (!r) {
      g.rows.set(
        key,
        (r = {
          band: l.band,
          kind: l.kind,
          unit: l.unit,
          rate: new Decimal(l.rate),
          factor: new Decimal(l.factor),
          visits: 0,
          minutes: 0,
          quantity: new Decimal(0),
          amount: new Decimal(0),
        }),
      );
    }
    r.visits += l.visits;
    r.minutes += l.minutes;
    r.quantity = r.quantity.plus(l.quantity);
    r.amount = r.amount.plus(l.amount);
  }
  return [...groups.values()]
    .sort((a, b) => categoryRank(a.category) - categoryRank(b.category) || cmp(a.category, b.category))
    .map((g) => {
      const rows = [...g.rows.values()].sort(
        (a, b) =>
          bandRank(a.band) - bandRank(b.band) ||
          cmp(a.band ?? '\uffff', b.band ?? '\uffff') ||
          kindRank(a.kind) - kindRank(b.kind) ||
          cmp(a.kind, b.kind) ||
          cmp(a.unit, b.unit) ||
          a.rate.comparedTo(b.rate) ||
          b.factor.comparedTo(a.factor),
      );
      return { category: g.category, rows, amount: rows.reduce((t, r) => t.plus(r.amount), new Decimal(0)) };
    });
}

export interface CitizenGroup {
  citizenRef: string;
  lines: InvoiceLine[];
  amount: Decimal;
}

/** The appendix: lines per opaque citizen reference, in reference order. */
export function groupByCitizen(lines: readonly InvoiceLine[]): CitizenGroup[] {
  const by = new Map<string, InvoiceLine[]>();
  for (const l of lines) {
    const list = by.get(l.citizenRef);
    if (list) list.push(l);
    else by.set(l.citizenRef, [l]);
  }
  return [...by.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([citizenRef, ls]) => ({
      citizenRef,
      lines: ls.sort((a, b) => a.lineNo - b.lineNo),
      amount: ls.reduce((t, l) => t.plus(l.amount), new Decimal(0)),
    }));
}

/**
 * A level line (kind `level_day`, DOMAIN.md §4 levels) is paid per day at a price per day, week or
 * month: quantity = days, rate = the published price, and the stored factor = share paid ÷ the
 * price's days (1, 7 or the days of the month), kept to six places. A document states it the way a
 * bookkeeper multiplies it: days × price × share ÷ days of the price. The share is recovered to
 * four places (a percent with two decimals) and the factor made exact again, so the product
 * rounds to the amount paid.
 */
export function levelPricing(
  l: { kind: string; unit: string; factor: Decimal.Value },
  periodStart: string,
): { divisor: number; share: Decimal; factor: Decimal } | null {
  if (l.kind !== 'level_day') return null;
  const [y, m] = periodStart.split('-').map(Number) as [number, number];
  const divisor = l.unit === 'per_week' ? 7 : l.unit === 'per_month' ? new Date(Date.UTC(y, m, 0)).getUTCDate() : 1;
  const share = new Decimal(l.factor).mul(divisor).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
  return { divisor, share, factor: share.div(divisor) };
}
