import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/** Every refusal answers { error: { code, message, details, requestId } } with details an object (issue 19). */
describe('error answers carry details', () => {
  let app: TestApp;
  let admin: string;
  let auditor: string;
  let provider: string;

  beforeAll(async () => {
    app = buildTestApp(t.db, { MAX_JSON_BYTES: '600' });
    const m = await aMunicipality(app.services, 'ERR');
    admin = await aToken(app.services, m, 'admin');
    auditor = await aToken(app.services, m, 'auditor');
    const p = (await app.as(admin).post('/api/providers').send(aProvider()).expect(201)).body.id;
    provider = await aToken(app.services, m, 'provider', p);
  });

  const cases: Array<{
    name: string;
    send: () => Promise<{ status: number; body: any; headers: Record<string, string> }>;
    status: number;
    code: string;
    details: Record<string, unknown>;
  }> = [
    {
      name: 'no token',
      send: () => app.http.get('/api/providers'),
      status: 401,
      code: 'unauthorized',
      details: { expected: 'Authorization: Bearer <token>' },
    },
    {
      name: 'an unknown token',
      send: () => app.as('cp_unknownunknownunknownunknown').get('/api/providers'),
      status: 401,
      code: 'unauthorized',
      details: {},
    },
    {
      name: 'a role that may not write',
      send: () => app.as(auditor).post('/api/providers').send({}),
      status: 403,
      code: 'forbidden',
      details: { role: 'auditor', access: 'write', resource: 'providers', allowedRoles: ['admin', 'finance'] },
    },
    {
      name: 'a role that may not read',
      send: () => app.as(provider).get('/api/tokens'),
      status: 403,
      code: 'forbidden',
      details: { role: 'provider', access: 'read', resource: 'tokens', allowedRoles: ['admin'] },
    },
    {
      name: 'an unknown id',
      send: () => app.as(admin).get('/api/visits/987654'),
      status: 404,
      code: 'not_found',
      details: { resource: 'visit', id: 987654 },
    },
    {
      name: 'an unknown API path',
      send: () => app.as(admin).get('/api/nothing-here'),
      status: 404,
      code: 'not_found',
      details: { resource: 'endpoint' },
    },
    {
      name: 'an unknown path outside the API',
      send: () => app.http.get('/nothing-here'),
      status: 404,
      code: 'not_found',
      details: { method: 'GET', path: '/nothing-here' },
    },
    {
      name: 'an unknown method on a known path',
      send: () => app.http.delete('/health'),
      status: 404,
      code: 'not_found',
      details: { method: 'DELETE', path: '/health' },
    },
    {
      name: 'malformed JSON',
      send: () => app.as(admin).post('/api/providers').set('content-type', 'application/json').send('{"ref":'),
      status: 400,
      code: 'bad_request',
      details: { where: 'body', expected: 'application/json' },
    },
    {
      name: 'a JSON body over the limit',
      send: () =>
        app
          .as(admin)
          .post('/api/providers')
          .send({ name: 'x'.repeat(1000) }),
      status: 413,
      code: 'payload_too_large',
      details: { limitBytes: 600 },
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await c.send();
    expect(res.status).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(Object.keys(res.body.error)).toEqual(['code', 'message', 'details', 'requestId']);
    expect(res.body.error).toMatchObject({ code: c.code, requestId: res.headers['x-request-id'] });
    expect(res.body.error.message).toMatch(/\w/);
    expect(res.body.error.details).toEqual(c.details);
  });
});
