import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber } from '../calendar/dates.js';
import { settleProvider } from '../engine.js';
import type {
  AbsenceInput,
  ChoiceInput,
  EngineInput,
  EngineResult,
  LevelGrantInput,
  LevelRate,
  ProviderKind,
  SettlementLine,
} from '../engine-types.js';
import { aCitizen, aLevel, aModel, anInput } from '../testing/engine-builders.js';

/**
 * Invariants of level-based care over random months: citizens whose level and provider change
 * on random days, with daily, weekly and monthly prices and hospital stays.
 *
 * "The same whether a month is settled whole or day by day" means, per provider × citizen × level
 * × price × factor line: the month's quantity (days) is the sum of the days' quantities; for a
 * daily price the month's amount is the days' exact amounts summed and then rounded once
 * (round₂ per line, DOMAIN.md §5); for weekly and monthly prices (÷ 7, ÷ days of the month) the
 * month's amount differs from the sum of the days' rounded amounts by at most half an øre a day.
 */
const PROVIDERS: { id: number; kind: ProviderKind }[] = [
  { id: 1, kind: 'private' },
  { id: 2, kind: 'municipal' },
  { id: 3, kind: 'private' },
];
const LEVELS = ['N3', 'N4', 'N5'] as const;
const UNIT = { N3: 'per_day', N4: 'per_week', N5: 'per_month' } as const;
const MODEL = aModel({
  levels: {
    absences: [
      {
        kinds: ['hospital'],
        days: [
          { from: 1, to: 1, percent: '100' },
          { from: 2, to: 5, percent: '50' },
        ],
      },
    ],
  },
});

const cents = fc.integer({ min: 0, max: 400_000 }).map((c) => new Decimal(c).div(100).toFixed(2));
/** Cut points inside the month: the days a level or a provider changes. */
const cuts = fc.uniqueArray(fc.integer({ min: 1, max: 27 }), { maxLength: 3 }).map((a) => a.sort((x, y) => x - y));
const citizenArb = fc.record({
  start: fc.integer({ min: -5, max: 10 }),
  levelCuts: cuts,
  levels: fc.array(fc.constantFrom(...LEVELS), { minLength: 4, maxLength: 4 }),
  choiceCuts: cuts,
  providers: fc.array(fc.constantFrom(1, 2, 3), { minLength: 4, maxLength: 4 }),
  absence: fc.option(
    fc.record({
      from: fc.integer({ min: -4, max: 28 }),
      days: fc.integer({ min: 1, max: 9 }),
      kind: fc.constantFrom('hospital', 'holiday'),
    }),
  ),
});
const worldArb = fc.record({
  month: fc.constantFrom('2023-02', '2024-02', '2023-03', '2023-04'),
  citizens: fc.array(citizenArb, { minLength: 1, maxLength: 3 }),
  prices: fc.array(cents, { minLength: 6, maxLength: 6 }),
});
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function inputs(w: World) {
  const from = `${w.month}-01`;
  const to = addDays(from, 40).slice(0, 8) + '01';
  const levelGrants: LevelGrantInput[] = [];
  const choices: ChoiceInput[] = [];
  const absences: AbsenceInput[] = [];
  let id = 1;
  w.citizens.forEach((c, i) => {
    const citizenId = i + 1;
    const bounds = [c.start, ...c.levelCuts.filter((x) => x > c.start)];
    bounds.forEach((b, k) =>
      levelGrants.push({
        id: id++,
        citizenId,
        level: c.levels[k]!,
        validFrom: addDays(from, b),
        validTo: k + 1 < bounds.length ? addDays(from, bounds[k + 1]!) : null,
      }),
    );
    const cb = [-10, ...c.choiceCuts];
    cb.forEach((b, k) =>
      choices.push({
        citizenId,
        category: 'personal_care',
        providerId: c.providers[k]!,
        validFrom: addDays(from, b),
        validTo: k + 1 < cb.length ? addDays(from, cb[k + 1]!) : null,
      }),
    );
    if (c.absence)
      absences.push({
        citizenId,
        kind: c.absence.kind,
        planned: false,
        validFrom: addDays(from, c.absence.from),
        validTo: addDays(from, c.absence.from + c.absence.days),
      });
  });
  const levelRates: LevelRate[] = LEVELS.flatMap((level, i) =>
    (['private', 'municipal'] as const).map((kind, k) => ({
      level,
      providerKind: kind,
      area: null,
      unit: UNIT[level],
      rate: new Decimal(w.prices[i * 2 + k]!),
    })),
  );
  const base = (p: (typeof PROVIDERS)[number], period: { from: string; to: string }): EngineInput =>
    anInput(MODEL, {
      period,
      provider: { id: p.id, ref: `P${p.id}`, kind: p.kind, vatStatus: 'exempt' },
      levels: Object.fromEntries(LEVELS.map((l) => [l, aLevel(l)])),
      levelRates,
      levelGrants,
      citizens: w.citizens.map((_, i) => aCitizen(i + 1)),
      choices,
      absences,
    });
  return { from, to, levelGrants, base };
}

/** A line's identity: a day of absence paid 100 % has the factor of a day without absence, but its own line. */
const keyOf = (l: SettlementLine) =>
  `${l.citizenId}|${l.serviceCode}|${l.unit}|${l.rate.toString()}|${l.factor.toString()}|${l.reasonCodes.some((r) => r.startsWith('level.absence.'))}`;

describe('level-days (properties)', () => {
  it("the days paid to all providers for all levels add up to each citizen's level days in the month", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { from, to, levelGrants, base } = inputs(w);
        const paid = new Map<number, number>();
        for (const p of PROVIDERS)
          for (const l of settleProvider(base(p, { from, to })).lines)
            paid.set(l.citizenId, (paid.get(l.citizenId) ?? 0) + l.quantity.toNumber());
        w.citizens.forEach((_, i) => {
          const own = levelGrants.filter((g) => g.citizenId === i + 1);
          const first = Math.max(dayNumber(from), dayNumber(own[0]!.validFrom));
          expect(paid.get(i + 1) ?? 0).toBe(Math.max(0, dayNumber(to) - first));
        });
      }),
      { numRuns: 120 },
    );
  });

  it('a month settled whole equals its days settled one by one, line by line (see the header for what "equals" means)', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { from, to, base } = inputs(w);
        for (const p of PROVIDERS) {
          const whole = settleProvider(base(p, { from, to }));
          const days = new Map<string, { quantity: number; exact: Decimal; rounded: Decimal }>();
          for (let d = from; d < to; d = addDays(d, 1)) {
            const day: EngineResult = settleProvider(base(p, { from: d, to: addDays(d, 1) }));
            for (const l of day.lines) {
              const e = days.get(keyOf(l)) ?? { quantity: 0, exact: new Decimal(0), rounded: new Decimal(0) };
              e.quantity += l.quantity.toNumber();
              e.exact = e.exact.plus(l.quantity.mul(l.rate).mul(l.factor));
              e.rounded = e.rounded.plus(l.amount);
              days.set(keyOf(l), e);
            }
          }
          expect(new Set(whole.lines.map(keyOf))).toEqual(new Set(days.keys()));
          for (const l of whole.lines) {
            const e = days.get(keyOf(l))!;
            expect(l.quantity.toNumber()).toBe(e.quantity);
            if (l.unit === 'per_day') expect(l.amount.toFixed(2)).toBe(e.exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
            expect(l.amount.minus(e.rounded).abs().lte(new Decimal('0.005').mul(e.quantity))).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
