import { describe, expect, it } from 'vitest';
import { addDays, dateOf, dayNumber, isoWeekOf, mondayOfIsoWeek, monthOf, weekdayOf } from './dates.js';

describe('calendar dates', () => {
  it.each([
    ['2026-01-01', 4, 2026, 1, '2025-12-29'],
    ['2025-12-29', 1, 2026, 1, '2025-12-29'],
    ['2026-12-31', 4, 2026, 53, '2026-12-28'],
    ['2027-01-03', 7, 2026, 53, '2026-12-28'],
    ['2027-01-04', 1, 2027, 1, '2027-01-04'],
    ['2024-02-29', 4, 2024, 9, '2024-02-26'],
    ['2021-01-03', 7, 2020, 53, '2020-12-28'],
  ])('%s: weekday %i, ISO week %i-W%i from %s', (date, weekday, year, week, monday) => {
    expect(weekdayOf(dayNumber(date))).toBe(weekday);
    expect(isoWeekOf(date)).toEqual({ year, week, monday });
    expect(mondayOfIsoWeek(year, week)).toBe(monday);
  });

  it('round-trips day numbers and counts month lengths', () => {
    expect(dateOf(dayNumber('1999-12-31') + 1)).toBe('2000-01-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(monthOf(dayNumber('2028-02-15'))).toEqual({ first: dayNumber('2028-02-01'), days: 29 });
    expect(monthOf(dayNumber('2026-12-31'))).toEqual({ first: dayNumber('2026-12-01'), days: 31 });
    expect(() => dayNumber('2026-3-1')).toThrow(RangeError);
  });
});
