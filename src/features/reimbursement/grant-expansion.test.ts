import { describe, expect, it } from 'vitest';
import {
  type ExpandableGrant,
  expandGrant,
  type GrantFrequency,
  occurrenceCount,
  plannedMinutesPerWeek,
  withoutAbsences,
} from './grant-expansion.js';

const grant = (
  frequency: GrantFrequency,
  validFrom = '2020-01-01',
  validTo: string | null = null,
  minutesPerOccurrence = 30,
  staffCount = 1,
): ExpandableGrant => ({
  frequency,
  validFrom,
  validTo,
  minutesPerOccurrence,
  staffCount,
});
const flat = (list: { date: string; count: number }[]) => list.map((o) => (o.count === 1 ? o.date : `${o.date}×${o.count}`));

describe('expandGrant', () => {
  it.each<[string, ExpandableGrant, string, string, string[]]>([
    ['daily ×2', grant({ type: 'daily', count: 2 }), '2026-03-01', '2026-03-04', ['2026-03-01×2', '2026-03-02×2', '2026-03-03×2']],
    [
      'daily across the year end',
      grant({ type: 'daily', count: 1 }),
      '2026-12-30',
      '2027-01-02',
      ['2026-12-30', '2026-12-31', '2027-01-01'],
    ],
    ['1 per week: Mondays', grant({ type: 'weekly', count: 1 }), '2026-03-01', '2026-03-17', ['2026-03-02', '2026-03-09', '2026-03-16']],
    ['2 per week: Monday and Thursday', grant({ type: 'weekly', count: 2 }), '2026-03-02', '2026-03-09', ['2026-03-02', '2026-03-05']],
    [
      '3 per week: Monday, Wednesday, Friday',
      grant({ type: 'weekly', count: 3 }),
      '2026-03-02',
      '2026-03-09',
      ['2026-03-02', '2026-03-04', '2026-03-06'],
    ],
    ['7 per week: every day', grant({ type: 'weekly', count: 7 }), '2026-03-02', '2026-03-05', ['2026-03-02', '2026-03-03', '2026-03-04']],
    ['14 per week: twice a day', grant({ type: 'weekly', count: 14 }), '2026-03-07', '2026-03-09', ['2026-03-07×2', '2026-03-08×2']],
    // partial week: valid from a Wednesday, so this week's Monday occurrence is not owed, Thursday is
    [
      '2 per week, starting on a Wednesday',
      grant({ type: 'weekly', count: 2 }, '2026-03-04'),
      '2026-03-01',
      '2026-03-16',
      ['2026-03-05', '2026-03-09', '2026-03-12'],
    ],
    [
      'weekly, ending on a Thursday (exclusive)',
      grant({ type: 'weekly', count: 2 }, '2020-01-01', '2026-03-12'),
      '2026-03-01',
      '2026-03-31',
      ['2026-03-02', '2026-03-05', '2026-03-09'],
    ],
    [
      'weekly through ISO week 53 of 2026',
      grant({ type: 'weekly', count: 1 }),
      '2026-12-20',
      '2027-01-12',
      ['2026-12-21', '2026-12-28', '2027-01-04', '2027-01-11'],
    ],
    // every 2nd week from the week of validFrom (W52 2026, Monday 21 Dec): W53 is off, 2027-W01 is on.
    // Parity by week number would wrongly put W53 and W01 (both odd) in the same phase.
    [
      'biweekly across week 53',
      grant({ type: 'biweekly', count: 1 }, '2026-12-21'),
      '2026-12-01',
      '2027-02-01',
      ['2026-12-21', '2027-01-04', '2027-01-18'],
    ],
    [
      'biweekly from mid-week: the first week still counts as week 0',
      grant({ type: 'biweekly', count: 2 }, '2026-12-23'),
      '2026-12-01',
      '2027-01-16',
      ['2026-12-24', '2027-01-04', '2027-01-07'],
    ],
    [
      'biweekly, even phase from an odd week number',
      grant({ type: 'biweekly', count: 1 }, '2026-03-09'),
      '2026-03-01',
      '2026-04-14',
      ['2026-03-09', '2026-03-23', '2026-04-06'],
    ],
    ['1 per month: the 1st', grant({ type: 'monthly', count: 1 }), '2026-01-15', '2026-04-01', ['2026-02-01', '2026-03-01']],
    [
      '2 per month: days 1 and 15 in February, 1 and 16 in March',
      grant({ type: 'monthly', count: 2 }),
      '2026-02-01',
      '2026-04-01',
      ['2026-02-01', '2026-02-15', '2026-03-01', '2026-03-16'],
    ],
    [
      '4 per month in February of a leap year',
      grant({ type: 'monthly', count: 4 }),
      '2028-02-01',
      '2028-03-01',
      ['2028-02-01', '2028-02-08', '2028-02-15', '2028-02-22'],
    ],
    ['monthly across the year end', grant({ type: 'monthly', count: 1 }), '2026-12-01', '2027-02-01', ['2026-12-01', '2027-01-01']],
    ['monthly, valid from the 10th', grant({ type: 'monthly', count: 2 }, '2026-03-10'), '2026-03-01', '2026-04-01', ['2026-03-16']],
    [
      'given weekdays ×1',
      grant({ type: 'weekdays', count: 1, weekdays: [1, 3, 5] }),
      '2026-03-02',
      '2026-03-09',
      ['2026-03-02', '2026-03-04', '2026-03-06'],
    ],
    [
      'given weekdays ×2 at the weekend',
      grant({ type: 'weekdays', count: 2, weekdays: [6, 7] }),
      '2026-03-02',
      '2026-03-16',
      ['2026-03-07×2', '2026-03-08×2', '2026-03-14×2', '2026-03-15×2'],
    ],
    ['grant ended before the range', grant({ type: 'daily', count: 1 }, '2020-01-01', '2026-03-01'), '2026-03-01', '2026-04-01', []],
    ['grant starts after the range', grant({ type: 'daily', count: 1 }, '2026-04-01'), '2026-03-01', '2026-04-01', []],
  ])('%s', (_name, g, from, to, expected) => {
    expect(flat(expandGrant(g, from, to))).toEqual(expected);
  });

  it('whole ranges add up to the frequency', () => {
    expect(occurrenceCount(expandGrant(grant({ type: 'weekly', count: 3 }), '2026-01-05', '2026-03-02'))).toBe(8 * 3);
    expect(occurrenceCount(expandGrant(grant({ type: 'biweekly', count: 2 }, '2026-01-05'), '2026-01-05', '2026-03-02'))).toBe(4 * 2);
    expect(occurrenceCount(expandGrant(grant({ type: 'monthly', count: 3 }), '2026-01-01', '2027-01-01'))).toBe(36);
    expect(occurrenceCount(expandGrant(grant({ type: 'daily', count: 3 }), '2026-01-01', '2027-01-01'))).toBe(365 * 3);
  });
});

