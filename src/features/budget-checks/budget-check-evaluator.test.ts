import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { RateInForce } from '../prices/prices-store.js';
import {
  evaluateWeek,
  RateBook,
  weekShare,
  type BudgetLine,
  type CheckAbsence,
  type CheckGrant,
  type CheckInput,
  type CheckPriceList,
  type CheckSettings,
  type DeliveredMinutes,
} from './budget-check-evaluator.js';
import { parseIsoWeek } from './iso-week.js';

const rate = (priceGroup: string, timeBand: string, value: string, over: Partial<RateInForce> = {}): RateInForce => ({
  priceGroup,
  timeBand,
  providerKind: 'municipal',
  area: null,
  unit: 'per_hour',
  rate: new Decimal(value),
  ...over,
});

const LIST: CheckPriceList = {
  id: 1,
  validFrom: '2025-01-01',
  validTo: null,
  rates: [
    rate('PP', 'day', '500'),
    rate('PP', 'evening', '600'),
    rate('PP', 'day', '520', { providerKind: 'private' }),
    rate('PP', 'day', '560', { area: 'rural' }),
    rate('PH', 'day', '390'),
    rate('PH', 'evening', '410'),
    rate('MAD', 'day', '58', { unit: 'per_visit' }),
  ],
};

const SETTINGS: CheckSettings = {
  watchAbovePercent: new Decimal(-2),
  overAbovePercent: new Decimal(0),
  targetMinHours: new Decimal('3.0'),
  targetMaxHours: new Decimal('3.5'),
  defaultTimeBand: 'day',
};

let nextId = 1;
const grant = (over: Partial<CheckGrant> = {}): CheckGrant => ({
  id: nextId++,
  citizenId: 1,
  category: 'personal_care',
  area: 'urban',
  priceGroup: 'PP',
  billingUnit: 'per_minute',
  providerKind: 'municipal',
  timeBand: null,
  frequency: { type: 'daily', count: 1 },
  validFrom: '2025-01-01',
  validTo: null,
  minutesPerOccurrence: 30,
  staffCount: 1,
  ...over,
});

const week = (key: string) => parseIsoWeek(key)!;
const input = (key: string, over: Partial<CheckInput> = {}): CheckInput => ({
  week: week(key),
  grants: [],
  absences: [],
  priceLists: [LIST],
  services: [
    { code: 'PP01', category: 'personal_care', priceGroup: 'PP', billingUnit: 'per_minute' },
    { code: 'PH01', category: 'practical_help', priceGroup: 'PH', billingUnit: 'per_minute' },
    { code: 'MA01', category: 'meals', priceGroup: 'MAD', billingUnit: 'per_visit' },
  ],
  budgets: [],
  settings: SETTINGS,
  delivered: [],
  ...over,
});
const line = (id: number, amount: string, area: string | null = null, category: BudgetLine['category'] = null): BudgetLine => ({
  id,
  area,
  category,
  amount: new Decimal(amount),
});

