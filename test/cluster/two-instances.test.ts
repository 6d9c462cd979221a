import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { aBudgetWorld } from '../helpers/budget-builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { aBusyMarch, aSettlementWorld, asActor } from '../helpers/settlement-builders.js';
import { startInstance, until, type Instance, type LogLine } from './instances.js';

const t = useTestDatabase();

/** The slot every job fires on in both instances (every second), and the instant they take for "now". */
const DRILL = { SCHEDULER_CRON: '* * * * * *', SCHEDULER_CLOCK: '2026-03-09T06:00:00+01:00' };
/** What that instant makes due: the ISO week that ended the night before, and last year's recalculation. */
const DUE = { 'budget-check': '2026-W10', 'price-recalculation': '2025' } as const;

/**
 * A Danish month to pay, built the same way in every municipality it is called for: three private
 * providers with complete invoicing data (CARE, P3, P4) and aBusyMarch's citizens, grants and
 * visits for each.
 */
async function aMonthToPay(app: TestApp, code: string) {
  const w = await aSettlementWorld(app.services, code);
  const admin = asAdmin(w.municipalityId);
  await app.services.municipalities.update(admin, {
    companyNumber: '29189919',
    electronicAddress: '5798000000001',
    electronicAddressScheme: '0088',
    address: 'Rådhustorvet 1, 6200 Aabenraa',
    buyerReference: 'Ældre og Sundhed',
  });
  const invoicing = {
    companyNumber: '31554411',
    electronicAddress: '5790001234560',
    electronicAddressScheme: '0088',
    address: 'Søndergade 4, 5970 Ærøskøbing',
    selfBillingAgreedOn: '2020-01-01',
  };
  await app.services.providers.update(admin, w.providers.p, invoicing);
  const providers = [w.providers.p];
  for (const ref of ['P3', 'P4']) {
    providers.push(
      (
        await app.services.providers.create(admin, {
          ref,
          name: `Omsorg ${ref} ApS`,
          kind: 'private',
          vatStatus: 'registered',
          approvedFrom: '2020-01-01',
          ...invoicing,
        })
      ).id,
    );
  }
  await aBusyMarch(w, providers);
  return { ...w, finance: await w.token('finance'), admin: await w.token('admin'), p3: providers[1]! };
}

/** A municipality's settlements of March as content: everything but ids, times and who did it. */
async function settled(db: Knex, municipalityId: number) {
  const settlements = await db('settlements as s')
    .join('providers as p', function () {
      this.on('p.id', 's.provider_id').andOn('p.municipality_id', 's.municipality_id');
    })
    .where('s.municipality_id', municipalityId)
    .orderBy(['p.ref', 's.sequence'])
    .select('s.id', 'p.ref', 's.kind', 's.sequence', 's.total_excl_vat', 's.vat', 's.total_incl_vat', 's.line_count', 's.exception_count');
  const out = [];
  for (const { id, ...s } of settlements) {
    const lines = await db('settlement_lines')
      .where({ municipality_id: municipalityId, settlement_id: id })
      .orderBy('line_no')
      .select(
        'line_no',
        'citizen_ref',
        'service_code',
        'kind',
        'band',
        'visits',
        'minutes',
        'quantity',
        'rate',
        'amount',
        'vat_percent',
        'reason_codes',
      );
    const exceptions = await db('settlement_exceptions')
      .where({ municipality_id: municipalityId, settlement_id: id })
      .orderBy(['kind', 'citizen_ref'])
      .select('kind', 'citizen_ref', 'date', 'minutes', 'amount');
    out.push({ ...s, lines, exceptions });
  }
  return out;
}

/** Sends the same request to both instances at the same moment. */
const toBoth = ([x, y]: [Instance, Instance], method: 'POST', path: string, token: string, body?: unknown) =>
  Promise.all([x.request(method, path, token, body), y.request(method, path, token, body)]);

/** A scheduler log line's outcome for this municipality and job (a failure is logged without one). */
const outcomeOf = (l: LogLine, municipalityId: number, job: string): string | undefined =>
  l.msg.startsWith('scheduled job') && l.municipalityId === municipalityId && l.job === job
    ? ((l.outcome as string | undefined) ?? 'failed')
    : undefined;
const outcomesOf = (logs: LogLine[], municipalityId: number, job: string) =>
  logs.map((l) => outcomeOf(l, municipalityId, job)).filter((o) => o !== undefined);

