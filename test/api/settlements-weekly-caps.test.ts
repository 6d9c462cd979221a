import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { anAbsence } from '../helpers/citizen-builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/**
 * A weekly cap takes the whole ISO week Monday 30 March – Sunday 5 April 2026 in both months: the
 * settlement loads that week's visits before April, and the absences after March, from the database
 * (a change of provider after March shows in the database as the end of the old choice).
 * Rates: PP weekday_day 450.00 an hour (aSettlementWorld); every visit here is on a weekday morning.
 */
describe('settlements: a weekly cap over a week that crosses the month', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;
  let finance: string;
  const run = async (period: string) => {
    const res = await app
      .as(finance)
      .post('/api/settlements/run')
      .send({ period, providerIds: [w.providers.p] })
      .expect(200);
    const s = res.body.outcomes[0].settlement;
    expect(s.providerId).toBe(w.providers.p);
    const lines = (await app.as(finance).get(`/api/settlements/${s.id}/lines`).expect(200)).body.items as {
      citizenRef: string;
      minutes: number;
      amount: string;
    }[];
    return { total: s.totalExclVat as string, lines: lines.map((l) => [l.citizenRef, l.minutes, l.amount]) };
  };

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'WKCAP', { assign: false });
    finance = await w.token('finance');
    const capped = exampleModel('dk-granted-time') as { defaults: { basis: unknown } };
    capped.defaults.basis = { type: 'delivered', onlyWithinGrantedWeeklyTotal: true };
    const m = await app.as(finance).post('/api/models').send({ name: 'dk-delivered-week', document: capped }).expect(201);
    await app.as(finance).post(`/api/models/${m.body.id}/assign`).send({ validFrom: '2026-01-01' }).expect(201);

    // C1: weekly once, 30 minutes; the week's occurrence is Monday 30 March. 20 minutes on Monday,
    // the rest of the visit moved to Wednesday 1 April (30 minutes delivered).
    const c1 = await w.citizen('C1');
    await w.choose(c1, w.providers.p);
    await w.grant(c1, 'PC', { minutesPerOccurrence: 30, frequency: { type: 'weekly' } });
    await w.visit(w.providers.p, c1, 'PC', '2026-03-30 08:00', '2026-03-30 08:20');
    await w.visit(w.providers.p, c1, 'PC', '2026-04-01 08:00', '2026-04-01 08:30');
    // C2: daily 30 minutes, away 1–5 April, so the week grants Monday and Tuesday only: 60 minutes.
    const c2 = await w.citizen('C2');
    await w.choose(c2, w.providers.p);
    await w.grant(c2, 'PC', { minutesPerOccurrence: 30 });
    await app
      .as(finance)
      .post('/api/absences')
      .send(anAbsence(c2, { kind: 'holiday', planned: true, validFrom: '2026-04-01', validTo: '2026-04-06' }))
      .expect(201);
    await w.visit(w.providers.p, c2, 'PC', '2026-03-30 09:00', '2026-03-30 09:40');
    await w.visit(w.providers.p, c2, 'PC', '2026-03-31 09:00', '2026-03-31 09:40');
    // C3: daily 30 minutes, changes to provider Q on Thursday 2 April, so P's share of the week is
    // Monday–Wednesday: 90 minutes. P delivered an hour on Monday and on Tuesday.
    const c3 = await w.citizen('C3');
    await w.choose(c3, w.providers.p);
    await w.choose(c3, w.providers.q, 'personal_care', '2026-04-02');
    await w.grant(c3, 'PC', { minutesPerOccurrence: 30 });
    await w.visit(w.providers.p, c3, 'PC', '2026-03-30 10:00', '2026-03-30 11:00');
    await w.visit(w.providers.p, c3, 'PC', '2026-03-31 10:00', '2026-03-31 11:00');
  });

  it('March counts the absence and the change of provider after the month: C2 is paid 40 + 20 of 80 minutes, C3 60 + 30 of 120; C1 its 20', async () => {
    const march = await run('2026-03');
    // C1 20 min × 450 / 60 = 150.00; C2 60 min = 450.00; C3 90 min = 675.00
    expect(march.lines).toEqual([
      ['C1', 20, '150.00'],
      ['C2', 60, '450.00'],
      ['C3', 90, '675.00'],
    ]);
    expect(march.total).toBe('1275.00');
  });

  it('April pays C1 only what the week has left after Monday: 10 of 30 minutes', async () => {
    const april = await run('2026-04');
    // 10 min × 450 / 60 = 75.00; Monday's 20 minutes are March's and not paid again.
    expect(april.lines).toEqual([['C1', 10, '75.00']]);
    expect(april.total).toBe('75.00');
  });

  it('a comparison of April loads the same week', async () => {
    const res = await app.as(finance).get('/api/compare?period=2026-04&modelA=dk-delivered-week&modelB=dk-granted').expect(200);
    // A: 10 capped minutes; B (granted time): the visit is paid its granted 30 minutes = 225.00.
    expect(res.body.total).toEqual({
      a: { amount: '75.00', minutes: 10, hours: '0.17' },
      b: { amount: '225.00', minutes: 30, hours: '0.50' },
      difference: { amount: '150.00', minutes: 20, hours: '0.33' },
    });
  });
});
