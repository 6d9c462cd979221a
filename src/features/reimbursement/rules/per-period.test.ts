import { describe, expect, it } from 'vitest';
import { aChoice, aGrant, aModel, aRate, aService, aVisit, aWorld, servicesByCode } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const alarm = (basis: object, o: Parameters<typeof aWorld>[1] = {}) =>
  aWorld(aModel({ categories: { alarm: { basis } } }), {
    services: servicesByCode(aService('ALARM', 'alarm', 'alarm', 0), aService('PC', 'personal_care', 'pc', 30)),
    rates: [aRate('alarm', 'month', '197', { unit: 'per_month' }), aRate('pc', 'day', '600')],
    choices: [aChoice(1, 'alarm'), aChoice(2, 'alarm', { validFrom: '2026-03-11' })],
    grants: [
      aGrant(1, 'ALARM', 'alarm', { frequency: { type: 'monthly', count: 1 } }),
      aGrant(2, 'ALARM', 'alarm', { frequency: { type: 'monthly', count: 1 } }),
    ],
    ...o,
  });
const summary = (r: ReturnType<typeof settle>) =>
  r.lines.map((l) => [l.citizenRef, l.kind, l.unit, l.quantity, l.rate, l.factor, l.amount, l.reasonCodes]);

describe('per-period', () => {
  it('pays the monthly rate per citizen whatever the day the choice started', () => {
    expect(summary(settle(alarm({ type: 'per_period', rateBand: 'month' })))).toEqual([
      ['C001', 'per_period', 'per_month', '1', '197.00', '1', '197.00', ['basis.per_period']],
      ['C002', 'per_period', 'per_month', '1', '197.00', '1', '197.00', ['basis.per_period']],
    ]);
  });

  it('prorates by days when asked: 21 of 31 days × 197 = 133.45', () => {
    const lines = summary(settle(alarm({ type: 'per_period', rateBand: 'month', prorate: 'days' })));
    expect(lines[0]).toEqual(['C001', 'per_period', 'per_month', '1', '197.00', '1', '197.00', ['basis.per_period']]);
    expect(lines[1]).toEqual([
      'C002',
      'per_period',
      'per_month',
      '1',
      '197.00',
      expect.stringMatching(/^0\.6774193548387096774193/),
      '133.45',
      ['basis.per_period', 'per_period.days.21/31'],
    ]);
  });

  it('divides by the days of the month last: 10 of 31 days × 15.50 × 1.015 = 5.075 exactly, half-up 5.08', () => {
    const input = alarm(
      { type: 'per_period', rateBand: 'month', prorate: 'days' },
      { choices: [aChoice(1, 'alarm'), aChoice(2, 'alarm', { validFrom: '2026-03-22' })] },
    );
    input.model = aModel({
      categories: { alarm: { basis: { type: 'per_period', rateBand: 'month', prorate: 'days' } } },
      providerKindAdjustment: { private: '1.5' },
    });
    input.rates = [aRate('alarm', 'month', '15.50', { unit: 'per_month' })];
    const line = settle(input).lines.find((l) => l.citizenRef === 'C002')!;
    expect([line.reasonCodes.at(-1), line.amount]).toEqual(['per_period.days.10/31', '5.08']);
  });

  it('a fixed amount in the model needs no rate; consecutive grants give one line', () => {
    const r = settle(
      alarm(
        { type: 'per_period', amount: '150.00', prorate: 'days' },
        {
          choices: [aChoice(1, 'alarm')],
          grants: [
            aGrant(1, 'ALARM', 'alarm', { validFrom: '2026-01-01', validTo: '2026-03-16', frequency: { type: 'monthly', count: 1 } }),
            aGrant(1, 'ALARM', 'alarm', { validFrom: '2026-03-16', validTo: null, frequency: { type: 'monthly', count: 1 } }),
          ],
        },
      ),
    );
    expect(summary(r)).toEqual([['C001', 'per_period', 'per_month', '1', '150.00', '1', '150.00', ['basis.per_period']]]);
  });

  it('nothing for a month without the provider chosen; alarm visits are included, not paid again', () => {
    const r = settle(
      alarm(
        { type: 'per_period', rateBand: 'month' },
        {
          choices: [aChoice(1, 'alarm', { providerId: 2 })],
          grants: [
            aGrant(1, 'ALARM', 'alarm', { frequency: { type: 'monthly', count: 1 } }),
            aGrant(2, 'ALARM', 'alarm', { frequency: { type: 'monthly', count: 1 } }),
          ],
        },
      ),
    );
    expect(r.lines).toEqual([]);
    const withVisit = settle(
      alarm({ type: 'per_period', rateBand: 'month' }, { visits: [aVisit(1, 'ALARM', '2026-03-05 03:00', '2026-03-05 03:40')] }),
    );
    expect(withVisit.totalExclVat).toBe('394.00');
    expect(withVisit.visitLines.map((v) => [v.amount, v.reasonCodes])).toEqual([['0.00', ['basis.per_period.included']]]);
  });

  it('fails when the monthly rate is missing', () => {
    expect(() => settle(alarm({ type: 'per_period', rateBand: 'monthly' }))).toThrow(
      'no per_month rate for price group alarm, band monthly, private provider',
    );
  });
});
