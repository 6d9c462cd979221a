import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { buildInvoiceDocument } from './invoice-document.js';
import type { InvoiceLine } from './invoice-types.js';
import { lineQuantity, renderInvoiceUbl } from './invoice-ubl.js';
import { allDocumentCases } from './testing/document-cases.js';
import { danishInput, line, settle, swedishInput } from './testing/document-fixtures.js';
import { checkUbl } from './ubl-rules.js';

const value = (xml: string, element: string) =>
  [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);
const rules = (xml: string) => checkUbl(xml).map((v) => v.rule);

/**
 * A correction: differences against the approved settlement, in both directions. Line 2 is a
 * difference of rounded amounts, 0.04 off 13 minutes and 0.03 off 0.2167 h at 452.3456, so it goes out
 * as a lump sum.
 * dir -1 is a net decrease (credit note), +1 a net increase (supplementary invoice).
 */
function correctionInput(dir: 1 | -1) {
  const lines = [
    line({ citizenRef: 'C-0001', minutes: 61 * dir, rate: '450.00' }),
    line({ citizenRef: 'C-0002', minutes: -13 * dir, rate: '452.3456', amount: (-98.05 * dir).toFixed(2) }),
    line({ citizenRef: 'C-0003', minutes: 20 * dir, rate: '540.00', band: 'other_times' }),
  ];
  const s = settle(lines);
  const base = danishInput(lines);
  return {
    ...base,
    kind: dir < 0 ? ('credit_note' as const) : ('supplementary_invoice' as const),
    number: '2026-000031',
    settlement: { ...base.settlement, id: 18, kind: 'correction' as const, sequence: 1, ...s.totals },
    vat: s.vat,
    corrects: { number: '2026-000007', issueDate: '2026-05-04' },
  };
}

