import { beforeAll, describe, expect, it } from 'vitest';
import { LinkSigner } from '../../src/features/auth/signed-links.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('signed links for opening documents in a browser', () => {
  let app: TestApp;
  let controller: string;
  let admin: string;
  let provider: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const m = await aMunicipality(app.services, 'LNK');
    controller = await aToken(app.services, m, 'budget_controller');
    admin = await aToken(app.services, m, 'admin');
    const p = (await app.as(admin).post('/api/providers').send(aProvider()).expect(201)).body.id;
    provider = await aToken(app.services, m, 'provider', p);
  });

  const linkFor = async (token: string, path: string) =>
    (await app.as(token).post('/api/links').send({ path }).expect(201)).body as { url: string; expiresAt: string };

  it('opens the series chart without a token header, keeping the query', async () => {
    const link = await linkFor(controller, '/api/budget-checks/years/2026/series.svg?area=urban');
    expect(link.url).toMatch(/^\/api\/budget-checks\/years\/2026\/series\.svg\?area=urban&m=\d+&r=budget_controller&/);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const res = await app.http.get(link.url).expect(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    // supertest hands image/* bodies over as a Buffer
    expect(Buffer.from(res.body as Buffer).toString('utf8')).toContain('<svg');
  });

  it('refuses a link whose path, query or role was changed', async () => {
    const link = await linkFor(controller, '/budget-checks/years/2026/series.csv');
    await app.http.get(link.url.replace('/2026/', '/2025/')).expect(401);
    await app.http.get(`${link.url}&area=rural`).expect(401);
    const res = await app.http.get(link.url.replace('r=budget_controller', 'r=admin')).expect(401);
    expect(res.body.error.message).toBe('The link is invalid or has expired');
  });

  it('refuses paths that are not documents', async () => {
    await app.as(admin).post('/api/links').send({ path: '/api/tokens' }).expect(422);
  });

  it('acts only with the rights of the token that made it', async () => {
    const link = await linkFor(provider, '/budget-checks/years/2026/series.svg');
    await app.http.get(link.url).expect(403);
  });

  it('dies with its token and with time', async () => {
    const created = await app.as(admin).post('/api/tokens').send({ name: 'short-lived', role: 'auditor' }).expect(201);
    const link = await linkFor(created.body.token, '/budget-checks/years/2026/series.csv');
    await app.http.get(link.url).expect(200);
    await app.as(admin).delete(`/api/tokens/${created.body.info.id}`).expect(200);
    const revoked = await app.http.get(link.url).expect(401);
    expect(revoked.body.error.message).toBe('The token behind this link has been revoked');

    const signer = new LinkSigner(app.services.config.idPepper);
    const principal = { municipalityId: 1, role: 'admin' as const, providerId: null, actor: 'x', tokenId: null };
    const old = signer.create(principal, '/budget-checks/years/2026/series.csv', 60, Date.now() - 120_000);
    await app.http.get(old.url).expect(401);
  });
});
