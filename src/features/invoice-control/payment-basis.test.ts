import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundMoney } from '../../shared/money.js';
import type { LineData } from '../invoices/invoice-document.js';
import { adjustmentBasisReference, basisReference, buildAdjustmentRows, buildBasisRows, type AdjustmentLineData } from './payment-basis.js';

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

describe('the rows of a retro price adjustment', () => {
  const adj = (o: Partial<AdjustmentLineData> & { hours: string; difference: string; amount: string }): AdjustmentLineData => ({
    categoryCode: 'PPO',
    serviceCategory: 'personal_care',
    band: 'other_times',
    paidRate: '700.00',
    newPrice: '669.92',
    minutes: 0,
    vatPercent: '25.00',
    ...o,
  });

  it('states paid minutes exactly (from hours that repeat) at the difference, negative minutes where the provider owes', () => {
    // 7 paid minutes are 0.11666667 h; 7 × 12.3456 ÷ 60 = 1.44032 → 1.44.
    const rows = buildAdjustmentRows([
      adj({ hours: '0.11666667', difference: '-12.3456', amount: '-1.44', minutes: 14 }),
      adj({ hours: '1.50000000', difference: '3.5000', amount: '5.25', paidRate: '650.00', newPrice: '653.50' }),
    ]);
    expect(
      rows.map((r) => [r.itemId, r.quantity, r.unitCode, r.price, r.baseQuantity, r.amount, r.paidRate, r.newPrice, r.minutes]),
    ).toEqual([
      ['retro.PPO.other_times', '-7', 'MIN', '12.3456', 60, '-1.44', '700', '669.92', 14],
      ['retro.PPO.other_times.2', '90', 'MIN', '3.5', 60, '5.25', '650', '653.5', 0],
    ]);
    for (const r of rows) expect(roundMoney(new Decimal(r.quantity).mul(r.price).div(r.baseQuantity)).toFixed(2)).toBe(r.amount);
  });

  it('states a level price’s row (§ 19) in the paid weeks or days at the difference per unit', () => {
    // 30 level-days at 1/7 (factor 0.142857) = 4.28571 weeks × 64.40 = 275.9997… → 276.00, repaid; 305 days × 1.10 = 335.50
    const rows = buildAdjustmentRows([
      adj({
        categoryCode: 'HP',
        band: 'per_week',
        unit: 'per_week',
        hours: '4.28571000',
        difference: '-64.4000',
        amount: '-276.00',
        minutes: 30,
        paidRate: '1400.00',
        newPrice: '1335.60',
      }),
      adj({
        categoryCode: 'MAD',
        band: 'per_day',
        unit: 'per_day',
        hours: '305.00000000',
        difference: '1.1000',
        amount: '335.50',
        minutes: 310,
        paidRate: '24.80',
        newPrice: '25.90',
      }),
    ]);
    expect(rows.map((r) => [r.itemId, r.unit, r.quantity, r.unitCode, r.price, r.baseQuantity, r.amount, r.minutes])).toEqual([
      ['retro.HP.per_week', 'per_week', '-4.28571', 'WEE', '64.4', 1, '-276.00', 30],
      ['retro.MAD.per_day', 'per_day', '305', 'DAY', '1.1', 1, '335.50', 310],
    ]);
  });

  it('makes up a difference between the stored amounts and the rows with a rounding row per VAT rate', () => {
    const rows = buildAdjustmentRows([adj({ hours: '0.11666667', difference: '-12.3456', amount: '-1.45' })]);
    expect(rows.map((r) => [r.itemId, r.quantity, r.price, r.amount])).toEqual([
      ['retro.PPO.other_times', '-7', '12.3456', '-1.44'],
      ['rounding.25', '-1', '0.01', '-0.01'],
    ]);
  });

  it('keeps the adjustment references apart from the settlement references of the same year', () => {
    expect(adjustmentBasisReference('DK', 2025, 4)).toBe('AG-2025-R000004');
    expect(adjustmentBasisReference('SE', 2025, 4)).toBe('FU-2025-R000004');
    expect(adjustmentBasisReference('DK', 2025, 4)).not.toBe(basisReference('DK', '2025-01-01', 4));
  });
});
