import { create } from 'xmlbuilder2';
import { NS } from '../invoices/invoice-ubl.js';
import type { ReceivedInvoice, ReceivedLine } from './invoice-control-types.js';
import { domReader, type El } from './ubl-dom.js';

/**
 * Reads a received UBL Invoice or CreditNote into carepay's own shape (the adapter at the edge:
 * nothing past this file sees XML). Only call it with text that passed inspectXml. Returns null
 * when the root is not a UBL 2.1 Invoice or CreditNote (a CII invoice, an order, any other XML).
 */

const { kids, at, all, text } = domReader({ cbc: NS.cbc, cac: NS.cac });
const amount = (el: El | undefined, path: string): string | null => {
  const t = text(el, path);
  return t !== null && /^-?\d+(\.\d+)?$/.test(t) ? t : null;
};
const endpoint = (el: El | undefined) => {
  const id = text(el);
  const scheme = el?.getAttribute('schemeID')?.trim();
  return id && scheme ? { id, scheme } : null;
};

export function readReceivedInvoice(xml: string): ReceivedInvoice | null {
  let root: El;
  try {
    root = create(xml).root().node as unknown as El;
  } catch {
    return null;
  }
  const credit = root.localName === 'CreditNote' && root.namespaceURI === NS.creditNote;
  if (!credit && !(root.localName === 'Invoice' && root.namespaceURI === NS.invoice)) return null;
  const seller = at(root, 'cac:AccountingSupplierParty/cac:Party');
  const buyer = at(root, 'cac:AccountingCustomerParty/cac:Party');
  const totals = at(root, 'cac:LegalMonetaryTotal');
  const taxTotal = kids(root, 'cac:TaxTotal').find((t) => kids(t, 'cac:TaxSubtotal').length > 0) ?? kids(root, 'cac:TaxTotal')[0];
  const period = at(root, 'cac:InvoicePeriod');
  const vatScheme = all(seller, 'cac:PartyTaxScheme').find((t) => text(t, 'cac:TaxScheme/cbc:ID') === 'VAT');
  const lines: ReceivedLine[] = kids(root, credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine').map((l) => {
    const qty = at(l, credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity');
    const item = at(l, 'cac:Item');
    return {
      id: text(l, 'cbc:ID'),
      itemIds: ['cac:SellersItemIdentification/cbc:ID', 'cac:BuyersItemIdentification/cbc:ID', 'cac:StandardItemIdentification/cbc:ID']
        .map((p) => text(item, p))
        .filter((v): v is string => v !== null),
      quantity: amount(l, credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity'),
      unitCode: qty?.getAttribute('unitCode') ?? null,
      price: amount(l, 'cac:Price/cbc:PriceAmount'),
      baseQuantity: amount(l, 'cac:Price/cbc:BaseQuantity'),
      amount: amount(l, 'cbc:LineExtensionAmount'),
      vatPercent: amount(item, 'cac:ClassifiedTaxCategory/cbc:Percent'),
    };
  });
  return {
    documentType: credit ? 'credit_note' : 'invoice',
    typeCode: text(root, credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode') ?? (credit ? '381' : '380'),
    customizationId: text(root, 'cbc:CustomizationID'),
    number: text(root, 'cbc:ID'),
    issueDate: text(root, 'cbc:IssueDate'),
    currency: text(root, 'cbc:DocumentCurrencyCode'),
    buyerReference: text(root, 'cbc:BuyerReference'),
    orderReference: text(root, 'cac:OrderReference/cbc:ID'),
    period: period ? { start: text(period, 'cbc:StartDate'), end: text(period, 'cbc:EndDate') } : null,
    seller: {
      name: text(seller, 'cac:PartyLegalEntity/cbc:RegistrationName') ?? text(seller, 'cac:PartyName/cbc:Name'),
      endpoint: endpoint(at(seller, 'cbc:EndpointID')),
      companyId: text(seller, 'cac:PartyLegalEntity/cbc:CompanyID'),
      vatId: text(vatScheme, 'cbc:CompanyID'),
    },
    buyer: { endpoint: endpoint(at(buyer, 'cbc:EndpointID')), companyId: text(buyer, 'cac:PartyLegalEntity/cbc:CompanyID') },
    totals: {
      lineExtension: amount(totals, 'cbc:LineExtensionAmount'),
      allowances: amount(totals, 'cbc:AllowanceTotalAmount'),
      charges: amount(totals, 'cbc:ChargeTotalAmount'),
      taxExclusive: amount(totals, 'cbc:TaxExclusiveAmount'),
      taxInclusive: amount(totals, 'cbc:TaxInclusiveAmount'),
      prepaid: amount(totals, 'cbc:PrepaidAmount'),
      rounding: amount(totals, 'cbc:PayableRoundingAmount'),
      payable: amount(totals, 'cbc:PayableAmount'),
      vat: amount(taxTotal, 'cbc:TaxAmount'),
    },
    vat: kids(taxTotal, 'cac:TaxSubtotal').map((t) => ({
      category: text(t, 'cac:TaxCategory/cbc:ID'),
      percent: amount(t, 'cac:TaxCategory/cbc:Percent'),
      taxable: amount(t, 'cbc:TaxableAmount'),
      amount: amount(t, 'cbc:TaxAmount'),
    })),
    lines,
  };
}
