import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, asActor, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();
const settlementCount = async (m: number) =>
  Number(((await t.db('settlements').where({ municipality_id: m }).count({ n: '*' })) as [{ n: number }])[0].n);

describe('settlements: what refuses to run', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildTestApp(t.db);
  });

  it('answers 422 without a price list in force, and writes nothing', async () => {
    const w = await aSettlementWorld(app.services, 'NOPRICE', { priceList: false });
    const c = await w.citizen('C1');
    await w.choose(c, w.providers.p);
    const res = await app
      .as(await w.token('finance'))
      .post('/api/settlements/run')
      .send({ period: '2026-03' })
      .expect(422);
    expect(res.body.error.message).toBe('no adopted price list is in force in 2026-03; adopt one before settling');
    expect(await settlementCount(w.municipalityId)).toBe(0);
  });

  it('answers 422 when no model is assigned, or the model changes within the month; nothing is written', async () => {
    const w = await aSettlementWorld(app.services, 'NOMODEL', { assign: false });
    const finance = await w.token('finance');
    const c = await w.citizen('C1');
    await w.choose(c, w.providers.p);
    await w.grant(c, 'PC');
    await w.visit(w.providers.p, c, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    const none = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(422);
    expect(none.body.error.message).toBe(
      'no reimbursement model is assigned to provider CARE for 2026-03-01 – 2026-03-31 (31 day(s) of 2026-03); assign one (POST /api/models/{id}/assign)',
    );

    // All providers until 15 March, then a new version for CARE alone: two models in one month.
    await app
      .as(finance)
      .post(`/api/models/${w.modelId}/assign`)
      .send({ providerId: null, validFrom: '2026-01-01', validTo: '2026-03-15' })
      .expect(201);
    const v2 = await app
      .as(finance)
      .post('/api/models')
      .send({ name: 'dk-granted', document: exampleModel('dk-granted-time') })
      .expect(201);
    await app.as(finance).post(`/api/models/${v2.body.id}/assign`).send({ providerId: w.providers.p, validFrom: '2026-03-15' }).expect(201);
    const changing = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(422);
    expect(changing.body.error.message).toBe(
      'the reimbursement model of provider CARE changes within 2026-03 (dk-granted@1 [2026-01-01, 2026-03-15), dk-granted@2 [2026-03-15, open)); a month is settled under one model',
    );
    expect(await settlementCount(w.municipalityId)).toBe(0);
    // April is wholly under version 2 (CARE's own assignment wins).
    const april = await app
      .as(finance)
      .post('/api/settlements/run')
      .send({ period: '2026-04', providerIds: [w.providers.p] })
      .expect(200);
    expect(april.body.outcomes[0].settlement.model).toEqual({ id: v2.body.id, name: 'dk-granted', version: 2 });
  });

  it('answers 422 naming the provider when the price list lacks a rate the model needs', async () => {
    const w = await aSettlementWorld(app.services, 'NORATE', { assign: false });
    const finance = await w.token('finance');
    const doc = exampleModel('dk-granted-time') as { categories?: unknown };
    doc.categories = { practical_help: { basis: { type: 'per_visit', rateBand: 'visit' } } };
    const m = await app.as(finance).post('/api/models').send({ name: 'per-visit-ph', document: doc }).expect(201);
    await app.as(finance).post(`/api/models/${m.body.id}/assign`).send({ validFrom: '2026-01-01' }).expect(201);
    const c = await w.citizen('C1');
    await w.choose(c, w.providers.p, 'practical_help');
    await w.grant(c, 'PH', { frequency: { type: 'weekly' } });
    await w.visit(w.providers.p, c, 'PH', '2026-03-04 10:00', '2026-03-04 11:00');
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(422);
    expect(res.body.error.message).toBe(
      'provider CARE cannot be settled under model per-visit-ph@1: no per_visit rate for price group PH, band visit, private provider',
    );
    expect(res.body.error.details.issues[0].code).toBe('missing_rate');
    expect(await settlementCount(w.municipalityId)).toBe(0);
  });

  it('refuses a regular run in a locked month (409), but computes corrections of approved settlements', async () => {
    const w = await aSettlementWorld(app.services, 'LOCK');
    const finance = await w.token('finance');
    const admin = await w.token('admin');
    const c1 = await w.citizen('C1');
    const c2 = await w.citizen('C2');
    await w.choose(c1, w.providers.p);
    await w.choose(c2, w.providers.q);
    await w.grant(c1, 'PC');
    await w.grant(c2, 'PC');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    await w.visit(w.providers.q, c2, 'PC', '2026-03-02 09:00', '2026-03-02 09:30');

    await app
      .as(finance)
      .get('/api/periods/2026-03/lock')
      .expect(200, { period: '2026-03', locked: false, lockedAt: null, lockedBy: null });
    const locked = await app.as(finance).post('/api/periods/2026-03/lock').expect(201);
    expect(locked.body).toMatchObject({ period: '2026-03', locked: true, lockedBy: expect.stringMatching(/^token:/) });
    await app.as(finance).post('/api/periods/2026-03/lock').expect(409);
    const refused = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(409);
    expect(refused.body.error.message).toBe(
      '2026-03 is locked; providers CARE, HOME have no approved settlement to correct (unlock the period to run a regular settlement)',
    );
    expect(await settlementCount(w.municipalityId)).toBe(0);

    await app.as(finance).delete('/api/periods/2026-03/lock').expect(200);
    await app.as(finance).delete('/api/periods/2026-03/lock').expect(404);
    const run = await app
      .as(finance)
      .post('/api/settlements/run')
      .send({ period: '2026-03', providerIds: [w.providers.p] })
      .expect(200);
    await app.as(admin).post(`/api/settlements/${run.body.outcomes[0].settlement.id}/approve`).expect(200);
    await app.as(finance).post('/api/periods/2026-03/lock').expect(201);
    expect((await app.as(finance).get('/api/periods/locks').expect(200)).body.map((l: { period: string }) => l.period)).toEqual([
      '2026-03',
    ]);

    // A visit arriving for the locked month goes into CARE's next correction: 30 × 450.00 / 60 = 225.00
    await w.visit(w.providers.p, c1, 'PC', '2026-03-03 08:00', '2026-03-03 08:30');
    const both = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(409);
    expect(both.body.error.details.providers).toEqual(['HOME']);
    const corr = await app
      .as(finance)
      .post('/api/settlements/run')
      .send({ period: '2026-03', providerIds: [w.providers.p] })
      .expect(200);
    expect(corr.body).toMatchObject({ period: '2026-03', locked: true });
    expect(corr.body.outcomes[0].settlement).toMatchObject({ kind: 'correction', sequence: 1, totalExclVat: '225.00', vat: '56.25' });
  });

  it('carries odd external ids (tabs, backslashes, quotes, line breaks, non-ASCII) intact into exceptions', async () => {
    const w = await aSettlementWorld(app.services, 'ODD');
    const c = await w.citizen('C1');
    await w.choose(c, w.providers.p);
    const odd = 'Bes\\øg\t"7"\nB,{x}';
    await w.visit(w.providers.p, c, 'PC', '2026-03-02 08:00', '2026-03-02 08:30', { externalId: odd });
    const run = await app
      .as(await w.token('finance'))
      .post('/api/settlements/run')
      .send({ period: '2026-03' })
      .expect(200);
    const ex = (
      await app
        .as(await w.token('finance'))
        .get(`/api/settlements/${run.body.outcomes[0].settlement.id}/exceptions`)
        .expect(200)
    ).body.items;
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({ kind: 'visit_without_grant', externalId: odd, subjectKey: `visit:phoniro/${odd}#PC`, amount: '225.00' });
    expect(ex[0].reasonCodes).toEqual(['grant.assumed_standard', 'exception.visit_without_grant', 'basis.granted']);
  });

  it('refuses an overlapping model assignment (409) naming the one in the way', async () => {
    const w = await aSettlementWorld(app.services, 'OVERLAP');
    const res = await app
      .as(await w.token('admin'))
      .post(`/api/models/${w.modelId}/assign`)
      .send({ validFrom: '2026-06-01' })
      .expect(409);
    expect(res.body.error.message).toMatch(
      /^the assignment for all providers would overlap assignment \d+ \(model dk-granted@1, \[2026-01-01, open\)\); close that one first$/,
    );
  });
});

