import { describe, expect, it } from 'vitest';
import type { ProviderKind } from './engine-types.js';
import {
  aCancelledVisit,
  aChoice,
  aCitizen,
  aGrant,
  anAbsence,
  anInput,
  aRate,
  aService,
  aVisit,
  exampleModel,
  servicesByCode,
} from './testing/engine-builders.js';
import { settle } from './testing/settle.js';

/**
 * The published examples of DOMAIN.md §4, settled with the example models of
 * docs/reimbursement-model.md. Published figures: Stockholm 2024 night 260 kr per visit and alarm
 * 197 kr per month (private); Solna 2024 cancellations 50/75/55 % and hospital 75 %/25 %;
 * Tyresö 2021 ±1.5 %; Jönköping 2016 414.80 urban vs 506.70 rural kr/h. Hourly rates not
 * published there are illustrative round numbers. Every expected amount is worked out by hand.
 */
const totalsOf = (r: ReturnType<typeof settle>) => ({ excl: r.totalExclVat, vat: r.vatTotal, incl: r.totalInclVat });
const categories = (r: ReturnType<typeof settle>) => Object.fromEntries(r.totalsByCategory.map((t) => [t.category, t.amount]));

describe('Stockholm 2024: delivered time 07–22, night per visit, alarm per month', () => {
  const input = anInput(exampleModel('stockholm-2024'), {
    services: servicesByCode(
      aService('PC', 'personal_care', 'omvardnad'),
      aService('NATT', 'night_patrol', 'natt', 10),
      aService('LARM', 'alarm', 'larm', 0),
    ),
    rates: [
      aRate('omvardnad', 'day', '470.00'),
      aRate('natt', 'night', '260.00', { unit: 'per_visit' }),
      aRate('larm', 'month', '197.00', { unit: 'per_month' }),
    ],
    citizens: [aCitizen(1), aCitizen(2), aCitizen(3)],
    choices: [
      aChoice(1, 'personal_care'),
      aChoice(1, 'night_patrol'),
      aChoice(2, 'alarm'),
      aChoice(3, 'alarm', { validFrom: '2026-03-20' }),
    ],
    grants: [
      aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 45, frequency: { type: 'weekly', count: 2 } }),
      aGrant(1, 'NATT', 'night_patrol', { minutesPerOccurrence: 10, frequency: { type: 'weekdays', count: 1, weekdays: [2, 4, 6] } }),
      aGrant(2, 'LARM', 'alarm', { frequency: { type: 'monthly', count: 1 } }),
      aGrant(3, 'LARM', 'alarm', { frequency: { type: 'monthly', count: 1 } }),
    ],
    visits: [
      aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:45'),
      aVisit(1, 'PC', '2026-03-05 08:00', '2026-03-05 08:50'),
      aVisit(1, 'NATT', '2026-03-03 23:10', '2026-03-03 23:20'),
      aVisit(1, 'NATT', '2026-03-05 02:00', '2026-03-05 02:12'),
      // the spring-forward night: 01:50–03:05 local is 15 minutes; a per-visit price is the same anyway
      aVisit(1, 'NATT', '2026-03-29 01:50', '2026-03-29 03:05'),
    ],
  });

  it('pays 3 night visits × 260, 2 alarm customers × 197 and 95 delivered minutes × 470/h', () => {
    const r = settle(input);
    // night 3 × 260 = 780.00; alarm 2 × 197 = 394.00 (no proration); personal care 95/60 × 470 = 744.1666… → 744.17
    expect(categories(r)).toEqual({ alarm: '394.00', night_patrol: '780.00', personal_care: '744.17' });
    expect(totalsOf(r)).toEqual({ excl: '1918.17', vat: '0.00', incl: '1918.17' });
    expect(r.vat).toEqual([
      {
        percent: '0',
        exemptionReason: 'Social care under the Social Services Act is exempt from VAT (mervärdesskattelagen)',
        base: '1918.17',
        vat: '0.00',
      },
    ]);
    expect(r.lines.map((l) => [l.citizenRef, l.serviceCode, l.band, l.unit, l.visits, l.minutes, l.rate, l.amount])).toEqual([
      ['C001', 'NATT', 'night', 'per_visit', 3, 37, '260.00', '780.00'],
      ['C001', 'PC', 'day', 'per_hour', 2, 95, '470.00', '744.17'],
      ['C002', 'LARM', 'month', 'per_month', 0, 0, '197.00', '197.00'],
      ['C003', 'LARM', 'month', 'per_month', 0, 0, '197.00', '197.00'],
    ]);
    expect(r.exceptions).toEqual([]);
  });
});

