import { describe, expect, it } from 'vitest';
import { controlWords, differenceText, reasonText } from './control-words.js';
import { DIFFERENCE_CODES, REASON_CODES } from './invoice-control-types.js';
import { checkInvoiceResponse, renderInvoiceResponse, responseStatuses, type ResponseInput } from './invoice-response.js';

const input = (o: Partial<ResponseInput> = {}): ResponseInput => ({
  id: 'IR-demo-1-1',
  issueDate: '2026-05-04',
  sender: { name: 'Demo Kommune', endpoint: { id: '5798000000056', scheme: '0088' } },
  receiver: { name: 'PlejePlus I/S', endpoint: { id: '5798000000049', scheme: '0088' } },
  document: { number: 'PP-2026-0412', typeCode: '380' },
  code: 'AP',
  statuses: [],
  ...o,
});

describe('Peppol Invoice Response (T111)', () => {
  it('renders the elements of the official examples in their order', () => {
    const xml = renderInvoiceResponse(input({ code: 'UQ', statuses: [{ reasonCode: 'PRI', text: 'Linje 1: beløb' }] }));
    const order = [
      'CustomizationID',
      'ProfileID',
      'cbc:ID>IR-demo-1-1',
      'IssueDate',
      'SenderParty',
      'ReceiverParty',
      'DocumentResponse',
      'ResponseCode>UQ',
      'listID="OPStatusReason">PRI',
      'StatusReason>Linje 1: beløb',
      'DocumentReference',
      'cbc:ID>PP-2026-0412',
      'DocumentTypeCode>380',
    ];
    const at = order.map((s) => xml.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(xml).toContain('urn:fdc:peppol.eu:poacc:trns:invoice_response:3');
    expect(xml).toContain('urn:fdc:peppol.eu:poacc:bis:invoice_response:3');
    expect(checkInvoiceResponse(xml)).toEqual([]);
  });

  it.each([
    ['R001: RE without a clarification code', input({ code: 'RE' }), 'PEPPOL-T111-R001'],
    ['R007: a code outside OPStatusReason', input({ code: 'UQ', statuses: [{ reasonCode: 'XYZ', text: 'x' }] }), 'PEPPOL-T111-R007'],
    ['R002: OTH without a reason', input({ code: 'RE', statuses: [{ reasonCode: 'OTH', text: '' }] }), 'PEPPOL-T111-R002'],
    ['R005: PPD without status PD', input({ code: 'UQ', statuses: [{ reasonCode: 'PPD', text: 'half' }] }), 'PEPPOL-T111-R005'],
  ])('%s', (_what, i, rule) => {
    expect(checkInvoiceResponse(renderInvoiceResponse(i)).map((v) => v.rule)).toContain(rule);
  });

  it('catches a wrong customization, an unknown response code and an empty element', () => {
    const xml = renderInvoiceResponse(input())
      .replace('urn:fdc:peppol.eu:poacc:trns:invoice_response:3', 'urn:other')
      .replace('<cbc:ResponseCode>AP<', '<cbc:ResponseCode>OK<')
      .replace('<cbc:DocumentTypeCode>380</cbc:DocumentTypeCode>', '<cbc:DocumentTypeCode></cbc:DocumentTypeCode>');
    expect(
      checkInvoiceResponse(xml)
        .map((v) => v.rule)
        .sort(),
    ).toEqual(['PEPPOL-COMMON-R001', 'PEPPOL-T111-R003', 'T111-CODE', 'T111-DOCTYPE']);
  });

  it('every refusal reason and difference has a status code and words in da, sv and en', () => {
    for (const lang of ['da', 'sv', 'en'] as const) {
      const statuses = responseStatuses(
        REASON_CODES.map((code) => ({ code, detail: 'D' })),
        DIFFERENCE_CODES.map((code) => ({ code, subject: 'S', expected: '1.00', received: '2.00', difference: '-1.00' })),
        lang,
      );
      const xml = renderInvoiceResponse(input({ code: 'RE', statuses }));
      expect(checkInvoiceResponse(xml)).toEqual([]);
      for (const code of REASON_CODES) expect(reasonText({ code }, lang).length).toBeGreaterThan(5);
      for (const code of DIFFERENCE_CODES)
        expect(differenceText({ code, subject: 'S', expected: '1', received: '2', difference: '-1' }, lang)).toMatch(/1.*2.*-1/);
    }
    expect(controlWords('da').basis.title).toBe('Afregningsgrundlag');
    expect(controlWords('sv').basis.title).toBe('Fakturaunderlag');
    expect(
      differenceText({ code: 'document_type', subject: null, expected: 'credit_note', received: 'invoice', difference: null }, 'sv'),
    ).toBe('Dokumenttyp: förväntat kreditfaktura, mottaget faktura.');
  });
});