describe('granted staff minutes of one grant in an ISO week', () => {
  const absence = (validFrom: string, validTo: string | null, citizenId = 1): CheckAbsence => ({ citizenId, validFrom, validTo });
  it.each<[string, string, Partial<CheckGrant>, CheckAbsence[], number]>([
    ['daily ×2 × 15 min', '2026-W10', { frequency: { type: 'daily', count: 2 }, minutesPerOccurrence: 15 }, [], 210],
    ['3 per week', '2026-W10', { frequency: { type: 'weekly', count: 3 } }, [], 90],
    ['given weekdays ×2 at the weekend', '2026-W10', { frequency: { type: 'weekdays', count: 2, weekdays: [6, 7] } }, [], 120],
    [
      'double staffing counts twice',
      '2026-W10',
      { frequency: { type: 'daily', count: 1 }, minutesPerOccurrence: 15, staffCount: 2 },
      [],
      210,
    ],
    // every 2nd week from the week of validFrom (2026-W10): on, off, on
    ['biweekly, the start week', '2026-W10', { frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-03-04' }, [], 0],
    ['biweekly from a Monday, the start week', '2026-W10', { frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-03-02' }, [], 30],
    ['biweekly, the off week', '2026-W11', { frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-03-02' }, [], 0],
    ['biweekly, the next on week', '2026-W12', { frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-03-02' }, [], 30],
    // 2026 has 53 ISO weeks: from W52 (21 Dec) the off week is W53 and 2027-W01 is on again
    ['biweekly in week 53 (off)', '2026-W53', { frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-12-21' }, [], 0],
    ['biweekly in 2027-W01 (on)', '2027-W01', { frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-12-21' }, [], 30],
    ['daily in week 53, grant ends at the year end', '2026-W53', { validTo: '2027-01-01' }, [], 120],
    ['daily in 2026-W01, grant starts 1 January (week began 29 December)', '2026-W01', { validFrom: '2026-01-01' }, [], 120],
    ['2 per month across a month boundary: only 1 April falls in W14', '2026-W14', { frequency: { type: 'monthly', count: 2 } }, [], 30],
    ['4 per month in a week of February', '2026-W07', { frequency: { type: 'monthly', count: 4 } }, [], 30],
    ['grant ends on a Thursday (exclusive)', '2026-W10', { validTo: '2026-03-05' }, [], 90],
    ['hospital stay Wednesday to Friday', '2026-W10', {}, [absence('2026-03-04', '2026-03-07')], 120],
    ['open-ended absence from Saturday', '2026-W10', {}, [absence('2026-03-07', null)], 150],
    ['absence covering the whole week', '2026-W10', { frequency: { type: 'weekly', count: 2 } }, [absence('2026-02-20', '2026-03-20')], 0],
    ['absence of another citizen', '2026-W10', {}, [absence('2026-03-02', '2026-03-09', 2)], 210],
    [
      '2 per week, the Thursday visit lost to an absence',
      '2026-W10',
      { frequency: { type: 'weekly', count: 2 } },
      [absence('2026-03-05', '2026-03-06')],
      30,
    ],
  ])('%s', (_name, key, g, absences, minutes) => {
    const r = evaluateWeek(input(key, { grants: [grant(g)], absences }));
    expect(r.grantedMinutes).toBe(minutes);
    expect(r.contributions.minutes).toEqual(minutes > 0 ? [minutes] : []);
  });
});

describe('grants that make no hours', () => {
  it('counts a per-visit service, an unknown service and a price group without hourly rates as excluded', () => {
    const r = evaluateWeek(
      input('2026-W10', {
        grants: [
          grant({ category: 'meals', priceGroup: 'MAD', billingUnit: 'per_visit' }),
          grant({ priceGroup: null, billingUnit: null }),
          grant({ priceGroup: 'NOPRICE' }),
          grant({}),
        ],
      }),
    );
    expect(r.excluded).toEqual({ noService: 1, notHourly: 1, noPrice: 1 });
    expect(r.grantedMinutes).toBe(210);
    expect(r.contributions.grantIds).toHaveLength(1);
  });
});

describe('week share of the annual budget (12 monthly parts spread over their days)', () => {
  it.each<[string, Decimal]>([
    ['2026-W10', new Decimal(7).div(12 * 31)], // 2–8 March
    ['2026-W09', new Decimal(6).div(12 * 28).plus(new Decimal(1).div(12 * 31))], // 23 Feb – 1 March
    ['2026-W53', new Decimal(4).div(12 * 31).plus(new Decimal(3).div(12 * 31))], // 28 Dec – 3 Jan: both Decembers/Januaries have 31 days
    ['2026-W01', new Decimal(7).div(12 * 31)], // 29 Dec 2025 – 4 Jan 2026
  ])('%s', (key, share) => {
    expect(weekShare(week(key)).toFixed(12)).toBe(share.toFixed(12));
  });
});

describe('budget lines split by area', () => {
  // W10 lies wholly in March: a week carries 7/372 of the annual amount.
  const urbanCitizens = Array.from({ length: 20 }, (_, i) => grant({ citizenId: 100 + i, minutesPerOccurrence: 60 }));
  const ruralCitizens = Array.from({ length: 13 }, (_, i) =>
    grant({ citizenId: 200 + i, area: 'rural', frequency: { type: 'weekly', count: 10 }, minutesPerOccurrence: 60 }),
  );
  const delivered: DeliveredMinutes[] = [
    {
      date: '2026-03-04',
      category: 'personal_care',
      area: 'urban',
      priceGroup: 'PP',
      billingUnit: 'per_minute',
      providerKind: 'municipal',
      minutes: new Decimal(7980),
    },
    {
      date: '2026-01-15',
      category: 'personal_care',
      area: 'urban',
      priceGroup: 'PP',
      billingUnit: 'per_minute',
      providerKind: 'municipal',
      minutes: new Decimal(60000),
    },
  ];
  const r = evaluateWeek(
    input('2026-W10', {
      grants: [...urbanCitizens, ...ruralCitizens],
      budgets: [line(1, '3720000', 'urban', 'personal_care'), line(2, '3720000', 'rural', 'personal_care'), line(3, '7440000')],
      delivered,
    }),
  );
  const json = (i: number) => {
    const l = r.lines[i]!;
    return {
      weekBudget: l.weekBudget.toFixed(2),
      grantedHours: l.grantedHours.toFixed(2),
      grantedCost: l.grantedCost.toFixed(2),
      weightedPrice: l.weightedPrice?.toFixed(4),
      affordableHours: l.affordableHours?.toFixed(2),
      deviationHours: l.deviationHours?.toFixed(2),
      deviationPercent: l.deviationPercent?.toFixed(2),
      deviationMoney: l.deviationMoney.toFixed(2),
      status: l.status,
      recipients: l.recipients,
      avg: l.avgHoursPerRecipient?.toFixed(2),
    };
  };

  it('urban: granted exactly the affordable hours at the urban rate → watch', () => {
    expect(json(0)).toEqual({
      weekBudget: '70000.00',
      grantedHours: '140.00',
      grantedCost: '70000.00',
      weightedPrice: '500.0000',
      affordableHours: '140.00',
      deviationHours: '0.00',
      deviationPercent: '0.00',
      deviationMoney: '0.00',
      status: 'watch',
      recipients: 20,
      avg: '7.00',
    });
  });

  it('rural: priced at the area-specific rate, 4 % over → over', () => {
    expect(json(1)).toEqual({
      weekBudget: '70000.00',
      grantedHours: '130.00',
      grantedCost: '72800.00',
      weightedPrice: '560.0000',
      affordableHours: '125.00',
      deviationHours: '5.00',
      deviationPercent: '4.00',
      deviationMoney: '2800.00',
      status: 'over',
      recipients: 13,
      avg: '10.00',
    });
  });

  it('total: weighted by granted minutes per rate', () => {
    // (140 h × 500 + 130 h × 560) / 270 h = 528.8889; 140 000 / 528.8889 = 264.71 h
    expect(json(2)).toEqual({
      weekBudget: '140000.00',
      grantedHours: '270.00',
      grantedCost: '142800.00',
      weightedPrice: '528.8889',
      affordableHours: '264.71',
      deviationHours: '5.29',
      deviationPercent: '2.00',
      deviationMoney: '2800.00',
      status: 'over',
      recipients: 33,
      avg: '8.18',
    });
  });

  it('delivery ratio of the week and the year-end forecast from spend so far plus the run rate', () => {
    const urban = r.lines[0]!;
    expect(urban.deliveredMinutes).toBe(7980);
    expect(urban.deliveryRatio?.toFixed(4)).toBe('0.9500');
    // 7980 + 60000 delivered minutes at 500/h; then 70 000 a week for the 298 days after 8 March
    expect(urban.spentSoFar.toFixed(2)).toBe('566500.00');
    expect(urban.forecast.toFixed(2)).toBe('3546500.00');
    expect(urban.forecastDeviation.toFixed(2)).toBe('-173500.00');
    expect(r.lines[1]!.deliveryRatio?.toFixed(4)).toBe('0.0000');
  });

  it('recipients by band and the average against the target band', () => {
    expect(r.recipientsByBand).toEqual({ under2: 0, from2To8: 20, from8To20: 13, from20: 0 });
    expect(r.avgHoursPerRecipient?.toFixed(2)).toBe('8.18');
    expect(r.target.status).toBe('above');
    expect(r.breakdown.map((b) => [b.category, b.area, b.grantedMinutes, b.recipients])).toEqual([
      ['personal_care', 'rural', 7800, 13],
      ['personal_care', 'urban', 8400, 20],
    ]);
  });
});

describe('status against the thresholds', () => {
  // 140 h affordable at 500/h; the grants make 133, 137.2, 140 or 140.5 hours.
  it.each<[string, number, string, string, string]>([
    ['5 % under: ok', 7980, '-2', '0', 'ok'],
    ['exactly at the watch threshold (−2 %): ok', 8232, '-2', '0', 'ok'],
    ['on budget: watch', 8400, '-2', '0', 'watch'],
    ['on budget with over at −1 %: over', 8400, '-2', '-1', 'over'],
    ['0.36 % over: over', 8430, '-2', '0', 'over'],
    ['0.36 % over, tolerant thresholds: watch', 8430, '0', '5', 'watch'],
  ])('%s', (_name, minutes, watch, over, status) => {
    const r = evaluateWeek(
      input('2026-W10', {
        grants: [grant({ frequency: { type: 'weekly', count: 1 }, minutesPerOccurrence: minutes })],
        budgets: [line(1, '3720000')],
        settings: { ...SETTINGS, watchAbovePercent: new Decimal(watch), overAbovePercent: new Decimal(over) },
      }),
    );
    expect(r.lines[0]!.status).toBe(status);
  });
});

describe('prices', () => {
  const book = new RateBook(LIST, null);
  it.each<[string, string, string | null, 'municipal' | 'private', string | null, string | null]>([
    ["the grant's band", 'PP', 'evening', 'municipal', null, '600'],
    ['private provider', 'PP', 'day', 'private', 'urban', '520'],
    ['area-specific rate first', 'PP', 'day', 'municipal', 'rural', '560'],
    ['any-area rate when the area has none', 'PP', 'day', 'municipal', 'urban', '500'],
    ['no band and no default: mean over the bands', 'PH', null, 'municipal', null, '400'],
    ['unknown band: mean over the bands', 'PP', 'night', 'municipal', null, '550'],
    ['per-visit rates are not hourly', 'MAD', 'day', 'municipal', null, null],
  ])('%s', (_name, group, band, kind, area, expected) => {
    expect(book.hourly(group, band, kind, area)?.toString() ?? null).toBe(expected);
  });

  it('a price list that changes mid-week prices each day with its own list', () => {
    const a: CheckPriceList = { id: 1, validFrom: '2025-01-01', validTo: '2026-03-05', rates: [rate('PP', 'day', '400')] };
    const b: CheckPriceList = { id: 2, validFrom: '2026-03-05', validTo: null, rates: [rate('PP', 'day', '500')] };
    const r = evaluateWeek(
      input('2026-W10', { priceLists: [a, b], grants: [grant({ minutesPerOccurrence: 60 })], budgets: [line(1, '372000')] }),
    );
    // Monday–Wednesday 3 h at 400, Thursday–Sunday 4 h at 500
    expect(r.lines[0]!.grantedCost.toFixed(2)).toBe('3200.00');
    expect(r.lines[0]!.weightedPrice?.toFixed(4)).toBe('457.1429');
    expect(r.priceListIds).toEqual([1, 2]);
  });

  it('a line without granted hours uses the mean hourly rate of its services; one without hourly services has no price', () => {
    const r = evaluateWeek(
      input('2026-W10', {
        grants: [grant({})],
        budgets: [line(1, '372000', null, 'practical_help'), line(2, '372000', null, 'meals'), line(3, '372000', null, 'personal_care')],
      }),
    );
    expect(r.lines.map((l) => [l.status, l.weightedPrice?.toFixed(4) ?? null, l.affordableHours?.toFixed(2) ?? null])).toEqual([
      ['ok', '400.0000', '17.50'],
      ['no_price', null, null],
      ['ok', '500.0000', '14.00'],
    ]);
    expect(r.unbudgetedMinutes).toBe(0);
  });

  it('reports granted minutes that no budget line covers', () => {
    const r = evaluateWeek(
      input('2026-W10', {
        grants: [
          grant({}),
          grant({
            citizenId: 2,
            category: 'practical_help',
            priceGroup: 'PH',
            frequency: { type: 'weekly', count: 1 },
            minutesPerOccurrence: 60,
          }),
        ],
        budgets: [line(1, '372000', null, 'personal_care')],
      }),
    );
    expect(r.unbudgetedMinutes).toBe(60);
    expect(r.recipients).toBe(2);
    expect(r.recipientsByBand).toEqual({ under2: 1, from2To8: 1, from8To20: 0, from20: 0 });
  });
});