describe('Solna 2024: standard times for practical help, declined visits and hospital stays', () => {
  const input = anInput(exampleModel('solna-2024'), {
    services: servicesByCode(
      aService('PC', 'personal_care', 'omvardnad', 30),
      aService('SOL-CLEAN', 'practical_help', 'service', 90),
      aService('SOL-SHOP', 'practical_help', 'service', 30),
    ),
    rates: [aRate('omvardnad', 'day', '480.00'), aRate('service', 'day', '420.00')],
    citizens: [aCitizen(1), aCitizen(2)],
    choices: [aChoice(1, 'personal_care'), aChoice(1, 'practical_help'), aChoice(2, 'personal_care')],
    grants: [
      aGrant(1, 'PC', 'personal_care'),
      aGrant(1, 'SOL-CLEAN', 'practical_help', { minutesPerOccurrence: 90, frequency: { type: 'weekly', count: 1 } }),
      aGrant(1, 'SOL-SHOP', 'practical_help', { frequency: { type: 'weekly', count: 1 } }),
      aGrant(2, 'PC', 'personal_care', { minutesPerOccurrence: 45 }),
    ],
    absences: [anAbsence(2, '2026-03-16', '2026-03-25')],
    visits: [
      // (a) personal care delivered 40 min: 40 × 8.00 = 320.00
      aVisit(1, 'PC', '2026-03-02 08:00', '2026-03-02 08:40'),
      // (b) cancelled Monday 18:00 for Tuesday (deadline Monday 12:00): late, 30 × 8.00 × 50 % = 120.00
      aCancelledVisit(1, 'PC', '2026-03-03 08:00', '2026-03-03 08:30', 'cancelled_by_citizen', { cancelledAtLocal: '2026-03-02 18:00' }),
      // (c) cleaning delivered in 110 min, paid its standard 90: 90 × 7.00 = 630.00
      aVisit(1, 'SOL-CLEAN', '2026-03-04 10:00', '2026-03-04 11:50'),
      // (d) cleaning, citizen not at home: 90 × 7.00 × 75 % = 472.50
      aCancelledVisit(1, 'SOL-CLEAN', '2026-03-11 10:00', '2026-03-11 11:30', 'no_show'),
      // (e) shopping, citizen not at home: 30 × 7.00 × 55 % = 115.50
      aCancelledVisit(1, 'SOL-SHOP', '2026-03-12 10:00', '2026-03-12 10:30', 'no_show'),
      // (f) shopping cancelled on Monday for Thursday: in time, 0.00
      aCancelledVisit(1, 'SOL-SHOP', '2026-03-19 10:00', '2026-03-19 10:30', 'cancelled_by_citizen', {
        cancelledAtLocal: '2026-03-16 09:00',
      }),
      // hospital from Monday 16 March, planned 45-minute visits: day 1 75 % = 270.00, days 2–3 25 % = 90.00 each, day 6 0 %
      ...['16', '17', '18', '21'].map((d) => aCancelledVisit(2, 'PC', `2026-03-${d} 08:00`, `2026-03-${d} 08:45`, 'cancelled_by_citizen')),
    ],
  });

  it('pays 50 % / 75 % / 55 % for declined visits, standard times for practical help and 75 % / 25 % of the planned visits in hospital', () => {
    const r = settle(input);
    expect(
      r.lines.map((l) => [l.citizenRef, l.serviceCode, l.kind, l.visits, l.minutes, l.factor, l.amount, l.reasonCodes.at(-1)]),
    ).toEqual([
      ['C001', 'PC', 'visit', 1, 40, '1', '320.00', 'basis.delivered'],
      ['C001', 'PC', 'cancellation', 1, 30, '0.5', '120.00', 'cancel.late.50'],
      ['C001', 'SOL-CLEAN', 'visit', 1, 90, '1', '630.00', 'basis.per_service'],
      ['C001', 'SOL-CLEAN', 'cancellation', 1, 90, '0.75', '472.50', 'cancel.noshow.75'],
      ['C001', 'SOL-SHOP', 'cancellation', 1, 30, '0', '0.00', 'cancel.timely.0'],
      ['C001', 'SOL-SHOP', 'cancellation', 1, 30, '0.55', '115.50', 'cancel.noshow.55'],
      ['C002', 'PC', 'hospital', 1, 45, '0', '0.00', 'hospital.day6.0'],
      ['C002', 'PC', 'hospital', 2, 90, '0.25', '180.00', 'hospital.day3.25'],
      // planned care from the daily grant on days 4–5 (19, 20 March), nothing registered: 2 × 45 × 8.00 × 25 % = 180.00
      // (days 7–9 pay 0 % and give no line)
      ['C002', 'PC', 'hospital', 2, 90, '0.25', '180.00', 'hospital.day5.25'],
      ['C002', 'PC', 'hospital', 1, 45, '0.75', '270.00', 'hospital.day1.75'],
    ]);
    // personal care 320 + 120 + 270 + 180 + 180 = 1070.00; practical help 630 + 472.50 + 115.50 = 1218.00
    expect(categories(r)).toEqual({ personal_care: '1070.00', practical_help: '1218.00' });
    expect(totalsOf(r)).toEqual({ excl: '2288.00', vat: '0.00', incl: '2288.00' });
    expect(r.exceptions).toEqual([]);
  });
});

