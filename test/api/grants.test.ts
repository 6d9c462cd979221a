import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { aCatalogue, aChoice, aCitizen, aGrant } from '../helpers/grant-builders.js';

const t = useTestDatabase();

describe('grants API', () => {
  let app: TestApp;
  let a: number;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let adminB: string;
  let providerTokenA: string;
  let c1: number;
  let c2: number;
  let cB: number;
  let pA2: number;

  const ids = (res: { body: { items: Array<{ id: number }> } }) => res.body.items.map((g) => g.id);

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    await aCatalogue(t.db, a, {
      validFrom: '2026-01-01',
      validTo: '2026-04-01',
      services: [
        { code: 'PP1', category: 'personal_care', standardMinutes: 30 },
        { code: 'PH1', category: 'practical_help', standardMinutes: 45 },
        { code: 'OLD1', standardMinutes: 20 },
      ],
    });
    await aCatalogue(t.db, a, {
      validFrom: '2026-04-01',
      services: [
        { code: 'PP1', category: 'personal_care', standardMinutes: 25 },
        { code: 'PH1', category: 'practical_help', standardMinutes: 45 },
        { code: 'NEW1', category: 'meals', standardMinutes: 5 },
      ],
    });
    await aCatalogue(t.db, b, { validFrom: '2026-01-01', services: [{ code: 'PP1' }] });
    c1 = await aCitizen(t.db, a, 'CIT1');
    c2 = await aCitizen(t.db, a, 'CIT2');
    cB = await aCitizen(t.db, b, 'CIT1');
    pA2 = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    providerTokenA = await aToken(app.services, a, 'provider', pA2);
  });

  it('creates version 1 with the category and standard minutes of the service in force on validFrom', async () => {
    const res = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { frequency: { type: 'weekly', count: 3 } }))
      .expect(201);
    expect(res.body).toMatchObject({
      version: 1,
      supersededAt: null,
      importBatchId: null,
      sourceSystem: 'api',
      citizenId: c1,
      serviceCode: 'PP1',
      category: 'personal_care',
      minutesPerOccurrence: 30,
      frequency: { type: 'weekly', count: 3 },
      staffCount: 1,
      validFrom: '2026-02-01',
      validTo: null,
      durationKind: 'permanent',
      timeBand: null,
      plannedTime: null,
    });
    expect(res.body.frequency).not.toHaveProperty('weekdays');
    expect(res.body.externalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const later = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { validFrom: '2026-05-01' }))
      .expect(201);
    expect(later.body.minutesPerOccurrence).toBe(25);
    const given = await app
      .as(financeA)
      .post('/api/grants')
      .send(
        aGrant(c1, {
          serviceCode: 'PH1',
          minutesPerOccurrence: 60,
          staffCount: 2,
          durationKind: 'temporary',
          plannedTime: '07:45',
          validTo: '2026-03-01',
        }),
      )
      .expect(201);
    expect(given.body).toMatchObject({
      category: 'practical_help',
      minutesPerOccurrence: 60,
      staffCount: 2,
      durationKind: 'temporary',
      plannedTime: '07:45',
      validTo: '2026-03-01',
    });

    const got = await app.as(auditorA).get(`/api/grants/${res.body.id}`).expect(200);
    expect(got.body).toEqual(res.body);
  });

  it('stores weekday frequencies sorted and refuses a weekdays frequency without weekdays', async () => {
    const res = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { frequency: { type: 'weekdays', weekdays: [5, 1, 3] }, timeBand: 'morning' }))
      .expect(201);
    expect(res.body.frequency).toEqual({ type: 'weekdays', count: 1, weekdays: [1, 3, 5] });
    expect(res.body.timeBand).toBe('morning');

    const none = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { frequency: { type: 'weekdays' } }))
      .expect(400);
    expect(none.body.error.details.issues[0].path).toBe('body.frequency.weekdays');
    const empty = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { frequency: { type: 'weekdays', weekdays: [] } }))
      .expect(400);
    expect(empty.body.error.details.issues[0].path).toBe('body.frequency.weekdays');
    const extra = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { frequency: { type: 'daily', weekdays: [1] } }))
      .expect(400);
    expect(extra.body.error.details.issues[0].path).toBe('body.frequency.weekdays');
    const badDay = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { frequency: { type: 'weekdays', weekdays: [0] } }))
      .expect(400);
    expect(badDay.body.error.details.issues[0].path).toBe('body.frequency.weekdays.0');
    const zero = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { frequency: { type: 'daily', count: 0 } }))
      .expect(400);
    expect(zero.body.error.details.issues[0].path).toBe('body.frequency.count');
    await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { plannedTime: '7:45' }))
      .expect(400);
    await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { staffCount: 3 }))
      .expect(400);
  });

  it('refuses unknown service codes and services not in force on validFrom, naming the field', async () => {
    const unknown = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { serviceCode: 'NOPE' }))
      .expect(422);
    expect(unknown.body.error.details.field).toBe('serviceCode');
    expect(unknown.body.error.message).toBe('Unknown service code NOPE');

    const retired = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { serviceCode: 'OLD1', validFrom: '2026-04-01' }))
      .expect(422);
    expect(retired.body.error.details.field).toBe('serviceCode');
    expect(retired.body.error.message).toBe('Service OLD1 is not in the catalogue in force on 2026-04-01');
    const early = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { serviceCode: 'NEW1', validFrom: '2026-03-31' }))
      .expect(422);
    expect(early.body.error.details.field).toBe('serviceCode');
    const onTime = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { serviceCode: 'NEW1', validFrom: '2026-04-01' }))
      .expect(201);
    expect(onTime.body).toMatchObject({ category: 'meals', minutesPerOccurrence: 5 });
  });

  it('refuses a citizen of another municipality and validTo not after validFrom', async () => {
    const other = await app.as(financeA).post('/api/grants').send(aGrant(cB)).expect(422);
    expect(other.body.error.details.field).toBe('citizenId');
    const res = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { validTo: '2026-02-01' }))
      .expect(400);
    expect(res.body.error.details.issues[0].path).toBe('body.validTo');
    await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { colour: 'red' }))
      .expect(400);
  });

  it('answers 409 for a second current grant with the same source system and external id', async () => {
    await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c1, { sourceSystem: 'nexus', externalId: 'G-1' }))
      .expect(201);
    const dup = await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { sourceSystem: 'nexus', externalId: 'G-1' }))
      .expect(409);
    expect(dup.body.error.code).toBe('conflict');
    await app
      .as(financeA)
      .post('/api/grants')
      .send(aGrant(c2, { sourceSystem: 'cosmic', externalId: 'G-1' }))
      .expect(201);
    // Another municipality has its own keys.
    await app
      .as(adminB)
      .post('/api/grants')
      .send(aGrant(cB, { sourceSystem: 'nexus', externalId: 'G-1' }))
      .expect(201);
  });

  it('PATCH adds a version and leaves the old one as it was, stamped superseded', async () => {
    const v1 = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c2, { sourceSystem: 'nexus', externalId: 'G-PATCH', frequency: { type: 'daily', count: 2 } }))
        .expect(201)
    ).body;
    const v2 = (
      await app
        .as(financeA)
        .patch(`/api/grants/${v1.id}`)
        .send({ minutesPerOccurrence: 40, validTo: '2026-06-01', frequency: { type: 'weekdays', weekdays: [2, 4] } })
        .expect(200)
    ).body;
    expect(v2).toMatchObject({
      version: 2,
      supersededAt: null,
      sourceSystem: 'nexus',
      externalId: 'G-PATCH',
      citizenId: c2,
      serviceCode: 'PP1',
      category: 'personal_care',
      minutesPerOccurrence: 40,
      validFrom: '2026-02-01',
      validTo: '2026-06-01',
      frequency: { type: 'weekdays', count: 1, weekdays: [2, 4] },
    });
    expect(v2.id).not.toBe(v1.id);

    const old = (await app.as(financeA).get(`/api/grants/${v1.id}`).expect(200)).body;
    expect(old).toMatchObject({ version: 1, minutesPerOccurrence: 30, validTo: null, frequency: { type: 'daily', count: 2 } });
    expect(old.supersededAt).toBe(v2.recordedAt);
    const row = await t.db('grants').where({ id: v1.id }).first();
    expect(row.superseded_at).toBeInstanceOf(Date);
    expect(row.minutes_per_occurrence).toBe(30);

    const versions = await app.as(auditorA).get(`/api/grants/${v2.id}/versions`).expect(200);
    expect(versions.body.map((g: { id: number; version: number }) => [g.id, g.version])).toEqual([
      [v1.id, 1],
      [v2.id, 2],
    ]);
    const fromOld = await app.as(auditorA).get(`/api/grants/${v1.id}/versions`).expect(200);
    expect(fromOld.body).toEqual(versions.body);

    const stale = await app.as(financeA).patch(`/api/grants/${v1.id}`).send({ minutesPerOccurrence: 10 }).expect(409);
    expect(stale.body.error.message).toContain('superseded by version 2');
    expect(stale.body.error.details).toEqual({ currentId: v2.id, currentVersion: 2 });

    const current = await app.as(financeA).get('/api/grants?sourceSystem=nexus&externalId=G-PATCH').expect(200);
    expect(ids(current)).toEqual([v2.id]);
    const all = await app.as(financeA).get('/api/grants?sourceSystem=nexus&externalId=G-PATCH&includeHistory=true').expect(200);
    expect(ids(all)).toEqual([v1.id, v2.id]);
    expect(all.body.total).toBe(2);

    const log = await app.as(auditorA).get(`/api/audit?entity=grant&entityId=${v2.id}`).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['update']);
    expect(log.body.items[0].changes.before.id).toBe(v1.id);
  });

  it('PATCH refuses a validTo not after validFrom, fields that are fixed, and returns the grant unchanged for a no-op', async () => {
    const g = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c2, { validFrom: '2026-03-01' }))
        .expect(201)
    ).body;
    const bad = await app.as(financeA).patch(`/api/grants/${g.id}`).send({ validTo: '2026-02-15' }).expect(422);
    expect(bad.body.error.details.field).toBe('validTo');
    await app.as(financeA).patch(`/api/grants/${g.id}`).send({ serviceCode: 'PH1' }).expect(400);
    await app.as(financeA).patch(`/api/grants/${g.id}`).send({ validFrom: '2026-01-01' }).expect(400);
    const same = await app
      .as(financeA)
      .patch(`/api/grants/${g.id}`)
      .send({ staffCount: 1, frequency: { type: 'weekly', count: 2 } })
      .expect(200);
    expect(same.body).toEqual(g);
    const cleared = await app.as(financeA).patch(`/api/grants/${g.id}`).send({ validTo: '2026-04-01' }).expect(200);
    const reopened = await app
      .as(financeA)
      .patch(`/api/grants/${cleared.body.id}`)
      .send({ validTo: null, timeBand: 'evening' })
      .expect(200);
    expect(reopened.body).toMatchObject({ version: 3, validTo: null, timeBand: 'evening' });
  });

  it('lets only one of two concurrent changes to the same version win', async () => {
    const g = (await app.as(financeA).post('/api/grants').send(aGrant(c1)).expect(201)).body;
    const results = await Promise.all([
      app.as(financeA).patch(`/api/grants/${g.id}`).send({ minutesPerOccurrence: 11 }),
      app.as(financeA).patch(`/api/grants/${g.id}`).send({ minutesPerOccurrence: 12 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const versions = await app.as(financeA).get(`/api/grants/${g.id}/versions`).expect(200);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('filters by citizen, service, category and activeOn, and pages', async () => {
    const c3 = await aCitizen(t.db, a);
    const g1 = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c3, { validFrom: '2026-01-10', validTo: '2026-02-10' }))
        .expect(201)
    ).body.id;
    const g2 = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c3, { serviceCode: 'PH1', validFrom: '2026-02-10' }))
        .expect(201)
    ).body.id;
    expect(ids(await app.as(financeA).get(`/api/grants?citizenId=${c3}`).expect(200))).toEqual([g1, g2]);
    expect(ids(await app.as(financeA).get(`/api/grants?citizenId=${c3}&activeOn=2026-02-09`).expect(200))).toEqual([g1]);
    expect(ids(await app.as(financeA).get(`/api/grants?citizenId=${c3}&activeOn=2026-02-10`).expect(200))).toEqual([g2]);
    expect(ids(await app.as(financeA).get(`/api/grants?citizenId=${c3}&category=practical_help`).expect(200))).toEqual([g2]);
    expect(ids(await app.as(financeA).get(`/api/grants?citizenId=${c3}&serviceCode=PP1`).expect(200))).toEqual([g1]);
    const page = await app.as(financeA).get(`/api/grants?citizenId=${c3}&limit=1&offset=1`).expect(200);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(ids(page)).toEqual([g2]);
    await app.as(financeA).get('/api/grants?includeHistory=maybe').expect(400);
    await app.as(financeA).get('/api/grants?activeOn=2026-02-30').expect(400);
  });

  it('shows a provider token only grants of citizens who chose it for that category during the grant', async () => {
    const c4 = await aCitizen(t.db, a);
    const c5 = await aCitizen(t.db, a);
    await aChoice(t.db, {
      municipalityId: a,
      citizenId: c4,
      providerId: pA2,
      category: 'personal_care',
      validFrom: '2026-01-01',
      validTo: '2026-03-01',
    });
    const seen = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c4, { validFrom: '2026-02-15' }))
        .expect(201)
    ).body.id;
    const before = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c4, { validFrom: '2026-01-01', validTo: '2026-01-15' }))
        .expect(201)
    ).body.id;
    const otherCategory = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c4, { serviceCode: 'PH1' }))
        .expect(201)
    ).body.id;
    const afterChoice = (
      await app
        .as(financeA)
        .post('/api/grants')
        .send(aGrant(c4, { validFrom: '2026-03-01' }))
        .expect(201)
    ).body.id;
    const otherCitizen = (await app.as(financeA).post('/api/grants').send(aGrant(c5)).expect(201)).body.id;

    const list = await app.as(providerTokenA).get('/api/grants').expect(200);
    expect(ids(list)).toEqual([seen, before]);
    expect(list.body.total).toBe(2);
    await app.as(providerTokenA).get(`/api/grants/${seen}`).expect(200);
    for (const id of [otherCategory, afterChoice, otherCitizen]) {
      await app.as(providerTokenA).get(`/api/grants/${id}`).expect(404);
      await app.as(providerTokenA).get(`/api/grants/${id}/versions`).expect(404);
    }
    await app.as(providerTokenA).patch(`/api/grants/${seen}`).send({ minutesPerOccurrence: 5 }).expect(403);
    await app.as(providerTokenA).post('/api/grants').send(aGrant(c4)).expect(403);
  });

  it("answers 404 for another municipality's grant and keeps auditors read-only", async () => {
    const g = (await app.as(financeA).post('/api/grants').send(aGrant(c1)).expect(201)).body;
    await app.as(adminB).get(`/api/grants/${g.id}`).expect(404);
    await app.as(adminB).get(`/api/grants/${g.id}/versions`).expect(404);
    const res = await app.as(adminB).patch(`/api/grants/${g.id}`).send({ minutesPerOccurrence: 1 }).expect(404);
    expect(res.body.error.code).toBe('not_found');
    const listB = await app.as(adminB).get('/api/grants').expect(200);
    expect(listB.body.items.map((x: { citizenId: number }) => x.citizenId)).toEqual([cB]);

    const denied = await app.as(auditorA).post('/api/grants').send(aGrant(c1)).expect(403);
    expect(denied.body.error.code).toBe('forbidden');
    await app.as(auditorA).patch(`/api/grants/${g.id}`).send({ minutesPerOccurrence: 1 }).expect(403);
    expect((await app.as(adminA).get(`/api/grants/${g.id}`).expect(200)).body.minutesPerOccurrence).toBe(30);
  });
});