describe('settlements: access', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;
  let ids: { p: number; q: number };
  let exceptionOfP: number;
  let providerQ: string;
  let auditor: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'ACCESS');
    const finance = await w.token('finance');
    const c1 = await w.citizen('C1');
    const c2 = await w.citizen('C2');
    await w.choose(c1, w.providers.p);
    await w.choose(c2, w.providers.q);
    await w.grant(c2, 'PC');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30'); // no grant: an exception
    await w.visit(w.providers.q, c2, 'PC', '2026-03-02 09:00', '2026-03-02 09:30');
    const run = (await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200)).body;
    ids = {
      p: run.outcomes.find((o: { providerRef: string }) => o.providerRef === 'CARE').settlement.id,
      q: run.outcomes.find((o: { providerRef: string }) => o.providerRef === 'HOME').settlement.id,
    };
    exceptionOfP = (await app.as(finance).get(`/api/settlements/${ids.p}/exceptions`).expect(200)).body.items[0].id;
    providerQ = await w.token('provider', w.providers.q);
    auditor = await w.token('auditor');
  });

  it('shows a provider token only its own settlements (404 for the others) and never lets it write', async () => {
    const list = (await app.as(providerQ).get('/api/settlements').expect(200)).body;
    expect(list.items.map((s: { id: number }) => s.id)).toEqual([ids.q]);
    await app.as(providerQ).get(`/api/settlements/${ids.q}`).expect(200);
    await app.as(providerQ).get(`/api/settlements/${ids.p}`).expect(404);
    await app.as(providerQ).get(`/api/settlements/${ids.p}/lines`).expect(404);
    await app.as(providerQ).get(`/api/settlements/${ids.p}/exceptions`).expect(404);
    await app.as(providerQ).post('/api/settlements/run').send({ period: '2026-03' }).expect(403);
    await app.as(providerQ).post(`/api/settlements/${ids.q}/approve`).expect(403);
    await app.as(providerQ).post(`/api/settlement-exceptions/${exceptionOfP}/accept`).send({}).expect(403);
    await app.as(providerQ).post('/api/periods/2026-03/lock').expect(403);
  });

  it('lets a provider token compare only for itself', async () => {
    const c = (await app.as(providerQ).get(`/api/compare?period=2026-03&modelA=dk-granted&modelB=${w.modelId}`).expect(200)).body;
    expect(c.providers.map((p: { providerRef: string }) => p.providerRef)).toEqual(['HOME']);
  });

  it('keeps auditors read-only and other municipalities out', async () => {
    await app.as(auditor).get(`/api/settlements/${ids.p}`).expect(200);
    await app.as(auditor).post(`/api/settlements/${ids.p}/approve`).expect(403);
    await app.as(auditor).post(`/api/settlement-exceptions/${exceptionOfP}/reject`).send({}).expect(403);
    const other = await aSettlementWorld(app.services, 'OTHER');
    const otherFinance = await other.token('finance');
    await app.as(otherFinance).get(`/api/settlements/${ids.p}`).expect(404);
    await app.as(otherFinance).post(`/api/settlements/${ids.p}/approve`).expect(404);
    await app.as(otherFinance).post(`/api/settlement-exceptions/${exceptionOfP}/accept`).send({}).expect(404);
    expect((await app.as(otherFinance).get('/api/settlements').expect(200)).body.total).toBe(0);
  });
});

