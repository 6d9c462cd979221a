import { describe, expect, it } from 'vitest';
import { settleProvider } from '../engine.js';
import type { EngineInput } from '../engine-types.js';
import { ReimbursementInputError } from '../engine-types.js';
import { aChoice, aCitizen, aLevel, aLevelGrant, aLevelRate, aModel, anAbsence, anInput } from '../testing/engine-builders.js';
import { settle } from '../testing/settle.js';

/**
 * Stockholm 2023, LSS servicebostad per dygn *(published)*: nivå 3 1,771 kr (kommunal regi) /
 * 1,867 kr (entreprenad), nivå 4 2,460 / 2,593 kr. With two provider kinds, entreprenad is the
 * private kind. March 2023 has 31 days.
 */
const STOCKHOLM = [
  aLevelRate('N3', '1771', { kind: 'municipal' }),
  aLevelRate('N3', '1867', { kind: 'private' }),
  aLevelRate('N4', '2460', { kind: 'municipal' }),
  aLevelRate('N4', '2593', { kind: 'private' }),
];

const world = (o: Partial<EngineInput> = {}, model = aModel()): EngineInput =>
  anInput(model, {
    period: { from: '2023-03-01', to: '2023-04-01' },
    levels: { N3: aLevel('N3'), N4: aLevel('N4') },
    levelRates: STOCKHOLM,
    citizens: [aCitizen(1), aCitizen(2)],
    choices: [aChoice(1, 'personal_care')],
    levelGrants: [aLevelGrant(1, 'N3')],
    ...o,
  });
const summary = (r: ReturnType<typeof settle>) =>
  r.lines.map((l) => [l.citizenRef, l.serviceCode, l.kind, l.unit, l.quantity, l.rate, l.factor, l.amount, l.reasonCodes]);
const issues = (input: EngineInput) => {
  try {
    settleProvider(input);
  } catch (e) {
    if (e instanceof ReimbursementInputError) return e.issues.map((i) => [i.code, i.message]);
    throw e;
  }
  throw new Error('settled');
};

