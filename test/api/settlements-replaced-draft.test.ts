import { beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod } from '../../src/features/settlements/settlement-period.js';
import { settlementStore } from '../../src/features/settlements/settlement-store.js';
import { SettlementsService } from '../../src/features/settlements/settlements-service.js';
import { asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSmallMonth, type SettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();
const march = parsePeriod('2026-03');

/** Resolves once `n` sessions wait for an advisory lock: the request under test is parked on the provider's lock. */
async function waitersOnAdvisoryLock(n: number) {
  for (let i = 0; i < 500; i++) {
    const r = await t.db.raw(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`);
    if (r.rows[0].n >= n) return;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error('no request came to wait for the provider lock');
}

/**
 * Holds the provider's lock in a transaction of its own, lets `start` begin a request that must wait
 * for it, then runs the month inside that transaction (the lock is re-entrant for its session), so
 * the draft is replaced exactly between the request's first read and its lock. Returns the new draft.
 */
async function replaceDraftWhile<T>(w: SettlementWorld, start: () => Promise<T>): Promise<{ response: T; replacement: number }> {
  const tx = await t.db.transaction();
  let pending: Promise<T> | undefined;
  try {
    await settlementStore.lockProviderPeriod(tx, w.municipalityId, w.providers.p, march);
    pending = start();
    await waitersOnAdvisoryLock(1);
    const run = await new SettlementsService(tx).run(asAdmin(w.municipalityId), { period: '2026-03' });
    expect(run.outcomes.map((o) => o.outcome)).toEqual(['replaced']);
    await tx.commit();
    return { response: await pending, replacement: run.outcomes[0]!.settlement!.id };
  } catch (e) {
    await tx.rollback().catch(() => undefined);
    await pending?.catch(() => undefined);
    throw e;
  }
}

describe('a draft replaced by a run while a request waits for the provider lock', () => {
  let app: TestApp;
  let w: SettlementWorld;
  let admin: string;
  let c1: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    ({ w, c1 } = await aSmallMonth(app.services, 'REPL'));
    admin = await w.token('admin');
  });

  const runMarch = async () =>
    (await app.as(admin).post('/api/settlements/run').send({ period: '2026-03' }).expect(200)).body.outcomes[0].settlement;
  let visitDay = 10;
  /** A correction in the time registration: one more visit, so the next run replaces the draft. */
  const correctAVisit = () => w.visit(w.providers.p, c1, 'PC', `2026-03-${visitDay} 08:00`, `2026-03-${visitDay++} 08:30`);

  it('answers 409 settlement_replaced naming the new draft when approving, and approves nothing', async () => {
    const draft = await runMarch();
    await correctAVisit();
    const { response, replacement } = await replaceDraftWhile(w, () =>
      app
        .as(admin)
        .post(`/api/settlements/${draft.id}/approve`)
        .then((r) => r),
    );
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'settlement_replaced', details: { replacedBy: replacement } });
    expect(response.body.error.message).toContain(`replaced by settlement ${replacement}`);
    const now = (await app.as(admin).get(`/api/settlements/${replacement}`).expect(200)).body;
    expect(now.status).toBe('draft');
  });

  it('answers 409 settlement_replaced when deciding an exception of the replaced draft, and records no decision', async () => {
    const draft = await runMarch();
    const ex = (await app.as(admin).get(`/api/settlements/${draft.id}/exceptions`).expect(200)).body.items[0];
    await correctAVisit();
    const { response, replacement } = await replaceDraftWhile(w, () =>
      app
        .as(admin)
        .post(`/api/settlement-exceptions/${ex.id}/accept`)
        .send({})
        .then((r) => r),
    );
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'settlement_replaced', details: { replacedBy: replacement } });
    expect(await t.db('exception_decisions').where({ municipality_id: w.municipalityId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
