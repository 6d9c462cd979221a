import { describe, expect, it } from 'vitest';
import { aModel, aVisit, aWorld } from '../testing/engine-builders.js';
import { onlyLine, settle } from '../testing/settle.js';

const at = (minutes: number) =>
  `2026-03-02 ${String(8 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('minute-rounding', () => {
  it.each<[object, number, number, string | null]>([
    [{ mode: 'none' }, 37, 37, null],
    [{ mode: 'up', toMinutes: 1 }, 37, 37, null],
    [{ mode: 'up', toMinutes: 5 }, 31, 35, 'round.5.up'],
    [{ mode: 'up', toMinutes: 5 }, 35, 35, null],
    [{ mode: 'up', toMinutes: 15 }, 1, 15, 'round.15.up'],
    [{ mode: 'up', toMinutes: 15 }, 46, 60, 'round.15.up'],
    [{ mode: 'nearest', toMinutes: 5 }, 32, 30, 'round.5.nearest'],
    [{ mode: 'nearest', toMinutes: 5 }, 33, 35, 'round.5.nearest'],
    [{ mode: 'nearest', toMinutes: 15 }, 37, 30, 'round.15.nearest'],
    [{ mode: 'nearest', toMinutes: 15 }, 38, 45, 'round.15.nearest'], // 7.5 minutes over: half up
    [{ mode: 'nearest', toMinutes: 15 }, 7, 0, 'round.15.nearest'],
  ])('%j: %i → %i minutes', (rounding, registered, paid, reason) => {
    const r = settle(aWorld(aModel({ rounding }), { visits: [aVisit(1, 'PC', at(0), at(registered))] }));
    const line = onlyLine(r);
    expect(line.minutes).toBe(paid);
    expect(line.amount).toBe((paid * 10).toFixed(2));
    expect(line.reasonCodes.includes(reason ?? '')).toBe(reason !== null);
  });

  it('rounds the granted minutes too, but never a per-visit price', () => {
    const granted = settle(
      aWorld(aModel({ rounding: { mode: 'up', toMinutes: 15 }, defaults: { basis: { type: 'granted' } } }), {
        visits: [aVisit(1, 'PC', at(0), at(10))],
      }),
    );
    expect(onlyLine(granted).minutes).toBe(30);
    const perVisit = settle(
      aWorld(aModel({ rounding: { mode: 'up', toMinutes: 15 }, defaults: { basis: { type: 'per_visit', amount: '50' } } }), {
        visits: [aVisit(1, 'PC', at(0), at(10))],
      }),
    );
    expect([onlyLine(perVisit).amount, onlyLine(perVisit).reasonCodes]).toEqual(['50.00', ['basis.per_visit']]);
  });
});
