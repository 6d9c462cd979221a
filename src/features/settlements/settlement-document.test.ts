import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctionOf, lineKey, vatGroups, type Doc, type DocLine } from './settlement-document.js';

/**
 * Invariants of settlement documents: a correction is exactly the difference against what was
 * approved (approved + correction = current, line by line), the totals are the sums of the lines,
 * and VAT is computed once per rate on the sum.
 */
const lineArb = fc.record({
  citizen: fc.integer({ min: 1, max: 3 }),
  code: fc.constantFrom('PC', 'PH'),
  kind: fc.constantFrom('visit', 'cancellation'),
  band: fc.constantFrom('day', 'night', null),
  rate: fc.constantFrom('450', '540.5', '260'),
  factor: fc.constantFrom('1', '0.5', '1.015'),
  vat: fc.constantFrom('0', '25'),
  visits: fc.integer({ min: 0, max: 40 }),
  minutes: fc.integer({ min: 0, max: 2400 }),
  cents: fc.integer({ min: -500_000, max: 5_000_000 }),
});
type L = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

const toLine = (l: L): DocLine => ({
  citizenId: l.citizen,
  citizenRef: `C${l.citizen}`,
  serviceCode: l.code,
  category: l.code === 'PC' ? 'personal_care' : 'practical_help',
  kind: l.kind,
  band: l.band,
  unit: 'per_hour',
  visits: l.visits,
  minutes: l.minutes,
  quantity: new Decimal(l.minutes).div(60).toDecimalPlaces(4),
  rate: new Decimal(l.rate),
  factor: new Decimal(l.factor),
  amount: new Decimal(l.cents).div(100),
  vatPercent: new Decimal(l.vat),
  exemptionReason: l.vat === '0' ? 'exempt' : null,
  reasonCodes: ['basis.delivered'],
});

function docOf(lines: DocLine[]): Doc {
  const vat = vatGroups(lines);
  const total = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const vatTotal = vat.reduce((s, g) => s.plus(g.vat), new Decimal(0));
  return { lines, exceptions: [], vat, totalExclVat: total, vatTotal, totalInclVat: total.plus(vatTotal) };
}

/** Sums per line key: amount in cents, minutes, visits. */
function sums(lines: readonly DocLine[]) {
  const m = new Map<string, [string, number, number]>();
  for (const l of lines) {
    const k = lineKey(l);
    const [a, mi, v] = m.get(k) ?? ['0', 0, 0];
    m.set(k, [new Decimal(a).plus(l.amount).toFixed(2), mi + l.minutes, v + l.visits]);
  }
  for (const [k, [a, mi, v]] of m) if (new Decimal(a).isZero() && mi === 0 && v === 0) m.delete(k);
  return m;
}

describe('settlement documents', () => {
  it('approved lines plus the correction give the current lines, key by key', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { maxLength: 12 }),
        fc.array(lineArb, { maxLength: 12 }),
        fc.array(lineArb, { maxLength: 6 }),
        (cur, appr1, appr2) => {
          const current = docOf(cur.map(toLine));
          const approved = [...appr1, ...appr2].map(toLine);
          const c = correctionOf(current, approved, new Set());
          const together = sums([...approved, ...(c?.lines ?? [])]);
          expect(together).toEqual(sums(current.lines));
          if (c) {
            // The correction's total is the difference of the totals, and its lines add up to it.
            const approvedTotal = approved.reduce((s, l) => s.plus(l.amount), new Decimal(0));
            expect(c.totalExclVat.toFixed(2)).toBe(current.totalExclVat.minus(approvedTotal).toFixed(2));
            expect(c.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)).toFixed(2)).toBe(c.totalExclVat.toFixed(2));
            expect(c.lines.every((l) => l.reasonCodes[0]!.startsWith('correction.'))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds no correction when nothing differs, whatever the split of the approved lines', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 10 }), (ls, cut) => {
        const lines = ls.map(toLine);
        // Approved as a regular settlement plus a correction of the rest: still no difference.
        expect(correctionOf(docOf(lines), [...lines.slice(0, cut), ...lines.slice(cut)], new Set())).toBeNull();
      }),
    );
  });

  it('computes VAT once per rate on the sum of the lines (half-up to 2 decimals)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), (ls) => {
        const lines = ls.map(toLine);
        const groups = vatGroups(lines);
        expect(groups.reduce((s, g) => s.plus(g.base), new Decimal(0)).toFixed(2)).toBe(
          lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)).toFixed(2),
        );
        for (const g of groups)
          expect(g.vat.toFixed(2)).toBe(g.base.mul(g.percent).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
      }),
    );
    // 3 lines of 0.02 at 25 %: VAT on the sum 0.06 → 0.015 → 0.02 (per line it would be 3 × 0.01 = 0.03)
    const l = toLine({
      citizen: 1,
      code: 'PC',
      kind: 'visit',
      band: 'day',
      rate: '450',
      factor: '1',
      vat: '25',
      visits: 1,
      minutes: 1,
      cents: 2,
    });
    expect(vatGroups([l, l, l]).map((g) => g.vat.toFixed(2))).toEqual(['0.02']);
  });

  it('carries over only exceptions no approved document listed', () => {
    const e = (subjectKey: string) => ({
      kind: 'visit_without_grant',
      subjectKey,
      citizenId: 1,
      citizenRef: 'C1',
      serviceCode: 'PC',
      category: 'personal_care',
      date: '2026-03-02',
      visitId: 1,
      externalId: 'V1',
      grantId: null,
      minutes: 30,
      amount: new Decimal('225'),
      message: 'no grant',
      params: {},
      reasonCodes: [],
    });
    const current: Doc = { ...docOf([]), exceptions: [e('visit:a/V1#PC'), e('visit:a/V2#PC')] };
    const c = correctionOf(current, [], new Set(['visit_without_grant|visit:a/V1#PC']));
    expect(c?.exceptions.map((x) => x.subjectKey)).toEqual(['visit:a/V2#PC']);
    expect(c?.lines).toEqual([]);
  });
});
