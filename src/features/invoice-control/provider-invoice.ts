import { Decimal } from 'decimal.js';
import { create } from 'xmlbuilder2';
import { lastDayBefore } from '../invoices/invoice-labels.js';
import { CUSTOMIZATION_ID, NS, PROFILE_ID } from '../invoices/invoice-ubl.js';
import type { BasisDocument, BasisRow } from './invoice-control-types.js';

/**
 * A provider's own Peppol BIS Billing 3.0 invoice (or credit note, for a negative basis), written
 * from a payment basis the way a provider's invoicing system writes one: its own number and date,
 * the basis reference in the order reference (or buyer reference), one line per basis row with the
 * row's item id, or one summary line; optionally a document-level allowance and charge, and the
 * amount due rounded to whole kroner with a rounding amount. The demo sends it; the tests change
 * it to make the mistakes providers make.
 */
export interface ProviderParty {
  name: string;
  endpoint: { id: string; scheme: string };
  companyId: { id: string; scheme: string } | null;
  vatId: string | null;
  address: { street: string; city: string; postalZone: string };
  country: 'DK' | 'SE';
  iban?: string;
}

export interface ProviderInvoiceOptions {
  number: string;
  issueDate: string;
  seller: ProviderParty;
  buyer: ProviderParty;
  lines?: 'rows' | 'summary';
  /** Where the basis reference goes: BT-13 (preferred) or BT-10. */
  referenceIn?: 'order' | 'buyer';
  /** The provider's invoice a credit note corrects (BT-25). */
  billingReference?: string;
  /** A document-level allowance and charge at the basis's (first) VAT rate, e.g. a discount given and a fee added back. */
  allowance?: string;
  charge?: string;
  /** Round the amount due to whole kroner (PayableRoundingAmount). */
  roundToKrone?: boolean;
}

const money = (d: Decimal) => d.toFixed(2);

function party(parent: ReturnType<typeof create>, p: ProviderParty, seller: boolean) {
  const el = parent.ele('cac:Party');
  el.ele('cbc:EndpointID', { schemeID: p.endpoint.scheme }).txt(p.endpoint.id);
  el.ele('cac:PartyName').ele('cbc:Name').txt(p.name);
  const a = el.ele('cac:PostalAddress');
  a.ele('cbc:StreetName')
    .txt(p.address.street)
    .up()
    .ele('cbc:CityName')
    .txt(p.address.city)
    .up()
    .ele('cbc:PostalZone')
    .txt(p.address.postalZone);
  a.ele('cac:Country').ele('cbc:IdentificationCode').txt(p.country);
  if (seller && p.vatId) el.ele('cac:PartyTaxScheme').ele('cbc:CompanyID').txt(p.vatId).up().ele('cac:TaxScheme').ele('cbc:ID').txt('VAT');
  if (seller && p.country === 'SE')
    el.ele('cac:PartyTaxScheme').ele('cbc:CompanyID').txt('Godkänd för F-skatt').up().ele('cac:TaxScheme').ele('cbc:ID').txt('TAX');
  const legal = el.ele('cac:PartyLegalEntity').ele('cbc:RegistrationName').txt(p.name).up();
  if (p.companyId) legal.ele('cbc:CompanyID', { schemeID: p.companyId.scheme }).txt(p.companyId.id);
}

const category = (percent: Decimal) => (percent.gt(0) ? 'S' : 'E');

/** A line of the provider's invoice: one basis row, as quantity × price / base = amount (amounts as written: positive on a credit note). */
function lineOf(r: BasisRow, sign: number) {
  const amount = new Decimal(r.amount).mul(sign);
  const qty = new Decimal(r.quantity).mul(sign);
  if (r.unitCode === 'MIN') return { quantity: qty, unitCode: 'MIN', price: new Decimal(r.price), base: new Decimal(60), amount };
  return { quantity: qty, unitCode: r.unitCode, price: new Decimal(r.price), base: null, amount };
}

