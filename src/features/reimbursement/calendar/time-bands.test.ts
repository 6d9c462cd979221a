import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReimbursementModel } from '../model-schema.js';
import { exampleModel } from '../testing/engine-builders.js';
import { dayNumber } from './dates.js';
import { holidaySet } from './holidays.js';
import { allocate, BandCalendar, bandOf, compileBands, splitByBand, toEpochMinute } from './time-bands.js';

const modelWith = (timeBands: ReimbursementModel['timeBands']): ReimbursementModel => ({ ...exampleModel('tyreso-2021'), timeBands });
const SE = 'Europe/Stockholm';
const noHolidays = new Set<string>();

/** Swedish "helg" from Friday 19:00 to Monday 07:00, weekday evenings, weekday days. */
const swedish = modelWith({
  bands: [
    { name: 'helg', weekdays: [5], start: '19:00', end: '24:00' },
    { name: 'helg', weekdays: [6, 7], start: '00:00', end: '24:00' },
    { name: 'helg', weekdays: [1], start: '00:00', end: '07:00' },
    { name: 'dag', weekdays: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' },
    { name: 'kvall_natt', weekdays: [1, 2, 3, 4], start: '19:00', end: '07:00' },
  ],
  holidayBand: 'storhelg',
  crossing: 'split',
});

/** A band that ends in the middle of the DST change hours. */
const early = modelWith({
  bands: [
    { name: 'early', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '03:00' },
    { name: 'rest', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '03:00', end: '24:00' },
  ],
  crossing: 'split',
});

describe('bandOf', () => {
  const hol = holidaySet('SE', 2026, 2026, { includeDeFacto: true });
  it.each([
    ['2026-03-06T18:59:00+01:00', 'dag'], // Friday
    ['2026-03-06T19:00:00+01:00', 'helg'],
    ['2026-03-08T12:00:00+01:00', 'helg'], // Sunday
    ['2026-03-09T06:59:00+01:00', 'helg'], // Monday morning, wrapped from the weekend
    ['2026-03-09T07:00:00+01:00', 'dag'],
    ['2026-03-10T19:00:00+01:00', 'kvall_natt'],
    ['2026-03-11T06:00:00+01:00', 'kvall_natt'], // Wednesday early: wrapped from Tuesday evening
    ['2026-03-10T18:00:00Z', 'kvall_natt'], // 19:00 local
    ['2026-12-24T10:00:00+01:00', 'storhelg'], // Julafton (de facto), a Thursday
    ['2026-01-06T10:00:00+01:00', 'storhelg'], // Trettondedag jul
    ['2026-06-19T10:00:00+02:00', 'storhelg'], // Midsommarafton
  ])('%s is %s', (instant, band) => {
    expect(bandOf(instant, swedish, SE, hol)).toBe(band);
  });

  it('Monday 00:00–07:00 belongs to the weekend band, not to the Sunday–Monday evening band', () => {
    expect(splitByBand('2026-03-08T23:00:00+01:00', '2026-03-09T08:00:00+01:00', swedish, SE, noHolidays)).toEqual({ helg: 480, dag: 60 });
  });
});

describe('splitting an interval in local time', () => {
  it.each([
    // spring forward, Sunday 29 March 2026: 02:00 → 03:00
    ['2026-03-29T00:30:00+01:00', '2026-03-29T03:30:00+02:00', { early: 90, rest: 30 }, 120],
    // fall back, Sunday 25 October 2026: 03:00 → 02:00; the hour 02:00–03:00 happens twice
    ['2026-10-25T00:30:00+02:00', '2026-10-25T03:30:00+01:00', { early: 210, rest: 30 }, 240],
    // an ordinary night for comparison
    ['2026-03-22T00:30:00+01:00', '2026-03-22T03:30:00+01:00', { early: 150, rest: 30 }, 180],
    // across midnight into the next day's early band
    ['2026-03-23T23:00:00+01:00', '2026-03-24T01:00:00+01:00', { rest: 60, early: 60 }, 120],
  ])('%s → %s', (start, end, expected, total) => {
    const split = splitByBand(start, end, early, SE, noHolidays);
    expect(split).toEqual(expected);
    expect(Object.values(split).reduce((a, b) => a + b, 0)).toBe(total);
    expect(toEpochMinute(end) - toEpochMinute(start)).toBe(total);
  });

  it('a Copenhagen visit 00:30–03:30 local is 120 minutes on the spring night and 240 on the autumn night', () => {
    const dk = exampleModel('dk-granted-time');
    expect(splitByBand('2026-03-29T00:30:00+01:00', '2026-03-29T03:30:00+02:00', dk, 'Europe/Copenhagen', noHolidays)).toEqual({
      other_times: 120,
    });
    expect(splitByBand('2026-10-25T00:30:00+02:00', '2026-10-25T03:30:00+01:00', dk, 'Europe/Copenhagen', noHolidays)).toEqual({
      other_times: 240,
    });
  });

  it('local days have 23 and 25 hours on DST days and band edges at local wall-clock times', () => {
    const cal = new BandCalendar(compileBands(early.timeBands), SE, noHolidays);
    const spring = cal.localDay(dayNumber('2026-03-29'));
    const autumn = cal.localDay(dayNumber('2026-10-25'));
    expect(spring.end - spring.start).toBe(23 * 60);
    expect(autumn.end - autumn.start).toBe(25 * 60);
    expect(spring.segStart.map((m) => new Date(m * 60_000).toISOString())).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ]);
    expect(autumn.segStart.map((m) => new Date(m * 60_000).toISOString())).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
    // 02:30 does not exist on the spring day: the clocks jump at 01:00Z; on the autumn day the first 02:30 counts
    expect(new Date(cal.epochOfLocal(dayNumber('2026-03-29'), 150) * 60_000).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(cal.epochOfLocal(dayNumber('2026-10-25'), 150) * 60_000).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(cal.epochOfLocal(dayNumber('2026-03-30'), 720) * 60_000).toISOString()).toBe('2026-03-30T10:00:00.000Z');
  });

  it('property: splitting never changes the minutes of an interval (any zone, any year, DST included)', () => {
    const calendars = ['Europe/Stockholm', 'Europe/Copenhagen'].map(
      (z) => new BandCalendar(compileBands(swedish.timeBands), z, holidaySet('SE', 2025, 2027)),
    );
    const start = toEpochMinute('2025-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * 366 * 1440 }),
        fc.integer({ min: 0, max: 3 * 1440 }),
        fc.boolean(),
        (offset, length, which) => {
          const cal = calendars[which ? 1 : 0]!;
          const out = new Array<number>(cal.bandCount).fill(0);
          cal.splitInto(start + offset, start + offset + length, out);
          return out.every((n) => n >= 0) && out.reduce((a, b) => a + b, 0) === length;
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('allocate', () => {
  it.each([
    [30, [15, 15], [15, 15]],
    [30, [10, 20], [10, 20]],
    [31, [15, 15], [16, 15]], // tie: lower band index
    [10, [1, 1, 1], [4, 3, 3]],
    [45, [0, 60], [0, 45]],
    [20, [0, 0], [20, 0]], // no interval: all to the fallback band
    [0, [5, 7], [0, 0]],
    [7, [1, 2, 4], [1, 2, 4]],
    [100, [1, 1, 1], [34, 33, 33]],
  ])('%i minutes over weights %j → %j', (total, weights, expected) => {
    const out = new Array<number>(weights.length).fill(0);
    allocate(total, weights, 0, out);
    expect(out).toEqual(expected);
  });

  it('property: parts add up to the total and stay within one minute of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 6 }),
        (total, weights) => {
          const out = new Array<number>(weights.length).fill(0);
          allocate(total, weights, 0, out);
          const sum = weights.reduce((a, b) => a + b, 0);
          return (
            out.reduce((a, b) => a + b, 0) === total && (sum === 0 || out.every((n, i) => Math.abs(n - (total * weights[i]!) / sum) < 1))
          );
        },
      ),
    );
  });
});

describe('toEpochMinute', () => {
  it.each([
    ['2026-03-02T07:30:00.000Z', '2026-03-02T07:30:00Z'],
    ['2026-03-02T07:30:59.999Z', '2026-03-02T07:30:00Z'], // seconds are dropped
    ['2026-03-02T07:30:00+01:00', '2026-03-02T06:30:00Z'],
    ['2026-03-02T07:30+01:00', '2026-03-02T06:30:00Z'],
    ['2026-03-02 07:30:00-05:30', '2026-03-02T13:00:00Z'],
    ['2026-03-02T07:30:00.123456+02:00', '2026-03-02T05:30:00Z'],
    ['2026-03-02 07:30:00+00', '2026-03-02T07:30:00Z'], // PostgreSQL's text form
    ['2026-03-02 07:30:00-03', '2026-03-02T10:30:00Z'],
    ['2026-03-02 07:30:00.25+01', '2026-03-02T06:30:00Z'],
  ])('%s is %s', (text, utc) => {
    expect(toEpochMinute(text)).toBe(Date.parse(utc) / 60_000);
  });

  it('takes a number as whole epoch minutes, and nothing else as a number', () => {
    expect(toEpochMinute(29_542_110)).toBe(29_542_110);
    expect(() => toEpochMinute(29_542_110.5)).toThrow(RangeError);
    expect(() => toEpochMinute(Number.NaN)).toThrow(RangeError);
  });

  it('refuses what is not an instant', () => {
    expect(() => toEpochMinute('yesterday')).toThrow(RangeError);
    expect(() => toEpochMinute(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('property: the hand-written reader agrees with Date.parse for ISO instants with any offset', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1950-01-01'), max: new Date('2150-01-01'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (d, offset, millis) => {
          const wall = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, millis ? 23 : 16);
          const a = Math.abs(offset);
          const text = `${wall}${offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
          return toEpochMinute(text) === Math.floor(Date.parse(text) / 60_000) && toEpochMinute(d) === Math.floor(d.getTime() / 60_000);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