describe('level-days', () => {
  it('a change of level on the 15th splits the month by days: 14 × 1,867 + 17 × 2,593', () => {
    const r = settle(world({ levelGrants: [aLevelGrant(1, 'N3', '2023-01-01', '2023-03-15'), aLevelGrant(1, 'N4', '2023-03-15')] }));
    expect(summary(r)).toEqual([
      ['C001', 'N3', 'level_day', 'per_day', '14', '1867.00', '1', '26138.00', ['level.N3', 'level.per_day']],
      ['C001', 'N4', 'level_day', 'per_day', '17', '2593.00', '1', '44081.00', ['level.N4', 'level.per_day']],
    ]);
    expect(r.totalExclVat).toBe('70219.00');
  });

  it("a change of provider on the 11th pays each its own days at its own kind's price", () => {
    const choices = [
      aChoice(2, 'personal_care', { providerId: 2, validTo: '2023-03-11' }),
      aChoice(2, 'personal_care', { providerId: 1, validFrom: '2023-03-11' }),
    ];
    const o = { choices, levelGrants: [aLevelGrant(2, 'N4')] };
    // Private (entreprenad) from the 11th: 21 days × 2,593 = 54,453.00
    expect(summary(settle(world(o)))).toEqual([
      ['C002', 'N4', 'level_day', 'per_day', '21', '2593.00', '1', '54453.00', ['level.N4', 'level.per_day']],
    ]);
    // Municipal (kommunal regi) 1–10 March: 10 days × 2,460 = 24,600.00
    const municipal = settle(world({ ...o, provider: { id: 2, ref: 'P2', kind: 'municipal', vatStatus: 'exempt' } }));
    expect(summary(municipal)).toEqual([
      ['C002', 'N4', 'level_day', 'per_day', '10', '2460.00', '1', '24600.00', ['level.N4', 'level.per_day']],
    ]);
  });

  it('a weekly price pays 1/7 a day, divided last: 3 days × 1,000.00 ÷ 7 = 428.571… → 428.57', () => {
    const r = settle(
      world({ levelRates: [aLevelRate('N3', '1000.00', { unit: 'per_week' })], levelGrants: [aLevelGrant(1, 'N3', '2023-03-29')] }),
    );
    expect(summary(r)).toEqual([
      [
        'C001',
        'N3',
        'level_day',
        'per_week',
        '3',
        '1000.00',
        expect.stringMatching(/^0\.142857142857/),
        '428.57',
        ['level.N3', 'level.per_week'],
      ],
    ]);
  });

  it('a monthly price pays 1/(days of the month) a day: 10 of 30 April days × 30,000.00 = 10,000.00', () => {
    const r = settle(
      world({
        period: { from: '2023-04-01', to: '2023-05-01' },
        levelRates: [aLevelRate('N3', '30000.00', { unit: 'per_month' })],
        levelGrants: [aLevelGrant(1, 'N3', '2023-04-21')],
      }),
    );
    expect(summary(r)).toEqual([
      [
        'C001',
        'N3',
        'level_day',
        'per_month',
        '10',
        '30000.00',
        expect.stringMatching(/^0\.0333333/),
        '10000.00',
        ['level.N3', 'level.per_month'],
      ],
    ]);
  });

  it("the citizen's area price wins over the price for any area", () => {
    const r = settle(world({ citizens: [aCitizen(1, 'rural')], levelRates: [...STOCKHOLM, aLevelRate('N3', '2000', { area: 'rural' })] }));
    expect(summary(r)).toEqual([
      ['C001', 'N3', 'level_day', 'per_day', '31', '2000.00', '1', '62000.00', ['level.N3', 'level.per_day', 'area.rate.rural']],
    ]);
  });

  it('hospital day 1 pays 100 %, days 2– pay 0 %, each reduced day with its reason; a holiday (no rule) pays in full', () => {
    const model = aModel({ levels: { absences: [{ kinds: ['hospital'], days: [{ from: 1, to: 1, percent: '100' }] }] } });
    const absences = [anAbsence(1, '2023-03-10', '2023-03-14'), anAbsence(1, '2023-03-20', '2023-03-22', { kind: 'holiday' })];
    const r = settle(world({ absences }, model));
    expect(summary(r)).toEqual([
      // Lines in factor order. Days 2–4 of the stay: 3 × 1,867 × 0 % = 0.00
      [
        'C001',
        'N3',
        'level_day',
        'per_day',
        '3',
        '1867.00',
        '0',
        '0.00',
        ['level.N3', 'level.per_day', 'level.absence.hospital.day2.0', 'level.absence.hospital.day3.0', 'level.absence.hospital.day4.0'],
      ],
      // 31 − 4 hospital days = 27 days × 1,867 = 50,409.00 (the two holiday days included)
      ['C001', 'N3', 'level_day', 'per_day', '27', '1867.00', '1', '50409.00', ['level.N3', 'level.per_day']],
      [
        'C001',
        'N3',
        'level_day',
        'per_day',
        '1',
        '1867.00',
        '1',
        '1867.00',
        ['level.N3', 'level.per_day', 'level.absence.hospital.day1.100'],
      ],
    ]);
    expect(r.totalExclVat).toBe('52276.00');
  });

  it('an absence that began last month counts its days from its own first day', () => {
    const model = aModel({ levels: { absences: [{ kinds: ['hospital'], days: [{ from: 1, to: 2, percent: '50' }] }] } });
    const r = settle(world({ absences: [anAbsence(1, '2023-02-28', '2023-03-03')] }, model));
    // 1 March is day 2 (50 %), 2 March day 3 (0 %): 29 × 1,867 + 933.50 + 0
    expect(r.lines.map((l) => [l.quantity, l.amount, l.reasonCodes.at(-1)])).toEqual([
      ['1', '0.00', 'level.absence.hospital.day3.0'],
      ['1', '933.50', 'level.absence.hospital.day2.50'],
      ['29', '54143.00', 'level.per_day'],
    ]);
  });

  it('refuses the whole run when a price is missing, naming level, kind, area and days', () => {
    expect(
      issues(
        world({
          levelRates: STOCKHOLM.filter((r) => r.level !== 'N3' || r.providerKind !== 'private'),
          levelGrants: [aLevelGrant(1, 'N3', '2023-03-05', '2023-03-09')],
        }),
      ),
    ).toEqual([['missing_level_rate', 'no price for level N3, private provider (needed on 4 day(s): 2023-03-05 – 2023-03-08)']]);
  });

  it('refuses a level unknown to the catalogue and overlapping level grants', () => {
    expect(issues(world({ levelGrants: [aLevelGrant(1, 'N9')] }))[0]).toEqual(['unknown_level', expect.stringContaining('level N9')]);
    const overlapping = [aLevelGrant(1, 'N3', '2023-03-01', '2023-03-20'), aLevelGrant(1, 'N4', '2023-03-19')];
    expect(issues(world({ levelGrants: overlapping }))).toEqual([
      ['overlapping_level_grants', expect.stringContaining('C001 has two levels on 2023-03-19')],
    ]);
  });

  it('the model refuses a kind given two absence rules and overlapping days', () => {
    expect(() =>
      aModel({
        levels: {
          absences: [
            {
              kinds: ['hospital'],
              days: [
                { from: 1, to: 3, percent: '100' },
                { from: 3, to: 5, percent: '0' },
              ],
            },
            { kinds: ['hospital'], days: [{ from: 1, to: 1, percent: '0' }] },
          ],
        },
      }),
    ).toThrow(/overlaps days 1–3.*hospital is already given a rule/);
  });
});
