import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { RateInForce } from '../prices/prices-store.js';
import {
  evaluateWeek,
  RateBook,
  weekShare,
  type BudgetLine,
  type CheckAbsence,
  type CheckLevel,
  type CheckLevelGrant,
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
  it('counts a per-visit service in money; an unknown service and a price group without rates are excluded', () => {
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
    expect(r.excluded).toEqual({ noService: 1, noPrice: 1 });
    // the meal: 7 visits × 58.00 (the MAD per-visit rate)
    expect(r.nonHourly).toEqual({ grants: 1, levelGrants: 0, levelDays: 0, cost: new Decimal('406.00') });
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
      ['no_price', null, null], // a meals budget without meals granted: nothing to price

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

/**
 * The whole budget, worked by hand (docs/budget-check.md, "non-hourly services"). Week 2026-W10,
 * Monday 2 to Sunday 8 March: March has 31 days, so a week carries 7/372 of a year's budget.
 *
 * Prices: PP 500/h (municipal); level H2 (personal care, 5 h/week expected) 2,100.00 per week
 * municipal = 300 a day, 320.00 per day private; level N3 (other, no time frame) 9,300.00 per
 * month municipal = 300 a March day; level R1 (training, 3.5 h/week) 150.00 per day; meals
 * 58.00 per visit; alarm 310.00 per month = 10 a March day.
 *
 *   citizen 1  PP 60 min daily                        7 h × 500         = 3,500.00 (hourly)
 *   citizen 2  H2 municipal since 1 January           7 days × 300      = 2,100.00
 *   citizen 3  H2 private from Thursday 5 March       4 days × 320      = 1,280.00
 *   citizen 4  H2 municipal, in hospital Wed–Fri      4 days × 300      = 1,200.00
 *   citizen 5  meals daily                            7 visits × 58     =   406.00
 *   citizen 6  alarm since 27 February                7 days × 310/31   =    70.00
 *   citizen 7  N3 municipal                           7 days × 300      = 2,100.00
 *   citizen 8  R1 municipal                           7 days × 150      = 1,050.00
 *   citizen 9  level XX (not in the catalogue)        excluded: no service
 *   citizen 10 N3 private (no private N3 price)       excluded: no price
 *
 * Personal care, 372,000.00 a year → 7,000.00 this week. Hourly 7 h cost 3,500.00, so the line's
 * hour costs 500.00; its levels cost 2,100 + 1,280 + 1,200 = 4,580.00 = 9.16 equivalent hours.
 * Granted 8,080.00 against 7,000.00: +1,080.00; hours 7 + 9.16 − 14 affordable = +2.16 h,
 * 2.16 ÷ 14 = +15.43 % → over. Level-days 7 + 4 + 4 = 15.
 * Spent so far: citizen 2 from 1 January to 8 March, 67 days × 300 = 20,100.00, plus this week's
 * 1,280 + 1,200 of citizens 3 and 4 = 22,580.00 (no visits delivered); then 298 days to 31
 * December at (3,500 + 4,580) ÷ 7 a day = 343,977.142857…: forecast 366,557.14, −5,442.86
 * against the year.
 * Meals, 18,600.00 → 350.00: no hourly price, judged in money: 406 ÷ 350 − 1 = +16.00 % → over.
 * Other (N3, no time frame), 111,600.00 → 2,100.00: in money, 0.00 % → watch.
 * Training (R1 only), 74,400.00 → 1,400.00: no hourly service, so the level's time frame weighs:
 * 1,050.00 ÷ 3.5 h = 300.00 an hour; affordable 1,400 ÷ 300 = 4.67 h, granted 3.50 equivalent
 * hours, −1.17 h, −25.00 % → ok.
 * All, 1,116,000.00 → 21,000.00: hour at 500.00; non-hourly 4,580 + 406 + 70 + 2,100 + 1,050 =
 * 8,206.00 = 16.41 h; 7 + 16.412 − 42 = −18.59 h, −44.26 %, −9,294.00 → ok.
 */
describe('the whole budget: levels and other non-hourly services in money and equivalent hours', () => {
  const levelRate = (level: string, providerKind: 'municipal' | 'private', unit: 'per_day' | 'per_week' | 'per_month', value: string) => ({
    level,
    providerKind,
    area: null,
    unit,
    rate: new Decimal(value),
  });
  const list: CheckPriceList = {
    ...LIST,
    rates: [...LIST.rates, rate('ALM', 'day', '310', { unit: 'per_month' })],
    levelRates: [
      levelRate('H2', 'municipal', 'per_week', '2100'),
      levelRate('H2', 'private', 'per_day', '320'),
      levelRate('N3', 'municipal', 'per_month', '9300'),
      levelRate('R1', 'municipal', 'per_day', '150'),
    ],
  };
  const levelGrant = (id: number, citizenId: number, level: string, over: Partial<CheckLevelGrant> = {}): CheckLevelGrant => ({
    id,
    citizenId,
    level,
    area: 'urban',
    providerKind: 'municipal',
    validFrom: '2026-03-02',
    validTo: null,
    ...over,
  });
  const periodGrants = [grant({ citizenId: 6, category: 'alarm', priceGroup: 'ALM', billingUnit: 'per_month', validFrom: '2026-02-27' })];
  const r = evaluateWeek(
    input('2026-W10', {
      priceLists: [list],
      grants: [
        grant({ citizenId: 1, minutesPerOccurrence: 60 }),
        grant({ citizenId: 5, category: 'meals', priceGroup: 'MAD', billingUnit: 'per_visit', validFrom: '2026-03-02' }),
        ...periodGrants,
      ],
      periodGrants,
      levelGrants: [
        levelGrant(1, 2, 'H2', { validFrom: '2026-01-01' }),
        levelGrant(2, 3, 'H2', { providerKind: 'private', validFrom: '2026-03-05' }),
        levelGrant(3, 4, 'H2'),
        levelGrant(4, 7, 'N3'),
        levelGrant(5, 8, 'R1'),
        levelGrant(6, 9, 'XX'),
        levelGrant(7, 10, 'N3', { providerKind: 'private' }),
      ],
      levels: new Map<string, CheckLevel>([
        ['H2', { category: 'personal_care', expectedHoursPerWeek: new Decimal('5.00') }],
        ['N3', { category: 'other', expectedHoursPerWeek: null }],
        ['R1', { category: 'training', expectedHoursPerWeek: new Decimal('3.5') }],
      ]),
      absences: [{ citizenId: 4, validFrom: '2026-03-04', validTo: '2026-03-07' }],
      budgets: [
        line(1, '372000', null, 'personal_care'),
        line(2, '18600', null, 'meals'),
        line(3, '111600', null, 'other'),
        line(4, '74400', null, 'training'),
        line(5, '1116000'),
      ],
    }),
  );
  const fig = (i: number) => {
    const l = r.lines[i]!;
    const s = (d: Decimal | null, p = 2) => (d === null ? null : d.toFixed(p));
    return [
      s(l.weekBudget),
      s(l.grantedHours),
      s(l.equivalentHours),
      s(l.grantedCost),
      s(l.nonHourlyCost),
      s(l.weightedPrice, 4),
      s(l.affordableHours),
      s(l.deviationHours),
      s(l.deviationPercent),
      s(l.deviationMoney),
      l.status,
      l.levelDays,
    ];
  };

  it.each<[string, number, unknown[]]>([
    [
      'personal care: hourly and levels',
      0,
      ['7000.00', '7.00', '9.16', '8080.00', '4580.00', '500.0000', '14.00', '2.16', '15.43', '1080.00', 'over', 15],
    ],
    ['meals: per visit, in money only', 1, ['350.00', '0.00', null, '406.00', '406.00', null, null, null, '16.00', '56.00', 'over', 0]],
    [
      'other: a level without a time frame, in money',
      2,
      ['2100.00', '0.00', null, '2100.00', '2100.00', null, null, null, '0.00', '0.00', 'watch', 7],
    ],
    [
      'training: weighed by the time frame',
      3,
      ['1400.00', '0.00', '3.50', '1050.00', '1050.00', '300.0000', '4.67', '-1.17', '-25.00', '-350.00', 'ok', 7],
    ],
    ['all', 4, ['21000.00', '7.00', '16.41', '11706.00', '8206.00', '500.0000', '42.00', '-18.59', '-44.26', '-9294.00', 'ok', 29]],
  ])('%s', (_name, i, expected) => {
    expect(fig(i)).toEqual(expected);
  });

  it('counts the level-days and the non-hourly grants, and what it left out', () => {
    expect(r.nonHourly).toEqual({ grants: 2, levelGrants: 5, levelDays: 29, cost: new Decimal('8206.00') });
    expect(r.excluded).toEqual({ noService: 1, noPrice: 1 });
  });

  it('spends the levels from 1 January and runs their week on to 31 December', () => {
    const pc = r.lines[0]!;
    expect([pc.spentSoFar.toFixed(2), pc.forecast.toFixed(2), pc.forecastDeviation.toFixed(2)]).toEqual([
      '22580.00',
      '366557.14',
      '-5442.86',
    ]);
  });
});
