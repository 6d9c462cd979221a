import { Decimal } from 'decimal.js';
import { create } from 'xmlbuilder2';
import { CUSTOMIZATION_ID, NS, PROFILE_ID, SELF_BILLING_CUSTOMIZATION_ID, SELF_BILLING_PROFILE_ID } from './invoice-ubl.js';

/**
 * The EN 16931 and Peppol BIS 3 rules that can be checked without the official schematron (which
 * is XSLT 2 and not available to Node): mandatory fields, the arithmetic of the totals and of the
 * VAT breakdown, decimals, identifier formats, and the Danish (DK-R) and Swedish (SE-R) national
 * rules. Accepts Peppol BIS Billing 3.0 (380 / 381: a provider's own invoice) and Peppol BIS
 * Self-Billing 3.0 (389 / 261). Used by the tests, the demo and the check of received invoices; an
 * empty list means none of these rules is broken.
 */
export interface RuleViolation {
  rule: string;
  message: string;
}

type El = {
  localName: string;
  namespaceURI: string | null;
  textContent: string | null;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(ns: string, name: string): ArrayLike<El>;
};

const isEl = (n: unknown): n is El => (n as { nodeType?: number }).nodeType === 1;
const kids = (el: El, name?: string): El[] =>
  Array.from(el.childNodes)
    .filter(isEl)
    .filter((c) => !name || `${prefix(c)}:${c.localName}` === name);
const prefix = (el: El) => (el.namespaceURI === NS.cbc ? 'cbc' : el.namespaceURI === NS.cac ? 'cac' : 'ubl');
/** The element at a path of qualified names below `el`, e.g. 'cac:Party/cbc:EndpointID'. */
const at = (el: El | undefined, path: string): El | undefined => {
  let cur = el;
  for (const step of path.split('/')) cur = cur ? kids(cur, step)[0] : undefined;
  return cur;
};
const all = (el: El, path: string): El[] => {
  const steps = path.split('/');
  let cur: El[] = [el];
  for (const s of steps) cur = cur.flatMap((c) => kids(c, s));
  return cur;
};
const text = (el: El | undefined, path?: string) => {
  const t = (path ? at(el, path) : el)?.textContent?.trim();
  return t ? t : null;
};
const dec = (el: El | undefined, path?: string) => {
  const t = text(el, path);
  return t !== null && /^-?\d+(\.\d+)?$/.test(t) ? new Decimal(t) : null;
};