describe('UBL 2.1 / Peppol BIS Self-Billing 3.0 and Billing 3.0', () => {
  it('renders a Danish self-billed invoice (389) that keeps every EN 16931, Peppol and Danish rule checked here', () => {
    const xml = renderInvoiceUbl(buildInvoiceDocument(danishInput()));
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/,
    );
    expect(value(xml, 'cbc:CustomizationID')).toEqual(['urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0']);
    expect(value(xml, 'cbc:ProfileID')).toEqual(['urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0']);
    expect(value(xml, 'cbc:InvoiceTypeCode')).toEqual(['389']);
    // The seller's carepay ref had no scheme (DK-R-013): no PartyIdentification at all.
    expect(xml).not.toContain('PartyIdentification');
    expect(value(xml, 'cbc:BuyerReference')).toEqual(['Ældre og Sundhed 4410']);
    expect(value(xml, 'cbc:StreetName')).toEqual(['Søndergade 4', 'Skelbækvej 2']);
    expect(value(xml, 'cbc:AdditionalStreetName')).toEqual(['1. sal']);
    expect(value(xml, 'cbc:CityName')).toEqual(['Ærøskøbing', 'Aabenraa']);
    expect(value(xml, 'cbc:PostalZone')).toEqual(['5970', '6200']);
    // An IBAN of a Danish seller: SEPA credit transfer (58), which DK-R-005 allows (30 it does not).
    expect(value(xml, 'cbc:PaymentMeansCode')).toEqual(['58']);
    expect(xml).toContain('<cbc:ID>DK5000400440116243</cbc:ID>');
    // Item properties in the document's language.
    expect(value(xml, 'cbc:Value')).toContain('Hverdag dag');
    expect(value(xml, 'cbc:Value')).toContain('betales med 50 %');
    expect(value(xml, 'cbc:Value')).not.toContain('weekday_day');
    expect(value(xml, 'cbc:ID').slice(0, 1)).toEqual(['2026-000007']);
    expect(value(xml, 'cbc:IssueDate')).toEqual(['2026-05-04']);
    expect(value(xml, 'cbc:DueDate')).toEqual(['2026-06-03']);
    expect(value(xml, 'cbc:StartDate')).toEqual(['2026-04-01']);
    expect(value(xml, 'cbc:EndDate')).toEqual(['2026-04-30']);
    expect(xml).toContain('<cbc:EndpointID schemeID="0184">DK31554411</cbc:EndpointID>');
    expect(xml).toContain('<cbc:EndpointID schemeID="0088">5798000000001</cbc:EndpointID>');
    expect(xml).toContain('<cbc:CompanyID schemeID="0184">DK31554411</cbc:CompanyID>');
    expect(value(xml, 'cbc:CompanyID')).toContain('DK31554411');
    expect(value(xml, 'cbc:LineExtensionAmount').slice(0, 1)).toEqual(['6696.84']);
    expect(value(xml, 'cbc:TaxExclusiveAmount')).toEqual(['6696.84']);
    expect(value(xml, 'cbc:TaxInclusiveAmount')).toEqual(['8371.05']);
    expect(value(xml, 'cbc:PayableAmount')).toEqual(['8371.05']);
    expect(value(xml, 'cbc:TaxableAmount')).toEqual(['6696.84']);
    expect(value(xml, 'cbc:TaxAmount')).toEqual(['1674.21', '1674.21']);
    expect(value(xml, 'cbc:Note')).toEqual([
      'Selvfakturering: udstedt af kommunen på leverandørens vegne efter godkendt afregning.',
      'Netto 30 dage',
    ]);
    // Hourly lines in minutes at the hourly price per 60 minutes: exact.
    expect(xml).toContain('<cbc:InvoicedQuantity unitCode="MIN">47</cbc:InvoicedQuantity>');
    expect(xml).toContain('<cbc:PriceAmount currencyID="DKK">452.3456</cbc:PriceAmount>');
    expect(xml).toContain('<cbc:BaseQuantity unitCode="MIN">60</cbc:BaseQuantity>');
    expect(value(xml, 'cbc:Name')).toContain('Personlig pleje, Hverdag dag, Aflysning');
  });

  it('renders Swedish personal care as exempt (E) with its reason next to standard-rated cleaning', () => {
    const xml = renderInvoiceUbl(buildInvoiceDocument(swedishInput()));
    expect(checkUbl(xml)).toEqual([]);
    expect(value(xml, 'cbc:TaxExemptionReason')).toEqual(['Omvårdnad är undantagen från skatteplikt (mervärdesskattelagen 3 kap. 7 §)']);
    expect(value(xml, 'cbc:TaxableAmount')).toEqual(['570.00', '11126.47']);
    expect(value(xml, 'cbc:TaxAmount')).toEqual(['142.50', '142.50', '0.00']);
    expect(value(xml, 'cbc:PayableAmount')).toEqual(['11838.97']);
    expect(xml).toContain('<cbc:CompanyID>SE556036079301</cbc:CompanyID>');
    expect(xml).toContain('<cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID>');
    expect(xml).toContain('<cbc:EndpointID schemeID="0007">2120000225</cbc:EndpointID>');
    expect(xml).toContain('<cbc:CityName>Solna</cbc:CityName>');
    expect(xml).toContain('<cbc:PostalZone>171 86</cbc:PostalZone>');
    expect(value(xml, 'cbc:Value')).toContain('B-åäö-1');
  });

  it('gives two 0 % groups with different exemption reasons one exempt breakdown with both reasons (BR-E-01)', () => {
    // The settlement's day line (9392.80) and night line (1733.67) were exempt for different reasons.
    const input = swedishInput();
    const [standard] = input.vat.filter((v) => v.percent !== '0.00');
    const split = [
      standard!,
      { percent: '0.00', exemptionReason: 'Omvårdnad (3 kap. 7 §)', base: '9392.80', vat: '0.00' },
      { percent: '0.00', exemptionReason: 'Nattpatrull (3 kap. 4 §)', base: '1733.67', vat: '0.00' },
    ];
    const doc = buildInvoiceDocument({ ...input, vat: split });
    expect(doc.vat.map((v) => [v.category, v.percent, v.base, v.vat, v.exemptionReason])).toEqual([
      ['S', '25', '570.00', '142.50', null],
      ['E', '0', '11126.47', '0.00', 'Nattpatrull (3 kap. 4 §); Omvårdnad (3 kap. 7 §)'],
    ]);
    const xml = renderInvoiceUbl(doc);
    expect(checkUbl(xml)).toEqual([]);
    expect(value(xml, 'cbc:TaxableAmount')).toEqual(['570.00', '11126.47']);
    // A second exempt breakdown is what the rule refuses.
    const twice = xml.replace(
      /(<cac:TaxSubtotal>(?:(?!<\/cac:TaxSubtotal>)[\s\S])*?<cbc:ID>E<\/cbc:ID>[\s\S]*?<\/cac:TaxSubtotal>)/,
      '$1$1',
    );
    expect(twice).not.toBe(xml);
    expect(rules(twice)).toContain('BR-E-01');
  });

  it('renders a self-billed credit note (261) with positive credited amounts that refers to the corrected invoice', () => {
    const doc = buildInvoiceDocument(correctionInput(-1));
    // -457.50 + 98.05 - 180.00 = -539.45; VAT 25 % = -134.8625 → -134.86
    expect(doc.totals).toEqual({ exclVat: '-539.45', vat: '-134.86', inclVat: '-674.31' });
    const xml = renderInvoiceUbl(doc);
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(value(xml, 'cbc:CreditNoteTypeCode')).toEqual(['261']);
    expect(value(xml, 'cbc:DueDate')).toEqual([]);
    expect(xml).toMatch(
      /<cac:BillingReference>\s*<cac:InvoiceDocumentReference>\s*<cbc:ID>2026-000007<\/cbc:ID>\s*<cbc:IssueDate>2026-05-04<\/cbc:IssueDate>/,
    );
    expect(value(xml, 'cbc:PayableAmount')).toEqual(['674.31']);
    expect(value(xml, 'cbc:TaxAmount')).toEqual(['134.86', '134.86']);
    // Lines 1 and 3 credit minutes taken back; line 2 was an increase, so it is a negative credit (a lump sum).
    expect(value(xml, 'cbc:CreditedQuantity')).toEqual(['61', '-1', '20']);
    expect(value(xml, 'cbc:LineExtensionAmount')).toEqual(['539.45', '457.50', '-98.05', '180.00']);
    expect(value(xml, 'cbc:PriceAmount')).toEqual(['450', '98.05', '540']);
  });

  it('renders a self-billed supplementary invoice (389) with a billing reference and mixed-sign lines', () => {
    const xml = renderInvoiceUbl(buildInvoiceDocument(correctionInput(1)));
    expect(checkUbl(xml)).toEqual([]);
    expect(value(xml, 'cbc:InvoiceTypeCode')).toEqual(['389']);
    expect(value(xml, 'cbc:InvoicedQuantity')).toEqual(['61', '-1', '20']);
    expect(value(xml, 'cbc:LineExtensionAmount')).toEqual(['539.45', '457.50', '-98.05', '180.00']);
    expect(value(xml, 'cbc:PayableAmount')).toEqual(['674.31']);
    expect(xml).toMatch(/<cac:BillingReference>\s*<cac:InvoiceDocumentReference>\s*<cbc:ID>2026-000007<\/cbc:ID>/);
  });

  it('states a line whose amount is not quantity × price as a lump sum', () => {
    const l = (o: Partial<InvoiceLine>): InvoiceLine => ({
      lineNo: 1,
      citizenRef: 'C',
      serviceCode: 'PC',
      category: 'personal_care',
      kind: 'visit',
      band: 'day',
      unit: 'per_hour',
      visits: 1,
      minutes: 60,
      quantity: '1',
      rate: '450',
      factor: '1',
      amount: '450.00',
      vatPercent: '25',
      vatCategory: 'S',
      ...o,
    });
    const q = (o: Partial<InvoiceLine>, amount: string) => {
      const r = lineQuantity(l(o), new Decimal(amount));
      return [r.quantity.toFixed(), r.unitCode, r.price.toFixed(), r.base?.toFixed() ?? null];
    };
    expect(q({}, '450.00')).toEqual(['60', 'MIN', '450', '60']);
    expect(q({ minutes: 20, factor: '0.5' }, '75.00')).toEqual(['20', 'MIN', '225', '60']);
    expect(q({ minutes: -20 }, '-150.00')).toEqual(['-20', 'MIN', '450', '60']);
    expect(q({ unit: 'per_visit', quantity: '3', rate: '260' }, '780.00')).toEqual(['3', 'C62', '260', null]);
    expect(q({ unit: 'per_month', quantity: '1', rate: '197' }, '197.00')).toEqual(['1', 'MON', '197', null]);
    expect(q({ minutes: 7, quantity: '0.1167' }, '52.55')).toEqual(['1', 'C62', '52.55', null]);
    expect(q({ minutes: 7, quantity: '0.1167' }, '-52.55')).toEqual(['-1', 'C62', '52.55', null]);
    expect(q({ minutes: 30, rate: '450', factor: '0' }, '0.00')).toEqual(['30', 'MIN', '0', '60']);
  });

  it('gives the same text for the same document', () => {
    const doc = buildInvoiceDocument(swedishInput());
    expect(renderInvoiceUbl(doc)).toBe(renderInvoiceUbl(JSON.parse(JSON.stringify(doc))));
  });
});

