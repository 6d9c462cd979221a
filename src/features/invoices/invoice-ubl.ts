import { Decimal } from 'decimal.js';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { levelPricing, parseAddress } from './invoice-document.js';
import { bandLabel, categoryLabel, formatPercent, kindLabel, labelsFor, lastDayBefore } from './invoice-labels.js';
import type { InvoiceDocument, InvoiceLine, Party } from './invoice-types.js';
import { paymentMeansOf } from './payment-means.js';

/**
 * The document as UBL 2.1. A self-billing document (issued by the municipality on the provider's
 * behalf, with its agreement) follows Peppol BIS Self-Billing 3.0: an Invoice 389 or a CreditNote
 * 261; documents issued before as ordinary Peppol BIS Billing 3.0 re-render as they were, with 380
 * / 381. A credit note states the credited amounts as positive numbers (the document type carries
 * the sign), so every amount of a credit note is the settlement's amount negated. An internal
 * statement has no UBL. See docs/invoices.md.
 */

export const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};
export const CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
export const SELF_BILLING_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0';
export const SELF_BILLING_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0';

/** The identifiers and type codes of a document's profile (UNCL1001 380/381 ordinary, 389/261 self-billed). */
export function ublProfileOf(doc: Pick<InvoiceDocument, 'profile' | 'kind'>) {
  const selfBilling = doc.profile === 'self_billing';
  const credit = doc.kind === 'credit_note';
  return {
    customizationId: selfBilling ? SELF_BILLING_CUSTOMIZATION_ID : CUSTOMIZATION_ID,
    profileId: selfBilling ? SELF_BILLING_PROFILE_ID : PROFILE_ID,
    typeCode: selfBilling ? (credit ? '261' : '389') : credit ? '381' : '380',
  } as const;
}

export class NoUblError extends Error {}

const money = (d: Decimal) => d.toFixed(2);

/**
 * Quantity and price of a line such that quantity × price / base quantity gives its amount
 * (Peppol R120 allows 0.02; we hold to 0.01). The price is never negative (BR-27): the quantity
 * carries the sign. Hourly lines are stated in minutes at the hourly price per 60 minutes, which is
 * exact; a line whose amount is not quantity × price (a correction line is a difference of rounded
 * amounts) is stated as a lump sum of ±1.
 */
export function lineQuantity(
  l: InvoiceLine,
  amount: Decimal,
  periodStart?: string,
): { quantity: Decimal; unitCode: string; price: Decimal; base: Decimal | null } {
  const sign = amount.isNegative() ? -1 : 1;
  // A level line: days at the price × share per the price's days (base quantity 1, 7 or the month's days).
  const level = periodStart ? levelPricing(l, periodStart) : null;
  if (level) {
    const option = {
      quantity: new Decimal(l.quantity).abs().mul(sign),
      unitCode: 'DAY',
      price: new Decimal(l.rate).mul(level.share).abs(),
      base: new Decimal(level.divisor),
    };
    if (option.quantity.mul(option.price).div(option.base).minus(amount).abs().lte('0.01')) return option;
  }
  const price = new Decimal(l.rate).mul(l.factor).abs();
  const options: { quantity: Decimal; unitCode: string; base: Decimal | null }[] = [];
  if (l.unit === 'per_hour') options.push({ quantity: new Decimal(Math.abs(l.minutes)).mul(sign), unitCode: 'MIN', base: new Decimal(60) });
  options.push({ quantity: new Decimal(l.quantity).abs().mul(sign), unitCode: UNIT_CODES[l.unit], base: null });
  for (const o of options) {
    if (
      o.quantity
        .mul(price)
        .div(o.base ?? 1)
        .minus(amount)
        .abs()
        .lte('0.01')
    )
      return { ...o, price };
  }
  return { quantity: new Decimal(sign), unitCode: 'C62', price: amount.abs(), base: null };
}
/** UN/ECE rec. 20 unit codes: hours, one (a visit), days, weeks, months. */
const UNIT_CODES = { per_hour: 'HUR', per_visit: 'C62', per_day: 'DAY', per_week: 'WEE', per_month: 'MON' } as const;

function address(parent: XMLBuilder, p: Party) {
  const a = parent.ele('cac:PostalAddress');
  // Documents frozen before addresses had parts carry the one-line form only.
  const parts = p.postal ?? parseAddress(p.address);
  if (parts?.streetName) a.ele('cbc:StreetName').txt(parts.streetName);
  if (parts?.additionalStreetName) a.ele('cbc:AdditionalStreetName').txt(parts.additionalStreetName);
  if (parts?.cityName) a.ele('cbc:CityName').txt(parts.cityName);
  if (parts?.postalZone) a.ele('cbc:PostalZone').txt(parts.postalZone);
  a.ele('cac:Country').ele('cbc:IdentificationCode').txt(p.country);
}

