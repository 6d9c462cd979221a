import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundMoney } from '../../shared/money.js';
import type { LineData } from '../invoices/invoice-document.js';
import { basisReference, buildBasisRows } from './payment-basis.js';

const line = (o: Partial<LineData> & { minutes: number; rate: string }): LineData => {
  const factor = o.factor ?? '1';
  return {
    lineNo: 1,
    citizenRef: 'C',
    serviceCode: 'PC',
    category: 'personal_care',
    kind: 'visit',
    band: 'weekday_day',
    unit: 'per_hour',
    visits: 1,
    quantity: new Decimal(o.minutes).div(60).toFixed(6),
    factor,
    amount: roundMoney(new Decimal(o.minutes).mul(o.rate).mul(factor).div(60)).toFixed(2),
    vatPercent: '25',
    ...o,
  };
};

describe('payment basis rows', () => {
  it('reference: AG in Denmark, FU in Sweden, the period year and the settlement id', () => {
    expect(basisReference('DK', '2026-04-01', 17)).toBe('AG-2026-000017');
    expect(basisReference('SE', '2026-12-01', 1234567)).toBe('FU-2026-1234567');
  });

  it('sums per category, band, kind and price; minutes at a price per hour; a rounding row where the rounded lines differ', () => {
    const rows = buildBasisRows([
      line({ minutes: 1, rate: '451.00' }),
      line({ minutes: 1, rate: '451.00' }),
      line({ minutes: 30, rate: '451.00', factor: '2' }),
      line({ minutes: 20, rate: '540.00', band: 'evening' }),
    ]);
    expect(rows.map((r) => [r.itemId, r.quantity, r.unitCode, r.price, r.amount])).toEqual([
      ['personal_care.evening.visit', '20', 'MIN', '540', '180.00'],
      ['personal_care.weekday_day.visit', '2', 'MIN', '451', '15.03'],
      ['personal_care.weekday_day.visit.2', '30', 'MIN', '902', '451.00'],
      ['rounding.25', '1', 'C62', '0.01', '0.01'],
    ]);
  });

  it('property: the rows add up to the lines exactly, and every row is quantity × price / base to the øre', () => {
    const arbLine = fc.record({
      minutes: fc.integer({ min: -600, max: 600 }),
      rate: fc.integer({ min: 10000, max: 99999 }).map((c) => new Decimal(c).div(100).toFixed(2)),
      band: fc.constantFrom('weekday_day', 'evening', 'night'),
      vatPercent: fc.constantFrom('25', '0'),
      factor: fc.constantFrom('1', '0.5', '2'),
    });
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 40 }), (specs) => {
        const lines = specs.map((s) => line(s));
        const rows = buildBasisRows(lines);
        const sum = (xs: { amount: string }[]) => xs.reduce((t, x) => t.plus(x.amount), new Decimal(0));
        expect(sum(rows).eq(sum(lines))).toBe(true);
        for (const r of rows) {
          const computed = roundMoney(new Decimal(r.quantity).mul(r.price).div(r.baseQuantity));
          expect(computed.toFixed(2)).toBe(r.amount);
        }
      }),
      { numRuns: 200 },
    );
  });
});
