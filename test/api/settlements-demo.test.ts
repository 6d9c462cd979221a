import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRunner, summaryLines } from '../../seeds/demo-command.js';
import { loadDemo } from '../../seeds/demo.js';
import { formatNumber } from '../../src/features/invoices/invoice-labels.js';
import { runDemoSettlements } from '../../src/features/settlements/settlement-demo.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { Browser } from '../helpers/web-browser.js';
import type { DemoSummary } from '../../seeds/demo.js';

const t = useTestDatabase();

describe('demo settlements (April 2026, Danish granted-time model in the demo bands)', () => {
  let app: TestApp;
  let first: string[];
  let summary: DemoSummary;
  const progress: string[] = [];
  const invoiceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-demo-settle-'));

  beforeAll(async () => {
    app = buildTestApp(t.db);
    // The demo loader settles the month with runDemoSettlements (and then approves and invoices it).
    summary = await loadDemo(app.services, { code: 'demo', citizens: 60, actor: 'test', invoiceDir }, importRunner(app.services), (m) =>
      progress.push(m),
    );
    first = summary.settlements.slice(0, 6);
  }, 120_000);
  afterAll(() => fs.rmSync(invoiceDir, { recursive: true, force: true }));

  it('settles every provider with citizens in the month and prints one line each', async () => {
    // The demo municipality is Danish: its lines print in Danish, with Danish digits.
    expect(first[0]).toBe('Afregninger 2026-04 — 4 leverandører, beløb i DKK');
    const rows = first.slice(2);
    expect(rows.map((r) => r.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['HJEM-SYD', 'oprettet'],
      ['KOMMUNAL', 'oprettet'],
      ['OMSORG-NORD', 'oprettet'],
      ['PLEJE-PLUS', 'oprettet'],
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
      expect(row.trim().split(/\s+/).slice(4, 7)).toEqual([s.total_excl_vat, s.vat, s.total_incl_vat].map((x) => formatNumber(x, 2, 'da')));
    }
    // The demo has hospital stays, no-shows, double staffing and Easter: all of them show in the reason codes.
    const codes = new Set((await t.db('settlement_lines').select('reason_codes')).flatMap((r) => r.reason_codes as string[]));
    for (const c of ['basis.granted', 'basis.per_visit', 'basis.per_period', 'staff.double', 'cancel.noshow.100', 'band.split'])
      expect(codes).toContain(c);
    // (Level lines and a fixed one-off amount have no band.)
    const bands = (await t.db('settlement_lines').whereNotNull('band').distinct('band').orderBy('band')).map((r) => r.band);
    expect(bands).toEqual(['day', 'evening', 'night', 'weekend_holiday']);
  });

  it('settles the helhedspleje levels (67+) beside the hourly citizens: level-days, a level change split by days, a hospital reduction', async () => {
    // April 2026 has 30 days. ASSUMED prices (seeds/demo-levels.ts), municipal / private: HP-LET 5,760 / 6,060 per month,
    // HP-MOD 3,550 / 3,700 per week, HP-OMF 1,265 / 1,320 per day. KOMMUNAL is the municipal kind, the others private.
    const rows = await t
      .db('settlement_lines as l')
      .join('settlements as s', 's.id', 'l.settlement_id')
      .join('providers as p', 'p.id', 's.provider_id')
      .where({ 's.period_start': '2026-04-01', 's.kind': 'regular', 'l.kind': 'level_day' })
      .orderBy(['l.citizen_ref', 'l.service_code', 'l.amount'])
      .select('l.citizen_ref', 'p.ref', 'l.service_code', 'l.unit', 'l.quantity', 'l.rate', 'l.amount', 'l.reason_codes');
    const got = rows.map((r) => [r.citizen_ref, r.ref, r.service_code, r.unit, Number(r.quantity), r.rate, r.amount]);
    expect(got).toEqual([
      ['E0001', 'PLEJE-PLUS', 'HP-LET', 'per_month', 30, '6060.0000', '6060.00'], // 30 × 6,060 ÷ 30
      ['E0002', 'KOMMUNAL', 'HP-LET', 'per_month', 30, '5760.0000', '5760.00'], // 30 × 5,760 ÷ 30
      // Level change on 16 April: 1–15 April lettere, 16–30 April moderat, split by days.
      ['E0003', 'HJEM-SYD', 'HP-LET', 'per_month', 15, '6060.0000', '3030.00'], // 15 × 6,060 ÷ 30
      ['E0003', 'HJEM-SYD', 'HP-MOD', 'per_week', 15, '3700.0000', '7928.57'], // 15 × 3,700 ÷ 7 = 7,928.571…
      ['E0004', 'HJEM-SYD', 'HP-MOD', 'per_week', 30, '3700.0000', '15857.14'], // 30 × 3,700 ÷ 7 = 15,857.142…
      // Hospital 8–13 April (validTo 14 April): day 1 paid in full, days 2–6 (9–13 April) at 0 %, the other 24 days in full.
      ['E0005', 'KOMMUNAL', 'HP-MOD', 'per_week', 5, '3550.0000', '0.00'], // 5 × 3,550 ÷ 7 × 0 %
      ['E0005', 'KOMMUNAL', 'HP-MOD', 'per_week', 1, '3550.0000', '507.14'], // 1 × 3,550 ÷ 7 = 507.142…
      ['E0005', 'KOMMUNAL', 'HP-MOD', 'per_week', 24, '3550.0000', '12171.43'], // 24 × 3,550 ÷ 7 = 12,171.428…
      // Level change on 11 April: 10 days moderat per week, 20 days omfattende per day.
      ['E0006', 'PLEJE-PLUS', 'HP-MOD', 'per_week', 10, '3700.0000', '5285.71'], // 10 × 3,700 ÷ 7 = 5,285.714…
      ['E0006', 'PLEJE-PLUS', 'HP-OMF', 'per_day', 20, '1320.0000', '26400.00'], // 20 × 1,320
      ['E0007', 'KOMMUNAL', 'HP-OMF', 'per_day', 30, '1265.0000', '37950.00'], // 30 × 1,265
      ['E0008', 'PLEJE-PLUS', 'HP-LET', 'per_month', 30, '6060.0000', '6060.00'],
      ['E0009', 'HJEM-SYD', 'HP-LET', 'per_month', 16, '6060.0000', '3232.00'], // new customer from 15 April: 16 × 6,060 ÷ 30
    ]);
    // Each reduced day carries its reason code.
    const reduced = rows.find((r) => r.citizen_ref === 'E0005' && r.amount === '0.00')!;
    expect(reduced.reason_codes).toEqual(expect.arrayContaining([2, 3, 4, 5, 6].map((n) => `level.absence.hospital.day${n}.0`)));
    expect(rows.find((r) => r.citizen_ref === 'E0005' && r.amount === '507.14')!.reason_codes).toContain('level.absence.hospital.day1.100');
    // The printed summary: 13 lines, 8 × 30 + 16 = 256 level-days, 130,241.99 (the sum of the amounts above);
    // hospital: 5 days × 3,550 ÷ 7 = 2,535.714… → 2,535.71 not paid.
    const printed = summary.regimes.join('\n');
    // (In the demo municipality's Danish, with Danish digits and plural forms.)
    expect(printed).toContain('helhedspleje-niveauer (borgere på 67 år og derover): 9 borgere, 13 linjer, 256 niveaudage, 130.241,99');
    expect(printed).toContain('niveauskift midt i måneden: E0003 HP-LET → HP-MOD, E0006 HP-MOD → HP-OMF');
    expect(printed).toContain('reduktion ved indlæggelse: 1 borger, 5 dage reduceret, 2.535,71 ikke udbetalt');
    expect(printed).toContain('engangsbetalinger:           1 (new_customer E0009), 400,00');
    expect(printed).toMatch(/ANTAGET: ingen kommunes pris pr\. niveau er fundet offentliggjort/);
    // The hourly citizens (under 67) are settled in the same month.
    expect(printed).toMatch(/ydelser uden for niveauer \(pr\. time, pr\. besøg, pr\. måned\): 6\d borgere, \d+ linjer, [\d.]+,\d\d/);
  });

  it('pays the new customer exactly one one-off payment, to the provider of the day, and shows it as "1 betaling"', async () => {
    // E0009's alarm (AL01) starts on 15 April: the assumed 400.00 once, to KOMMUNAL (its alarm provider). The citizens loaded
    // at go-live (1 January) are not new customers (notBefore 2 January). Its alarm month: 16 × 197 ÷ 30 = 105.066… → 105.07;
    // the draft month (May, DEMO_DRAFT_PERIOD) pays the whole alarm month, 31 × 197 ÷ 31 = 197.00, and no one-off payment again.
    const oneOff = await t
      .db('settlement_lines as l')
      .join('settlements as s', 's.id', 'l.settlement_id')
      .join('providers as p', 'p.id', 's.provider_id')
      .whereIn('l.kind', ['new_customer', 'takeover'])
      .select('l.citizen_ref', 'p.ref', 'l.kind', 'l.quantity', 'l.amount', 'l.reason_codes', 's.id as settlement_id');
    expect(oneOff.map((l) => [l.citizen_ref, l.ref, l.kind, Number(l.quantity), l.amount])).toEqual([
      ['E0009', 'KOMMUNAL', 'new_customer', 1, '400.00'],
    ]);
    expect(oneOff[0]!.reason_codes).toEqual(['one_off.new_customer', 'one_off.date.2026-04-15', 'one_off.amount']);
    const alarm = await t
      .db('settlement_lines as l')
      .join('settlements as s', 's.id', 'l.settlement_id')
      .where({ 'l.citizen_ref': 'E0009', 'l.service_code': 'AL01' })
      .select(t.db.raw("to_char(s.period_start, 'YYYY-MM') as period"), 'l.amount')
      .orderBy('s.period_start');
    expect(alarm).toEqual([
      { period: '2026-04', amount: '105.07' },
      { period: '2026-05', amount: '197.00' },
    ]);

    const b = new Browser(app);
    await b.signIn({ token: summary.tokens.find((x) => x.role === 'finance')!.token });
    const page = await b.get(`/app/settlements/${oneOff[0]!.settlement_id}?citizen=E0009`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/1 betaling</);
    expect(page.text).not.toMatch(/1 × besøg/);
  });

  it("prints the demo's summary in the language asked for (the CLI's --lang, else the municipality's)", () => {
    // Its progress, in the demo municipality's Danish.
    expect(progress).toEqual(
      expect.arrayContaining([
        'leverandører, katalog og priser',
        '9 borgere på 67 år og derover på helhedspleje-niveauer',
        'afregner demomåneden',
      ]),
    );
    const da = summaryLines(summary, 'http://localhost:3000', 'da');
    expect(da[0]).toBe('Demokommune "demo" indlæst (demomåned 2026-04)');
    expect(da).toContain('Indlæsninger (idempotente: en ny kørsel melder dem uændrede)');
    expect(da).toContainEqual(expect.stringMatching(/^ {2}besøg +modtaget \d+, uændret 0, opdateret 0, afvist \d+$/));
    expect(da).toContain('Ugentligt budgettjek (visiterede mod budgetterede timer)');
    const sv = summaryLines(summary, null, 'sv');
    expect(sv[0]).toBe('Demokommun "demo" inläst (demomånad 2026-04)');
    expect(sv[1]).toMatch(/^ {2}utförare 4 \(1 kommunal, 3 privata\), insatser \d+, taxor \d+/);
    expect(sv).toContain('API-nycklar skapade vid denna körning (visas en gång):');
    expect(sv.some((l) => l.startsWith('Prova:'))).toBe(false);
  });

  it('is idempotent: a second call changes nothing (approved settlements have no difference, the empty draft is unchanged)', async () => {
    const again = await runDemoSettlements(app.services, 'demo', { actor: 'test' });
    expect(again.slice(2).map((r) => r.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['HJEM-SYD', 'identisk'],
      ['KOMMUNAL', 'identisk'],
      ['OMSORG-NORD', 'uændret'],
      ['PLEJE-PLUS', 'identisk'],
    ]);
    expect(await t.db('settlements').where({ period_start: '2026-04-01', kind: 'correction' }).count({ n: '*' })).toEqual([{ n: 0 }]);
    // The one-off is not paid again.
    expect(await t.db('settlement_lines').where({ kind: 'new_customer' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});
