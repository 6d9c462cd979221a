import { describe, expect, it } from 'vitest';
import { settleProvider } from '../engine.js';
import { ReimbursementInputError } from '../engine-types.js';
import { aCitizen, aModel, aRate, aVisit, aWorld } from '../testing/engine-builders.js';
import { onlyLine, settle } from '../testing/settle.js';

describe('rate-lookup', () => {
  it('fails the whole run, naming every missing rate once', () => {
    const input = aWorld(aModel(), {
      rates: [aRate('pc', 'day', '600')],
      visits: [
        aVisit(1, 'PC', '2026-03-02 21:30', '2026-03-02 22:30'),
        aVisit(1, 'PC', '2026-03-03 23:00', '2026-03-03 23:30'),
        aVisit(1, 'CLEAN', '2026-03-04 09:00', '2026-03-04 10:00'),
      ],
    });
    let error: ReimbursementInputError | undefined;
    try {
      settleProvider(input);
    } catch (e) {
      error = e as ReimbursementInputError;
    }
    expect(error).toBeInstanceOf(ReimbursementInputError);
    expect(error!.issues).toEqual([
      {
        code: 'missing_rate',
        message: 'no per_hour rate for price group pc, band night, private provider',
        details: { priceGroup: 'pc', timeBand: 'night', providerKind: 'private', area: null, unit: 'per_hour' },
      },
      {
        code: 'missing_rate',
        message: 'no per_hour rate for price group ph, band day, private provider',
        details: { priceGroup: 'ph', timeBand: 'day', providerKind: 'private', area: null, unit: 'per_hour' },
      },
    ]);
  });

  it('refuses a rate in the wrong unit', () => {
    const input = aWorld(aModel(), {
      rates: [aRate('pc', 'day', '600', { unit: 'per_visit' })],
      visits: [aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 09:30')],
    });
    expect(() => settleProvider(input)).toThrow('the rate for pc / day / private is per_visit, the model needs per_hour');
  });

  it('uses the rate of the provider kind', () => {
    const input = aWorld(aModel(), {
      rates: [aRate('pc', 'day', '600'), aRate('pc', 'day', '500', { kind: 'municipal' })],
      visits: [aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 09:30')],
    });
    input.provider = { ...input.provider, kind: 'municipal' };
    expect(onlyLine(settle(input)).amount).toBe('250.00');
  });

  it.each<[string, 'visit_or_citizen' | 'citizen', string | null, string | null, string, string | null]>([
    ['visit area wins', 'visit_or_citizen', 'rural', 'urban', '506.70', 'area.rate.rural'],
    ['citizen area when the visit has none', 'visit_or_citizen', null, 'rural', '506.70', 'area.rate.rural'],
    ['citizen area only', 'citizen', 'rural', 'urban', '414.80', 'area.rate.urban'],
    ['no area: the rate without area', 'visit_or_citizen', null, null, '400.00', null],
    ['an area without its own rate: the rate without area', 'visit_or_citizen', 'island', null, '400.00', null],
  ])('area rates: %s', (_name, from, visitArea, citizenArea, amount, reason) => {
    const input = aWorld(aModel({ area: { mode: 'rates', from } }), {
      citizens: [aCitizen(1, citizenArea)],
      rates: [aRate('pc', 'day', '414.80', { area: 'urban' }), aRate('pc', 'day', '506.70', { area: 'rural' }), aRate('pc', 'day', '400')],
      visits: [aVisit(1, 'PC', '2026-03-02 09:00', '2026-03-02 10:00', { area: visitArea })],
    });
    const line = onlyLine(settle(input));
    expect(line.amount).toBe(amount);
    expect(line.reasonCodes.filter((c) => c.startsWith('area'))).toEqual(reason ? [reason] : []);
  });
});
