import { describe, expect, it } from 'vitest';
import { parseInstant } from './local-time.js';

const CPH = 'Europe/Copenhagen';

describe('parseInstant', () => {
  it.each([
    ['2026-03-02T07:30:00+01:00', '2026-03-02T06:30:00.000Z'],
    ['2026-03-02T06:30:00Z', '2026-03-02T06:30:00.000Z'],
    ['2026-03-02 07:30', '2026-03-02T06:30:00.000Z'],
    ['2026-07-02 07:30', '2026-07-02T05:30:00.000Z'],
    ['02-03-2026 07:30', '2026-03-02T06:30:00.000Z'],
    ['2026-03-29 01:59', '2026-03-29T00:59:00.000Z'],
    ['2026-03-29 03:00', '2026-03-29T01:00:00.000Z'],
    ['2026-10-25 01:59', '2026-10-24T23:59:00.000Z'],
    ['2026-10-25 03:00', '2026-10-25T02:00:00.000Z'],
    ['2026-10-25T02:30:00+02:00', '2026-10-25T00:30:00.000Z'],
    ['2026-10-25T02:30:00+01:00', '2026-10-25T01:30:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseInstant(text, CPH)).toEqual({ ok: true, iso });
  });

  it('refuses a local time inside the spring-forward gap', () => {
    const r = parseInstant('2026-03-29 02:30', CPH);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/does not exist/);
  });

  it('refuses a local time in the repeated hour when clocks go back', () => {
    const r = parseInstant('2026-10-25 02:30', CPH);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/occurs twice/);
  });

  it.each(['', 'yesterday', '2026-02-30 10:00', '2026-13-01T10:00:00Z'])('refuses %j', (text) => {
    expect(parseInstant(text, CPH).ok).toBe(false);
  });
});

describe('parseInstant offsets', () => {
  it.each(['2026-05-04T08:00:00+25:00', '2026-05-04T08:00:00-14:01', '2026-05-04T08:00:00+0160', '2026-05-04T08:00+99:99'])(
    'refuses the impossible offset %s instead of moving the instant by hours or a day',
    (text) => {
      const r = parseInstant(text, CPH);
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/at most ±14:00/) });
    },
  );

  it('keeps the largest real offsets', () => {
    expect(parseInstant('2026-05-04T08:00:00+14:00', CPH)).toEqual({ ok: true, iso: '2026-05-03T18:00:00.000Z' });
    expect(parseInstant('2026-05-04T08:00:00-12:00', CPH)).toEqual({ ok: true, iso: '2026-05-04T20:00:00.000Z' });
  });
});
