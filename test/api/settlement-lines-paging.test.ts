import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINE_NUMBER_TEXT } from '../../src/features/settlements/settlement-store.js';
import { formatMoney, formatRate } from '../../src/shared/money.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

describe('settlement lines: printed by PostgreSQL, paged with after= and count=true', () => {
  let app: TestApp;
  let finance: string;
  let id: number;
  let lineCount: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const w = await aSettlementWorld(app.services, 'PAGE');
    finance = await w.token('finance');
    for (const [ref, day] of [
      ['C1', '02'],
      ['C2', '03'],
      ['C3', '04'],
      ['C4', '05'],
    ] as const) {
      const c = await w.citizen(ref);
      await w.choose(c, w.providers.p);
      await w.grant(c, 'PC', { minutesPerOccurrence: 30 });
      // Across the 15:00 band boundary: one weekday_day and one other_times line per citizen.
      await w.visit(w.providers.p, c, 'PC', `2026-03-${day} 14:50`, `2026-03-${day} 15:20`);
    }
    const run = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    id = run.body.outcomes[0].settlement.id;
    lineCount = run.body.outcomes[0].settlement.lineCount;
  });

  it('prints quantities, rates, factors, amounts and VAT percentages as the money helpers do', async () => {
    const cases = [
      ['0', '0', '0', '0', '0'],
      ['2', '389', '1', '778', '25'],
      ['1.3333', '389.5', '0.333', '518.93', '12.5'],
      ['0.000001', '0.0001', '0.000001', '-0.01', '0'],
      ['123456789012.5', '1234567890.1234', '123456.000001', '-123456789012.99', '100'],
      ['1.10', '450.10', '1.50', '10.10', '6.00'],
      ['7', '687.505', '2', '1', '25.5'],
    ];
    const rnd = (scale: number, digits: number) =>
      fc
        .bigInt({ min: -(10n ** BigInt(digits)) + 1n, max: 10n ** BigInt(digits) - 1n })
        .map((n) => new Decimal(n.toString()).div(10 ** scale).toFixed(scale));
    const random = fc.sample(fc.tuple(rnd(6, 18), rnd(4, 14), rnd(6, 12), rnd(2, 14), rnd(2, 5)), { numRuns: 300, seed: 19 });
    const values = [...cases, ...random];
    const sql = `select ${Object.entries(LINE_NUMBER_TEXT)
      .map(([c, text]) => `${text} as ${c}`)
      .join(', ')}
                 from (select unnest(?::numeric(18,6)[]) quantity, unnest(?::numeric(14,4)[]) rate, unnest(?::numeric(12,6)[]) factor,
                              unnest(?::numeric(14,2)[]) amount, unnest(?::numeric(5,2)[]) vat_percent) v`;
    const rows = (
      await t.db.raw(
        sql,
        [0, 1, 2, 3, 4].map((k) => values.map((v) => v[k]!)),
      )
    ).rows;
    const stored = (
      await t.db.raw(
        `select unnest(?::numeric(18,6)[])::text q, unnest(?::numeric(14,4)[])::text r, unnest(?::numeric(12,6)[])::text f, unnest(?::numeric(14,2)[])::text a, unnest(?::numeric(5,2)[])::text v`,
        [0, 1, 2, 3, 4].map((k) => values.map((v) => v[k]!)),
      )
    ).rows;
    expect(rows).toEqual(
      stored.map((s: Record<string, string>) => ({
        quantity: new Decimal(s.q!).toString(),
        rate: formatRate(s.r!),
        factor: new Decimal(s.f!).toString(),
        amount: formatMoney(s.a!),
        vat_percent: new Decimal(s.v!).toString(),
      })),
    );
  });

  it('walks every line once in line order with after=, counts only when asked', async () => {
    expect(lineCount).toBeGreaterThanOrEqual(5);
    const whole = (await app.as(finance).get(`/api/settlements/${id}/lines?limit=1000&count=true`).expect(200)).body;
    expect(whole.total).toBe(lineCount);
    expect(whole.next).toBeNull();
    expect(whole.items.map((l: { lineNo: number }) => l.lineNo)).toEqual(Array.from({ length: lineCount }, (_, i) => i + 1));
    for (const limit of [1, 2, 3]) {
      const seen: unknown[] = [];
      let after: number | null = null;
      for (let n = 0; n < 20; n++) {
        const page: { body: { items: Array<{ lineNo: number }>; next: number | null; total?: number } } = await app
          .as(finance)
          .get(`/api/settlements/${id}/lines?limit=${limit}${after === null ? '' : `&after=${after}`}`)
          .expect(200);
        expect(page.body.total).toBeUndefined();
        seen.push(...page.body.items);
        if (page.body.next === null) break;
        after = page.body.next;
      }
      expect(seen).toEqual(whole.items);
    }
    await app.as(finance).get(`/api/settlements/${id}/lines?after=2&offset=1`).expect(400);
  });
});