describe('withoutAbsences', () => {
  it('drops occurrences on absence days, half-open, open-ended absences included', () => {
    const occ = expandGrant(grant({ type: 'daily', count: 1 }), '2026-03-01', '2026-03-08');
    const left = withoutAbsences(occ, [
      { validFrom: '2026-03-02', validTo: '2026-03-04' },
      { validFrom: '2026-03-07', validTo: null },
    ]);
    expect(flat(left)).toEqual(['2026-03-01', '2026-03-04', '2026-03-05', '2026-03-06']);
  });
});

describe('plannedMinutesPerWeek', () => {
  it.each<[string, ExpandableGrant, string, number, object?]>([
    ['2 per week × 30', grant({ type: 'weekly', count: 2 }), '2026-03-02', 60],
    ['daily in ISO week 53 of 2026', grant({ type: 'daily', count: 1 }), '2026-W53', 210],
    ['daily, grant ends on New Year 2027 inside week 53', grant({ type: 'daily', count: 1 }, '2020-01-01', '2027-01-01'), '2026-W53', 120],
    ['biweekly on week', grant({ type: 'biweekly', count: 1 }, '2026-12-21', null, 45), '2027-W01', 45],
    ['biweekly off week', grant({ type: 'biweekly', count: 1 }, '2026-12-21', null, 45), '2026-W53', 0],
    [
      'double staffing counted twice',
      grant({ type: 'daily', count: 2 }, '2020-01-01', null, 15, 2),
      '2026-W10',
      420,
      { multiplyByStaff: true },
    ],
    [
      'with a hospital stay Wednesday–Friday',
      grant({ type: 'daily', count: 1 }),
      '2026-W10',
      120,
      { absences: [{ validFrom: '2026-03-04', validTo: '2026-03-07' }] },
    ],
  ])('%s', (_name, g, week, minutes, options = {}) => {
    expect(plannedMinutesPerWeek(g, week, options)).toBe(minutes);
  });

  it('refuses a week start that is not a Monday', () => {
    expect(() => plannedMinutesPerWeek(grant({ type: 'daily', count: 1 }), '2026-03-03')).toThrow(/not a Monday/);
  });
});
