import { describe, expect, it } from 'vitest';
import { parseIsoWeek, previousWeek, weekOf, weeksInYear } from './iso-week.js';

describe('ISO weeks', () => {
  it.each<[number, number]>([
    [2020, 53],
    [2021, 52],
    [2025, 52],
    [2026, 53],
    [2027, 52],
    [2032, 53],
  ])('%i has %i weeks', (year, weeks) => {
    expect(weeksInYear(year)).toBe(weeks);
  });

  it.each<[string, string | null, string | null]>([
    ['2026-W01', '2025-12-29', '2026-01-05'],
    ['2026-W10', '2026-03-02', '2026-03-09'],
    ['2026-W53', '2026-12-28', '2027-01-04'],
    ['2025-W53', null, null],
    ['2026-W00', null, null],
    ['2026-10', null, null],
  ])('%s', (key, monday, end) => {
    const w = parseIsoWeek(key);
    expect(w ? [w.monday, w.end] : [null, null]).toEqual([monday, end]);
  });

  it('finds the week of a date and the week before', () => {
    expect(weekOf('2027-01-03').key).toBe('2026-W53');
    expect(weekOf('2027-01-04').key).toBe('2027-W01');
    expect(previousWeek('2027-01-04').key).toBe('2026-W53');
    expect(previousWeek('2026-01-05').key).toBe('2026-W01');
  });
});
