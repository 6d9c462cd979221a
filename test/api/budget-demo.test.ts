import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importRunner } from '../../seeds/demo-command.js';
import { loadDemo } from '../../seeds/demo.js';
import { DEMO_WEEKS, runDemoBudgetChecks } from '../../src/features/budget-checks/budget-demo.js';
import { asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('budget checks in the demo', () => {
  let app: TestApp;
  let lines: string[];
  let municipalityId: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    // The demo loader runs the budget checks itself and returns their printable lines.
    lines = (
      await loadDemo(
        app.services,
        { code: 'demo', citizens: 120, actor: 'test', invoiceDir: await mkdtemp(path.join(os.tmpdir(), 'carepay-demo-')) },
        importRunner(app.services),
      )
    ).budgetCheck;
    municipalityId = (await app.services.municipalities.getByCode('demo')).id;
  }, 120_000);

  it('checks the five ISO weeks that overlap April 2026', () => {
    expect(DEMO_WEEKS).toEqual(['2026-W14', '2026-W15', '2026-W16', '2026-W17', '2026-W18']);
    // The demo municipality is Danish: its budget lines print in Danish.
    expect(lines[0]).toMatch(/^Demobudgetter 2026 oprettet ud fra den visiterede udgift i 2026-W15 \(\d+,\d\d t visiteret den uge\):$/);
    expect(lines[1]).toMatch(/^ {2}Personlig pleje \/ Bydistrikt: 1,03 × [\d.]+,\d\d om ugen$/);
    expect(lines.filter((l) => l.startsWith('Uge '))).toHaveLength(5);
  });

  it('shows every verdict in the reference week 15, where the demo budgets were set', async () => {
    const w15 = await app.services.budgetChecks.getResult(asAdmin(municipalityId), '2026-W15');
    expect(w15.lines.map((l) => [l.category, l.area, l.status])).toEqual([
      ['personal_care', 'urban', 'ok'],
      ['personal_care', 'rural', 'over'],
      ['practical_help', 'urban', 'watch'],
      ['practical_help', 'rural', 'ok'],
    ]);
    // The printed week: a verdict line per budget line, each personal-care line followed by the share of
    // level-based and other non-hourly services (the whole budget is checked, issue 18 item 8).
    const start = lines.findIndex((l) => l.startsWith('Uge 2026-W15'));
    const week = lines.slice(
      start + 2,
      lines.findIndex((l, i) => i > start && l.startsWith('Uge ')),
    );
    const verdicts = week.filter((l) => /^ {2}[A-ZÆØÅ]/.test(l));
    expect(verdicts.map((l) => /^ {2}(OK|OVER|HOLD ØJE|INGEN PRIS) /.exec(l)?.[1])).toEqual(['OK', 'OVER', 'HOLD ØJE', 'OK']);
    // areas: the demo's areas by their Danish names, not the codes urban and rural (docs/areas.md)
    expect(verdicts.map((l) => / \/ (\S+)/.exec(l)?.[1])).toEqual(['Bydistrikt', 'Landdistrikt', 'Bydistrikt', 'Landdistrikt']);
    expect(week.filter((l) => l.trim().startsWith('heraf niveauer'))).toHaveLength(2);
    // The figures trace back to the grants: the contributing grants add up to the week's hours.
    const traced = await app.services.budgetChecks.contributors(asAdmin(municipalityId), '2026-W15', { limit: 1, offset: 0 });
    expect(traced.grantedHours).toBe(w15.grantedHours);
    expect(traced.total).toBe(w15.contributingGrants);
  });

  it('prints the April follow-up per provider, with the takeover visible', () => {
    const at = lines.indexOf('Opfølgning 2026-04: visiterede mod leverede timer pr. leverandør');
    expect(at).toBeGreaterThan(0);
    const providers = lines
      .slice(at + 1)
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(providers).toEqual(['HJEM-SYD', 'KOMMUNAL', 'OMSORG-NORD', 'PLEJE-PLUS']);
  });

  it('runs again without creating budgets twice; the history keeps both runs', async () => {
    const again = await runDemoBudgetChecks(app.services, 'demo');
    expect(again[0]).toMatch(/^Uge 2026-W14/);
    expect((await app.services.budgetChecks.listBudgets(asAdmin(municipalityId), { year: 2026 }, { limit: 10, offset: 0 })).total).toBe(4);
    expect((await app.services.budgetChecks.listRuns(asAdmin(municipalityId), '2026-W15', { limit: 10, offset: 0 })).total).toBe(2);
  });
});