const gln = (v: string) => {
  if (!/^\d{8,14}$/.test(v)) return false;
  const d = [...v].map(Number);
  const check = d.pop()!;
  const sum = d.reverse().reduce((s, x, i) => s + x * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
};
const luhn = (v: string) => {
  const sum = [...v].reverse().reduce((s, c, i) => {
    let x = Number(c) * (i % 2 === 1 ? 2 : 1);
    if (x > 9) x -= 9;
    return s + x;
  }, 0);
  return sum % 10 === 0;
};

export function checkUbl(xml: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  const fail = (rule: string, message: string) => out.push({ rule, message });
  const root = create(xml).root().node as unknown as El;
  const credit = root.localName === 'CreditNote';
  if (root.namespaceURI !== (credit ? NS.creditNote : NS.invoice)) fail('UBL', `unexpected root ${root.localName} in ${root.namespaceURI}`);
  const lineName = credit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
  const qtyName = credit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity';

  const customization = text(root, 'cbc:CustomizationID');
  const selfBilling = customization === SELF_BILLING_CUSTOMIZATION_ID;
  if (!customization) fail('BR-01', 'specification identifier (CustomizationID) missing');
  else if (customization !== CUSTOMIZATION_ID && !selfBilling)
    fail('PEPPOL-EN16931-R004', `specification identifier ${customization} is neither Peppol BIS Billing 3.0 nor Self-Billing 3.0`);
  const profile = text(root, 'cbc:ProfileID');
  if (!profile) fail('PEPPOL-EN16931-R001', 'business process (ProfileID) missing');
  else if (profile !== (selfBilling ? SELF_BILLING_PROFILE_ID : PROFILE_ID))
    fail('PEPPOL-EN16931-R007', `business process ${profile} does not belong to ${selfBilling ? 'self-billing' : 'billing'} 01`);
  if (!text(root, 'cbc:ID')) fail('BR-02', 'invoice number missing');
  for (const [rule, path] of [
    ['BR-03', 'cbc:IssueDate'],
    ['PEPPOL-COMMON-R030', 'cbc:DueDate'],
  ] as const) {
    const d = text(root, path);
    if (rule === 'BR-03' && !d) fail(rule, 'issue date missing');
    if (d && !/^\d{4}-\d{2}-\d{2}$/.test(d)) fail('PEPPOL-COMMON-R030', `${path} is not YYYY-MM-DD`);
  }
  const type = text(root, credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode');
  if (!type) fail('BR-04', 'type code missing');
  // Billing profile 01 allows these UNCL1001 codes; self-billing 389 (and 527) / 261.
  const allowed = selfBilling
    ? credit
      ? ['261']
      : ['389', '527']
    : credit
      ? ['381', '396', '81', '83', '532']
      : ['380', '383', '386', '393', '82', '80', '84', '395', '575', '623', '780', '326', '384'];
  if (type && !allowed.includes(type))
    fail(
      credit ? 'PEPPOL-EN16931-P0101' : 'PEPPOL-EN16931-P0100',
      `type code ${type} is not allowed in ${selfBilling ? 'a self-billing' : 'a billing'} ${credit ? 'credit note' : 'invoice'}`,
    );
  const currency = text(root, 'cbc:DocumentCurrencyCode');
  if (!currency) fail('BR-05', 'document currency missing');
  if (!text(root, 'cbc:BuyerReference') && !text(root, 'cac:OrderReference/cbc:ID'))
    fail('PEPPOL-EN16931-R003', 'buyer reference or order reference missing');
  if (credit && !text(root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID'))
    fail('BR-55 (carepay)', 'a credit note must refer to the invoice it corrects');

  const seller = at(root, 'cac:AccountingSupplierParty/cac:Party');
  const buyer = at(root, 'cac:AccountingCustomerParty/cac:Party');
  for (const [who, p, nameRule, addrRule, countryRule, endpointRule] of [
    ['seller', seller, 'BR-06', 'BR-08', 'BR-09', 'PEPPOL-EN16931-R020'],
    ['buyer', buyer, 'BR-07', 'BR-10', 'BR-11', 'PEPPOL-EN16931-R010'],
  ] as const) {
    if (!text(p, 'cac:PartyLegalEntity/cbc:RegistrationName')) fail(nameRule, `${who} name missing`);
    if (!at(p, 'cac:PostalAddress')) fail(addrRule, `${who} postal address missing`);
    if (!text(p, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode')) fail(countryRule, `${who} country code missing`);
    const endpoint = at(p, 'cbc:EndpointID');
    if (!text(endpoint) || !endpoint?.getAttribute('schemeID'))
      fail(endpointRule, `${who} electronic address (EndpointID with schemeID) missing`);
  }
  const sellerVatId = all(seller!, 'cac:PartyTaxScheme').find((t) => text(t, 'cac:TaxScheme/cbc:ID') === 'VAT');
  const sellerTaxReg = all(seller!, 'cac:PartyTaxScheme').find((t) => text(t, 'cac:TaxScheme/cbc:ID') !== 'VAT');
  if (!text(seller, 'cac:PartyIdentification/cbc:ID') && !text(seller, 'cac:PartyLegalEntity/cbc:CompanyID') && !sellerVatId) {
    fail('BR-CO-26', 'seller identifier, legal registration or VAT identifier missing');
  }

  out.push(...nationalRules(root, credit));

  // Identifier formats wherever a scheme is named.
  for (const ns of [NS.cbc]) {
    for (const name of ['EndpointID', 'CompanyID', 'ID']) {
      for (const el of Array.from(root.getElementsByTagNameNS(ns, name))) {
        const scheme = el.getAttribute('schemeID');
        const v = text(el) ?? '';
        if (scheme === '0088' && !gln(v)) fail('PEPPOL-COMMON-R040', `GLN ${v} has a wrong check digit or format`);
        if (scheme === '0184' && !/^(DK)?\d{8}$/.test(v)) fail('PEPPOL-COMMON-R042', `CVR ${v} is not DK + 8 digits`);
        if (scheme === '0007' && !(/^\d{10}$/.test(v) && luhn(v)))
          fail('PEPPOL-COMMON-R049', `organisationsnummer ${v} is not 10 digits with a valid check digit`);
      }
    }
  }

  // Empty elements, decimals and currencies of every amount.
  const walk = (el: El) => {
    const children = kids(el);
    if (children.length === 0 && !text(el)) fail('PEPPOL-EN16931-R008', `empty element ${el.localName}`);
    const currencyId = el.getAttribute('currencyID');
    if (currencyId !== null) {
      if (currencyId !== currency) fail('PEPPOL-EN16931-R051', `${el.localName} in ${currencyId}, the document is in ${currency}`);
      if (el.localName !== 'PriceAmount' && !/^-?\d+(\.\d{1,2})?$/.test(text(el) ?? ''))
        fail('BR-DEC', `${el.localName} ${text(el)} has more than 2 decimals`);
    }
    children.forEach(walk);
  };
  walk(root);

  const lines = kids(root, lineName);
  if (lines.length === 0) fail('BR-16', 'at least one line is required');
  const lineSumByCategory = new Map<string, Decimal>();
  let lineSum = new Decimal(0);
  for (const l of lines) {
    const id = text(l, 'cbc:ID');
    const where = `line ${id ?? '?'}`;
    if (!id) fail('BR-21', 'line identifier missing');
    const qty = dec(l, qtyName);
    if (!qty) fail('BR-22', `${where}: quantity missing`);
    if (!at(l, qtyName)?.getAttribute('unitCode')) fail('BR-23', `${where}: unit of measure missing`);
    const net = dec(l, 'cbc:LineExtensionAmount');
    if (!net) fail('BR-24', `${where}: net amount missing`);
    if (!text(l, 'cac:Item/cbc:Name')) fail('BR-25', `${where}: item name missing`);
    const price = dec(l, 'cac:Price/cbc:PriceAmount');
    if (!price) fail('BR-26', `${where}: net price missing`);
    else if (price.isNegative()) fail('BR-27', `${where}: net price ${price} is negative`);
    const base = dec(l, 'cac:Price/cbc:BaseQuantity') ?? new Decimal(1);
    if (!base.gt(0)) fail('PEPPOL-EN16931-R121', `${where}: base quantity must be positive`);
    if (qty && net && price && base.gt(0) && qty.mul(price).div(base).minus(net).abs().gt('0.02')) {
      fail('PEPPOL-EN16931-R120', `${where}: ${qty} × ${price} / ${base} is not ${net}`);
    }
    const cat = text(l, 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID');
    if (!cat) fail('BR-CO-04', `${where}: VAT category missing`);
    const pct = text(l, 'cac:Item/cac:ClassifiedTaxCategory/cbc:Percent');
    if (cat === 'O' && pct !== null) fail('BR-O-05', `${where}: a line not subject to VAT has no VAT rate`);
    if (cat === 'E' && !new Decimal(pct ?? '-1').isZero()) fail('BR-E-05', `${where}: an exempt line has VAT rate 0`);
    if (cat === 'S' && !new Decimal(pct ?? '0').gt(0)) fail('BR-S-05', `${where}: a standard-rated line has a rate above 0`);
    if (net) {
      lineSum = lineSum.plus(net);
      const key = `${cat}|${pct === null ? '' : new Decimal(pct).toFixed(2)}`;
      lineSumByCategory.set(key, (lineSumByCategory.get(key) ?? new Decimal(0)).plus(net));
    }
  }

  // Document-level allowances and charges (BG-20, BG-21) belong to a VAT category and rate too:
  // a group's taxable amount is its lines − its allowances + its charges (BR-S-08, BR-E-08, …).
  for (const ac of kids(root, 'cac:AllowanceCharge')) {
    const amount = dec(ac, 'cbc:Amount');
    const cat = text(ac, 'cac:TaxCategory/cbc:ID');
    const pct = text(ac, 'cac:TaxCategory/cbc:Percent');
    if (!amount || !cat) continue;
    const key = `${cat}|${pct === null ? '' : new Decimal(pct).toFixed(2)}`;
    const signed = text(ac, 'cbc:ChargeIndicator') === 'true' ? amount : amount.neg();
    lineSumByCategory.set(key, (lineSumByCategory.get(key) ?? new Decimal(0)).plus(signed));
  }

  const totals = at(root, 'cac:LegalMonetaryTotal');
  const lineExt = dec(totals, 'cbc:LineExtensionAmount');
  const exclusive = dec(totals, 'cbc:TaxExclusiveAmount');
  const inclusive = dec(totals, 'cbc:TaxInclusiveAmount');
  const payable = dec(totals, 'cbc:PayableAmount');
  const allowances = dec(totals, 'cbc:AllowanceTotalAmount') ?? new Decimal(0);
  const charges = dec(totals, 'cbc:ChargeTotalAmount') ?? new Decimal(0);
  const prepaid = dec(totals, 'cbc:PrepaidAmount') ?? new Decimal(0);
  const rounding = dec(totals, 'cbc:PayableRoundingAmount') ?? new Decimal(0);
  if (!lineExt) fail('BR-12', 'sum of line net amounts missing');
  if (!exclusive) fail('BR-13', 'total without VAT missing');
  if (!inclusive) fail('BR-14', 'total with VAT missing');
  if (!payable) fail('BR-15', 'amount due missing');
  if (lineExt && !lineExt.eq(lineSum)) fail('BR-CO-10', `LineExtensionAmount ${lineExt} is not the sum of the lines ${lineSum.toFixed(2)}`);
  if (lineExt && exclusive && !exclusive.eq(lineExt.minus(allowances).plus(charges)))
    fail('BR-CO-13', `TaxExclusiveAmount ${exclusive} is not ${lineExt} − allowances + charges`);

  const taxTotals = kids(root, 'cac:TaxTotal');
  if (taxTotals.length !== 1) fail('PEPPOL-EN16931-R053', `exactly one TaxTotal with a TaxAmount is expected, found ${taxTotals.length}`);
  const taxTotal = taxTotals[0];
  const vat = dec(taxTotal, 'cbc:TaxAmount');
  const subtotals = taxTotal ? kids(taxTotal, 'cac:TaxSubtotal') : [];
  if (subtotals.length === 0) fail('BR-CO-18', 'at least one VAT breakdown group is required');
  const subtotalVat = subtotals.reduce((s, t) => s.plus(dec(t, 'cbc:TaxAmount') ?? 0), new Decimal(0));
  if (vat && !vat.eq(subtotalVat)) fail('BR-CO-14', `total VAT ${vat} is not the sum of the breakdown ${subtotalVat.toFixed(2)}`);
  if (exclusive && inclusive && vat && !inclusive.eq(exclusive.plus(vat)))
    fail('BR-CO-15', `TaxInclusiveAmount ${inclusive} is not ${exclusive} + ${vat}`);
  if (inclusive && payable && !payable.eq(inclusive.minus(prepaid).plus(rounding)))
    fail('BR-CO-16', `PayableAmount ${payable} is not ${inclusive} − prepaid + rounding`);
  if (payable?.gt(0) && !credit && !text(root, 'cbc:DueDate') && !text(root, 'cac:PaymentTerms/cbc:Note'))
    fail('BR-CO-25', 'a positive amount due needs a due date or payment terms');
  for (const pm of kids(root, 'cac:PaymentMeans')) {
    const code = text(pm, 'cbc:PaymentMeansCode');
    if ((code === '30' || code === '58') && !text(pm, 'cac:PayeeFinancialAccount/cbc:ID'))
      fail('BR-61', "credit transfer without the payee's account");
  }

  const seen = new Set<string>();
  const categories = new Set<string>();
  for (const t of subtotals) {
    const cat = text(t, 'cac:TaxCategory/cbc:ID') ?? '?';
    const pct = text(t, 'cac:TaxCategory/cbc:Percent');
    const key = `${cat}|${pct === null ? '' : new Decimal(pct).toFixed(2)}`;
    categories.add(cat);
    // One breakdown per category and rate (BR-E-01: exactly one for exempt supplies).
    if (seen.has(key)) fail(cat === 'E' ? 'BR-E-01' : `BR-${cat}-08`, `more than one VAT breakdown group ${key}`);
    seen.add(key);
    const taxable = dec(t, 'cbc:TaxableAmount');
    const amount = dec(t, 'cbc:TaxAmount');
    const lines = lineSumByCategory.get(key) ?? new Decimal(0);
    const reason = text(t, 'cac:TaxCategory/cbc:TaxExemptionReason') ?? text(t, 'cac:TaxCategory/cbc:TaxExemptionReasonCode');
    if (!taxable || !amount) {
      fail('BR-45/BR-46', `VAT group ${key}: taxable amount or VAT amount missing`);
      continue;
    }
    if (!taxable.eq(lines))
      fail(`BR-${cat}-08`, `VAT group ${key}: taxable amount ${taxable} is not its lines − allowances + charges, ${lines.toFixed(2)}`);
    if (cat === 'S') {
      const expected = taxable
        .mul(pct ?? 0)
        .div(100)
        .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      if (!amount.eq(expected)) fail('BR-S-09', `VAT group ${key}: VAT ${amount} is not ${taxable} × ${pct} % = ${expected.toFixed(2)}`);
      if (!sellerVatId) fail('BR-S-02', "standard-rated supply without the seller's VAT identifier");
    } else {
      if (!amount.isZero()) fail(`BR-${cat}-09`, `VAT group ${key}: VAT amount must be 0`);
      if (!reason) fail(`BR-${cat}-10`, `VAT group ${key}: exemption reason missing`);
    }
    if (cat === 'E' && !sellerVatId && !sellerTaxReg)
      fail('BR-E-02', "exempt supply without the seller's VAT identifier or tax registration");
    if (cat === 'O' && sellerVatId) fail('BR-O-02', "a supply not subject to VAT must not state the seller's VAT identifier");
  }
  for (const key of lineSumByCategory.keys()) if (!seen.has(key)) fail('BR-CO-18', `lines at ${key} have no VAT breakdown group`);
  if (categories.has('O') && categories.size > 1) fail('BR-O-11', 'a document not subject to VAT has no other VAT categories');
  return out;
}

const countryOf = (p: El | undefined) => text(p, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode');

/**
 * The Danish (DK-R-*) and Swedish (SE-R-*) rules of Peppol BIS Billing 3.0 that a document from a
 * Danish or Swedish seller can break, stated in our own words. The self-billing rules leave the
 * national rules to each country; a Danish or Swedish document keeps them whichever profile it has.
 */
export function nationalRules(root: El, credit: boolean): RuleViolation[] {
  const out: RuleViolation[] = [];
  const fail = (rule: string, message: string) => out.push({ rule, message });
  const seller = at(root, 'cac:AccountingSupplierParty/cac:Party');
  const buyer = at(root, 'cac:AccountingCustomerParty/cac:Party');
  const sellerCountry = countryOf(seller);
  const buyerCountry = countryOf(buyer);
  const legalId = at(seller, 'cac:PartyLegalEntity/cbc:CompanyID');
  if (sellerCountry === 'DK') {
    if (!text(legalId)) fail('DK-R-002', 'a Danish seller states its CVR number as legal entity (PartyLegalEntity/CompanyID)');
    else if (legalId?.getAttribute('schemeID') !== '0184') fail('DK-R-014', "a Danish seller's legal entity id has scheme 0184 (CVR)");
    const payable = dec(at(root, 'cac:LegalMonetaryTotal'), 'cbc:PayableAmount');
    if (credit && buyerCountry === 'DK' && payable?.isNegative())
      fail('DK-R-016', 'a Danish credit note cannot have a negative amount due');
    if (buyerCountry === 'DK') {
      for (const p of [seller, buyer]) {
        for (const id of p ? all(p, 'cac:PartyIdentification/cbc:ID') : []) {
          if (!id.getAttribute('schemeID')?.trim()) fail('DK-R-013', `party identification ${text(id) ?? ''} has no schemeID`);
        }
      }
      if (!credit) {
        for (const pm of kids(root, 'cac:PaymentMeans')) {
          const code = text(pm, 'cbc:PaymentMeansCode') ?? '';
          if (!['1', '10', '31', '42', '48', '49', '50', '58', '59', '93', '97'].includes(code))
            fail('DK-R-005', `payment means ${code} is not allowed for a Danish seller (1, 10, 31, 42, 48, 49, 50, 58, 59, 93, 97)`);
          if (
            (code === '31' || code === '42') &&
            !(text(pm, 'cac:PayeeFinancialAccount/cbc:ID') && text(pm, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID'))
          ) {
            fail('DK-R-006', `payment means ${code} needs the account and the registration number (FinancialInstitutionBranch)`);
          }
        }
      }
    }
  }
  if (sellerCountry === 'SE' && seller) {
    const vat = all(seller, 'cac:PartyTaxScheme').find((t) => text(t, 'cac:TaxScheme/cbc:ID') === 'VAT');
    const vatId = text(vat, 'cbc:CompanyID');
    if (vatId?.startsWith('SE')) {
      if (vatId.length !== 14) fail('SE-R-001', `Swedish VAT number ${vatId} is not 14 characters`);
      if (!/^\d+$/.test(vatId.slice(2, 14))) fail('SE-R-002', `Swedish VAT number ${vatId} does not end in 12 digits`);
      for (const c of [
        ...Array.from(root.getElementsByTagNameNS(NS.cac, 'TaxCategory')),
        ...Array.from(root.getElementsByTagNameNS(NS.cac, 'ClassifiedTaxCategory')),
      ]) {
        if (text(c, 'cbc:ID') === 'S' && !['25', '12', '6'].includes(new Decimal(text(c, 'cbc:Percent') ?? '0').toString()))
          fail('SE-R-006', `Swedish standard VAT rate ${text(c, 'cbc:Percent')} is not 25, 12 or 6`);
      }
    }
    const orgnr = text(legalId);
    if (orgnr) {
      if (!/^\d+$/.test(orgnr)) fail('SE-R-003', `organisationsnummer ${orgnr} is not numeric`);
      if (orgnr.length !== 10) fail('SE-R-004', `organisationsnummer ${orgnr} is not 10 characters`);
      else if (/^\d+$/.test(orgnr) && !luhn(orgnr)) fail('SE-R-013', `organisationsnummer ${orgnr} has a wrong check digit`);
      for (const t of all(seller, 'cac:PartyTaxScheme')) {
        if (text(t, 'cac:TaxScheme/cbc:ID')?.toUpperCase() !== 'VAT' && text(t, 'cbc:CompanyID')?.toUpperCase() !== 'GODKÄND FÖR F-SKATT') {
          fail('SE-R-005', 'a Swedish seller\'s tax registration must read "Godkänd för F-skatt"');
        }
      }
    }
    for (const pm of kids(root, 'cac:PaymentMeans')) {
      const code = text(pm, 'cbc:PaymentMeansCode');
      const branch = text(pm, 'cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID');
      const account = text(pm, 'cac:PayeeFinancialAccount/cbc:ID') ?? '';
      if (code === '30' && branch === 'SE:PLUSGIRO' && !/^\d{2,8}$/.test(account))
        fail('SE-R-007/SE-R-010', `plusgiro ${account} is not 2 to 8 digits`);
      if (code === '30' && branch === 'SE:BANKGIRO' && !/^\d{7,8}$/.test(account))
        fail('SE-R-008/SE-R-009', `bankgiro ${account} is not 7 or 8 digits`);
      if (code === '50' || code === '56')
        fail('SE-R-011', 'bankgiro and plusgiro are payment means 30 with the branch SE:BANKGIRO or SE:PLUSGIRO');
      if (code === '31' && buyerCountry === 'SE') fail('SE-R-012', 'a credit transfer between Swedish parties is payment means 30');
    }
  }
  return out;
}