describe('the EN 16931 rule checker', () => {
  const good = renderInvoiceUbl(buildInvoiceDocument(danishInput()));

  it("counts a document-level allowance in its VAT group (BR-S-08), as a provider's own invoice with a discount has it", () => {
    const allowance =
      '<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Rabat</cbc:AllowanceChargeReason>' +
      '<cbc:Amount currencyID="DKK">100.00</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>' +
      '<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge>\n  <cac:TaxTotal>';
    const discounted = (taxable: string) =>
      good
        .replace('<cac:TaxTotal>', allowance)
        .replace(/<cbc:TaxAmount currencyID="DKK">1674.21/g, '<cbc:TaxAmount currencyID="DKK">1649.21')
        .replace('<cbc:TaxableAmount currencyID="DKK">6696.84', `<cbc:TaxableAmount currencyID="DKK">${taxable}`)
        .replace(
          '<cbc:TaxExclusiveAmount currencyID="DKK">6696.84',
          '<cbc:AllowanceTotalAmount currencyID="DKK">100.00</cbc:AllowanceTotalAmount><cbc:TaxExclusiveAmount currencyID="DKK">6596.84',
        )
        .replace('<cbc:TaxInclusiveAmount currencyID="DKK">8371.05', '<cbc:TaxInclusiveAmount currencyID="DKK">8246.05')
        .replace('<cbc:PayableAmount currencyID="DKK">8371.05', '<cbc:PayableAmount currencyID="DKK">8246.05');
    expect(rules(discounted('6596.84'))).toEqual([]);
    expect(rules(discounted('6696.84'))).toEqual(['BR-S-08', 'BR-S-09']);
  });

  it('finds broken totals, VAT breakdowns and mandatory fields', () => {
    expect(rules(good.replace('<cbc:PayableAmount currencyID="DKK">8371.05', '<cbc:PayableAmount currencyID="DKK">8371.06'))).toEqual([
      'BR-CO-16',
    ]);
    expect(
      rules(good.replace('<cbc:TaxInclusiveAmount currencyID="DKK">8371.05', '<cbc:TaxInclusiveAmount currencyID="DKK">8371.04')),
    ).toEqual(['BR-CO-15', 'BR-CO-16']);
    expect(rules(good.replace('<cbc:TaxableAmount currencyID="DKK">6696.84', '<cbc:TaxableAmount currencyID="DKK">6696.88'))).toEqual([
      'BR-S-08',
      'BR-S-09',
    ]);
    expect(
      rules(good.replace(/<cbc:LineExtensionAmount currencyID="DKK">4575.00/, '<cbc:LineExtensionAmount currencyID="DKK">4575.001')),
    ).toEqual(['BR-DEC', 'BR-CO-10', 'BR-S-08']);
    expect(
      rules(
        good.replace('<cbc:PriceAmount currencyID="DKK">450</cbc:PriceAmount>', '<cbc:PriceAmount currencyID="DKK">451</cbc:PriceAmount>'),
      ),
    ).toEqual(['PEPPOL-EN16931-R120']);
    expect(
      rules(
        good.replace('<cbc:PriceAmount currencyID="DKK">450</cbc:PriceAmount>', '<cbc:PriceAmount currencyID="DKK">-450</cbc:PriceAmount>'),
      ),
    ).toEqual(['BR-27', 'PEPPOL-EN16931-R120']);
    expect(rules(good.replace('<cbc:BuyerReference>Ældre og Sundhed 4410</cbc:BuyerReference>', ''))).toEqual(['PEPPOL-EN16931-R003']);
    expect(rules(good.replace('5798000000001', '5798000000002'))).toEqual(['PEPPOL-COMMON-R040']);
    expect(rules(good.replace('<cbc:InvoiceTypeCode>389', '<cbc:InvoiceTypeCode>380'))).toEqual(['PEPPOL-EN16931-P0100']);
    expect(rules(good.replace('<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>', ''))).toEqual(['BR-04']);
    expect(
      rules(
        good.replace(/<cbc:TaxAmount currencyID="DKK">1674.21<\/cbc:TaxAmount>/, '<cbc:TaxAmount currencyID="DKK">1674.20</cbc:TaxAmount>'),
      ),
    ).toEqual(['BR-CO-14', 'BR-CO-15']);
    expect(rules(good.replace(/<cac:InvoiceLine>[\s\S]*<\/cac:InvoiceLine>/, ''))).toContain('BR-16');
  });
});

