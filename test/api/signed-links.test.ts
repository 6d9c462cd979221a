import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINK_TTL_SECONDS, LinkSigner } from '../../src/features/auth/signed-links.js';
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
    expect(revoked.body.error.message).toBe('The token behind this link has been revoked or does not hold these rights');

    const signer = new LinkSigner(app.services.config.linkSecret);
    const principal = {
      municipalityId: 1,
      role: 'auditor' as const,
      providerId: null,
      actor: 'x',
      tokenId: created.body.info.id as number,
    };
    const old = signer.create(principal, '/budget-checks/years/2026/series.csv', 60, Date.now() - 120_000);
    expect((await app.http.get(old.url).expect(401)).body.error.message).toBe('The link is invalid or has expired');
  });

  describe('a link made elsewhere than /api/links', () => {
    // What an attacker who knows the scheme would compute: HMAC(HMAC(secret, label), fields).
    const forge = (secret: string, path: string, q: Record<string, string>) => {
      const key = createHmac('sha256', secret).update('carepay signed links v1').digest();
      const fields = [q.m, q.r, q.p, q.t, q.exp, `${path}?`].join('\n');
      const sig = createHmac('sha256', key).update(fields).digest('base64url');
      return `/api${path}?${new URLSearchParams({ ...q, sig }).toString()}`;
    };
    const path = '/budget-checks/years/2026/series.csv';
    let m: string;
    let controllerId: string;
    const exp = () => String(Math.floor(Date.now() / 1000) + 600);

    beforeAll(async () => {
      const made = await app.as(admin).post('/api/tokens').send({ name: 'controller two', role: 'budget_controller' }).expect(201);
      controllerId = String(made.body.info.id);
      m = new URL(`http://x${(await linkFor(controller, path)).url}`).searchParams.get('m')!;
    });

    it('is accepted when signed with the service key and the rights of a real token (the forge is faithful)', async () => {
      const url = forge(app.services.config.linkSecret, path, { m, r: 'budget_controller', p: '', t: controllerId, exp: exp() });
      await app.http.get(url).expect(200);
    });

    it('is refused when signed with the public development pepper', async () => {
      expect(app.services.config.idKeys.map((k) => k.secret)).not.toContain(app.services.config.linkSecret);
      const url = forge('carepay-development-pepper-not-for-production', path, {
        m,
        r: 'budget_controller',
        p: '',
        t: controllerId,
        exp: exp(),
      });
      await app.http.get(url).expect(401);
    });

    it('is refused without a token, beyond the TTL, or claiming more than its token holds', async () => {
      const key = app.services.config.linkSecret;
      await app.http.get(forge(key, path, { m, r: 'admin', p: '', t: '', exp: exp() })).expect(401);
      const far = String(Math.floor(Date.now() / 1000) + LINK_TTL_SECONDS + 3600);
      await app.http.get(forge(key, path, { m, r: 'budget_controller', p: '', t: controllerId, exp: far })).expect(401);
      const res = await app.http.get(forge(key, path, { m, r: 'admin', p: '', t: controllerId, exp: exp() })).expect(401);
      expect(res.body.error.message).toBe('The token behind this link has been revoked or does not hold these rights');
    });
  });
});
