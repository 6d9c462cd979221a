import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dateOf, dayNumber } from '../calendar/dates.js';
import { settleProvider } from '../engine.js';
import type { ChoiceInput, EngineInput, GrantSpan } from '../engine-types.js';
import { aCitizen, aModel, anInput } from '../testing/engine-builders.js';

/**
 * One-off payments over a random year: citizens whose provider changes on random days, with
 * grants that start, stop and start again. Settling every month of 2026 for every provider (and
 * each month twice, as a re-run or a correction would), each event is paid exactly once, in one
 * month, to one provider — and the new customers are those a day-by-day scan of the history finds.
 */
const MODEL = aModel({
  oneOff: [
    { event: 'new_customer', category: 'personal_care', amount: '1000.00' },
    { event: 'takeover', category: 'personal_care', amount: '500.00' },
  ],
});
const START = dayNumber('2025-10-01');
const END = dayNumber('2027-01-01');
const MONTHS = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);

const citizenHistory = fc.record({
  choices: fc.array(fc.record({ at: fc.integer({ min: START, max: END - 1 }), provider: fc.integer({ min: 1, max: 3 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  grants: fc.array(fc.record({ at: fc.integer({ min: START, max: END - 1 }), days: fc.integer({ min: 1, max: 200 }) }), {
    minLength: 0,
    maxLength: 3,
  }),
  /** A gap before the first choice ends (the citizen leaves care for a while, then comes back). */
  gap: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
});

type History = typeof citizenHistory extends fc.Arbitrary<infer T> ? T : never;

function world(histories: History[]) {
  const choices: ChoiceInput[] = [];
  const grants: GrantSpan[] = [];
  histories.forEach((h, i) => {
    const citizenId = i + 1;
    const starts = [...new Map(h.choices.map((c) => [c.at, c])).values()].sort((a, b) => a.at - b.at);
    starts.forEach((c, j) => {
      const next = starts[j + 1];
      let to = next ? next.at : null;
      if (j === 0 && to !== null && h.gap !== null) to = Math.max(c.at + 1, to - h.gap);
      choices.push({
        citizenId,
        category: 'personal_care',
        providerId: c.provider,
        validFrom: dateOf(c.at),
        validTo: to === null ? null : dateOf(to),
      });
    });
    for (const g of h.grants)
      grants.push({ citizenId, category: 'personal_care', validFrom: dateOf(g.at), validTo: dateOf(g.at + g.days) });
  });
  return { choices, grants, citizens: histories.map((_, i) => aCitizen(i + 1)) };
}

const covers = (r: { validFrom: string; validTo: string | null }, date: string) =>
  r.validFrom <= date && (r.validTo === null || date < r.validTo);

describe('one-off payments over a year (property)', () => {
  it('each event is paid once across months, providers, re-runs and corrections; new customers match a day-by-day scan', () => {
    fc.assert(
      fc.property(fc.array(citizenHistory, { minLength: 1, maxLength: 4 }), (histories) => {
        const w = world(histories);
        const paid = new Map<string, number>();
        for (const month of MONTHS)
          for (const provider of [1, 2, 3]) {
            const input: EngineInput = anInput(MODEL, {
              period: { from: `${month}-01`, to: addDays(`${month}-28`, 4).slice(0, 7) + '-01' },
              provider: { id: provider, ref: `P${provider}`, kind: 'private', vatStatus: 'registered' },
              citizens: w.citizens,
              choices: [],
              grants: [],
              history: { choices: w.choices, grants: w.grants },
            });
            const once = settleProvider(input);
            expect(settleProvider(input)).toEqual(once); // a re-run or a correction recomputes the same lines
            for (const l of once.lines) {
              const date = l.reasonCodes.find((c) => c.startsWith('one_off.date.'))!.slice(13);
              expect(date.slice(0, 7)).toBe(month);
              const key = `${l.citizenId}|${l.kind}|${date}|${provider}`;
              paid.set(key, (paid.get(key) ?? 0) + l.visits);
            }
          }
        expect([...paid.values()].every((n) => n === 1)).toBe(true);
        // The oracle: scan the days for the first one with a choice and a grant.
        const expected = new Set<string>();
        w.citizens.forEach(({ id }) => {
          const cs = w.choices.filter((c) => c.citizenId === id);
          const gs = w.grants.filter((g) => g.citizenId === id);
          for (let d = START - 400; d < END; d++) {
            const date = dateOf(d);
            const c = cs.find((x) => covers(x, date));
            if (c && gs.some((g) => covers(g, date))) {
              if (date.startsWith('2026')) expected.add(`${id}|new_customer|${date}|${c.providerId}`);
              break;
            }
          }
        });
        expect(new Set([...paid.keys()].filter((k) => k.includes('|new_customer|')))).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