describe('two instances on one database, the scheduler running in both', () => {
  let app: TestApp;
  let a: Instance;
  let b: Instance;
  let budgeted: number;
  let swedish: number;
  let conc: Awaited<ReturnType<typeof aMonthToPay>>;
  let ref: Awaited<ReturnType<typeof aMonthToPay>>;
  let kill: Awaited<ReturnType<typeof aMonthToPay>>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    budgeted = await aMunicipality(app.services, 'BUDGET');
    await aBudgetWorld(t.db, budgeted);
    await app.services.budgetChecks.createBudget(asAdmin(budgeted), { year: 2026, amount: '500000' });
    swedish = await aMunicipality(app.services, 'SVERIGE', 'SE');
    await aBudgetWorld(t.db, swedish);
    conc = await aMonthToPay(app, 'CONC');
    ref = await aMonthToPay(app, 'REF');
    kill = await aMonthToPay(app, 'KILL');
    [a, b] = await Promise.all([
      startInstance('a', { DATABASE_URL: t.url, ...DRILL }),
      startInstance('b', { DATABASE_URL: t.url, ...DRILL }),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
  });

  it('both answer health and readiness', async () => {
    for (const i of [a, b]) {
      expect(await i.request('GET', '/health', null)).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await i.request('GET', '/ready', null)).toEqual({ status: 200, body: { status: 'ready' } });
    }
  });

  it('runs each weekly check and yearly job once, though its slot fires every second in both', async () => {
    const municipalities = [budgeted, swedish, conc.municipalityId, ref.municipalityId, kill.municipalityId];
    // Both instances have fired every job for every municipality at least three times.
    await until('three slots in each instance', () =>
      [a, b].every((i) => municipalities.every((m) => Object.keys(DUE).every((job) => outcomesOf(i.logs, m, job).length >= 3))),
    );

    const runs = await t
      .db('job_runs')
      .whereIn('municipality_id', municipalities)
      .orderBy(['municipality_id', 'job'])
      .select('municipality_id', 'job', 'period', 'status', 'instance');
    expect(runs.map((r) => [r.municipality_id, r.job, r.period])).toEqual(
      municipalities.flatMap((m) => [
        [m, 'budget-check', DUE['budget-check']],
        [m, 'price-recalculation', DUE['price-recalculation']],
      ]),
    );
    for (const m of [budgeted, swedish])
      expect(runs.filter((r) => r.municipality_id === m).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    // The work itself happened once: one scheduled run in the week's history, one stored result.
    const history = await t
      .db('budget_check_runs')
      .whereIn('municipality_id', [budgeted, swedish])
      .orderBy('municipality_id')
      .select('municipality_id', 'week', 'trigger', 'status', 'actor');
    expect(history.map((h) => [h.municipality_id, h.week, h.trigger, h.status])).toEqual([
      [budgeted, '2026-W10', 'schedule', 'succeeded'],
      [swedish, '2026-W10', 'schedule', 'succeeded'],
    ]);
    expect(await t.db('budget_check_results').whereIn('municipality_id', [budgeted, swedish]).count({ n: '*' })).toEqual([{ n: 2 }]);

    // Across both logs each (municipality, job) was done once, by the instance its job_runs row
    // names, and skipped by every other slot of both instances.
    for (const m of municipalities) {
      for (const job of Object.keys(DUE)) {
        const row = runs.find((r) => r.municipality_id === m && r.job === job)!;
        const done = [...a.logs, ...b.logs].filter((l) => outcomeOf(l, m, job) !== undefined && outcomeOf(l, m, job) !== 'skipped');
        expect(done.map((l) => [outcomeOf(l, m, job), l.instance])).toEqual([
          [row.status === 'succeeded' ? 'ran' : 'failed', row.instance],
        ]);
      }
    }
    for (const h of history)
      expect(h.actor).toBe(`scheduler:${runs.find((r) => r.municipality_id === h.municipality_id && r.job === 'budget-check')!.instance}`);
  });

  it('gives a settlement run sent to both at once exactly the result of one run', async () => {
    const [ra, rb] = await toBoth([a, b], 'POST', '/api/settlements/run', conc.finance, { period: '2026-03' });
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const outcome = (r: typeof ra, providerRef: string) =>
      r.body.outcomes.find((o: { providerRef: string }) => o.providerRef === providerRef).outcome;
    for (const p of ['CARE', 'P3', 'P4']) expect([outcome(ra, p), outcome(rb, p)].sort()).toEqual(['created', 'unchanged']);

    await app.services.settlements.run(asActor(ref.municipalityId, 'test:finance'), { period: '2026-03' });
    const [got, single] = [await settled(t.db, conc.municipalityId), await settled(t.db, ref.municipalityId)];
    expect(got).toEqual(single);
    expect(got.map((s) => [s.ref, s.kind, s.sequence])).toEqual([
      ['CARE', 'regular', 0],
      ['P3', 'regular', 0],
      ['P4', 'regular', 0],
    ]);
    for (const s of got) expect(s.lines.length).toBeGreaterThan(2);
  });

  it('approves each settlement once when the approval is sent to both at once', async () => {
    const drafts = await t.db('settlements').where({ municipality_id: conc.municipalityId }).orderBy('id').pluck('id');
    // Each has an undecided exception (aBusyMarch's citizen without a grant): the approver confirms it.
    const answers = await Promise.all(
      drafts.map((id: number) => toBoth([a, b], 'POST', `/api/settlements/${id}/approve`, conc.admin, { confirmOpen: true })),
    );
    for (const pair of answers) {
      expect(pair.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(pair.find((r) => r.status === 409)!.body.error.code).toBe('conflict');
    }
    expect(await t.db('settlements').where({ municipality_id: conc.municipalityId }).orderBy('id').pluck('status')).toEqual([
      'approved',
      'approved',
      'approved',
    ]);
    const audited = await t
      .db('audit_log')
      .where({ municipality_id: conc.municipalityId, action: 'approve', entity: 'settlement' })
      .orderBy('entity_id')
      .pluck('entity_id');
    expect(audited.map(Number)).toEqual(drafts);
  });

  it('issues one invoice per settlement, numbered without gaps, when every issue is sent to both at once', async () => {
    const approved = await t.db('settlements').where({ municipality_id: conc.municipalityId }).orderBy('id').select('id', 'total_incl_vat');
    const answers = await Promise.all(approved.map((s) => toBoth([a, b], 'POST', `/api/settlements/${s.id}/invoice`, conc.finance)));
    for (const [i, pair] of answers.entries()) {
      expect(pair.map((r) => [r.status, r.body.error?.message]).sort()).toEqual([
        [200, undefined],
        [201, undefined],
      ]);
      expect(pair[0].body.number).toBe(pair[1].body.number);
      expect(pair[0].body.totalInclVat).toBe(approved[i]!.total_incl_vat);
    }
    const invoices = await t
      .db('invoices')
      .where({ municipality_id: conc.municipalityId })
      .orderBy('sequence_no')
      .select('settlement_id', 'sequence_no', 'number');
    expect(invoices.map((i) => i.sequence_no)).toEqual([1, 2, 3]);
    expect(new Set(invoices.map((i) => i.number)).size).toBe(3);
    expect(invoices.map((i) => i.settlement_id).sort((x, y) => x - y)).toEqual(approved.map((s) => s.id));
    expect(await t.db('settlements').where({ municipality_id: conc.municipalityId }).pluck('status')).toEqual([
      'invoiced',
      'invoiced',
      'invoiced',
    ]);
  });

  it('lets the other instance complete a run when one is killed (SIGKILL) in the middle of it', async () => {
    // Hold instance A inside P3's write: it has taken P3's settlement lock and waits on P3's row.
    const blocker = await t.db.transaction();
    try {
      await blocker('providers').where({ municipality_id: kill.municipalityId, id: kill.p3 }).forUpdate().select('id');
      const runA = a.request('POST', '/api/settlements/run', kill.finance, { period: '2026-03' });
      runA.catch(() => undefined); // its connection dies with the process
      const waiting = async (kind: 'advisory' | 'row') =>
        (
          await t.db.raw(
            `select count(*)::int as n from pg_locks l join pg_stat_activity s on s.pid = l.pid
             where not l.granted and s.datname = current_database() and (l.locktype = 'advisory') = ?`,
            [kind === 'advisory'],
          )
        ).rows[0].n as number;
      await until('instance A waiting inside the P3 write', async () => (await waiting('row')) === 1);
      const before = await settled(t.db, kill.municipalityId);
      expect(before.map((s) => s.ref)).toEqual(['CARE']); // mid-run: CARE written, P3 and P4 not

      // B takes the same run and queues behind A's lock on P3.
      const runB = b.request('POST', '/api/settlements/run', kill.finance, { period: '2026-03' });
      await until('instance B queued behind A', async () => (await waiting('advisory')) === 1);

      expect(await a.kill('SIGKILL')).toBe('SIGKILL');
      await blocker.rollback();
      const done = await runB;
      expect(done.status).toBe(200);
      expect(done.body.outcomes.map((o: { providerRef: string; outcome: string }) => [o.providerRef, o.outcome])).toEqual([
        ['CARE', 'unchanged'],
        ['P3', 'created'],
        ['P4', 'created'],
      ]);
    } finally {
      if (!blocker.isCompleted()) await blocker.rollback();
    }
    // The result equals the undisturbed run of the same month.
    expect(await settled(t.db, kill.municipalityId)).toEqual(await settled(t.db, ref.municipalityId));
    expect(await b.request('GET', '/ready', null)).toEqual({ status: 200, body: { status: 'ready' } });
  });
});
