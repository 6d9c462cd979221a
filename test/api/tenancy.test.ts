import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('municipality, tokens and tenancy', () => {
  let app: TestApp;
  let a: number;
  let adminA: string;
  let financeA: string;
  let adminB: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'AAB');
    const b = await aMunicipality(app.services, 'STH', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    adminB = await aToken(app.services, b, 'admin');
  });

  it('shows each token its own municipality with country defaults', async () => {
    const resA = await app.as(adminA).get('/api/municipality').expect(200);
    expect(resA.body).toMatchObject({ code: 'AAB', country: 'DK', currency: 'DKK', timeZone: 'Europe/Copenhagen', language: 'da' });
    const resB = await app.as(adminB).get('/api/municipality').expect(200);
    expect(resB.body).toMatchObject({ code: 'STH', country: 'SE', currency: 'SEK', timeZone: 'Europe/Stockholm', language: 'sv' });
  });

  it('lets only admins change municipality settings, and keeps country fixed', async () => {
    await app.as(financeA).patch('/api/municipality').send({ language: 'en' }).expect(403);
    const res = await app
      .as(adminA)
      .patch('/api/municipality')
      .send({ language: 'en', choiceNoticeRule: 'days', choiceNoticeDays: 14 })
      .expect(200);
    expect(res.body).toMatchObject({ language: 'en', choiceNoticeRule: 'days', choiceNoticeDays: 14 });
    await app.as(adminA).patch('/api/municipality').send({ country: 'SE' }).expect(400);
  });

  it('adds municipal holidays, refusing duplicates', async () => {
    const res = await app.as(adminA).post('/api/municipality/holidays').send({ date: '2026-12-31', name: 'Nytårsaftensdag' }).expect(201);
    expect(res.body.extraHolidays).toEqual([{ date: '2026-12-31', name: 'Nytårsaftensdag' }]);
    await app.as(adminA).post('/api/municipality/holidays').send({ date: '2026-12-31', name: 'again' }).expect(409);
    const b = await app.as(adminB).get('/api/municipality').expect(200);
    expect(b.body.extraHolidays).toEqual([]);
  });

  it('creates, lists and revokes tokens; secrets are never listed and only hashes are stored', async () => {
    const created = await app.as(adminA).post('/api/tokens').send({ name: 'controller laptop', role: 'budget_controller' }).expect(201);
    const secret: string = created.body.token;
    expect(secret).toMatch(/^cp_[A-Za-z0-9_-]{32}$/);
    await app.as(secret).get('/api/municipality').expect(200);

    const list = await app.as(adminA).get('/api/tokens').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const stored = await t.db('api_tokens').where({ id: created.body.info.id }).first();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(3));

    await app.as(adminA).delete(`/api/tokens/${created.body.info.id}`).expect(200);
    await app.as(secret).get('/api/municipality').expect(401);
  });

  it("refuses a provider token without a provider, or with another municipality's provider", async () => {
    await app.as(adminA).post('/api/tokens').send({ name: 'x', role: 'provider' }).expect(422);
    const pB = (await app.as(adminB).post('/api/providers').send(aProvider()).expect(201)).body.id;
    await app.as(adminA).post('/api/tokens').send({ name: 'x', role: 'provider', providerId: pB }).expect(404);
  });

  it("never lets a token of one municipality act on another's tokens", async () => {
    const tokensB = await app.as(adminB).get('/api/tokens').expect(200);
    const idB = tokensB.body.items[0].id;
    await app.as(adminA).delete(`/api/tokens/${idB}`).expect(404);
    const list = await app.as(adminA).get('/api/tokens').expect(200);
    expect(list.body.items.map((x: { id: number }) => x.id)).not.toContain(idB);
  });

  it('only admins manage tokens', async () => {
    await app.as(financeA).get('/api/tokens').expect(403);
    await app.as(financeA).post('/api/tokens').send({ name: 'x', role: 'admin' }).expect(403);
  });

  it('honours expiry', async () => {
    const created = await app
      .as(adminA)
      .post('/api/tokens')
      .send({ name: 'expired', role: 'auditor', expiresAt: '2020-01-01T00:00:00Z' })
      .expect(201);
    await app.as(created.body.token).get('/api/municipality').expect(401);
  });

  it('serves an OpenAPI 3.1 document and the reference page', async () => {
    const doc = await app.http.get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/providers', '/providers/{id}', '/tokens', '/municipality']));
    expect(doc.body.components.schemas.Error.properties.error.required).toEqual(['code', 'message', 'details', 'requestId']);
    const page = await app.http.get('/docs/').expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('gives every pattern in the OpenAPI document as a plain regular expression its own example matches (a flag such as /i leaks into the text and breaks Swagger UI)', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    const checked: string[] = [];
    const walk = (o: unknown, where: string): void => {
      if (!o || typeof o !== 'object') return;
      const node = o as { pattern?: unknown; example?: unknown };
      if (typeof node.pattern === 'string') {
        checked.push(where);
        expect(new RegExp(node.pattern, 'u').source, where).toBe(new RegExp(node.pattern, 'u').source);
        if (typeof node.example === 'string') expect(node.example, `${where}: ${node.pattern}`).toMatch(new RegExp(node.pattern, 'u'));
      }
      for (const [k, v] of Object.entries(o)) walk(v, `${where}/${k}`);
    };
    walk(doc, '');
    expect(checked.length).toBeGreaterThan(5);
  });

  it('answers unknown endpoints and malformed JSON with the error shape', async () => {
    const nf = await app.as(adminA).get('/api/nothing-here').expect(404);
    expect(nf.body.error.code).toBe('not_found');
    const bad = await app.as(adminA).post('/api/providers').set('content-type', 'application/json').send('{"ref":').expect(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', message: 'The request body is not valid JSON' });
    expect(bad.headers['x-request-id']).toBe(bad.body.error.requestId);
  });
});
