import { describe, expect, it } from 'vitest';
import { aGrant, aModel, aVisit, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const bands = (crossing: 'split' | 'start', holidayBand?: string) => ({
  bands: [
    { name: 'day', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '07:00', end: '22:00' },
    { name: 'night', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '07:00' },
  ],
  crossing,
  ...(holidayBand ? { holidayBand } : {}),
});
const byBand = (r: ReturnType<typeof settle>) => Object.fromEntries(r.lines.map((l) => [l.band, [l.minutes, l.amount]]));

describe('band-split', () => {
  it.each<[string, object, string, string, Record<string, [number, string]>, string]>([
    [
      'split minute by minute',
      bands('split'),
      '2026-03-02 21:30',
      '2026-03-02 22:30',
      { day: [30, '300.00'], night: [30, '360.00'] },
      'band.split',
    ],
    ['priced at the start band', bands('start'), '2026-03-02 21:30', '2026-03-02 22:30', { day: [60, '600.00'] }, 'band.start'],
    ['started at night, priced as night', bands('start'), '2026-03-02 06:30', '2026-03-02 07:30', { night: [60, '720.00'] }, 'band.start'],
    [
      'split across midnight stays night',
      bands('split'),
      '2026-03-02 23:30',
      '2026-03-03 00:30',
      { night: [60, '720.00'] },
      'basis.delivered',
    ],
    // Sunday 29 March 2026, clocks go 02:00 → 03:00: 00:30–03:30 local is two hours
    ['spring-forward night', bands('split'), '2026-03-29 00:30', '2026-03-29 03:30', { night: [120, '1440.00'] }, 'basis.delivered'],
    [
      'a holiday counts as its band',
      bands('split', 'holiday'),
      '2026-01-06 09:00',
      '2026-01-06 10:00',
      { holiday: [60, '900.00'] },
      'basis.delivered',
    ],
  ])('%s', (_name, timeBands, start, end, expected, reason) => {
    const input = aWorld(aModel({ timeBands }), {
      period: { from: '2026-01-01', to: '2026-04-01' },
      visits: [aVisit(1, 'PC', start, end)],
    });
    input.rates = [...input.rates, { ...input.rates[0]!, timeBand: 'holiday', rate: input.rates[0]!.rate.mul(1.5) }];
    const r = settle(input);
    expect(byBand(r)).toEqual(expected);
    expect(r.lines.every((l) => l.reasonCodes.includes(reason))).toBe(true);
  });

  it('fall-back night: 00:30–03:30 local is 240 minutes', () => {
    const visit = aVisit(1, 'PC', '2026-10-25 00:30', '2026-10-25 03:30');
    visit.actualStart = '2026-10-25T00:30:00+02:00';
    visit.actualEnd = '2026-10-25T03:30:00+01:00';
    const r = settle(aWorld(aModel(), { period: { from: '2026-10-01', to: '2026-11-01' }, visits: [visit] }));
    expect(byBand(r)).toEqual({ night: [240, '2880.00'] });
  });

  it('granted minutes are shared in proportion to where the visit lay', () => {
    // 30 granted minutes, the visit 21:40–22:40 lay 20 minutes in day and 40 at night → 10 + 20
    const r = settle(
      aWorld(aModel({ defaults: { basis: { type: 'granted' } } }), { visits: [aVisit(1, 'PC', '2026-03-02 21:40', '2026-03-02 22:40')] }),
    );
    expect(byBand(r)).toEqual({ day: [10, '100.00'], night: [20, '240.00'] });
  });

  it.each<[string, string[], Record<string, [number, string]>]>([
    ['day listed first gets it', ['day', 'night'], { day: [8, '80.00'], night: [7, '84.00'] }],
    ['night listed first gets it', ['night', 'day'], { day: [7, '70.00'], night: [8, '96.00'] }],
  ])('an odd minute on equal remainders goes to the band listed first in the model: %s', (_name, order, expected) => {
    // 15 granted minutes over a visit lying 30 minutes in each band: 7.5 + 7.5
    const all = bands('split').bands;
    const timeBands = { bands: order.map((n) => all.find((b) => b.name === n)!), crossing: 'split' };
    const input = aWorld(aModel({ timeBands, defaults: { basis: { type: 'granted' } } }), {
      grants: [aGrant(1, 'PC', 'personal_care', { minutesPerOccurrence: 15 })],
      visits: [aVisit(1, 'PC', '2026-03-02 21:30', '2026-03-02 22:30')],
    });
    expect(byBand(settle(input))).toEqual(expected);
  });
});