describe('every document carepay issues', () => {
  const cases = allDocumentCases();

  it('covers each kind, country, VAT case and profile', () => {
    const names = cases.map((c) => c.name);
    for (const p of ['sb', 'billing']) {
      for (const k of ['invoice', 'credit-note', 'supplementary-invoice', 'adjustment-credit-note', 'adjustment-supplementary-invoice']) {
        expect(names).toContain(`${p}-dk-vat-${k}`);
        expect(names).toContain(`${p}-se-exempt-${k}`);
      }
      for (const v of ['dk-outside-vat', 'dk-exempt', 'se-mixed-vat'])
        for (const k of ['invoice', 'credit-note', 'supplementary-invoice']) expect(names).toContain(`${p}-${v}-${k}`);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s keeps every rule checked here', (_name, c) => {
    const doc = buildInvoiceDocument(c.input);
    const xml = renderInvoiceUbl(doc);
    expect(checkUbl(xml)).toEqual([]);
    const selfBilling = c.input.profile === 'self_billing';
    const credit = doc.kind === 'credit_note';
    expect(value(xml, credit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode')).toEqual([
      selfBilling ? (credit ? '261' : '389') : credit ? '381' : '380',
    ]);
    expect(value(xml, 'cbc:CustomizationID')[0]).toContain(selfBilling ? 'poacc:selfbilling:3.0' : 'poacc:billing:3.0');
  });

  it('chooses the payment means from the account: IBAN 58 (DK) or 30 (SE), Danish reg.nr. + account 42, bankgiro and plusgiro 30', () => {
    const means = (name: string) => {
      const xml = renderInvoiceUbl(buildInvoiceDocument(cases.find((c) => c.name === name)!.input));
      return [
        value(xml, 'cbc:PaymentMeansCode')[0],
        xml
          .match(/<cac:PayeeFinancialAccount>\s*<cbc:ID>([^<]*)<\/cbc:ID>(?:\s*<cac:FinancialInstitutionBranch>\s*<cbc:ID>([^<]*))?/)
          ?.slice(1, 3),
      ];
    };
    expect(means('sb-dk-vat-invoice')).toEqual(['58', ['DK5000400440116243', undefined]]);
    expect(means('sb-dk-outside-vat-invoice')).toEqual(['42', ['0012345678', '1234']]);
    expect(means('sb-se-mixed-vat-invoice')).toEqual(['30', ['50501055', 'SE:BANKGIRO']]);
    expect(means('sb-se-exempt-invoice')).toEqual(['30', ['47113', 'SE:PLUSGIRO']]);
    expect(means('sb-se-exempt-iban-invoice')).toEqual(['30', ['SE4550000000058398257466', undefined]]);
  });
});

describe('the national and self-billing rules', () => {
  const dk = renderInvoiceUbl(buildInvoiceDocument(danishInput()));
  const dkDomestic = renderInvoiceUbl(buildInvoiceDocument(allDocumentCases().find((c) => c.name === 'sb-dk-outside-vat-invoice')!.input));
  const dkCredit = renderInvoiceUbl(buildInvoiceDocument(allDocumentCases().find((c) => c.name === 'sb-dk-vat-credit-note')!.input));
  const se = renderInvoiceUbl(buildInvoiceDocument(swedishInput()));
  const sePlusgiro = renderInvoiceUbl(buildInvoiceDocument(allDocumentCases().find((c) => c.name === 'sb-se-exempt-invoice')!.input));
  const sellerLegal =
    /(<cac:AccountingSupplierParty>[\s\S]*?<cac:PartyLegalEntity>[\s\S]*?)<cbc:CompanyID schemeID="0184">DK31554411<\/cbc:CompanyID>/;
  const seLegal = /(<cac:AccountingSupplierParty>[\s\S]*?<cac:PartyLegalEntity>[\s\S]*?<cbc:CompanyID schemeID="0007">)5560360793/;

  it('refuses what the Danish rules refuse', () => {
    expect(rules(dk.replace(sellerLegal, '$1'))).toEqual(['DK-R-002']);
    expect(rules(dk.replace(sellerLegal, '$1<cbc:CompanyID schemeID="0198">DK31554411</cbc:CompanyID>'))).toEqual(['DK-R-014']);
    expect(
      rules(dk.replace('<cac:PartyName>', '<cac:PartyIdentification><cbc:ID>HJEM-SYD</cbc:ID></cac:PartyIdentification><cac:PartyName>')),
    ).toEqual(['DK-R-013']);
    expect(
      rules(
        dk.replace(
          '<cac:PartyName>',
          '<cac:PartyIdentification><cbc:ID schemeID="0088">5790001234560</cbc:ID></cac:PartyIdentification><cac:PartyName>',
        ),
      ),
    ).toEqual([]);
    expect(rules(dk.replace('<cbc:PaymentMeansCode>58', '<cbc:PaymentMeansCode>30'))).toEqual(['DK-R-005']);
    expect(rules(dkDomestic)).toEqual([]);
    expect(rules(dkDomestic.replace(/<cac:FinancialInstitutionBranch>[\s\S]*?<\/cac:FinancialInstitutionBranch>/, ''))).toEqual([
      'DK-R-006',
    ]);
    expect(
      rules(
        dkCredit
          .replace(/<cbc:PayableAmount currencyID="DKK">/, '<cbc:PayableAmount currencyID="DKK">-')
          .replace(/(<cbc:TaxInclusiveAmount currencyID="DKK">)/, '$1'),
      ),
    ).toContain('DK-R-016');
  });

  it('refuses what the Swedish rules refuse', () => {
    expect(rules(se)).toEqual([]);
    expect(rules(se.replace('<cbc:CompanyID>SE556036079301</cbc:CompanyID>', '<cbc:CompanyID>SE5560360793</cbc:CompanyID>'))).toEqual([
      'SE-R-001',
    ]);
    expect(rules(se.replace('<cbc:CompanyID>SE556036079301</cbc:CompanyID>', '<cbc:CompanyID>SE55603607930A</cbc:CompanyID>'))).toEqual([
      'SE-R-002',
    ]);
    expect(rules(se.replace(seLegal, '$155603607A3'))).toEqual(['SE-R-003', 'PEPPOL-COMMON-R049']);
    expect(rules(se.replace(seLegal, '$1556036079'))).toEqual(['SE-R-004', 'PEPPOL-COMMON-R049']);
    expect(rules(se.replace(seLegal, '$15560360794'))).toEqual(['SE-R-013', 'PEPPOL-COMMON-R049']);
    expect(rules(se.replace('<cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID>', '<cbc:CompanyID>F-skatt</cbc:CompanyID>'))).toEqual([
      'SE-R-005',
    ]);
    expect(rules(se.replace(/<cbc:Percent>25<\/cbc:Percent>/g, '<cbc:Percent>20</cbc:Percent>'))).toContain('SE-R-006');
    expect(rules(se.replace('<cbc:ID>50501055</cbc:ID>', '<cbc:ID>505010</cbc:ID>'))).toEqual(['SE-R-008/SE-R-009']);
    expect(rules(sePlusgiro.replace('<cbc:ID>47113</cbc:ID>', '<cbc:ID>4711-3</cbc:ID>'))).toEqual(['SE-R-007/SE-R-010']);
    expect(rules(se.replace('<cbc:PaymentMeansCode>30', '<cbc:PaymentMeansCode>50'))).toEqual(['SE-R-011']);
    expect(rules(se.replace('<cbc:PaymentMeansCode>30', '<cbc:PaymentMeansCode>31'))).toEqual(['SE-R-012']);
  });

  it('holds self-billing documents to the self-billing identifiers and type codes, and ordinary ones to theirs', () => {
    const credit = renderInvoiceUbl(buildInvoiceDocument(allDocumentCases().find((c) => c.name === 'sb-dk-vat-credit-note')!.input));
    expect(rules(credit.replace('<cbc:CreditNoteTypeCode>261', '<cbc:CreditNoteTypeCode>381'))).toEqual(['PEPPOL-EN16931-P0101']);
    expect(rules(dk.replace('poacc:selfbilling:01:1.0', 'poacc:billing:01:1.0'))).toEqual(['PEPPOL-EN16931-R007']);
    expect(rules(dk.replace('poacc:selfbilling:3.0', 'poacc:other:3.0'))).toContain('PEPPOL-EN16931-R004');
    // A provider's own invoice (ordinary billing) with a self-billing type code.
    const own = dk.replace('poacc:selfbilling:3.0', 'poacc:billing:3.0').replace('poacc:selfbilling:01:1.0', 'poacc:billing:01:1.0');
    expect(rules(own)).toEqual(['PEPPOL-EN16931-P0100']);
    expect(rules(own.replace('<cbc:InvoiceTypeCode>389', '<cbc:InvoiceTypeCode>380'))).toEqual([]);
  });
});
