import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recalculate, roundPrice, splitInOere } from './recalc-calculator.js';
import { RecalcInputError, type CostLine, type PaidHours, type RecalcInput, type RecalcSettings } from './recalc-types.js';

/**
 * Hand-worked tables. Three categories: PH (practical help, day + evening), PPD (personal care,
 * weekday day), PPO (personal care, evening + night). Delivered hours 1000 / 2000 / 500, staff
 * hours 1200 / 2500 / 800 (sum 4500).
 *
 *   line 1 wages, direct, 1 000 000.00 by shares PPD 60 / PPO 25 / PH 15
 *          → PH 150 000.00, PPD 600 000.00, PPO 250 000.00
 *   line 2 administration, indirect, 350 000.00 by delivered hours (3500)
 *          → PH 100 000.00, PPD 200 000.00, PPO 50 000.00
 *   line 3 premises, indirect, 90 000.00 by staff hours (4500)
 *          → PH 24 000.00, PPD 50 000.00, PPO 16 000.00
 *   line 4 administration of the assessment unit, 500 000.00 → excluded
 *
 *   cost:   PH 274 000.00, PPD 850 000.00, PPO 316 000.00
 *   ÷ hours: 274.00, 425.00, 632.00;  × 1.06 (overhead 6 %): 290.44, 450.50, 669.92
 */
const CATEGORIES = [
  { code: 'PH', name: 'Praktisk hjælp', priceGroup: 'PH', timeBands: ['day', 'evening'] },
  { code: 'PPD', name: 'Personlig pleje hverdag dag', priceGroup: 'PP', timeBands: ['day'] },
  { code: 'PPO', name: 'Personlig pleje øvrige tider', priceGroup: 'PP', timeBands: ['evening', 'night'] },
];
const hours = (code: string, delivered: string, staff: string | null) => ({
  code,
  deliveredHours: delivered,
  byBand: {},
  source: 'entered' as const,
  staffHours: staff,
  method: null,
});
const HOURS = [hours('PH', '1000', '1200'), hours('PPD', '2000', '2500'), hours('PPO', '500', '800')];
const line = (lineNo: number, o: Partial<CostLine> & Pick<CostLine, 'amount' | 'allocation'>): CostLine => ({
  lineNo,
  element: 'wages',
  description: `line ${lineNo}`,
  costType: 'direct',
  assessmentUnit: false,
  ...o,
});
const LINES: CostLine[] = [
  line(1, { amount: '1000000.00', allocation: { type: 'shares', shares: { PPD: '60', PPO: '25', PH: '15' } } }),
  line(2, {
    element: 'administration',
    costType: 'indirect',
    amount: '350000.00',
    allocation: { type: 'driver', driver: 'delivered_hours' },
  }),
  line(3, { element: 'premises', costType: 'indirect', amount: '90000.00', allocation: { type: 'driver', driver: 'staff_hours' } }),
  line(4, {
    element: 'administration',
    costType: 'indirect',
    amount: '500000.00',
    assessmentUnit: true,
    allocation: { type: 'driver', driver: 'delivered_hours' },
  }),
];
const SETTINGS: RecalcSettings = {
  policy: 'symmetric',
  overheadPercent: '6',
  priceDecimals: 2,
  rounding: 'half_up',
  publishedVatPercent: '25',
};
/**
 * Provider 1 (A) has hours in two categories: PPD day 6000 min (100 h) at 450.00 and PPO evening
 * 1500 min (25 h) at 700.00. Provider 2 (B): PH day 3000 min at 290.44 (equal to the new price) and
 * PPO night 120 min paid at a 50 % factor (60 paid minutes) at 700.00.
 */