describe('Tyresö 2021: private +1.5 %, municipal −1.5 %', () => {
  const run = (kind: ProviderKind) => {
    const input = anInput(exampleModel('tyreso-2021'), {
      provider: { id: 1, ref: kind, kind, vatStatus: kind === 'private' ? 'registered' : 'not_registered' },
      services: servicesByCode(aService('HT', 'personal_care', 'hemtjanst')),
      rates: [aRate('hemtjanst', 'day', '450.00', { kind })],
      citizens: [aCitizen(1)],
      choices: [aChoice(1, 'personal_care')],
      grants: [aGrant(1, 'HT', 'personal_care', { minutesPerOccurrence: 45, frequency: { type: 'weekly', count: 3 } })],
      visits: [
        aVisit(1, 'HT', '2026-03-02 09:00', '2026-03-02 10:00'),
        aVisit(1, 'HT', '2026-03-04 09:00', '2026-03-04 09:45'),
        aVisit(1, 'HT', '2026-03-06 09:00', '2026-03-06 09:35'),
      ],
    });
    return settle(input);
  };

  it.each<[ProviderKind, string, string, string]>([
    // 140 minutes × 450/h = 1050.00; × 1.015 = 1065.75; × 0.985 = 1034.25
    ['private', '1.015', '1065.75', 'kind.private+1.5'],
    ['municipal', '0.985', '1034.25', 'kind.municipal-1.5'],
  ])('%s provider', (kind, factor, amount, reason) => {
    const r = run(kind);
    expect(r.lines.map((l) => [l.minutes, l.rate, l.factor, l.amount, l.reasonCodes])).toEqual([
      [140, '450.00', factor, amount, ['basis.delivered', reason]],
    ]);
    expect(totalsOf(r)).toEqual({ excl: amount, vat: '0.00', incl: amount });
  });
});

describe('Jönköping 2016: 414.80 urban vs 506.70 rural kr/h', () => {
  it('selects the rate by the visit area, else the citizen area, and rounds half-up per line', () => {
    const input = anInput(exampleModel('jonkoping-2016'), {
      services: servicesByCode(aService('HT', 'personal_care', 'hemtjanst')),
      rates: [aRate('hemtjanst', 'all', '414.80', { area: 'urban' }), aRate('hemtjanst', 'all', '506.70', { area: 'rural' })],
      citizens: [aCitizen(1, 'urban'), aCitizen(2, 'rural')],
      choices: [aChoice(1, 'personal_care'), aChoice(2, 'personal_care')],
      grants: [
        aGrant(1, 'HT', 'personal_care', { minutesPerOccurrence: 60 }),
        aGrant(2, 'HT', 'personal_care', { minutesPerOccurrence: 45 }),
      ],
      visits: [
        aVisit(1, 'HT', '2026-03-02 09:00', '2026-03-02 10:00'),
        // at the summer cottage: the visit's area wins over the citizen's
        aVisit(1, 'HT', '2026-03-07 09:00', '2026-03-07 09:20', { area: 'rural' }),
        aVisit(2, 'HT', '2026-03-03 09:00', '2026-03-03 09:45'),
      ],
    });
    const r = settle(input);
    // urban 60 min = 414.80; rural 20 min = 506.70 / 3 = 168.90; rural 45 min = 380.025 → 380.03
    expect(r.lines.map((l) => [l.citizenRef, l.minutes, l.rate, l.amount, l.reasonCodes.at(-1)])).toEqual([
      ['C001', 60, '414.80', '414.80', 'area.rate.urban'],
      ['C001', 20, '506.70', '168.90', 'area.rate.rural'],
      ['C002', 45, '506.70', '380.03', 'area.rate.rural'],
    ]);
    expect(r.totalExclVat).toBe('963.73');
  });
});

