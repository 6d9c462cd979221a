import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRunner } from '../../seeds/demo-command.js';
import { loadDemo } from '../../seeds/demo.js';
import { runDemoSettlements } from '../../src/features/settlements/settlement-demo.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('demo settlements (April 2026, Danish granted-time model in the demo bands)', () => {
  let app: TestApp;
  let first: string[];
  const invoiceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-demo-settle-'));

  beforeAll(async () => {
    app = buildTestApp(t.db);
    // The demo loader settles the month with runDemoSettlements (and then approves and invoices it).
    const summary = await loadDemo(app.services, { code: 'demo', citizens: 60, actor: 'test', invoiceDir }, importRunner(app.services));
    first = summary.settlements.slice(0, 6);
  }, 120_000);
  afterAll(() => fs.rmSync(invoiceDir, { recursive: true, force: true }));

  it('settles every provider with citizens in the month and prints one line each', async () => {
    expect(first[0]).toBe('Settlements 2026-04 — 4 provider(s), amounts in DKK');
    const rows = first.slice(2);
    expect(rows.map((r) => r.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['HJEM-SYD', 'created'],
      ['KOMMUNAL', 'created'],
      ['OMSORG-NORD', 'created'],
      ['PLEJE-PLUS', 'created'],
    ]);
    const settlements = await t
      .db('settlements as s')
      .join('providers as p', 'p.id', 's.provider_id')
      .where({ period_start: '2026-04-01' })
      .orderBy('p.ref')
      .select('s.*', 'p.ref', 'p.vat_status');
    expect(settlements).toHaveLength(4);
    // OMSORG-NORD's citizens moved to HJEM-SYD on 1 April: its April visits are exceptions, nothing is paid.
    const nord = settlements.find((s) => s.ref === 'OMSORG-NORD')!;
    expect([nord.total_excl_vat, nord.line_count]).toEqual(['0.00', 0]);
    const kinds = await t.db('settlement_exceptions').where({ settlement_id: nord.id }).distinct('kind');
    expect(kinds.map((k) => k.kind)).toEqual(['provider_not_chosen']);
    for (const s of settlements.filter((x) => x.ref !== 'OMSORG-NORD')) {
      // Totals are the sums of the stored lines, VAT is 25 % of the total for VAT-registered providers (none otherwise), and the printed line shows them.
      const [{ sum }] = (await t.db('settlement_lines').where({ settlement_id: s.id }).sum({ sum: 'amount' })) as [{ sum: string }];
      expect(Number(s.total_excl_vat)).toBeGreaterThan(0);
      expect(s.total_excl_vat).toBe(Number(sum).toFixed(2));
      const rate = s.vat_status === 'registered' ? 0.25 : 0;
      expect(Math.abs(Number(s.vat) - Number(s.total_excl_vat) * rate)).toBeLessThanOrEqual(0.005);
      const row = rows.find((r) => r.includes(`#${s.id} `))!;
      expect(row.trim().split(/\s+/).slice(4, 7)).toEqual([s.total_excl_vat, s.vat, s.total_incl_vat]);
    }
    // The demo has hospital stays, no-shows, double staffing and Easter: all of them show in the reason codes.
    const codes = new Set((await t.db('settlement_lines').select('reason_codes')).flatMap((r) => r.reason_codes as string[]));
    for (const c of ['basis.granted', 'basis.per_visit', 'basis.per_period', 'staff.double', 'cancel.noshow.100', 'band.split'])
      expect(codes).toContain(c);
    const bands = (await t.db('settlement_lines').distinct('band').orderBy('band')).map((r) => r.band);
    expect(bands).toEqual(['day', 'evening', 'night', 'weekend_holiday']);
  });

  it('is idempotent: a second call changes nothing (approved settlements have no difference, the empty draft is unchanged)', async () => {
    const again = await runDemoSettlements(app.services, 'demo', { actor: 'test' });
    expect(again.slice(2).map((r) => r.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['HJEM-SYD', 'no_difference'],
      ['KOMMUNAL', 'no_difference'],
      ['OMSORG-NORD', 'unchanged'],
      ['PLEJE-PLUS', 'no_difference'],
    ]);
    expect(await t.db('settlements').where({ period_start: '2026-04-01', kind: 'correction' }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
