import { describe, expect, it } from 'vitest';
import { aGrant, aModel, aRate, aVisit, aWorld } from '../testing/engine-builders.js';
import { onlyLine, settle } from '../testing/settle.js';

/** Citizen 1's PC grant is 30 minutes; day rate 600/h = 10 kr a minute. */
describe('basis-minutes', () => {
  it.each<[string, object, string, number, string, string[]]>([
    ['granted: the granted minutes whatever was registered', { type: 'granted' }, '08:50', 30, '300.00', ['basis.granted']],
    ['granted: also when the visit was shorter', { type: 'granted' }, '08:10', 30, '300.00', ['basis.granted']],
    ['delivered: the registered minutes', { type: 'delivered' }, '08:50', 50, '500.00', ['basis.delivered']],
    [
      'delivered with a floor of 15 minutes',
      { type: 'delivered', floorMinutes: 15 },
      '08:05',
      15,
      '150.00',
      ['basis.delivered', 'delivered.floor.15'],
    ],
    ['delivered floor not reached', { type: 'delivered', floorMinutes: 15 }, '08:20', 20, '200.00', ['basis.delivered']],
    [
      'delivered capped at 120 % of the grant per visit',
      { type: 'delivered', caps: [{ percentOfGranted: '120', per: 'visit' }] },
      '08:50',
      36,
      '360.00',
      ['basis.delivered', 'delivered.cap.visit.120'],
    ],
    [
      'delivered cap 133.3 % floors to whole minutes',
      { type: 'delivered', caps: [{ percentOfGranted: '133.3', per: 'visit' }] },
      '08:50',
      39,
      '390.00',
      ['basis.delivered', 'delivered.cap.visit.133.3'],
    ],
    [
      'a floor above the per-visit cap wins: capped to 36, raised to 40',
      { type: 'delivered', floorMinutes: 40, caps: [{ percentOfGranted: '120', per: 'visit' }] },
      '08:50',
      40,
      '400.00',
      ['basis.delivered', 'delivered.cap.visit.120', 'delivered.floor.40'],
    ],
    ['per_service: the standard minutes', { type: 'per_service' }, '08:50', 30, '300.00', ['basis.per_service']],
  ])('%s', (_name, basis, end, minutes, amount, reasons) => {
    const r = settle(aWorld(aModel({ defaults: { basis } }), { visits: [aVisit(1, 'PC', '2026-03-02 08:00', `2026-03-02 ${end}`)] }));
    const line = onlyLine(r);
    expect([line.minutes, line.amount, line.reasonCodes]).toEqual([minutes, amount, reasons]);
    expect(r.totalExclVat).toBe(amount);
  });

  it('per_service uses the catalogue standard minutes, not the grant', () => {
    const input = aWorld(aModel({ defaults: { basis: { type: 'per_service' } } }), {
      grants: [aGrant(1, 'CLEAN', 'practical_help', { minutesPerOccurrence: 45 })],
      visits: [aVisit(1, 'CLEAN', '2026-03-02 09:00', '2026-03-02 11:00')],
    });
    expect(onlyLine(settle(input))).toMatchObject({ minutes: 60, amount: '600.00', unit: 'per_hour' });
  });

  it.each<[string, object, [string, string][], string, string]>([
    [
      'a fixed amount per visit',
      { type: 'per_visit', amount: '125.50' },
      [
        ['2026-03-02 09:00', '2026-03-02 09:20'],
        ['2026-03-03 09:00', '2026-03-03 09:05'],
      ],
      'day',
      '251.00',
    ],
    [
      'the price list per-visit rate of the start band',
      { type: 'per_visit' },
      [
        ['2026-03-02 22:30', '2026-03-02 22:50'],
        ['2026-03-03 23:00', '2026-03-04 00:10'],
      ],
      'night',
      '199.80',
    ],
    [
      'the price list per-visit rate of a named band',
      { type: 'per_visit', rateBand: 'visit' },
      [
        ['2026-03-02 22:30', '2026-03-02 22:50'],
        ['2026-03-03 09:00', '2026-03-03 09:05'],
      ],
      'visit',
      '160.00',
    ],
  ])('per_visit: %s', (_name, basis, times, band, amount) => {
    const input = aWorld(aModel({ defaults: { basis } }), {
      rates: [aRate('pc', 'night', '99.90', { unit: 'per_visit' }), aRate('pc', 'visit', '80', { unit: 'per_visit' })],
      visits: times.map(([s, e]) => aVisit(1, 'PC', s, e)),
    });
    const line = onlyLine(settle(input));
    expect([line.band, line.unit, line.visits, line.quantity, line.amount]).toEqual([band, 'per_visit', 2, '2', amount]);
  });
});
