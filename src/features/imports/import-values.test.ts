import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../shared/local-time.js';
import { foldName, STATUS_WORDS, VISIT_STATUSES, WEEKDAY_WORDS } from './import-fields.js';
import { copyValue, date, InstantReader, isRowError, msText, serviceCodesLiteral, timeOfDay, word } from './import-values.js';

/** What InstantReader gives, in the shape of parseInstant's answer. */
function fast(reader: InstantReader, text: string) {
  try {
    return { ok: true, iso: new Date(reader.read(text, 'f')!).toISOString() };
  } catch (e) {
    if (!isRowError(e)) throw e;
    return { ok: false, message: e.message };
  }
}
const slow = (text: string, zone: string) => {
  const r = parseInstant(text, zone);
  return r.ok ? { ok: true, iso: new Date(r.iso).toISOString() } : r;
};

describe('InstantReader', () => {
  it('agrees with parseInstant for every minute of the DST days and a normal day, in both zones and formats', () => {
    for (const zone of ['Europe/Copenhagen', 'Europe/Stockholm']) {
      for (const day of ['2026-03-29', '2026-10-25', '2026-06-15', '2024-02-29']) {
        const reader = new InstantReader(zone);
        let t = DateTime.fromISO(`${day}T00:00`, { zone: 'UTC' });
        for (let i = 0; i < 24 * 60; i += 7, t = t.plus({ minutes: 7 })) {
          const texts = [
            t.toFormat('yyyy-MM-dd HH:mm'),
            t.toFormat("yyyy-MM-dd'T'HH:mm:ss"),
            t.toFormat('dd.MM.yyyy HH:mm'),
            t.toFormat('dd-MM-yyyy HH:mm'),
          ];
          for (const text of texts) expect([text, fast(reader, text)]).toEqual([text, slow(text, zone)]);
        }
      }
    }
  });

  it('takes UTC offsets up to ±14:00 and refuses larger ones or 60 minutes, in every spelling', () => {
    const r = new InstantReader('Europe/Copenhagen');
    expect(fast(r, '2026-05-04T08:00:00+14:00')).toEqual({ ok: true, iso: '2026-05-03T18:00:00.000Z' });
    expect(fast(r, '2026-05-04T08:00-1400')).toEqual({ ok: true, iso: '2026-05-04T22:00:00.000Z' });
    expect(fast(r, '2026-05-04T08:00:00.5+05:45')).toEqual({ ok: true, iso: '2026-05-04T02:15:00.500Z' });
    const tooFar = (text: string) => ({ ok: false, message: `not a valid timestamp: "${text}" (a UTC offset is at most ±14:00)` });
    for (const text of [
      '2026-05-04T08:00:00+25:00',
      '2026-05-04T08:00:00+14:01',
      '2026-05-04T08:00:00-18:00',
      '2026-05-04T08:00+2500',
      '2026-05-04T08:00:00.5-15:00',
      '2026-05-04T08+25:00',
    ]) {
      expect(fast(r, text)).toEqual(tooFar(text));
    }
    expect(fast(r, '2026-05-04T08:00:00+01:60')).toEqual({
      ok: false,
      message: 'not a valid timestamp: "2026-05-04T08:00:00+01:60" (the minutes of a UTC offset are 00–59)',
    });
  });

  it('reads offsets and refuses what is not a time', () => {
    const r = new InstantReader('Europe/Copenhagen');
    expect(fast(r, '2026-03-02T07:30:00+01:00')).toEqual({ ok: true, iso: '2026-03-02T06:30:00.000Z' });
    expect(fast(r, '2026-03-02T07:30:00.250Z')).toEqual({ ok: true, iso: '2026-03-02T07:30:00.250Z' });
    expect(fast(r, '2026-03-02T07:30-0200')).toEqual({ ok: true, iso: '2026-03-02T09:30:00.000Z' });
    expect(fast(r, ' 2026-03-02 07:30 ')).toEqual({ ok: true, iso: '2026-03-02T06:30:00.000Z' });
    for (const text of [
      '2026-03-02T07:30:00Z',
      '2026-03-02T07:30:00-05:30',
      '2026-10-25T02:30:00+02:00',
      '2026-10-25T02:30:00+01:00',
      '2024-02-29T23:59:59+00:00',
    ]) {
      expect([text, fast(r, text)]).toEqual([text, slow(text, 'Europe/Copenhagen')]);
    }
    expect(fast(r, '2026-10-25T02:30:00+01:00')).toEqual({ ok: true, iso: '2026-10-25T01:30:00.000Z' });
    for (const bad of [
      '2026-02-30 07:30',
      '2026-03-02 24:30',
      '2026-03-02 07:60',
      '2026-13-02T07:30:00Z',
      '2026-02-30T07:30:00Z',
      '2026-03-02T07:61:00+01:00',
      'yesterday',
      '2026-03-02',
    ]) {
      expect([bad, fast(r, bad)]).toEqual([bad, slow(bad, 'Europe/Copenhagen')]);
      expect(fast(r, bad).ok).toBe(false);
    }
    expect(r.read('', 'f')).toBeNull();
    expect(r.read(null, 'f')).toBeNull();
  });
});

describe('cell readers', () => {
  it('maps Danish and Swedish status words, memoised per spelling', () => {
    const read = (s: string) => word(s, 'status', STATUS_WORDS, VISIT_STATUSES);
    expect(
      [
        'Udført',
        'UDFØRT',
        'utförd',
        'Afbud',
        'Avbokad',
        'Ikke hjemme',
        'ej hemma',
        'Ej Hemma',
        'aflyst',
        'Ersättningsbesök',
        'no_show',
      ].map(read),
    ).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'cancelled_by_citizen',
      'cancelled_by_citizen',
      'no_show',
      'no_show',
      'no_show',
      'cancelled_by_provider',
      'replacement',
      'no_show',
    ]);
    expect(() => read('maybe')).toThrow();
  });

  it('folds names and weekday words', () => {
    expect(foldName(' Besøgs-ID ')).toBe('besogs_id');
    expect(foldName('plannedStart')).toBe('planned_start');
    expect(foldName('Planerad  start')).toBe('planerad_start');
    expect(['mån', 'lør', 'lör', 'sön', 'søndag', 'Tor', '3'].map((w) => WEEKDAY_WORDS.get(foldName(w)))).toEqual([1, 6, 6, 7, 7, 4, 3]);
  });

  it('reads dates, times and service codes', () => {
    expect(date('15.03.2026', 'd')).toBe('2026-03-15');
    expect(date('15-03-2026', 'd')).toBe('2026-03-15');
    expect(timeOfDay('7.30', 't')).toBe('07:30:00');
    expect(serviceCodesLiteral('PC1| PH1 ,PC1', 's')).toBe('{PC1,PH1}');
    expect(serviceCodesLiteral(['PC1', 'PH1'], 's')).toBe('{PC1,PH1}');
  });

  it('writes COPY text', () => {
    expect(copyValue('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(copyValue(null)).toBe('\\N');
    expect([1772436720000, 1772436000123, 5, 1000000, -5].map(msText)).toEqual(['1772436720000', '1772436000123', '5', '1000000', '-5']);
  });
});
