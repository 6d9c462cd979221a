import { describe, expect, it } from 'vitest';
import {
  buildInvoiceDocument,
  DocumentError,
  endpointOf,
  groupByCategoryAndBand,
  groupByCitizen,
  missingMasterData,
  vatIdOf,
} from './invoice-document.js';
import { danishInput, danishLines, line, settle, swedishInput } from './testing/document-fixtures.js';

describe('the frozen invoice document', () => {
  it('reconciles with the settlement to the øre and keeps what the renderers need', () => {
    const doc = buildInvoiceDocument(danishInput());
    // 610/60×450 = 4575.00, 95/60×540 = 855.00, 30/60×450×0.5 = 112.50, 120/60×400 = 800.00, 47/60×452.3456 = 354.337… → 354.34
    expect(doc.lines.map((l) => l.amount)).toEqual(['4575.00', '855.00', '112.50', '800.00', '354.34']);
    expect(doc.totals).toEqual({ exclVat: '6696.84', vat: '1674.21', inclVat: '8371.05' });
    expect(doc.vat).toEqual([{ category: 'S', percent: '25', exemptionReason: null, base: '6696.84', vat: '1674.21' }]);
    expect(doc.seller).toMatchObject({ vatId: 'DK31554411', endpoint: { id: 'DK31554411', scheme: '0184' }, country: 'DK', ref: 'PLEJEN' });
    expect(doc.buyer).toMatchObject({ vatId: null, endpoint: { id: '5798000000001', scheme: '0088' } });
    // The municipality's own reference (a setting); the settlement's id only when none is given.
    expect(doc.buyerReference).toBe('Ældre og Sundhed 4410');
    expect(buildInvoiceDocument({ ...danishInput(), buyerReference: undefined }).buyerReference).toBe('settlement 17');
    expect(doc.profile).toBe('self_billing');
    expect(doc.selfBillingAgreedOn).toBe('2025-11-20');
    expect(doc.seller.postal).toEqual({
      streetName: 'Søndergade 4',
      additionalStreetName: '1. sal',
      cityName: 'Ærøskøbing',
      postalZone: '5970',
    });
    expect(doc.seller.address).toBe('Søndergade 4, 1. sal, 5970 Ærøskøbing');
    expect(doc.lines.every((l) => l.vatCategory === 'S')).toBe(true);
  });

  it('is exempt (E) for 0 % lines of a VAT-registered provider and outside the scope (O) for an unregistered one', () => {
    // 1234/60 × 456.70 = 9392.80, 200/60 × 520.10 = 1733.67; 90/60 × 380 = 570.00 at 25 %
    const se = buildInvoiceDocument(swedishInput());
    expect(se.vat.map((v) => [v.category, v.percent, v.base, v.vat, v.exemptionReason])).toEqual([
      ['S', '25', '570.00', '142.50', null],
      ['E', '0', '11126.47', '0.00', 'Omvårdnad är undantagen från skatteplikt (mervärdesskattelagen 3 kap. 7 §)'],
    ]);
    expect(se.seller.vatId).toBe('SE556036079301');
    expect(se.seller.endpoint).toEqual({ id: '7365560360791', scheme: '0088' });
    expect(se.buyer.endpoint).toEqual({ id: '2120000225', scheme: '0007' });

    const lines = [line({ citizenRef: 'C1', minutes: 60, rate: '400', vatPercent: '0' })];
    const s = settle(lines, { '0.00': 'The provider is not registered for VAT' });
    const input = danishInput(lines, { vat: s.vat, settlement: { ...danishInput().settlement, ...s.totals } });
    const o = buildInvoiceDocument({ ...input, seller: { ...input.seller, vatStatus: 'not_registered' } });
    expect(o.vat).toEqual([
      { category: 'O', percent: '0', exemptionReason: 'The provider is not registered for VAT', base: '400.00', vat: '0.00' },
    ]);
    expect(o.seller.vatId).toBeNull();
    expect(o.lines[0]!.vatCategory).toBe('O');
  });

  it('refuses a settlement that does not add up, naming every difference', () => {
    const input = danishInput();
    const broken = {
      ...input,
      settlement: { ...input.settlement, totalExclVat: '6696.85', totalInclVat: '8371.06' },
      vat: [{ ...input.vat[0]!, vat: '1674.20' }],
    };
    let error: unknown;
    try {
      buildInvoiceDocument(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).issues).toEqual([
      'the lines add up to 6696.84, the settlement to 6696.85',
      'VAT 25.00 % of 6696.84 is 1674.21, the settlement says 1674.20',
      "the VAT groups add up to 1674.20, the settlement's VAT is 1674.21",
    ]);
    expect(() => buildInvoiceDocument({ ...input, lines: [] })).toThrow(/settlement 17 has no lines/);
  });

  it('derives endpoints and VAT identifiers from the master data', () => {
    expect(endpointOf('DK', { electronicAddress: '5790001234560', electronicAddressScheme: null, companyNumber: null })).toEqual({
      id: '5790001234560',
      scheme: '0088',
    });
    expect(endpointOf('DK', { electronicAddress: '12345678', electronicAddressScheme: null, companyNumber: null })).toEqual({
      id: 'DK12345678',
      scheme: '0184',
    });
    expect(endpointOf('SE', { electronicAddress: null, electronicAddressScheme: null, companyNumber: '556036-0793' })).toEqual({
      id: '5560360793',
      scheme: '0007',
    });
    expect(endpointOf('SE', { electronicAddress: 'faktura@x.se', electronicAddressScheme: null, companyNumber: null })).toBeNull();
    expect(endpointOf('SE', { electronicAddress: 'faktura@x.se', electronicAddressScheme: 'EM', companyNumber: null })).toEqual({
      id: 'faktura@x.se',
      scheme: 'EM',
    });
    expect(vatIdOf('DK', '3155 4411')).toBe('DK31554411');
    expect(vatIdOf('SE', '556036-0793')).toBe('SE556036079301');
    expect(vatIdOf('SE', '1234')).toBeNull();
  });

  it("states the law for 0 % VAT in the document's language when the model gives no reason", () => {
    const lines = [line({ citizenRef: 'C1', minutes: 60, rate: '400', vatPercent: '0' })];
    const s = settle(lines);
    const input = danishInput(lines, {
      vat: s.vat.map((v) => ({ ...v, exemptionReason: null })),
      settlement: { ...danishInput().settlement, ...s.totals },
    });
    expect(buildInvoiceDocument({ ...input, seller: { ...input.seller, vatStatus: 'exempt' } }).vat[0]!.exemptionReason).toBe(
      'Momsfritaget: social forsorg, momsloven § 13, stk. 1, nr. 2',
    );
    expect(
      buildInvoiceDocument({ ...input, language: 'en', seller: { ...input.seller, vatStatus: 'exempt' } }).vat[0]!.exemptionReason,
    ).toBe('Exempt from VAT: social care, Danish VAT Act section 13(1)(2)');
    const se = swedishInput();
    const seExempt = buildInvoiceDocument({ ...se, vat: se.vat.map((v) => ({ ...v, exemptionReason: null })) });
    expect(seExempt.vat.find((v) => v.category === 'E')!.exemptionReason).toBe(
      'Undantaget från skatteplikt: social omsorg, 10 kap. 41 § mervärdesskattelagen (2023:200)',
    );
    expect(buildInvoiceDocument({ ...input, seller: { ...input.seller, vatStatus: 'not_registered' } }).vat[0]!.exemptionReason).toBe(
      'Ikke momspligtig: leverandøren er ikke registreret for moms',
    );
  });

  it('lists all the master data missing before a number is taken, in words', () => {
    const input = danishInput();
    expect(missingMasterData(input)).toEqual([]);
    expect(
      missingMasterData({
        ...input,
        buyerReference: ' ',
        buyer: { ...input.buyer, name: '', electronicAddress: null, companyNumber: null, postal: null },
        seller: {
          ...input.seller,
          companyNumber: '123',
          vatStatus: 'exempt',
          bankAccount: 'DK50 0040 0440 1162 44',
          postal: { ...input.seller.postal!, cityName: null },
        },
      }),
    ).toEqual([
      'the municipality has no name',
      'the municipality has no street, postcode, city in its postal address',
      'the municipality has no valid CVR number (8 digits)',
      'the municipality has no electronic address (EAN/GLN or Peppol id)',
      'provider PLEJEN has no city in its postal address',
      'provider PLEJEN has no valid CVR number (8 digits)',
      'provider PLEJEN has no electronic address (EAN/GLN or Peppol id)',
      "the municipality's buyer reference (its own reference on invoices, a setting) is not set",
      'provider PLEJEN is not registered for VAT but the settlement charges VAT',
      "provider PLEJEN's bank account DK50 0040 0440 1162 44 is not understood (an IBAN or reg.nr. and account number)",
    ]);
    // An internal statement is not sent anywhere: names suffice.
    expect(
      missingMasterData({
        ...input,
        profile: 'internal',
        buyer: { ...input.buyer, electronicAddress: null, companyNumber: null, postal: null },
      }),
    ).toEqual([]);
  });

  it('groups lines by category, then weekday daytime before other times, kinds and rates', () => {
    const doc = buildInvoiceDocument(danishInput([...danishLines(), line({ citizenRef: 'C-0004', minutes: 60, rate: '450.00' })]));
    const groups = groupByCategoryAndBand(doc.lines);
    expect(groups.map((g) => [g.category, g.amount.toFixed(2)])).toEqual([
      ['personal_care', '6346.84'],
      ['practical_help', '800.00'],
    ]);
    expect(groups[0]!.rows.map((r) => [r.band, r.kind, r.rate.toFixed(4), r.minutes, r.amount.toFixed(2)])).toEqual([
      ['weekday_day', 'visit', '450.0000', 670, '5025.00'],
      ['weekday_day', 'visit', '452.3456', 47, '354.34'],
      ['weekday_day', 'cancellation', '450.0000', 30, '112.50'],
      ['other_times', 'visit', '540.0000', 95, '855.00'],
    ]);
    expect(groupByCitizen(doc.lines).map((c) => [c.citizenRef, c.lines.length, c.amount.toFixed(2)])).toEqual([
      ['C-0001', 2, '5430.00'],
      ['C-0002', 2, '912.50'],
      ['C-0003', 1, '354.34'],
      ['C-0004', 1, '450.00'],
    ]);
  });
});
