import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('providers API', () => {
  let app: TestApp;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let adminB: string;
  let providerTokenA: string;
  let pA1: number;
  let pA2: number;
  let pB: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    pA1 = (
      await app
        .as(adminA)
        .post('/api/providers')
        .send(aProvider({ ref: 'HJEM', kind: 'municipal' }))
        .expect(201)
    ).body.id;
    pA2 = (
      await app
        .as(adminA)
        .post('/api/providers')
        .send(aProvider({ ref: 'CARE' }))
        .expect(201)
    ).body.id;
    pB = (
      await app
        .as(adminB)
        .post('/api/providers')
        .send(aProvider({ ref: 'HJEM', kind: 'municipal' }))
        .expect(201)
    ).body.id;
    providerTokenA = await aToken(app.services, a, 'provider', pA2);
  });

  it("lists only the providers of the token's municipality", async () => {
    const res = await app.as(adminA).get('/api/providers').expect(200);
    expect(res.body.items.map((p: { ref: string }) => p.ref)).toEqual(['HJEM', 'CARE']);
    expect(res.body.total).toBe(2);
  });

  it('filters by kind and pages', async () => {
    const res = await app.as(adminA).get('/api/providers?kind=private').expect(200);
    expect(res.body.items.map((p: { id: number }) => p.id)).toEqual([pA2]);
    const page = await app.as(adminA).get('/api/providers?limit=1&offset=1').expect(200);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.items.map((p: { id: number }) => p.id)).toEqual([pA2]);
  });

  it("answers 404 for another municipality's provider, for reads and writes", async () => {
    await app.as(adminA).get(`/api/providers/${pB}`).expect(404);
    const res = await app.as(adminA).patch(`/api/providers/${pB}`).send({ name: 'Taken over' }).expect(404);
    expect(res.body.error.code).toBe('not_found');
    const still = await app.as(adminB).get(`/api/providers/${pB}`).expect(200);
    expect(still.body.name).not.toBe('Taken over');
  });

  it('lets a provider token see only its own provider', async () => {
    const list = await app.as(providerTokenA).get('/api/providers').expect(200);
    expect(list.body.items.map((p: { id: number }) => p.id)).toEqual([pA2]);
    await app.as(providerTokenA).get(`/api/providers/${pA1}`).expect(404);
    await app.as(providerTokenA).patch(`/api/providers/${pA2}`).send({ name: 'x' }).expect(403);
  });

  it('keeps auditors read-only', async () => {
    await app.as(auditorA).get('/api/providers').expect(200);
    const res = await app.as(auditorA).post('/api/providers').send(aProvider()).expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('rejects unknown fields, bad values and duplicates with the error shape', async () => {
    const unknown = await app
      .as(financeA)
      .post('/api/providers')
      .send({ ...aProvider(), colour: 'red' })
      .expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'bad_request' });
    expect(typeof unknown.body.error.requestId).toBe('string');
    expect(JSON.stringify(unknown.body.error.details)).toContain('colour');

    const bad = await app
      .as(financeA)
      .post('/api/providers')
      .send(aProvider({ approvedFrom: '2026-02-30' }))
      .expect(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.approvedFrom');

    const dup = await app
      .as(financeA)
      .post('/api/providers')
      .send(aProvider({ ref: 'CARE' }))
      .expect(409);
    expect(dup.body.error.code).toBe('conflict');
  });

  it('requires a valid token', async () => {
    const res = await app.http.get('/api/providers').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
    await app.http.get('/api/providers').set('authorization', 'Bearer cp_notarealtokennotarealtoken').expect(401);
  });

  it('records creates and updates in the audit log', async () => {
    await app.as(financeA).patch(`/api/providers/${pA2}`).send({ name: 'Care & Co' }).expect(200);
    const log = await app.as(auditorA).get(`/api/audit?entity=provider&entityId=${pA2}`).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    expect(log.body.items[0].changes.after.name).toBe('Care & Co');
    expect(log.body.items[0].actor).toMatch(/^token:\d+ \(finance token\)$/);
    await app.as(financeA).get('/api/audit').expect(403);
  });

  it('refuses to change or delete audit records', async () => {
    await expect(t.db('audit_log').update({ actor: 'someone else' })).rejects.toThrow(/append-only/);
    await expect(t.db('audit_log').delete()).rejects.toThrow(/append-only/);
  });
});
