import { describe, expect, it } from 'vitest';
import type { BasisDocument, ReceivedInvoice, ReceivedLine } from './invoice-control-types.js';
import { compareWithBasis } from './invoice-matching.js';

const basis: BasisDocument = {
  format: 1,
  reference: 'FU-2026-000001',
  language: 'sv',
  country: 'SE',
  currency: 'SEK',
  issueDate: '2026-05-02',
  period: { start: '2026-04-01', end: '2026-05-01' },
  settlement: { id: 1, kind: 'regular', sequence: 0, correctsReference: null },
  buyerReference: null,
  buyer: { name: 'K', ref: null, companyNumber: null, vatId: null, endpoint: null, address: null },
  seller: { name: 'U', ref: 'U', companyNumber: null, vatId: null, endpoint: null, address: null },
  rows: [
    {
      itemId: 'personal_care.day.visit',
      category: 'personal_care',
      band: 'day',
      kind: 'visit',
      unit: 'per_hour',
      visits: 4,
      minutes: 120,
      quantity: '120',
      unitCode: 'MIN',
      price: '480',
      baseQuantity: 60,
      amount: '960.00',
      vatPercent: '0',
    },
    {
      itemId: 'meals.all.visit',
      category: 'meals',
      band: null,
      kind: 'visit',
      unit: 'per_visit',
      visits: 10,
      minutes: 0,
      quantity: '10',
      unitCode: 'C62',
      price: '55',
      baseQuantity: 1,
      amount: '550.00',
      vatPercent: '0',
    },
  ],
  vat: [{ percent: '0', base: '1510.00', vat: '0.00', exemptionReason: 'x' }],
  totals: { exclVat: '1510.00', vat: '0.00', inclVat: '1510.00' },
};

const l = (o: Partial<ReceivedLine>): ReceivedLine => ({
  id: '1',
  itemIds: [],
  quantity: '1',
  unitCode: 'C62',
  price: '0',
  baseQuantity: null,
  amount: '0',
  vatPercent: '0',
  ...o,
});
const invoice = (o: Partial<ReceivedInvoice> = {}, lines: ReceivedLine[] = []): ReceivedInvoice => ({
  documentType: 'invoice',
  typeCode: '380',
  customizationId: null,
  number: 'A1',
  issueDate: '2026-05-03',
  currency: 'SEK',
  buyerReference: null,
  orderReference: 'FU-2026-000001',
  period: { start: '2026-04-01', end: '2026-04-30' },
  seller: { name: null, endpoint: null, companyId: null, vatId: null },
  buyer: { endpoint: null, companyId: null },
  totals: {
    lineExtension: '1510.00',
    allowances: null,
    charges: null,
    taxExclusive: '1510.00',
    taxInclusive: '1510.00',
    prepaid: null,
    rounding: null,
    payable: '1510.00',
    vat: '0.00',
  },
  vat: [{ category: 'E', percent: '0', taxable: '1510.00', amount: '0.00' }],
  lines,
  ...o,
});

describe('compareWithBasis', () => {
  it('matches lines found by item id, hours (HUR) against minutes, and an öresavrundning under one krona', () => {
    const lines = [
      l({ id: '1', itemIds: ['personal_care.day.visit'], quantity: '2', unitCode: 'HUR', price: '480', amount: '960.00' }),
      l({ id: '2', itemIds: ['meals.all.visit'], quantity: '10', unitCode: 'C62', price: '55', amount: '550.00' }),
    ];
    expect(compareWithBasis(invoice({}, lines), basis, 0)).toEqual([]);
    expect(compareWithBasis(invoice({ totals: { ...invoice().totals, rounding: '0.40', payable: '1510.40' } }, lines), basis, 0)).toEqual(
      [],
    );
  });

  it('finds a row by amount and price when the line has no item id; lists missing rows and extra lines', () => {
    const lines = [
      l({ id: '7', quantity: '120', unitCode: 'MIN', price: '480', baseQuantity: '60', amount: '960.00' }),
      l({ id: '8', quantity: '1', price: '12', amount: '12.00' }),
    ];
    expect(compareWithBasis(invoice({}, lines), basis, 0).filter((d) => d.code.startsWith('line'))).toEqual([
      { code: 'line_missing', subject: 'meals.all.visit', expected: '550.00', received: null, difference: '550.00' },
      { code: 'line_extra', subject: '8', expected: null, received: '12.00', difference: '-12.00' },
    ]);
  });

  it('reports period, currency, price and quantity, and a rounding of a krona or more', () => {
    const lines = [
      l({ id: '1', itemIds: ['personal_care.day.visit'], quantity: '2', unitCode: 'HUR', price: '490', amount: '960.00' }),
      l({ id: '2', itemIds: ['meals.all.visit'], quantity: '11', unitCode: 'C62', price: '50', amount: '550.00' }),
    ];
    const d = compareWithBasis(
      invoice(
        {
          currency: 'EUR',
          period: { start: '2026-04-01', end: '2026-05-01' },
          totals: { ...invoice().totals, rounding: '1.00', payable: '1511.00' },
        },
        lines,
      ),
      basis,
      0,
    );
    expect(d.map((x) => `${x.code}:${x.subject ?? ''}:${x.expected}:${x.received}:${x.difference}`)).toEqual([
      'period::2026-04-01/2026-04-30:2026-04-01/2026-05-01:null',
      'currency::SEK:EUR:null',
      'payable::1510.00:1511.00:-1.00',
      'line_price:personal_care.day.visit:480:490:-10',
      'line_quantity:meals.all.visit:10 C62:11 C62:-1',
      'line_price:meals.all.visit:55:50:5',
    ]);
  });

  it('a summary line is compared on totals only; a credit note is negated before comparing', () => {
    expect(compareWithBasis(invoice({}, [l({ quantity: '1', price: '1510', amount: '1510.00' })]), basis, 0)).toEqual([]);
    const negative: BasisDocument = {
      ...basis,
      rows: [],
      vat: [{ percent: '0', base: '-100.00', vat: '0.00', exemptionReason: 'x' }],
      totals: { exclVat: '-100.00', vat: '0.00', inclVat: '-100.00' },
    };
    const credit = invoice({
      documentType: 'credit_note',
      totals: { ...invoice().totals, taxExclusive: '100.00', taxInclusive: '100.00', payable: '100.00' },
      vat: [{ category: 'E', percent: '0', taxable: '100.00', amount: '0.00' }],
    });
    expect(compareWithBasis(credit, negative, 0)).toEqual([]);
    expect(compareWithBasis({ ...credit, documentType: 'invoice' }, negative, 0).map((d) => d.code)).toEqual([
      'document_type',
      'tax_exclusive',
      'vat_base',
      'tax_inclusive',
      'payable',
    ]);
  });
});