function party(parent: XMLBuilder, p: Party, role: 'seller' | 'buyer', withTaxRegistration: boolean) {
  const el = parent.ele('cac:Party');
  el.ele('cbc:EndpointID', { schemeID: p.endpoint.scheme }).txt(p.endpoint.id);
  // No PartyIdentification: the provider's carepay ref has no identifier scheme, and the Danish
  // rules refuse an identification without one (DK-R-013); the legal entity identifies the party.
  el.ele('cac:PartyName').ele('cbc:Name').txt(p.name);
  address(el, p);
  if (role === 'seller') {
    if (p.vatId) el.ele('cac:PartyTaxScheme').ele('cbc:CompanyID').txt(p.vatId).up().ele('cac:TaxScheme').ele('cbc:ID').txt('VAT');
    // Seller tax registration (BT-32): Swedish sellers state their F-tax approval; a Danish seller
    // that is not VAT registered states its CVR, as an exempt supply needs one or the other.
    const registration =
      p.country === 'SE' ? 'Godkänd för F-skatt' : !p.vatId && withTaxRegistration && p.companyNumber ? p.companyNumber : null;
    if (registration)
      el.ele('cac:PartyTaxScheme').ele('cbc:CompanyID').txt(registration).up().ele('cac:TaxScheme').ele('cbc:ID').txt('TAX');
  }
  const legal = el.ele('cac:PartyLegalEntity').ele('cbc:RegistrationName').txt(p.name).up();
  const digits = p.companyNumber?.replace(/[^0-9]/g, '') ?? '';
  if (p.country === 'DK' && digits.length === 8) legal.ele('cbc:CompanyID', { schemeID: '0184' }).txt(`DK${digits}`);
  else if (p.country === 'SE' && digits.length === 10) legal.ele('cbc:CompanyID', { schemeID: '0007' }).txt(digits);
  if (p.email) el.ele('cac:Contact').ele('cbc:ElectronicMail').txt(p.email);
}

function taxCategory(
  parent: XMLBuilder,
  name: 'cac:TaxCategory' | 'cac:ClassifiedTaxCategory',
  category: string,
  percent: string,
  reason: string | null,
) {
  const c = parent.ele(name).ele('cbc:ID').txt(category).up();
  if (category !== 'O') c.ele('cbc:Percent').txt(new Decimal(percent).toFixed());
  if (name === 'cac:TaxCategory' && reason && category !== 'S') c.ele('cbc:TaxExemptionReason').txt(reason);
  c.ele('cac:TaxScheme').ele('cbc:ID').txt('VAT');
}

