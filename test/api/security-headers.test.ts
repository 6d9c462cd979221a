import { beforeAll, describe, expect, it } from 'vitest';
import type request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aWebWorld } from '../helpers/web-builders.js';
import { Browser, setCookies } from '../helpers/web-browser.js';

const t = useTestDatabase();

/** The headers helmet adds (issue 20, defect 8), as a browser would act on them. */
const hardened = (res: request.Response) => ({
  nosniff: res.headers['x-content-type-options'],
  frames: res.headers['x-frame-options'],
  hsts: res.headers['strict-transport-security'],
  referrer: res.headers['referrer-policy'],
  csp: /default-src 'self'/.test(res.headers['content-security-policy'] ?? ''),
});
const HARDENED = {
  nosniff: 'nosniff',
  frames: 'SAMEORIGIN',
  hsts: 'max-age=31536000; includeSubDomains',
  referrer: 'no-referrer',
  csp: true,
};

describe('security headers and caching', () => {
  let app: TestApp;
  let world: Awaited<ReturnType<typeof aWebWorld>>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    world = await aWebWorld(app.services, 'HDR');
  });

  it('sends an invoice PDF and a citizen with security headers and Cache-Control: no-store', async () => {
    const pdf = await app.as(world.tokens.finance).get(`/api/invoices/${world.invoices.CARE}.pdf`).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect([hardened(pdf), pdf.headers['cache-control']]).toEqual([HARDENED, 'no-store']);

    const citizens = await app.as(world.tokens.finance).get('/api/citizens?ref=C-001').expect(200);
    const one = await app.as(world.tokens.finance).get(`/api/citizens/${citizens.body.items[0].id}`).expect(200);
    expect(one.body.ref).toBe('C-001');
    expect([hardened(one), one.headers['cache-control']]).toEqual([HARDENED, 'no-store']);

    // Refusals and unknown endpoints too: an error body can name a citizen's ref.
    const unknown = await app.as(world.tokens.finance).get('/api/nothing-here').expect(404);
    expect(unknown.headers['cache-control']).toBe('no-store');
    expect((await app.http.get('/api/citizens').expect(401)).headers['cache-control']).toBe('no-store');
  });

  it('sends /openapi.json and the reference at /docs with security headers, and a policy Swagger UI runs under', async () => {
    const spec = await app.http.get('/openapi.json').expect(200);
    expect(hardened(spec)).toEqual(HARDENED);
    const docs = await app.http.get('/docs/').expect(200);
    expect(docs.text).toContain('swagger-ui-init.js');
    expect(hardened(docs)).toEqual(HARDENED);
    // Its scripts are files of this origin; inline styles are allowed, inline scripts are not.
    expect(docs.headers['content-security-policy']).toContain("script-src 'self';");
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' https: 'unsafe-inline'");
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it("keeps the web pages' own stricter policy and no-store on a signed-in page and a download", async () => {
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.finance });
    const page = await b.get('/app/settlements?period=2026-02');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect([page.headers['x-frame-options'], page.headers['cache-control'], page.headers['strict-transport-security']]).toEqual([
      'DENY',
      'no-store',
      HARDENED.hsts,
    ]);
    const csv = await b.get(`/app/settlements/${world.februarySettlements.CARE}/lines.csv`);
    expect([csv.status, csv.headers['cache-control']]).toEqual([200, 'no-store']);
  });
});

describe('the session cookie behind a TLS-terminating proxy', () => {
  const sessionCookie = async (app: TestApp, token: string, proto?: string) => {
    const b = new Browser(app);
    const page = await b.get('/app/login');
    let req = app.http
      .post('/app/login')
      .set(
        'cookie',
        setCookies(page)
          .map((c) => c.split(';')[0])
          .join('; '),
      )
      .type('form');
    if (proto) req = req.set('x-forwarded-proto', proto);
    const res = await req.send({ _csrf: Browser.csrf(page.text), token });
    expect(res.status).toBe(303);
    return setCookies(res).find((c) => c.startsWith('carepay_session='))!;
  };

  it('is Secure when a trusted proxy says the request came over HTTPS, and only then', async () => {
    const plain = buildTestApp(t.db);
    const world = await aWebWorld(plain.services, 'TLS');
    expect(await sessionCookie(plain, world.tokens.finance, 'https')).not.toContain('Secure');

    const proxied = buildTestApp(t.db, { TRUST_PROXY: 'loopback' });
    expect(await sessionCookie(proxied, world.tokens.finance, 'https')).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=36000; Secure$/);
    expect(await sessionCookie(proxied, world.tokens.finance, 'http')).not.toContain('Secure');
    expect(await sessionCookie(proxied, world.tokens.finance)).not.toContain('Secure');
  });
});