const paid = (
  providerId: number,
  categoryCode: string,
  band: string,
  rate: string,
  minutes: number,
  paidMinutes = String(minutes),
): PaidHours => ({
  providerId,
  providerRef: providerId === 1 ? 'A' : 'B',
  categoryCode,
  band,
  rate,
  vatPercent: '25',
  minutes,
  paidMinutes,
});
const PAID = [
  paid(1, 'PPD', 'day', '450.00', 6000),
  paid(1, 'PPO', 'evening', '700.00', 1500),
  paid(2, 'PH', 'day', '290.44', 3000),
  paid(2, 'PPO', 'night', '700.00', 120, '60'),
];
const input = (o: Partial<RecalcInput> = {}, s: Partial<RecalcSettings> = {}): RecalcInput => ({
  year: 2025,
  categories: CATEGORIES,
  lines: LINES,
  hours: HOURS,
  paid: PAID,
  ...o,
  settings: { ...SETTINGS, ...s },
});

describe('recalculate: allocation, prices', () => {
  it('allocates by share, by delivered hours and by staff hours, and excludes the assessment unit', () => {
    const r = recalculate(input());
    const alloc = (lineNo: number) =>
      Object.fromEntries(r.allocations.filter((a) => a.lineNo === lineNo).map((a) => [a.categoryCode, a.amount]));
    expect(alloc(1)).toEqual({ PH: '150000.00', PPD: '600000.00', PPO: '250000.00' });
    expect(alloc(2)).toEqual({ PH: '100000.00', PPD: '200000.00', PPO: '50000.00' });
    expect(alloc(3)).toEqual({ PH: '24000.00', PPD: '50000.00', PPO: '16000.00' });
    expect(alloc(4)).toEqual({});
    expect(r.excluded).toEqual([
      { lineNo: 4, element: 'administration', description: 'line 4', amount: '500000.00', reason: 'assessment_unit' },
    ]);
    expect(r.allocations.find((a) => a.lineNo === 2 && a.categoryCode === 'PH')!.basis).toBe('delivered_hours 1000 of 3500');
    expect(r.allocations.find((a) => a.lineNo === 1 && a.categoryCode === 'PPO')!.basis).toBe('share 25 %');
    expect(r.totals).toMatchObject({ statement: '1940000.00', excluded: '500000.00', allocated: '1440000.00' });
    const ph = r.categories.find((c) => c.code === 'PH')!;
    expect(ph.costs).toEqual({
      byElement: { wages: '150000.00', administration: '100000.00', premises: '24000.00' },
      direct: '150000.00',
      indirect: '124000.00',
      total: '274000.00',
    });
  });

  it('divides by delivered hours and applies the overhead once, on the category cost per hour', () => {
    const r = recalculate(input());
    expect(
      r.categories.map((c) => [c.code, c.costs.total, c.costPerHour, c.priceBeforeRounding, c.price, c.publishedPriceInclVat]),
    ).toEqual([
      ['PH', '274000.00', '274.0000', '290.4400', '290.44', '363.05'],
      ['PPD', '850000.00', '425.0000', '450.5000', '450.50', '563.13'], // 450.50 × 1.25 = 563.125 → 563.13
      ['PPO', '316000.00', '632.0000', '669.9200', '669.92', '837.40'],
    ]);
    const none = recalculate(input({}, { overheadPercent: null }));
    expect(none.categories.map((c) => c.price)).toEqual(['274.00', '425.00', '632.00']);
    expect(none.categories.every((c) => c.overheadPercent === null)).toBe(true);
  });

  it('rounds the price by the configured rule from the exact value', () => {
    // 1000.00 ÷ 3 h = 333.333…; × 1.06 = 353.333…
    const one = {
      categories: [CATEGORIES[0]!],
      hours: [hours('PH', '3', null)],
      lines: [line(1, { amount: '1000.00', allocation: { type: 'driver', driver: 'delivered_hours' } })],
      paid: [],
    };
    const price = (s: Partial<RecalcSettings>) => recalculate(input(one, s)).categories[0]!.price;
    expect(price({ overheadPercent: null })).toBe('333.33');
    expect(price({ overheadPercent: null, rounding: 'up' })).toBe('333.34');
    expect(price({ overheadPercent: null, priceDecimals: 0 })).toBe('333');
    expect(price({})).toBe('353.33');
    expect(price({ rounding: 'up' })).toBe('353.34');
    expect(recalculate(input(one, { overheadPercent: null })).categories[0]!.costPerHour).toBe('333.3333');
    // exactly half an øre rounds up: 100.05 ÷ 10 h = 10.005 → 10.01
    expect(roundPrice('10.005', { priceDecimals: 2, rounding: 'half_up' }).toFixed(2)).toBe('10.01');
    expect(roundPrice('10.0049', { priceDecimals: 2, rounding: 'half_up' }).toFixed(2)).toBe('10.00');
    expect(roundPrice('10.0001', { priceDecimals: 2, rounding: 'up' }).toFixed(2)).toBe('10.01');
  });

  it('splits in øre so the parts add up to the line: largest remainder first, earlier category on ties, sign kept', () => {
    const d = (xs: string[]) => xs.map((x) => new Decimal(x));
    expect(splitInOere(new Decimal('100.00'), d(['33.3333', '33.3333', '33.3334'])).map((p) => p.toFixed(2))).toEqual([
      '33.33',
      '33.33',
      '33.34',
    ]);
    expect(splitInOere(new Decimal('100.00'), d(['1', '1', '1'])).map((p) => p.toFixed(2))).toEqual(['33.34', '33.33', '33.33']);
    expect(splitInOere(new Decimal('-10.00'), d(['1', '1', '1'])).map((p) => p.toFixed(2))).toEqual(['-3.34', '-3.33', '-3.33']);
    expect(splitInOere(new Decimal('0.02'), d(['1', '0', '1', '1'])).map((p) => p.toFixed(2))).toEqual(['0.01', '0.00', '0.01', '0.00']);
  });

  it('splits any amount into parts that add up to it exactly, each within an øre of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 12 }),
        (oere, ws) => {
          fc.pre(ws.some((w) => w > 0));
          const amount = new Decimal(oere.toString()).div(100);
          const weights = ws.map((w) => new Decimal(w).div(7));
          const parts = splitInOere(amount, weights);
          const total = weights.reduce((t, w) => t.plus(w), new Decimal(0));
          expect(parts.reduce((t, p) => t.plus(p), new Decimal(0)).eq(amount)).toBe(true);
          parts.forEach((p, i) => {
            expect(p.decimalPlaces()).toBeLessThanOrEqual(2);
            expect(p.minus(amount.mul(weights[i]!).div(total)).abs().lt('0.01')).toBe(true);
          });
        },
      ),
    );
  });

  it('refuses wrong keys with the line and the reason', () => {
    const bad = [
      line(1, { amount: '10.00', allocation: { type: 'shares', shares: { PPD: '60', PH: '30' } } }),
      line(2, { amount: '10.00', allocation: { type: 'shares', shares: { XX: '100' } } }),
    ];
    const issues = (i: RecalcInput) => {
      try {
        recalculate(i);
      } catch (e) {
        if (e instanceof RecalcInputError) return e.issues;
        throw e;
      }
      throw new Error('expected the input to be refused');
    };
    expect(issues(input({ lines: bad }))).toEqual([
      { path: 'lines.1', message: 'shares add up to 90 %, not 100 %' },
      { path: 'lines.2', message: 'share for unknown category XX (categories: PH, PPD, PPO)' },
    ]);
    const staff = () => recalculate(input({ hours: HOURS.map((h) => (h.code === 'PPO' ? { ...h, staffHours: null } : h)) }));
    expect(staff).toThrow('lines.3: allocated by staff hours, but no staff hours are entered for PPO');
    const noHours = () =>
      recalculate(input({ hours: HOURS.map((h) => (h.code === 'PH' ? { ...h, deliveredHours: '0' } : h)), lines: [LINES[0]!] }));
    expect(noHours).toThrow('categories.PH: has 150000.00 of costs but no delivered hours');
  });
});

