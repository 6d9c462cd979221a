import { describe, expect, it } from 'vitest';
import type { EngineInput } from '../engine-types.js';
import { ReimbursementInputError } from '../engine-types.js';
import { settleProvider } from '../engine.js';
import { aChoice, aCitizen, aGrant, aLevel, aLevelGrant, aLevelRate, aModel, aWorld } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

const oneOff = [
  // Solna 2024 (published): a new personal-care customer is paid 4 hours once
  { event: 'new_customer', category: 'personal_care', hours: '4', priceGroup: 'pc', rateBand: 'day' },
  // An assumed start-up payment when a provider takes over a citizen
  { event: 'takeover', category: 'personal_care', amount: '1500.00' },
];
const model = (rules: object[] = oneOff) => aModel({ oneOff: rules });
const rows = (r: ReturnType<typeof settle>) =>
  r.lines.map((l) => [l.citizenRef, l.serviceCode, l.kind, l.unit, l.visits, l.minutes, l.quantity, l.rate, l.amount, l.reasonCodes]);

/**
 * C001 chooses provider 1 from 5 March 2026 and holds a personal-care grant from 1 March: a new
 * customer on 5 March. C002 has had personal care from provider 2 since 2025 and changes to
 * provider 1 on 16 March: a takeover. C003 chose provider 1 in February but is granted care only
 * from 10 March: a new customer on 10 March. (aWorld prices personal care at 600.00/h by day.)
 */
const world = (o: Partial<EngineInput> = {}, rules?: object[]) =>
  aWorld(model(rules), {
    citizens: [aCitizen(1), aCitizen(2), aCitizen(3)],
    choices: [
      aChoice(1, 'personal_care', { validFrom: '2026-03-05' }),
      aChoice(2, 'personal_care', { providerId: 2, validFrom: '2025-01-01', validTo: '2026-03-16' }),
      aChoice(2, 'personal_care', { validFrom: '2026-03-16' }),
      aChoice(3, 'personal_care', { validFrom: '2026-02-01' }),
    ],
    grants: [
      aGrant(1, 'PC', 'personal_care', { validFrom: '2026-03-01' }),
      aGrant(2, 'PC', 'personal_care', { validFrom: '2025-01-01' }),
      aGrant(3, 'PC', 'personal_care', { validFrom: '2026-03-10' }),
    ],
    visits: [],
    ...o,
  });