describe('what-if comparison', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;
  let finance: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'WHATIF');
    finance = await w.token('finance');
    const delivered = exampleModel('dk-granted-time') as { defaults: { basis: unknown } };
    delivered.defaults.basis = { type: 'delivered' };
    await app.as(finance).post('/api/models').send({ name: 'dk-delivered', document: delivered }).expect(201);
    const c1 = await w.citizen('C1');
    await w.choose(c1, w.providers.p);
    await w.choose(c1, w.providers.p, 'practical_help');
    await w.grant(c1, 'PC', { minutesPerOccurrence: 30 });
    await w.grant(c1, 'PH', { minutesPerOccurrence: 60, frequency: { type: 'weekly' } });
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:40');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-03 14:50', '2026-03-03 15:20');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-07 09:00', '2026-03-07 09:25');
    await w.visit(w.providers.p, c1, 'PH', '2026-03-04 10:00', '2026-03-04 10:50');
  });

  it('prices the same month under two models per provider and category, storing nothing', async () => {
    const res = await app.as(finance).get('/api/compare?period=2026-03&modelA=dk-granted@1&modelB=dk-delivered').expect(200);
    const c = res.body;
    expect(c.models).toMatchObject({ a: { name: 'dk-granted', version: 1 }, b: { name: 'dk-delivered', version: 1 } });
    expect(c.providers).toHaveLength(1);
    const care = c.providers[0];
    expect(care.providerRef).toBe('CARE');
    // The command line's progress bar follows the providers as they are compared.
    const seen: unknown[] = [];
    await app.services.settlements.compare(
      asActor(w.municipalityId, 'test:compare'),
      { period: '2026-03', modelA: 'dk-granted@1', modelB: 'dk-delivered' },
      (p) => seen.push([p.done, p.total, p.provider.ref]),
    );
    expect(seen).toEqual([[1, 1, 'CARE']]);
    expect(care.categories).toEqual([
      {
        category: 'personal_care',
        // A, granted: 40 min weekday_day × 450.00 / 60 = 300.00 + 50 min other_times × 540.00 / 60 = 450.00 → 750.00, 90 min
        a: { amount: '750.00', minutes: 90, hours: '1.50' },
        // B, delivered: 40 + 10 = 50 min weekday_day = 375.00 + 20 + 25 = 45 min other_times = 405.00 → 780.00, 95 min
        b: { amount: '780.00', minutes: 95, hours: '1.58' },
        difference: { amount: '30.00', minutes: 5, hours: '0.08' },
      },
      {
        category: 'practical_help',
        // A: granted 60 min × 400.00 / 60 = 400.00; B: delivered 50 min × 400.00 / 60 = 333.33
        a: { amount: '400.00', minutes: 60, hours: '1.00' },
        b: { amount: '333.33', minutes: 50, hours: '0.83' },
        difference: { amount: '-66.67', minutes: -10, hours: '-0.17' },
      },
    ]);
    expect(care.a).toEqual({ amount: '1150.00', minutes: 150, hours: '2.50' });
    expect(care.difference).toEqual({ amount: '-36.67', minutes: -5, hours: '-0.08' });
    expect(c.total).toEqual({ a: care.a, b: care.b, difference: care.difference });
    expect(await settlementCount(w.municipalityId)).toBe(0);

    const post = await app
      .as(finance)
      .post('/api/compare')
      .send({ period: '2026-03', modelA: 'dk-granted', modelB: 'dk-delivered@1', providerIds: [w.providers.p] })
      .expect(200);
    expect(post.body.total).toEqual(c.total);
  });

  it('answers 404 for an unknown model and 400 for a bad period', async () => {
    const r = await app.as(finance).get('/api/compare?period=2026-03&modelA=dk-granted&modelB=nope@3').expect(404);
    expect(r.body.error.message).toBe('model nope@3 not found; this municipality has dk-delivered@1, dk-granted@1 (latest versions)');
    expect(r.body.error.details).toEqual({ available: ['dk-delivered@1', 'dk-granted@1'] });
    await app.as(finance).get('/api/compare?period=2026-13&modelA=dk-granted&modelB=dk-granted').expect(400);
  });
});
