import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { aCatalogue, aCitizen, aVisit } from '../helpers/grant-builders.js';

const t = useTestDatabase();

describe('visits API', () => {
  let app: TestApp;
  let a: number;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let adminB: string;
  let providerToken1: string;
  let p1: number;
  let p2: number;
  let pB: number;
  let c1: number;
  let cB: number;

  const ids = (res: { body: { items: Array<{ id: number }> } }) => res.body.items.map((v) => v.id);
  const post = (body: Record<string, unknown>) => app.as(financeA).post('/api/visits').send(body);

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    // Copenhagen: the April catalogue starts at local midnight, 2026-03-31T22:00Z.
    await aCatalogue(t.db, a, { validFrom: '2026-01-01', validTo: '2026-04-01', services: [{ code: 'PP1' }, { code: 'OLD1' }] });
    await aCatalogue(t.db, a, { validFrom: '2026-04-01', services: [{ code: 'PP1' }, { code: 'NEW1' }] });
    await aCatalogue(t.db, b, { validFrom: '2026-01-01', services: [{ code: 'PP1' }] });
    c1 = await aCitizen(t.db, a);
    cB = await aCitizen(t.db, b);
    p1 = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    p2 = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    pB = (await app.as(adminB).post('/api/providers').send(aProvider()).expect(201)).body.id;
    providerToken1 = await aToken(app.services, a, 'provider', p1);
  });

  it('creates version 1 and reads it back with instants in UTC', async () => {
    const res = await post(aVisit(p1, c1, { externalId: 'V-1', staffCount: 2, area: 'rural' })).expect(201);
    expect(res.body).toMatchObject({
      version: 1,
      supersededAt: null,
      importBatchId: null,
      sourceSystem: 'phoniro',
      externalId: 'V-1',
      providerId: p1,
      citizenId: c1,
      serviceCodes: ['PP1'],
      plannedStart: '2026-02-02T07:00:00.000Z',
      plannedEnd: '2026-02-02T07:30:00.000Z',
      actualStart: '2026-02-02T07:05:00.000Z',
      actualEnd: '2026-02-02T07:37:00.000Z',
      occursAt: '2026-02-02T07:05:00.000Z',
      status: 'delivered',
      staffCount: 2,
      cancelledAt: null,
      area: 'rural',
    });
    const got = await app.as(auditorA).get(`/api/visits/${res.body.id}`).expect(200);
    expect(got.body).toEqual(res.body);

    const planned = await post(
      aVisit(p1, c1, {
        sourceSystem: undefined,
        status: 'cancelled_by_citizen',
        actualStart: null,
        actualEnd: null,
        cancelledAt: '2026-02-01T10:00:00+01:00',
      }),
    ).expect(201);
    expect(planned.body).toMatchObject({
      sourceSystem: 'api',
      staffCount: 1,
      occursAt: '2026-02-02T07:00:00.000Z',
      cancelledAt: '2026-02-01T09:00:00.000Z',
    });
  });

  it("picks the catalogue by the visit's local date, not its UTC date", async () => {
    // 00:30 on 1 April in Copenhagen is still 31 March in UTC.
    const april = {
      actualStart: '2026-04-01T00:30:00+02:00',
      actualEnd: '2026-04-01T01:00:00+02:00',
      plannedStart: null,
      plannedEnd: null,
    };
    await post(aVisit(p1, c1, { ...april, serviceCodes: ['NEW1'] })).expect(201);
    const old = await post(aVisit(p1, c1, { ...april, serviceCodes: ['PP1', 'OLD1'] })).expect(422);
    expect(old.body.error.details).toEqual({ field: 'serviceCodes', codes: ['OLD1'], date: '2026-04-01' });
    const utcInput = await post(
      aVisit(p1, c1, {
        actualStart: '2026-03-31T22:30:00Z',
        actualEnd: '2026-03-31T23:00:00Z',
        plannedStart: null,
        plannedEnd: null,
        serviceCodes: ['OLD1'],
      }),
    ).expect(422);
    expect(utcInput.body.error.details.date).toBe('2026-04-01');

    // 23:30 on 31 March local (21:30Z) still uses the March catalogue.
    const march = {
      actualStart: '2026-03-31T23:30:00+02:00',
      actualEnd: '2026-03-31T23:55:00+02:00',
      plannedStart: null,
      plannedEnd: null,
    };
    await post(aVisit(p1, c1, { ...march, serviceCodes: ['OLD1'] })).expect(201);
    const early = await post(aVisit(p1, c1, { ...march, serviceCodes: ['NEW1'] })).expect(422);
    expect(early.body.error.details).toEqual({ field: 'serviceCodes', codes: ['NEW1'], date: '2026-03-31' });

    // The planned start decides when there is no actual start.
    const plannedOnly = await post(
      aVisit(p1, c1, {
        status: 'no_show',
        actualStart: null,
        actualEnd: null,
        plannedStart: '2026-04-01T00:15:00+02:00',
        plannedEnd: '2026-04-01T00:45:00+02:00',
        serviceCodes: ['OLD1'],
      }),
    ).expect(422);
    expect(plannedOnly.body.error.details.date).toBe('2026-04-01');
    const unknown = await post(aVisit(p1, c1, { serviceCodes: ['PP1', 'NOPE'] })).expect(422);
    expect(unknown.body.error.details).toMatchObject({ field: 'serviceCodes', codes: ['NOPE'] });
  });

  it('refuses an end before its start and other broken rules, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ actualEnd: '2026-02-02T08:00:00+01:00' }, 'actualEnd'],
      [{ actualEnd: '2026-02-02T08:05:00+01:00' }, 'actualEnd'],
      [{ plannedEnd: '2026-02-02T07:59:00+01:00' }, 'plannedEnd'],
      [{ plannedStart: null }, 'plannedStart'],
      [{ actualEnd: null }, 'actualEnd'],
      [{ status: 'replacement', actualStart: null, actualEnd: null }, 'actualStart'],
      [{ status: 'no_show', actualStart: null, actualEnd: null, plannedStart: null, plannedEnd: null }, 'plannedStart'],
      [{ status: 'no_show', cancelledAt: '2026-02-01T10:00:00+01:00' }, 'cancelledAt'],
      [{ providerId: pB }, 'providerId'],
      [{ citizenId: cB }, 'citizenId'],
    ];
    const count = async () => Number((await t.db('visits').count({ n: '*' }))[0]!.n);
    const before = await count();
    for (const [over, field] of cases) {
      const res = await post(aVisit(p1, c1, over));
      expect([res.status, res.body.error?.details?.field], JSON.stringify(over)).toEqual([422, field]);
    }
    expect(await count()).toBe(before);
  });

  it('validates the shape of the body with 400', async () => {
    const missingId = { ...aVisit(p1, c1), externalId: undefined };
    expect((await post(missingId).expect(400)).body.error.details.issues[0].path).toBe('body.externalId');
    expect((await post(aVisit(p1, c1, { serviceCodes: [] })).expect(400)).body.error.details.issues[0].path).toBe('body.serviceCodes');
    const many = Array.from({ length: 21 }, (_, i) => `S${i}`);
    expect((await post(aVisit(p1, c1, { serviceCodes: many })).expect(400)).body.error.details.issues[0].path).toBe('body.serviceCodes');
    expect((await post(aVisit(p1, c1, { actualStart: '2026-02-02T08:05:00' })).expect(400)).body.error.details.issues[0].path).toBe(
      'body.actualStart',
    );
    expect((await post(aVisit(p1, c1, { status: 'done' })).expect(400)).body.error.details.issues[0].path).toBe('body.status');
    expect((await post(aVisit(p1, c1, { staffCount: 5 })).expect(400)).body.error.details.issues[0].path).toBe('body.staffCount');
    await post(aVisit(p1, c1, { colour: 'red' })).expect(400);
  });

  it('answers 409 for a second current visit with the same key', async () => {
    await post(aVisit(p1, c1, { externalId: 'DUP' })).expect(201);
    const dup = await post(aVisit(p2, c1, { externalId: 'DUP' })).expect(409);
    expect(dup.body.error.details.field).toBe('externalId');
    await post(aVisit(p2, c1, { externalId: 'DUP', sourceSystem: 'tes' })).expect(201);
  });

  it('PATCH corrects by adding a version; the old one keeps its values; a superseded version cannot be patched', async () => {
    const v1 = (await post(aVisit(p1, c1, { externalId: 'V-FIX' })).expect(201)).body;
    const v2 = (
      await app.as(financeA).patch(`/api/visits/${v1.id}`).send({ actualEnd: '2026-02-02T08:50:00+01:00', area: 'urban' }).expect(200)
    ).body;
    expect(v2).toMatchObject({
      version: 2,
      supersededAt: null,
      externalId: 'V-FIX',
      actualEnd: '2026-02-02T07:50:00.000Z',
      area: 'urban',
      actualStart: v1.actualStart,
    });
    const old = (await app.as(financeA).get(`/api/visits/${v1.id}`).expect(200)).body;
    expect(old).toMatchObject({ version: 1, actualEnd: '2026-02-02T07:37:00.000Z', area: null, supersededAt: v2.recordedAt });
    const row = await t.db('visits').where({ id: v1.id }).first();
    expect(row.superseded_at).toBeInstanceOf(Date);

    const versions = await app.as(auditorA).get(`/api/visits/${v1.id}/versions`).expect(200);
    expect(versions.body.map((v: { id: number; version: number }) => [v.id, v.version])).toEqual([
      [v1.id, 1],
      [v2.id, 2],
    ]);

    const stale = await app.as(financeA).patch(`/api/visits/${v1.id}`).send({ staffCount: 2 }).expect(409);
    expect(stale.body.error.message).toContain('superseded by version 2');

    const broken = await app.as(financeA).patch(`/api/visits/${v2.id}`).send({ actualEnd: '2026-02-02T08:00:00+01:00' }).expect(422);
    expect(broken.body.error.details.field).toBe('actualEnd');
    const cancelled = await app
      .as(financeA)
      .patch(`/api/visits/${v2.id}`)
      .send({ status: 'cancelled_by_citizen', actualStart: null, actualEnd: null, cancelledAt: '2026-02-01T12:00:00Z' })
      .expect(200);
    expect(cancelled.body).toMatchObject({
      version: 3,
      status: 'cancelled_by_citizen',
      actualStart: null,
      occursAt: '2026-02-02T07:00:00.000Z',
    });
    const same = await app
      .as(financeA)
      .patch(`/api/visits/${cancelled.body.id}`)
      .send({ cancelledAt: '2026-02-01T13:00:00+01:00' })
      .expect(200);
    expect(same.body).toEqual(cancelled.body);
    await app.as(financeA).patch(`/api/visits/${v2.id}`).send({ externalId: 'other' }).expect(400);

    const current = await app.as(financeA).get('/api/visits?sourceSystem=phoniro&externalId=V-FIX').expect(200);
    expect(ids(current)).toEqual([cancelled.body.id]);
    const all = await app.as(financeA).get('/api/visits?sourceSystem=phoniro&externalId=V-FIX&includeHistory=true').expect(200);
    expect(all.body.items.map((v: { version: number }) => v.version).sort()).toEqual([1, 2, 3]);

    const log = await app.as(auditorA).get(`/api/audit?entity=visit&entityId=${v2.id}`).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['update']);
  });

  it('lists by local date range, ordered by occursAt', async () => {
    const c = await aCitizen(t.db, a);
    const at = (start: string, end: string) => ({ actualStart: start, actualEnd: end, plannedStart: null, plannedEnd: null });
    const late = (await post(aVisit(p2, c, at('2026-04-01T10:00:00+02:00', '2026-04-01T10:30:00+02:00'))).expect(201)).body.id;
    const earlyApril = (await post(aVisit(p2, c, at('2026-03-31T22:30:00Z', '2026-03-31T23:00:00Z'))).expect(201)).body.id;
    const lastMarch = (await post(aVisit(p2, c, at('2026-03-31T21:30:00Z', '2026-03-31T21:45:00Z'))).expect(201)).body.id;
    const base = `/api/visits?citizenId=${c}`;
    expect(ids(await app.as(financeA).get(base).expect(200))).toEqual([lastMarch, earlyApril, late]);
    expect(ids(await app.as(financeA).get(`${base}&from=2026-04-01`).expect(200))).toEqual([earlyApril, late]);
    expect(ids(await app.as(financeA).get(`${base}&to=2026-04-01`).expect(200))).toEqual([lastMarch]);
    expect(ids(await app.as(financeA).get(`${base}&from=2026-04-01&to=2026-04-02`).expect(200))).toEqual([earlyApril, late]);
    expect(ids(await app.as(financeA).get(`${base}&from=2026-03-31&to=2026-04-01&providerId=${p2}&status=delivered`).expect(200))).toEqual([
      lastMarch,
    ]);
    expect(ids(await app.as(financeA).get(`${base}&providerId=${p1}`).expect(200))).toEqual([]);
    const page = await app.as(financeA).get(`${base}&limit=2&offset=1`).expect(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 1, next: null });
    expect(page.body.total).toBeUndefined();
    expect(ids(page)).toEqual([earlyApril, late]);
    await app.as(financeA).get(`${base}&from=2026-04-02&to=2026-04-01`).expect(400);
  });

  it('shows a provider token only its own visits', async () => {
    const c = await aCitizen(t.db, a);
    const mine = (await post(aVisit(p1, c)).expect(201)).body.id;
    const theirs = (await post(aVisit(p2, c)).expect(201)).body.id;
    const list = await app.as(providerToken1).get(`/api/visits?citizenId=${c}`).expect(200);
    expect(ids(list)).toEqual([mine]);
    const all = await app.as(providerToken1).get('/api/visits?limit=1000').expect(200);
    expect(new Set(all.body.items.map((v: { providerId: number }) => v.providerId))).toEqual(new Set([p1]));
    expect(ids(await app.as(providerToken1).get(`/api/visits?providerId=${p2}`).expect(200))).toEqual([]);
    await app.as(providerToken1).get(`/api/visits/${mine}`).expect(200);
    await app.as(providerToken1).get(`/api/visits/${theirs}`).expect(404);
    await app.as(providerToken1).get(`/api/visits/${theirs}/versions`).expect(404);
    await app.as(providerToken1).patch(`/api/visits/${mine}`).send({ staffCount: 2 }).expect(403);
  });

  it("answers 404 for another municipality's visit and keeps auditors read-only", async () => {
    const v = (await post(aVisit(p1, c1)).expect(201)).body;
    await app.as(adminB).get(`/api/visits/${v.id}`).expect(404);
    await app.as(adminB).get(`/api/visits/${v.id}/versions`).expect(404);
    await app.as(adminB).patch(`/api/visits/${v.id}`).send({ staffCount: 2 }).expect(404);
    expect((await app.as(adminB).get('/api/visits?count=true').expect(200)).body).toMatchObject({ items: [], total: 0, next: null });
    // B's own provider and citizen work in B, A's do not.
    await app.as(adminB).post('/api/visits').send(aVisit(pB, cB)).expect(201);
    expect((await app.as(adminB).post('/api/visits').send(aVisit(p1, cB)).expect(422)).body.error.details.field).toBe('providerId');

    expect((await app.as(auditorA).post('/api/visits').send(aVisit(p1, c1)).expect(403)).body.error.code).toBe('forbidden');
    await app.as(auditorA).patch(`/api/visits/${v.id}`).send({ staffCount: 2 }).expect(403);
    expect((await app.as(adminA).get(`/api/visits/${v.id}`).expect(200)).body).toEqual(v);
  });
});
