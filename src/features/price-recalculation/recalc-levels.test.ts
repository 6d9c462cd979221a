import { describe, expect, it } from 'vitest';
import { daysPerUnit, recalculate } from './recalc-calculator.js';
import { RecalcInputError, type CostLine, type PaidHours, type RecalcInput } from './recalc-types.js';

/**
 * Level prices in the recalculation (Ældreloven § 19), worked by hand. Year 2026 (365 days).
 * Categories: PH practical help per hour (overhead: the setting, 6 %), HP helhedspleje forløb
 * per week (6.0 %), MAD meal delivery per day (3.6 %), FRI friplejebolig per month (6.3 %): the
 * overhead rates set in 2025 for each area (published).
 *
 *   line 1 wages 1 000 000.00, shares PH 20 / HP 50 / MAD 10 / FRI 20
 *          → PH 200 000.00, HP 500 000.00, MAD 100 000.00, FRI 200 000.00
 *   line 2 administration 100 000.00, shares PH 40 / HP 60 → PH 40 000.00, HP 60 000.00
 *
 *   PH  240 000.00 ÷ 1000 h        = 240.00 /h   × 1.06            = 254.40 per hour
 *   HP  560 000.00 ÷ 5000 level-days = 112.00 /day × 1.060 × 7      = 831.04 per week
 *   MAD 100 000.00 ÷ 4000 level-days =  25.00 /day × 1.036          =  25.90 per day
 *   FRI 200 000.00 ÷ 3650 level-days =  54.7945… /day × 1.063 × 365/12
 *       = 200 000 × 106.3 × 365 ÷ (3650 × 100 × 12) = 1 771.666… → 1 771.67 per month
 */
const cat = (code: string, level: { unit: 'per_day' | 'per_week' | 'per_month' } | null, overheadPercent: string | null) =>
  level
    ? { code, name: code, priceGroup: code, timeBands: [], level: { code, unit: level.unit }, overheadPercent }
    : { code, name: code, priceGroup: code, timeBands: ['day'], overheadPercent };
const CATEGORIES = [
  cat('PH', null, null),
  cat('HP', { unit: 'per_week' }, '6.0'),
  cat('MAD', { unit: 'per_day' }, '3.6'),
  cat('FRI', { unit: 'per_month' }, '6.3'),
];
const hours = (code: string, deliveredHours: string, deliveredDays: string | null) => ({
  code,
  deliveredHours,
  deliveredDays,
  byBand: {},
  source: 'entered' as const,
  staffHours: null,
  method: null,
});
const HOURS = [hours('PH', '1000', null), hours('HP', '0', '5000'), hours('MAD', '0', '4000'), hours('FRI', '0', '3650')];
const line = (lineNo: number, amount: string, shares: Record<string, string>): CostLine => ({
  lineNo,
  element: lineNo === 1 ? 'wages' : 'administration',
  description: `line ${lineNo}`,
  amount,
  costType: lineNo === 1 ? 'direct' : 'indirect',
  assessmentUnit: false,
  allocation: { type: 'shares', shares },
});
const LINES = [line(1, '1000000.00', { PH: '20', HP: '50', MAD: '10', FRI: '20' }), line(2, '100000.00', { PH: '40', HP: '60' })];
const paid = (
  providerId: number,
  providerKind: string,
  categoryCode: string,
  unit: PaidHours['unit'],
  rate: string,
  minutes: number,
  paidMinutes: string,
  vatPercent = '0',
): PaidHours => ({
  providerId,
  providerRef: providerId === 7 ? 'ENT' : 'PRIV',
  providerKind,
  unit,
  categoryCode,
  band: unit === 'per_hour' ? 'day' : unit!,
  rate,
  vatPercent,
  minutes,
  paidMinutes,
});
/**
 * ENT (kind entreprenad, the general policy: symmetric):
 *   HP at 800.00 per week, 30 level-days paid in full: 30 × 1/7 = 4.285714 weeks (factor as stored)
 *   MAD at 27.00 per day: 300 days in full + 10 hospital days at 50 % = 305 paid days
 * PRIV (kind privat, its own policy: upward only):
 *   HP at 850.00 per week, 14 days = 2 weeks; FRI at 1 700.00 per month, January + February in full = 2 months;
 *   PH at 250.00 per hour, 600 minutes (VAT 25 %)
 */
const PAID = [
  paid(7, 'entreprenad', 'HP', 'per_week', '800.00', 30, '4.285714'),
  paid(7, 'entreprenad', 'MAD', 'per_day', '27.00', 310, '305'),
  paid(8, 'privat', 'HP', 'per_week', '850.00', 14, '2'),
  paid(8, 'privat', 'FRI', 'per_month', '1700.00', 59, '2'),
  paid(8, 'privat', 'PH', 'per_hour', '250.00', 600, '600', '25'),
];
const input = (o: Partial<RecalcInput> = {}): RecalcInput => ({
  year: 2026,
  categories: CATEGORIES,
  lines: LINES,
  hours: HOURS,
  settings: {
    policy: 'symmetric',
    overheadPercent: '6',
    priceDecimals: 2,
    rounding: 'half_up',
    publishedVatPercent: '25',
    kindPolicies: { privat: 'upward_only' },
  },
  paid: PAID,
  ...o,
});