/** Renders the UBL XML of a frozen document; the same document always gives the same text. */
export function renderInvoiceUbl(doc: InvoiceDocument): string {
  if (doc.profile === 'internal') throw new NoUblError(`${doc.number} is an internal settlement statement: it has no e-invoice`);
  const credit = doc.kind === 'credit_note';
  const ids = ublProfileOf(doc);
  const sign = credit ? -1 : 1;
  const amt = (s: string) => new Decimal(s).mul(sign);
  const cur = { currencyID: doc.currency };
  const L = labelsFor(doc.language);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(credit ? NS.creditNote : NS.invoice, credit ? 'CreditNote' : 'Invoice', {
    'xmlns:cac': NS.cac,
    'xmlns:cbc': NS.cbc,
  });
  root.ele('cbc:CustomizationID').txt(ids.customizationId);
  root.ele('cbc:ProfileID').txt(ids.profileId);
  root.ele('cbc:ID').txt(doc.number);
  root.ele('cbc:IssueDate').txt(doc.issueDate);
  if (!credit) root.ele('cbc:DueDate').txt(doc.dueDate);
  root.ele(credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode').txt(ids.typeCode);
  root.ele('cbc:Note').txt(doc.adjustment ? L.selfBillingAdjustment : L.selfBilling);
  root.ele('cbc:DocumentCurrencyCode').txt(doc.currency);
  root.ele('cbc:BuyerReference').txt(doc.buyerReference);
  root.ele('cac:InvoicePeriod').ele('cbc:StartDate').txt(doc.period.start).up().ele('cbc:EndDate').txt(lastDayBefore(doc.period.end));
  if (doc.corrects) {
    root
      .ele('cac:BillingReference')
      .ele('cac:InvoiceDocumentReference')
      .ele('cbc:ID')
      .txt(doc.corrects.number)
      .up()
      .ele('cbc:IssueDate')
      .txt(doc.corrects.issueDate);
  }
  const hasExempt = doc.vat.some((v) => v.category === 'E');
  party(root.ele('cac:AccountingSupplierParty'), doc.seller, 'seller', hasExempt);
  party(root.ele('cac:AccountingCustomerParty'), doc.buyer, 'buyer', false);
  const means = credit ? null : paymentMeansOf(doc.seller.country, doc.seller.bankAccount);
  if (means) {
    const pm = root.ele('cac:PaymentMeans').ele('cbc:PaymentMeansCode').txt(means.code).up();
    pm.ele('cbc:PaymentID').txt(doc.number);
    const account = pm.ele('cac:PayeeFinancialAccount').ele('cbc:ID').txt(means.account).up();
    if (means.branch) account.ele('cac:FinancialInstitutionBranch').ele('cbc:ID').txt(means.branch);
  }
  if (!credit) root.ele('cac:PaymentTerms').ele('cbc:Note').txt(L.paymentTerms(doc.paymentTermsDays));

  const tax = root.ele('cac:TaxTotal');
  tax.ele('cbc:TaxAmount', cur).txt(money(amt(doc.totals.vat)));
  for (const v of doc.vat) {
    const sub = tax.ele('cac:TaxSubtotal');
    sub.ele('cbc:TaxableAmount', cur).txt(money(amt(v.base)));
    sub.ele('cbc:TaxAmount', cur).txt(money(amt(v.vat)));
    taxCategory(sub, 'cac:TaxCategory', v.category, v.percent, v.exemptionReason);
  }
  const lineTotal = doc.lines.reduce((t, l) => t.plus(amt(l.amount)), new Decimal(0));
  const totals = root.ele('cac:LegalMonetaryTotal');
  totals.ele('cbc:LineExtensionAmount', cur).txt(money(lineTotal));
  totals.ele('cbc:TaxExclusiveAmount', cur).txt(money(amt(doc.totals.exclVat)));
  totals.ele('cbc:TaxInclusiveAmount', cur).txt(money(amt(doc.totals.inclVat)));
  totals.ele('cbc:PayableAmount', cur).txt(money(amt(doc.totals.inclVat)));

  for (const l of doc.lines) {
    const amount = amt(l.amount);
    const q = lineQuantity(l, amount, doc.period.start);
    const line = root.ele(credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
    line.ele('cbc:ID').txt(String(l.lineNo));
    line.ele(credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', { unitCode: q.unitCode }).txt(q.quantity.toFixed());
    line.ele('cbc:LineExtensionAmount', cur).txt(money(amount));
    const item = line.ele('cac:Item');
    const name = [
      categoryLabel(l.category, doc.language),
      bandLabel(l.band, doc.language),
      l.kind === 'visit' ? '' : kindLabel(l.kind, doc.language),
    ]
      .filter(Boolean)
      .join(', ');
    item.ele('cbc:Name').txt(name);
    item.ele('cac:SellersItemIdentification').ele('cbc:ID').txt(l.serviceCode);
    taxCategory(item, 'cac:ClassifiedTaxCategory', l.vatCategory, l.vatPercent, null);
    const band = bandLabel(l.band, doc.language) || '-';
    const share = levelPricing(l, doc.period.start)?.share ?? new Decimal(l.factor);
    const paid: [string, string][] = share.eq(1)
      ? []
      : [[L.rate, share.isZero() ? L.notPaid : L.paidShare(formatPercent(share.mul(100).toDecimalPlaces(4), doc.language))]];
    const props: [string, string][] = doc.adjustment
      ? [[L.band, band], ...paid]
      : [[L.citizen, l.citizenRef], [L.band, band], [L.visits, String(l.visits)], ...paid];
    for (const [k, v] of props) item.ele('cac:AdditionalItemProperty').ele('cbc:Name').txt(k).up().ele('cbc:Value').txt(v);
    const price = line.ele('cac:Price').ele('cbc:PriceAmount', cur).txt(q.price.toFixed()).up();
    if (q.base) price.ele('cbc:BaseQuantity', { unitCode: q.unitCode }).txt(q.base.toFixed());
  }
  return root.end({ prettyPrint: true });
}