describe('one-off-payments', () => {
  it('pays a new customer 4 hours and a takeover its amount, once, in the month of the event', () => {
    const r = settle(world());
    expect(rows(r)).toEqual([
      // 4 h = 240 min × 600.00 / 60 = 2400.00
      [
        'C001',
        'new_customer',
        'new_customer',
        'per_hour',
        1,
        240,
        '4',
        '600.00',
        '2400.00',
        ['one_off.new_customer', 'one_off.date.2026-03-05', 'one_off.hours.4'],
      ],
      [
        'C002',
        'takeover',
        'takeover',
        'per_visit',
        1,
        0,
        '1',
        '1500.00',
        '1500.00',
        ['one_off.takeover', 'one_off.date.2026-03-16', 'one_off.amount'],
      ],
      [
        'C003',
        'new_customer',
        'new_customer',
        'per_hour',
        1,
        240,
        '4',
        '600.00',
        '2400.00',
        ['one_off.new_customer', 'one_off.date.2026-03-10', 'one_off.hours.4'],
      ],
    ]);
    expect(r.totalExclVat).toBe('6300.00');
    // The same inputs give the same lines (a re-run or correction of March differs in nothing)
    expect(settle(world())).toEqual(r);
  });

  it('pays nothing in a later month, nor to the provider the citizen left', () => {
    expect(settle(world({ period: { from: '2026-04-01', to: '2026-05-01' } })).lines).toEqual([]);
    expect(settle(world({ provider: { id: 2, ref: 'P2', kind: 'private', vatStatus: 'registered' } })).lines).toEqual([]);
  });

  it('reads the events from the history when the month’s facts do not reach back to them', () => {
    // The month's facts hold only C002's choice of provider 1; the history shows it followed provider 2.
    const r = settle(
      world({
        choices: [aChoice(2, 'personal_care', { validFrom: '2026-03-16' })],
        history: {
          choices: [
            aChoice(2, 'personal_care', { providerId: 2, validFrom: '2025-01-01', validTo: '2026-03-16' }),
            aChoice(2, 'personal_care', { validFrom: '2026-03-16' }),
          ],
          grants: [{ citizenId: 2, category: 'personal_care', validFrom: '2025-01-01', validTo: null }],
        },
      }),
    );
    expect(rows(r).map((x) => [x[0], x[2], x[8]])).toEqual([['C002', 'takeover', '1500.00']]);
  });

  it('pays no takeover when the citizen returns to the same provider, and nothing before notBefore', () => {
    const back = world({
      choices: [
        aChoice(2, 'personal_care', { validFrom: '2025-01-01', validTo: '2026-02-01' }),
        aChoice(2, 'personal_care', { validFrom: '2026-03-16' }),
      ],
    });
    expect(settle(back).lines).toEqual([]);
    const later = settle(
      world(
        {},
        oneOff.map((r) => ({ ...r, notBefore: '2026-03-08' })),
      ),
    );
    expect(rows(later).map((x) => [x[0], x[2]])).toEqual([
      ['C002', 'takeover'],
      ['C003', 'new_customer'],
    ]);
  });

  it('does not pay a new customer already paid in an approved settlement of another month', () => {
    const r = settle(
      world({
        history: {
          choices: world().choices,
          grants: world().grants.map((g) => ({ citizenId: g.citizenId, category: g.category, validFrom: g.validFrom, validTo: g.validTo })),
          paidNewCustomers: [{ citizenId: 3, category: 'personal_care', period: '2026-02' }],
        },
      }),
    );
    expect(rows(r).map((x) => [x[0], x[2]])).toEqual([
      ['C001', 'new_customer'],
      ['C002', 'takeover'],
    ]);
  });

  it('counts a level grant as a grant of its level’s category: a new customer and a takeover on a level', () => {
    // C004 chose provider 1 on Thu 12 March and holds only helhedspleje level H2 (personal care) from that day: a new customer.
    // C005 has held H2 with provider 2 since 2025 and changes to provider 1 on Fri 20 March: a takeover.
    // C006 chose provider 1 for personal care but holds only an alarm level: no personal-care customer.
    const levelWorld = (o: Partial<EngineInput> = {}) =>
      world({
        citizens: [aCitizen(4), aCitizen(5), aCitizen(6)],
        choices: [
          aChoice(4, 'personal_care', { validFrom: '2026-03-12' }),
          aChoice(5, 'personal_care', { providerId: 2, validFrom: '2025-01-01', validTo: '2026-03-20' }),
          aChoice(5, 'personal_care', { validFrom: '2026-03-20' }),
          aChoice(6, 'personal_care', { validFrom: '2026-03-12' }),
        ],
        grants: [],
        levels: { H2: aLevel('H2'), A1: aLevel('A1', 'alarm') },
        levelRates: [aLevelRate('H2', '500.00'), aLevelRate('A1', '10.00'), aLevelRate('H2', '480.00', { kind: 'municipal' })],
        levelGrants: [aLevelGrant(4, 'H2', '2026-03-12'), aLevelGrant(5, 'H2', '2025-01-01'), aLevelGrant(6, 'A1', '2026-03-12')],
        ...o,
      });
    const oneOffRows = (r: ReturnType<typeof settle>) =>
      rows(r)
        .filter((x) => x[2] === 'new_customer' || x[2] === 'takeover')
        .map((x) => [x[0], x[2], x[8], (x[9] as string[])[1]]);
    expect(oneOffRows(settle(levelWorld()))).toEqual([
      ['C004', 'new_customer', '2400.00', 'one_off.date.2026-03-12'],
      ['C005', 'takeover', '1500.00', 'one_off.date.2026-03-20'],
    ]);
    // Once: not in April, not to the provider C005 left
    expect(oneOffRows(settle(levelWorld({ period: { from: '2026-04-01', to: '2026-05-01' } })))).toEqual([]);
    expect(oneOffRows(settle(levelWorld({ provider: { id: 2, ref: 'P2', kind: 'private', vatStatus: 'registered' } })))).toEqual([]);
    // The history (HISTORY_SQL) carries the level's span among the grants: the same events
    const history = {
      choices: levelWorld().choices,
      grants: [
        { citizenId: 4, category: 'personal_care' as const, validFrom: '2026-03-12', validTo: null },
        { citizenId: 5, category: 'personal_care' as const, validFrom: '2025-01-01', validTo: null },
        { citizenId: 6, category: 'alarm' as const, validFrom: '2026-03-12', validTo: null },
      ],
    };
    expect(oneOffRows(settle(levelWorld({ history })))).toEqual(oneOffRows(settle(levelWorld())));
  });

  it('fails the run naming the hourly rate the payment needs', () => {
    const input = world({}, [{ event: 'new_customer', category: 'personal_care', hours: '4', priceGroup: 'pc', rateBand: 'evening' }]);
    let issues: unknown = null;
    try {
      settleProvider(input);
    } catch (e) {
      if (e instanceof ReimbursementInputError) issues = e.issues.map((i) => [i.code, i.details]);
    }
    expect(issues).toEqual([
      ['missing_rate', { priceGroup: 'pc', timeBand: 'evening', providerKind: 'private', area: null, unit: 'per_hour' }],
    ]);
  });

  it('refuses a rule without the price it needs', () => {
    expect(() => aModel({ oneOff: [{ event: 'new_customer', category: 'personal_care', hours: '4' }] })).toThrow(
      /oneOff\.0\.priceGroup.*needed to price 4 hours.*oneOff\.0\.rateBand/,
    );
    expect(() => aModel({ oneOff: [{ event: 'takeover', category: 'personal_care' }] })).toThrow(
      /oneOff\.0\.amount.*give either amount or hours/,
    );
    expect(() => aModel({ oneOff: [oneOff[1], oneOff[1]] })).toThrow(/takeover for personal_care is already given a rule/);
  });
});