describe('the recalculation of level prices (§ 19): overhead per area, policy per kind, retro over level-days', () => {
  it('prices each level from its cost per level-day with its own overhead, in the unit of its price', () => {
    const r = recalculate(input());
    expect(
      r.categories.map((c) => [c.code, c.costs.total, c.costPerHour, c.overheadPercent, c.level?.daysPerUnit ?? null, c.price]),
    ).toEqual([
      ['PH', '240000.00', '240.0000', '6', null, '254.40'],
      ['HP', '560000.00', '112.0000', '6', '7', '831.04'],
      ['MAD', '100000.00', '25.0000', '3.6', '1', '25.90'],
      ['FRI', '200000.00', '54.7945', '6.3', '365/12', '1771.67'],
    ]);
    // Published incl. 25 % VAT: 831.04 × 1.25 = 1 038.80; 1 771.67 × 1.25 = 2 214.5875 → 2 214.59
    expect(r.categories.find((c) => c.code === 'FRI')!.publishedPriceInclVat).toBe('2214.59');
    expect(r.categories.find((c) => c.code === 'HP')!.publishedPriceInclVat).toBe('1038.80');
  });

  it('settles each provider over the level-days paid, by its kind’s policy', () => {
    const r = recalculate(input());
    const lines = (id: number) =>
      r.adjustments
        .find((a) => a.providerId === id)!
        .lines.map((l) => [l.categoryCode, l.unit ?? 'per_hour', l.policy, l.difference, l.minutes, l.hours, l.amount]);
    expect(lines(7)).toEqual([
      // (831.04 − 800.00) × 4.285714 weeks = 31.04 × 4.285714 = 133.0285… → 133.03
      ['HP', 'per_week', 'symmetric', '31.0400', 30, '4.28571400', '133.03'],
      // (25.90 − 27.00) × 305 days = −1.10 × 305 = −335.50: symmetric, the provider repays
      ['MAD', 'per_day', 'symmetric', '-1.1000', 310, '305.00000000', '-335.50'],
    ]);
    // 133.03 − 335.50 = −202.47, no VAT
    expect(r.adjustments.find((a) => a.providerId === 7)).toMatchObject({
      totalExclVat: '-202.47',
      vatTotal: '0.00',
      totalInclVat: '-202.47',
    });
    expect(lines(8)).toEqual([
      // PH (254.40 − 250.00) × 600 / 60 = 4.40 × 10 = 44.00
      ['PH', 'per_hour', 'upward_only', '4.4000', 600, '10.00000000', '44.00'],
      // HP 831.04 − 850.00 = −18.96: upward only settles nothing, so no line
      // FRI (1 771.67 − 1 700.00) × 2 months = 71.67 × 2 = 143.34
      ['FRI', 'per_month', 'upward_only', '71.6700', 59, '2.00000000', '143.34'],
    ]);
    // 44.00 + 143.34 = 187.34; VAT 25 % of 44.00 = 11.00 → 198.34
    expect(r.adjustments.find((a) => a.providerId === 8)).toMatchObject({
      totalExclVat: '187.34',
      vatTotal: '11.00',
      totalInclVat: '198.34',
    });
    expect(r.totals.adjustmentsExclVat).toBe('-15.13');
  });

  it('a month is the days of the year ÷ 12 (366 in a leap year)', () => {
    expect(daysPerUnit('per_month', 2026)).toEqual({ numerator: 365, denominator: 12 });
    expect(daysPerUnit('per_month', 2028)).toEqual({ numerator: 366, denominator: 12 });
    expect(daysPerUnit('per_week', 2028)).toEqual({ numerator: 7, denominator: 1 });
  });

  it('refuses a level without level-days or without cost data, naming the level', () => {
    const noDays = () => recalculate(input({ hours: HOURS.map((h) => (h.code === 'MAD' ? { ...h, deliveredDays: null } : h)) }));
    expect(noDays).toThrow(RecalcInputError);
    expect(noDays).toThrow(
      'hours.MAD: level MAD has no delivered level-days of the in-house provider: settle its level days or enter deliveredDays',
    );
    const noCost = () => recalculate(input({ lines: [line(1, '1000000.00', { PH: '20', HP: '60', FRI: '20' }), LINES[1]!] }));
    expect(noCost).toThrow('categories.MAD: level MAD has no cost data: give it a share of the cost lines (or a staff-hours key)');
  });
});
