import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import cron from 'node-cron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { budgetCheckJob } from '../../jobs/budget-check-job.js';
import { createScheduler, type MunicipalJob } from '../../jobs/scheduler.js';
import { runCli } from '../../src/cli.js';
import { loadConfig } from '../../src/config.js';
import { createKnex } from '../../src/db/database.js';
import { BudgetChecksService } from '../../src/features/budget-checks/budget-checks-service.js';
import { createLogger } from '../../src/shared/logger.js';
import { aMunicipality, asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { aBudgetWorld } from '../helpers/budget-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const log = createLogger('silent');
const job = budgetCheckJob(new BudgetChecksService(null as never)); // periodDueAt needs no database

describe('the Monday 06:00 slot and the period it checks', () => {
  it.each<[string, string, string]>([
    ['Monday 06:00 Copenhagen: the week that just ended', '2026-03-09T06:00:00+01:00', '2026-W10'],
    ['a minute earlier the slot has not come: the week before', '2026-03-09T05:59:00+01:00', '2026-W09'],
    ['later in the week (a catch-up): still the previous week', '2026-03-15T23:30:00+01:00', '2026-W10'],
    ['the Monday after daylight saving time started', '2026-03-30T06:00:00+02:00', '2026-W13'],
    ['05:30 UTC is 06:30 in Copenhagen', '2026-03-09T05:30:00Z', '2026-W10'],
    ['week 53 of 2026, checked on 4 January 2027', '2027-01-04T06:00:00+01:00', '2026-W53'],
    ['week 1 of 2026 began on 29 December 2025', '2026-01-05T06:00:00+01:00', '2026-W01'],
  ])('%s', (_name, at, period) => {
    expect(job.periodDueAt(new Date(at), 'Europe/Copenhagen')).toBe(period);
  });
});

describe('scheduled weekly check', () => {
  let app: TestApp;
  let a: number;
  let s: number;
  const pools: Knex[] = [];
  const pool = () => {
    const db = createKnex(t.url, { min: 0, max: 4 });
    pools.push(db);
    return db;
  };
  /** An instance of the service with its own connection pool, as another process would have. */
  const instance = (name: string) => {
    const db = pool();
    return createScheduler(db, [budgetCheckJob(new BudgetChecksService(db))], log, { instance: name, catchUp: false });
  };

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    s = await aMunicipality(app.services, 'S', 'SE');
    await aBudgetWorld(t.db, a);
    await aBudgetWorld(t.db, s);
    await app.services.budgetChecks.createBudget(asAdmin(a), { year: 2026, amount: '500000' });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
  });

  it('runs exactly once per municipality and week with several instances racing for the same slot', async () => {
    const instances = ['one', 'two', 'three', 'four'].map(instance);
    const at = new Date('2026-03-09T06:00:00+01:00');
    const results = (await Promise.all(instances.map((i) => i.catchUp(at)))).flat();
    for (const m of [a, s]) {
      const mine = results.filter((r) => r.municipalityId === m);
      expect(mine.map((r) => r.period)).toEqual(['2026-W10', '2026-W10', '2026-W10', '2026-W10']);
      expect(mine.map((r) => r.outcome).sort()).toEqual(['ran', 'skipped', 'skipped', 'skipped']);
    }
    const runs = await t.db('job_runs').where({ job: 'budget-check' }).orderBy('municipality_id');
    expect(runs.map((r) => [r.municipality_id, r.period, r.status])).toEqual([
      [a, '2026-W10', 'succeeded'],
      [s, '2026-W10', 'succeeded'],
    ]);
    const history = await t.db('budget_check_runs').where({ trigger: 'schedule' }).orderBy('municipality_id');
    expect(history.map((r) => [r.municipality_id, r.week, r.status])).toEqual([
      [a, '2026-W10', 'succeeded'],
      [s, '2026-W10', 'succeeded'],
    ]);
    expect(history[0].actor).toBe(`scheduler:${runs[0].instance}`);
    const result = await app.services.budgetChecks.getResult(asAdmin(a), '2026-W10');
    expect(result).toMatchObject({ runId: history[0].id, grantedHours: '7.50', lines: [{ category: null, area: null, status: 'ok' }] });

    // A late instance (started after the slot) finds the week done.
    const late = await instance('late').tick('budget-check', 'Europe/Copenhagen', new Date('2026-03-09T09:15:00+01:00'));
    expect(late).toEqual([{ municipalityId: a, job: 'budget-check', period: '2026-W10', outcome: 'skipped' }]);
    expect(await t.db('budget_check_runs').where({ trigger: 'schedule' }).count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('records a failure without throwing, and does not run the failed period again on its own', async () => {
    const calls: string[] = [];
    const broken: MunicipalJob = {
      name: 'always-fails',
      cron: '0 6 * * 1',
      periodDueAt: () => '2026-W11',
      run: (_tx, m, period) => {
        calls.push(`${m}:${period}`);
        return Promise.reject(new Error('the data warehouse is down'));
      },
    };
    const scheduler = createScheduler(pool(), [broken], log, { instance: 'x', catchUp: false });
    const first = await scheduler.tick('always-fails', 'Europe/Stockholm');
    expect(first).toEqual([
      { municipalityId: s, job: 'always-fails', period: '2026-W11', outcome: 'failed', error: 'the data warehouse is down' },
    ]);
    const row = await t.db('job_runs').where({ job: 'always-fails' }).first();
    expect(row).toMatchObject({
      municipality_id: s,
      period: '2026-W11',
      status: 'failed',
      error: 'the data warehouse is down',
      instance: 'x',
    });
    expect(row.finished_at).toBeInstanceOf(Date);
    expect((await scheduler.tick('always-fails', 'Europe/Stockholm'))[0]!.outcome).toBe('skipped');
    expect(calls).toEqual([`${s}:2026-W11`]);
  });

  it("writes a failed scheduled budget check into the check's run history, and keeps no half result", async () => {
    const db = pool();
    const service = new BudgetChecksService(db);
    const failing = Object.assign(Object.create(service) as BudgetChecksService, {
      runWeekIn: () => Promise.reject(new Error('disk full')),
    });
    const scheduler = createScheduler(db, [budgetCheckJob(failing)], log, { instance: 'y', catchUp: false });
    const out = await scheduler.tick('budget-check', 'Europe/Copenhagen', new Date('2026-03-16T06:00:00+01:00'));
    expect(out).toEqual([{ municipalityId: a, job: 'budget-check', period: '2026-W11', outcome: 'failed', error: 'disk full' }]);
    const failed = await t.db('budget_check_runs').where({ municipality_id: a, week: '2026-W11' });
    expect(failed.map((r) => [r.trigger, r.status, r.error, r.actor])).toEqual([['schedule', 'failed', 'disk full', 'scheduler:y']]);
    expect(await t.db('budget_check_results').where({ municipality_id: a, week: '2026-W11' })).toEqual([]);
  });

  it('registers one cron task per job and time zone, and stops them', async () => {
    const before = cron.getTasks().size;
    const scheduler = instance('cron');
    scheduler.start();
    const names = [...cron.getTasks().values()].map((task) => task.name);
    expect(names).toEqual(expect.arrayContaining(['budget-check@Europe/Copenhagen', 'budget-check@Europe/Stockholm']));
    expect(cron.getTasks().size).toBe(before + 2);
    const next = [...cron.getTasks().values()].find((task) => task.name === 'budget-check@Europe/Copenhagen')!.getNextRun()!;
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(next),
    ).toBe('Monday 06:00');
    await scheduler.stop();
    expect(cron.getTasks().size).toBe(before);
  });

  it('is disabled by SCHEDULER_ENABLED=false and enabled by default', () => {
    expect(loadConfig({}).SCHEDULER_ENABLED).toBe(true);
    expect(loadConfig({ SCHEDULER_ENABLED: 'false' }).SCHEDULER_ENABLED).toBe(false);
    expect(() => loadConfig({ SCHEDULER_ENABLED: 'perhaps' })).toThrow(/SCHEDULER_ENABLED/);
  });

  it('re-runs any week from the command line: carepay budget-check and budget import', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    try {
      const file = path.join(os.tmpdir(), `budgets-${process.pid}.csv`);
      await writeFile(file, 'year;area;category;amount\n2026;rural;personal_care;96720\n');
      expect(await runCli(['node', 'carepay', 'budget', 'import', '--municipality', 'A', '--file', file])).toBe(0);
      // municipality A is Danish: the command line speaks Danish unless --lang says otherwise
      expect(out.pop()).toBe('budgetlinjer: 1 læst, 1 oprettet, 0 opdateret, 0 uændret');
      expect(await runCli(['node', 'carepay', 'budget-check', '--municipality', 'A', '--week', '2026-W10'])).toBe(0);
      const text = out.pop()!.split('\n');
      // municipality A is Danish: the verdict prints in Danish, categories by name
      expect(text[0]).toBe(
        'Uge 2026-W10 (2026-03-02 – 2026-03-09 ekskl.): 7,50 t visiteret til 3 modtagere, gennemsnit 2,50 t pr. modtager (mål 3,00–3,50: under)',
      );
      // the first line covers C1's meals too: counted in money and in equivalent hours below it
      expect(text[3]).toBe('           heraf niveauer og andre ydelser uden timepris 290,00 = 0,58 t tilsvarende');
      expect(text[4]).toMatch(
        /^ {2}OVER {5}Personlig pleje \/ rural +visiteret +4,00 t +budgetteret +3,50 t +afvigelse \+0,50 t \(\+14,29 %, \+260,00\)/,
      );
      // --lang sv: the same week in Swedish words and digits, plural forms by count
      expect(await runCli(['node', 'carepay', 'budget-check', '--municipality', 'A', '--week', '2026-W10', '--lang', 'sv'])).toBe(0);
      const sv = out.pop()!.split('\n');
      expect(sv[0]).toBe(
        'Vecka 2026-W10 (2026-03-02 – 2026-03-09 exkl.): 7,50 tim beviljat till 3 mottagare, i genomsnitt 2,50 tim per mottagare (mål 3,00–3,50: under)',
      );
      expect(sv[4]).toMatch(/^ {2}ÖVER {5}Omvårdnad \/ rural +beviljat +4,00 tim +budgeterat +3,50 tim +avvikelse \+0,50 tim /);
      expect(await runCli(['node', 'carepay', 'budget', 'follow-up', '--municipality', 'A', '--month', '2026-03', '--lang', 'sv'])).toBe(0);
      expect(out.pop()!.split('\n')[0]).toBe('Uppföljning 2026-03: beviljade mot utförda timmar per utförare');
      expect(await runCli(['node', 'carepay', 'budget', 'follow-up', '--municipality', 'A', '--month', '2026-03'])).toBe(0);
      expect(out.pop()!.split('\n')[0]).toBe('Opfølgning 2026-03: visiterede mod leverede timer pr. leverandør');
      expect(await runCli(['node', 'carepay', 'budget-check', '--municipality', 'A', '--week', '2026-W10', '--json'])).toBe(0);
      expect(JSON.parse(out.pop()!)).toMatchObject({ week: '2026-W10', lines: [{ status: 'ok' }, { status: 'over' }] });
      const history = await t.db('budget_check_runs').where({ municipality_id: a, week: '2026-W10' }).orderBy('id');
      expect(history.map((r) => r.trigger)).toEqual(['schedule', 'manual', 'manual', 'manual']);
    } finally {
      spy.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
