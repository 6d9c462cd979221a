import { Decimal } from 'decimal.js';
import { roundMoney } from '../../../shared/money.js';
import type { DocumentInput, LineData } from '../invoice-document.js';

/** Test support: the inputs of a document, as the service reads them from the database. */

export const line = (over: Partial<LineData> & { citizenRef: string; minutes: number; rate: string }): LineData => {
  const factor = over.factor ?? '1';
  return {
    lineNo: 0,
    serviceCode: 'PC',
    category: 'personal_care',
    kind: 'visit',
    band: 'weekday_day',
    unit: 'per_hour',
    visits: Math.max(1, Math.round(Math.abs(over.minutes) / 30)),
    quantity: new Decimal(over.minutes).div(60).toDecimalPlaces(4).toFixed(),
    factor,
    amount: roundMoney(new Decimal(over.minutes).div(60).mul(over.rate).mul(factor)).toFixed(2),
    vatPercent: '25',
    ...over,
  };
};

/** Totals and VAT groups of lines as the settlement computes them: VAT per rate on the sum of the lines. */
export function settle(lines: LineData[], reasons: Record<string, string> = {}) {
  const numbered = lines.map((l, i) => ({ ...l, lineNo: i + 1 }));
  const groups = new Map<string, Decimal>();
  for (const l of numbered)
    groups.set(new Decimal(l.vatPercent).toFixed(2), (groups.get(new Decimal(l.vatPercent).toFixed(2)) ?? new Decimal(0)).plus(l.amount));
  const vat = [...groups].map(([percent, base]) => ({
    percent,
    exemptionReason: new Decimal(percent).isZero() ? (reasons[percent] ?? 'Social care is exempt from VAT') : null,
    base: base.toFixed(2),
    vat: roundMoney(base.mul(percent).div(100)).toFixed(2),
  }));
  const excl = numbered.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const vatTotal = vat.reduce((s, g) => s.plus(g.vat), new Decimal(0));
  return {
    lines: numbered,
    vat,
    totals: { totalExclVat: excl.toFixed(2), vat: vatTotal.toFixed(2), totalInclVat: excl.plus(vatTotal).toFixed(2) },
  };
}

export function danishInput(lines: LineData[] = danishLines(), over: Partial<DocumentInput> = {}): DocumentInput {
  const s = settle(lines);
  return {
    kind: 'invoice',
    number: '2026-000007',
    issueDate: '2026-05-04',
    dueDate: '2026-06-03',
    paymentTermsDays: 30,
    language: 'da',
    country: 'DK',
    buyerReference: 'Ældre og Sundhed 4410',
    selfBillingAgreedOn: '2025-11-20',
    buyer: {
      name: 'Aabenraa Kommune',
      companyNumber: '29189919',
      electronicAddress: '5798000000001',
      electronicAddressScheme: '0088',
      address: null,
      postal: { streetName: 'Skelbækvej 2', additionalStreetName: null, cityName: 'Aabenraa', postalZone: '6200' },
    },
    seller: {
      name: 'Plejen Ærø & Søby ApS',
      companyNumber: '31554411',
      electronicAddress: null,
      electronicAddressScheme: null,
      address: null,
      postal: { streetName: 'Søndergade 4', additionalStreetName: '1. sal', cityName: 'Ærøskøbing', postalZone: '5970' },
      bankAccount: 'DK50 0040 0440 1162 43',
      email: 'faktura@plejen.dk',
      ref: 'PLEJEN',
      vatStatus: 'registered',
    },
    settlement: { id: 17, kind: 'regular', sequence: 0, periodStart: '2026-04-01', periodEnd: '2026-05-01', currency: 'DKK', ...s.totals },
    lines: s.lines,
    vat: s.vat,
    corrects: null,
    ...over,
  };
}

export const danishLines = (): LineData[] => [
  line({ citizenRef: 'C-0001', minutes: 610, rate: '450.00' }),
  line({ citizenRef: 'C-0001', minutes: 95, rate: '540.00', band: 'other_times' }),
  line({ citizenRef: 'C-0002', minutes: 30, rate: '450.00', kind: 'cancellation', factor: '0.5' }),
  line({ citizenRef: 'C-0002', minutes: 120, rate: '400.00', serviceCode: 'PH', category: 'practical_help' }),
  line({ citizenRef: 'C-0003', minutes: 47, rate: '452.3456' }),
];

export function swedishInput(over: Partial<DocumentInput> = {}): DocumentInput {
  const lines = [
    line({ citizenRef: 'B-åäö-1', minutes: 1234, rate: '456.70', band: 'day', vatPercent: '0', serviceCode: 'OMV' }),
    line({ citizenRef: 'B-åäö-1', minutes: 200, rate: '520.10', band: 'night', vatPercent: '0', serviceCode: 'OMV' }),
    line({
      citizenRef: 'B-2',
      minutes: 90,
      rate: '380.00',
      band: 'day',
      vatPercent: '25',
      serviceCode: 'STÄD',
      category: 'practical_help',
    }),
  ];
  const s = settle(lines, { '0.00': 'Omvårdnad är undantagen från skatteplikt (mervärdesskattelagen 3 kap. 7 §)' });
  return {
    ...danishInput(),
    language: 'sv',
    country: 'SE',
    buyerReference: 'Äldreomsorg 7310',
    buyer: {
      name: 'Solna stad',
      companyNumber: '212000-0225',
      electronicAddress: null,
      electronicAddressScheme: null,
      address: null,
      postal: { streetName: 'Stadshusgången 2', additionalStreetName: null, cityName: 'Solna', postalZone: '171 86' },
    },
    seller: {
      name: 'Omsorg i Västerås & Sköndal AB',
      companyNumber: '556036-0793',
      electronicAddress: '7365560360791',
      electronicAddressScheme: null,
      address: null,
      postal: { streetName: 'Storgatan 1', additionalStreetName: null, cityName: 'Stockholm', postalZone: '114 55' },
      bankAccount: '5050-1055',
      email: null,
      ref: 'OMSORG',
      vatStatus: 'registered',
    },
    settlement: { id: 21, kind: 'regular', sequence: 0, periodStart: '2026-04-01', periodEnd: '2026-05-01', currency: 'SEK', ...s.totals },
    lines: s.lines,
    vat: s.vat,
    ...over,
  };
}