describe('recalculate: comparison and retro adjustments per policy', () => {
  it('symmetric: a higher price is paid, a lower one repaid, an equal one leaves nothing; a provider in two categories nets both', () => {
    const r = recalculate(input());
    expect(r.categories.map((c) => [c.code, c.paid])).toEqual([
      ['PH', [{ rate: '290.44', hours: '50.0000', difference: '0.0000', settled: '0.0000' }]],
      ['PPD', [{ rate: '450.00', hours: '100.0000', difference: '0.5000', settled: '0.5000' }]],
      ['PPO', [{ rate: '700.00', hours: '26.0000', difference: '-30.0800', settled: '-30.0800' }]],
    ]);
    const [a, b] = r.adjustments;
    // A: +0.50 × 100 h = 50.00; −30.08 × 25 h = −752.00; total −702.00, VAT 25 % −175.50
    expect(a).toMatchObject({
      providerId: 1,
      providerRef: 'A',
      totalExclVat: '-702.00',
      vatTotal: '-175.50',
      totalInclVat: '-877.50',
      vat: [{ percent: '25.00', base: '-702.00', vat: '-175.50' }],
    });
    expect(a!.lines.map((l) => [l.categoryCode, l.band, l.paidRate, l.newPrice, l.difference, l.minutes, l.hours, l.amount])).toEqual([
      ['PPD', 'day', '450.00', '450.50', '0.5000', 6000, '100.00000000', '50.00'],
      ['PPO', 'evening', '700.00', '669.92', '-30.0800', 1500, '25.00000000', '-752.00'],
    ]);
    // B: PH equal → no line; PPO night 60 paid minutes (120 min at 50 %) × −30.08 = −30.08, VAT −7.52
    expect(b).toMatchObject({ providerId: 2, totalExclVat: '-30.08', vatTotal: '-7.52', totalInclVat: '-37.60' });
    expect(b!.lines.map((l) => [l.categoryCode, l.band, l.minutes, l.hours, l.amount])).toEqual([
      ['PPO', 'night', 120, '1.00000000', '-30.08'],
    ]);
    expect(r.totals.adjustmentsExclVat).toBe('-732.08');
  });

  it('upward only: only the higher price is settled', () => {
    const r = recalculate(input({}, { policy: 'upward_only' }));
    expect(r.categories.find((c) => c.code === 'PPO')!.paid[0]).toEqual({
      rate: '700.00',
      hours: '26.0000',
      difference: '-30.0800',
      settled: '0.0000',
    });
    expect(r.adjustments.map((a) => [a.providerRef, a.lines.map((l) => l.amount), a.totalExclVat, a.vatTotal, a.totalInclVat])).toEqual([
      ['A', ['50.00'], '50.00', '12.50', '62.50'],
      ['B', [], '0.00', '0.00', '0.00'],
    ]);
  });

  it('none: the prices are recalculated, nothing is settled', () => {
    const r = recalculate(input({}, { policy: 'none' }));
    expect(r.categories.map((c) => c.price)).toEqual(['290.44', '450.50', '669.92']);
    expect(r.adjustments.every((a) => a.lines.length === 0 && a.totalInclVat === '0.00')).toBe(true);
  });

  it('rounds each adjustment line once, from the exact paid minutes', () => {
    // Five settlement rows of 1 minute at the same provider, category, band and rate make one line:
    // 0.50 × 5 / 60 = 0.041666… → 0.04 (rounding each row first would give 5 × 0.01 = 0.05).
    const rows = Array.from({ length: 5 }, () => paid(1, 'PPD', 'day', '450.00', 1));
    const r = recalculate(input({ paid: rows }));
    expect(r.adjustments[0]!.lines.map((l) => [l.minutes, l.hours, l.amount])).toEqual([[5, '0.08333333', '0.04']]);
  });

  it('gives the same result for the same input, whatever the order of lines and paid hours', () => {
    const a = recalculate(input());
    const b = recalculate(input({ lines: [...LINES].reverse(), paid: [...PAID].reverse() }));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