export function buildProviderInvoice(basis: BasisDocument, o: ProviderInvoiceOptions): string {
  const credit = new Decimal(basis.totals.inclVat).isNegative();
  const sign = credit ? -1 : 1;
  const cur = { currencyID: basis.currency };
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(credit ? NS.creditNote : NS.invoice, credit ? 'CreditNote' : 'Invoice', {
    'xmlns:cac': NS.cac,
    'xmlns:cbc': NS.cbc,
  });
  root.ele('cbc:CustomizationID').txt(CUSTOMIZATION_ID);
  root.ele('cbc:ProfileID').txt(PROFILE_ID);
  root.ele('cbc:ID').txt(o.number);
  root.ele('cbc:IssueDate').txt(o.issueDate);
  if (!credit) root.ele('cbc:DueDate').txt(o.issueDate);
  root.ele(credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode').txt(credit ? '381' : '380');
  root.ele('cbc:DocumentCurrencyCode').txt(basis.currency);
  const referenceIn = o.referenceIn ?? 'order';
  root.ele('cbc:BuyerReference').txt(referenceIn === 'buyer' ? basis.reference : (basis.buyerReference ?? basis.buyer.name));
  root.ele('cac:InvoicePeriod').ele('cbc:StartDate').txt(basis.period.start).up().ele('cbc:EndDate').txt(lastDayBefore(basis.period.end));
  if (referenceIn === 'order') root.ele('cac:OrderReference').ele('cbc:ID').txt(basis.reference);
  if (credit)
    root
      .ele('cac:BillingReference')
      .ele('cac:InvoiceDocumentReference')
      .ele('cbc:ID')
      .txt(o.billingReference ?? basis.settlement?.correctsReference ?? basis.reference);
  party(root.ele('cac:AccountingSupplierParty'), o.seller, true);
  party(root.ele('cac:AccountingCustomerParty'), o.buyer, false);
  if (!credit && o.seller.iban) {
    const pm = root
      .ele('cac:PaymentMeans')
      .ele('cbc:PaymentMeansCode')
      .txt(o.seller.country === 'DK' ? '58' : '30')
      .up();
    pm.ele('cbc:PaymentID').txt(o.number);
    pm.ele('cac:PayeeFinancialAccount').ele('cbc:ID').txt(o.seller.iban.replace(/\s/g, ''));
  }

  // The lines as the provider's system writes them, and the document-level allowance and charge.
  const firstRate = new Decimal(basis.vat[0]?.percent ?? 0);
  const lines =
    (o.lines ?? 'rows') === 'rows'
      ? basis.rows.map((r) => ({
          id: r.itemId,
          name:
            r.kind === 'rounding'
              ? 'Afrunding'
              : `${r.kind === 'price_adjustment' ? 'Efterregulering ' : ''}${r.category} ${r.band ?? ''}`.trim(),
          rate: new Decimal(r.vatPercent),
          ...lineOf(r, sign),
        }))
      : basis.vat.map((v) => {
          const amount = new Decimal(v.base).mul(sign);
          return {
            id: `total.${v.percent}`,
            name: 'Hjemmepleje',
            rate: new Decimal(v.percent),
            quantity: new Decimal(1),
            unitCode: 'C62',
            price: amount.abs(),
            base: null,
            amount,
          };
        });
  const allowance = new Decimal(o.allowance ?? 0);
  const charge = new Decimal(o.charge ?? 0);
  // The provider's system computes VAT per rate from its own line and document amounts.
  const byRate = new Map<string, { rate: Decimal; base: Decimal }>();
  for (const l of lines) {
    const key = l.rate.toFixed(2);
    const e = byRate.get(key) ?? { rate: l.rate, base: new Decimal(0) };
    byRate.set(key, { ...e, base: e.base.plus(l.amount) });
  }
  const firstKey = firstRate.toFixed(2);
  if (byRate.has(firstKey)) byRate.get(firstKey)!.base = byRate.get(firstKey)!.base.minus(allowance).plus(charge);
  for (const [name, value, indicator] of [
    ['allowance', allowance, 'false'],
    ['charge', charge, 'true'],
  ] as const) {
    if (value.isZero()) continue;
    const ac = root.ele('cac:AllowanceCharge');
    ac.ele('cbc:ChargeIndicator').txt(indicator);
    ac.ele('cbc:AllowanceChargeReason').txt(name === 'allowance' ? 'Rabat' : 'Gebyr');
    ac.ele('cbc:Amount', cur).txt(money(value));
    const tc = ac.ele('cac:TaxCategory').ele('cbc:ID').txt(category(firstRate)).up();
    tc.ele('cbc:Percent').txt(firstRate.toFixed());
    tc.ele('cac:TaxScheme').ele('cbc:ID').txt('VAT');
  }
  const vatTotal = [...byRate.values()].reduce(
    (t, v) => t.plus(v.base.mul(v.rate).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)),
    new Decimal(0),
  );
  const tax = root.ele('cac:TaxTotal');
  tax.ele('cbc:TaxAmount', cur).txt(money(vatTotal));
  for (const v of [...byRate.values()].sort((a, b) => b.rate.comparedTo(a.rate))) {
    const sub = tax.ele('cac:TaxSubtotal');
    sub.ele('cbc:TaxableAmount', cur).txt(money(v.base));
    sub.ele('cbc:TaxAmount', cur).txt(money(v.base.mul(v.rate).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)));
    const tc = sub.ele('cac:TaxCategory').ele('cbc:ID').txt(category(v.rate)).up();
    tc.ele('cbc:Percent').txt(v.rate.toFixed());
    if (v.rate.isZero())
      tc.ele('cbc:TaxExemptionReason').txt(basis.vat.find((b) => new Decimal(b.percent).isZero())?.exemptionReason ?? 'Exempt');
    tc.ele('cac:TaxScheme').ele('cbc:ID').txt('VAT');
  }
  const lineTotal = lines.reduce((t, l) => t.plus(l.amount), new Decimal(0));
  const exclusive = lineTotal.minus(allowance).plus(charge);
  const inclusive = exclusive.plus(vatTotal);
  const payable = o.roundToKrone ? inclusive.toDecimalPlaces(0, Decimal.ROUND_HALF_UP) : inclusive;
  const totals = root.ele('cac:LegalMonetaryTotal');
  totals.ele('cbc:LineExtensionAmount', cur).txt(money(lineTotal));
  totals.ele('cbc:TaxExclusiveAmount', cur).txt(money(exclusive));
  totals.ele('cbc:TaxInclusiveAmount', cur).txt(money(inclusive));
  if (!allowance.isZero()) totals.ele('cbc:AllowanceTotalAmount', cur).txt(money(allowance));
  if (!charge.isZero()) totals.ele('cbc:ChargeTotalAmount', cur).txt(money(charge));
  if (!payable.eq(inclusive)) totals.ele('cbc:PayableRoundingAmount', cur).txt(money(payable.minus(inclusive)));
  totals.ele('cbc:PayableAmount', cur).txt(money(payable));

  lines.forEach((l, i) => {
    const line = root.ele(credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
    line.ele('cbc:ID').txt(String(i + 1));
    line.ele(credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', { unitCode: l.unitCode }).txt(l.quantity.toFixed());
    line.ele('cbc:LineExtensionAmount', cur).txt(money(l.amount));
    const item = line.ele('cac:Item');
    item.ele('cbc:Name').txt(l.name);
    item.ele('cac:SellersItemIdentification').ele('cbc:ID').txt(l.id);
    const tc = item.ele('cac:ClassifiedTaxCategory').ele('cbc:ID').txt(category(l.rate)).up();
    tc.ele('cbc:Percent').txt(l.rate.toFixed());
    tc.ele('cac:TaxScheme').ele('cbc:ID').txt('VAT');
    const price = line.ele('cac:Price').ele('cbc:PriceAmount', cur).txt(l.price.toFixed()).up();
    if (l.base) price.ele('cbc:BaseQuantity', { unitCode: l.unitCode }).txt(l.base.toFixed());
  });
  return root.end({ prettyPrint: true });
}
