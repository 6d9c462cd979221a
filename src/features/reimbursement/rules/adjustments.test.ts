import { describe, expect, it } from 'vitest';
import { aCancelledVisit, aCitizen, aModel, aVisit, aWorld } from '../testing/engine-builders.js';
import { onlyLine, settle } from '../testing/settle.js';

describe('area-supplement', () => {
  it.each<[string, object, string | null, string, string[]]>([
    ['10 % in rural areas', { rural: { percent: '10' } }, 'rural', '660.00', ['area.supplement.rural+10%']],
    ['50 kr per hour in rural areas', { rural: { perHour: '50' } }, 'rural', '650.00', ['area.supplement.rural+50/h']],
    ['nothing in an area without a supplement', { rural: { percent: '10' } }, 'urban', '600.00', []],
    ['nothing without an area', { rural: { percent: '10' } }, null, '600.00', []],
  ])('%s', (_name, supplements, area, amount, reasons) => {
    const r = settle(
      aWorld(aModel({ area: { mode: 'supplement', supplements } }), {
        citizens: [aCitizen(1, area)],
        visits: [aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 10:00')],
      }),
    );
    const line = onlyLine(r);
    expect(line.amount).toBe(amount);
    expect(line.reasonCodes.filter((c) => c.startsWith('area'))).toEqual(reasons);
  });
});

describe('provider-kind-adjustment', () => {
  it.each<['private' | 'municipal', object, string, string | null]>([
    ['private', { private: '1.5', municipal: '-1.5' }, '609.00', 'kind.private+1.5'],
    ['municipal', { private: '1.5', municipal: '-1.5' }, '591.00', 'kind.municipal-1.5'],
    ['municipal', { private: '1.5' }, '600.00', null],
    ['private', { private: '1.5', categories: ['practical_help'] }, '600.00', null],
  ])('%s provider with %j', (kind, adj, amount, reason) => {
    const input = aWorld(aModel({ providerKindAdjustment: adj }), { visits: [aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 10:00')] });
    input.provider = { ...input.provider, kind };
    const line = onlyLine(settle(input));
    expect(line.amount).toBe(amount);
    expect(line.reasonCodes.filter((c) => c.startsWith('kind'))).toEqual(reason ? [reason] : []);
  });

  it('combines with a cancellation percent and rounds once per line', () => {
    // 3 late cancellations of 25 minutes: 75 min × 10 kr × 50 % × 1.015 = 380.625 → 380.63
    const input = aWorld(
      aModel({ providerKindAdjustment: { private: '1.5' }, defaults: { basis: { type: 'delivered' }, cancellation: { late: '50' } } }),
      {
        visits: [2, 3, 4].map((d) => aCancelledVisit(1, 'PC', `2026-03-0${d} 09:00`, `2026-03-0${d} 09:25`, 'cancelled_by_citizen')),
      },
    );
    const line = onlyLine(settle(input));
    expect([line.minutes, line.factor, line.amount]).toEqual([75, '0.5075', '380.63']);
  });
});

describe('quality-bonus', () => {
  it.each<[string, object, 'private' | 'municipal', string | null]>([
    ['per delivered hour', { perHour: '12.00' }, 'private', '18.00'],
    ['only for the listed provider kinds', { perHour: '12.00', providerKinds: ['municipal'] }, 'private', null],
    ['only for the listed categories', { perHour: '12.00', categories: ['practical_help'] }, 'private', null],
  ])('%s', (_name, qualityBonus, kind, bonus) => {
    const input = aWorld(aModel({ qualityBonus }), {
      visits: [
        aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 10:00'),
        aVisit(1, 'PC', '2026-03-03 09:00', '2026-03-03 09:30'),
        aCancelledVisit(1, 'PC', '2026-03-04 09:00', '2026-03-04 10:00', 'no_show'),
        aVisit(2, 'CLEAN', '2026-03-05 09:00', '2026-03-05 10:00'), // citizen 2 has no CLEAN grant: exception, no bonus
      ],
    });
    input.provider = { ...input.provider, kind };
    const r = settle(input);
    const lines = r.lines.filter((l) => l.kind === 'quality_bonus');
    expect(lines.map((l) => [l.minutes, l.quantity, l.rate, l.amount, l.reasonCodes])).toEqual(
      bonus ? [[90, '1.5', '12.00', bonus, ['bonus.quality']]] : [],
    );
  });
});