describe('Danish granted-time model: hverdag dag vs øvrige tider', () => {
  const zone = 'Europe/Copenhagen';
  const input = anInput(exampleModel('dk-granted-time'), {
    period: { from: '2026-06-01', to: '2026-07-01' },
    services: servicesByCode(aService('PP', 'personal_care', 'pp', 30), aService('PH', 'practical_help', 'ph', 60)),
    rates: [aRate('pp', 'weekday_day', '420.00'), aRate('pp', 'other_times', '504.00'), aRate('ph', 'weekday_day', '390.00')],
    citizens: [aCitizen(1), aCitizen(2)],
    choices: [aChoice(1, 'personal_care'), aChoice(2, 'personal_care'), aChoice(2, 'practical_help')],
    grants: [
      aGrant(1, 'PP', 'personal_care', { minutesPerOccurrence: 30 }),
      aGrant(2, 'PP', 'personal_care', {
        minutesPerOccurrence: 20,
        staffCount: 2,
        frequency: { type: 'weekdays', count: 1, weekdays: [4] },
      }),
      aGrant(2, 'PH', 'practical_help', { minutesPerOccurrence: 60, frequency: { type: 'biweekly', count: 1 }, validFrom: '2026-06-01' }),
    ],
    visits: [
      // granted 30 min paid whatever the duration: 30 × 7.00 = 210.00
      aVisit(1, 'PP', '2026-06-01 08:00', '2026-06-01 08:50', { zone }),
      // 14:45–15:20 crosses 15:00: 30 granted minutes shared 15:20 → 13 day (91.00) + 17 other (142.80)
      aVisit(1, 'PP', '2026-06-02 14:45', '2026-06-02 15:20', { zone }),
      // Friday 5 June is Grundlovsdag, which this model counts as a holiday: other times, 30 × 8.40 = 252.00
      aVisit(1, 'PP', '2026-06-05 10:00', '2026-06-05 10:30', { zone }),
      // Saturday: other times 252.00
      aVisit(1, 'PP', '2026-06-06 09:00', '2026-06-06 09:25', { zone }),
      // two staff, granted for two: 2 × 20 = 40 min × 7.00 = 280.00
      aVisit(2, 'PP', '2026-06-04 07:30', '2026-06-04 07:50', { zone, staffCount: 2 }),
      // practical help 60 granted × 6.50 = 390.00
      aVisit(2, 'PH', '2026-06-01 10:00', '2026-06-01 11:10', { zone }),
    ],
  });

  it('pays granted minutes at the price of their band, with Danish VAT 25 %', () => {
    const r = settle(input);
    expect(r.lines.map((l) => [l.citizenRef, l.serviceCode, l.band, l.visits, l.minutes, l.amount])).toEqual([
      ['C001', 'PP', 'other_times', 3, 77, '646.80'],
      ['C001', 'PP', 'weekday_day', 2, 43, '301.00'],
      ['C002', 'PH', 'weekday_day', 1, 60, '390.00'],
      ['C002', 'PP', 'weekday_day', 1, 40, '280.00'],
    ]);
    expect(r.totalsByBand).toEqual([
      { band: 'other_times', minutes: 77, amount: '646.80' },
      { band: 'weekday_day', minutes: 143, amount: '971.00' },
    ]);
    // 1617.80 × 25 % = 404.45
    expect(totalsOf(r)).toEqual({ excl: '1617.80', vat: '404.45', incl: '2022.25' });
    expect(r.lines[3]!.reasonCodes).toEqual(['basis.granted', 'staff.double']);
    expect(r.visitLines.filter((v) => v.date === '2026-06-02').map((v) => [v.band, v.minutes, v.amount, v.reasonCodes])).toEqual([
      ['weekday_day', 13, '91.00', ['basis.granted', 'band.split']],
      ['other_times', 17, '142.80', ['basis.granted', 'band.split']],
    ]);
  });

  it('a municipal provider that is not VAT registered invoices without VAT', () => {
    const r = settle({ ...input, provider: { ...input.provider, vatStatus: 'not_registered' } });
    expect(r.vat).toEqual([{ percent: '0', exemptionReason: 'The provider is not registered for VAT', base: '1617.80', vat: '0.00' }]);
  });

  it('lists a practical-help grant with no visit in its on-week as never delivered', () => {
    // the biweekly PH grant (from Monday 1 June) is also due on 15 and 29 June; one visit covers the grant as a whole
    const r = settle({ ...input, visits: input.visits.filter((v) => !v.serviceCodes.includes('PH')) });
    expect(r.exceptions.map((e) => [e.kind, e.serviceCode, e.date, e.minutes, e.amount])).toEqual([
      ['grant_never_delivered', 'PH', '2026-06-01', 180, '0.00'],
    ]);
  });
});
