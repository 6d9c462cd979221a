import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { asActor, exampleModel } from '../helpers/settlement-builders.js';
import { aWebWorld } from '../helpers/web-builders.js';
import { Browser, setCookies } from '../helpers/web-browser.js';

const t = useTestDatabase();

describe('web interface: sign-in, sessions, CSRF and access (no browser needed)', () => {
  let app: TestApp;
  let world: Awaited<ReturnType<typeof aWebWorld>>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    world = await aWebWorld(app.services, 'WEBAPI');
  });

  it("signs in with an API token into an HttpOnly, SameSite=Strict session and shows the municipality's language", async () => {
    const b = new Browser(app);
    expect((await b.get('/app/settlements?period=2026-02')).headers.location).toBe(
      '/app/login?next=%2Fapp%2Fsettlements%3Fperiod%3D2026-02',
    );
    const res = await b.signIn({ token: world.tokens.finance, next: '/app/settlements?period=2026-02' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/app/settlements?period=2026-02');
    const cookie = setCookies(res).find((c) => c.startsWith('carepay_session='))!;
    expect(cookie).toMatch(/; Path=\/app; HttpOnly; SameSite=Strict; Max-Age=36000$/);
    // Only the hash of the cookie is stored.
    const secret = /^carepay_session=([^;]+)/.exec(cookie)![1]!;
    const stored = await t
      .db('web_sessions')
      .where({ session_hash: createHash('sha256').update(secret).digest('hex') })
      .first();
    expect(stored).toMatchObject({ role: 'finance', provider_id: null, municipality_id: world.municipalityId });
    expect(JSON.stringify(await t.db('web_sessions').select('*'))).not.toContain(secret);

    const page = await b.get('/app/settlements?period=2026-02');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<html lang="da">');
    expect(page.text).toContain('<h1>Afregninger 2026-02</h1>');
    expect(page.text).toMatch(/Omsorg Ærø ApS[\s\S]*?faktureret[\s\S]*?225,00 kr\.[\s\S]*?56,25 kr\.[\s\S]*?281,25 kr\./);
  });

  it('refuses a wrong token or password with 401 and no session', async () => {
    const b = new Browser(app);
    const login = await b.get('/app/login');
    expect([login.headers['content-security-policy'], login.headers['x-frame-options'], login.headers['cache-control']]).toEqual([
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      'DENY',
      'no-store',
    ]);
    const bad = await b.signIn({ token: `cp_${'x'.repeat(32)}` });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('The sign-in details are not valid');
    expect(setCookies(bad).filter((c) => c.startsWith('carepay_session='))).toEqual([]);
    expect((await b.get('/app/settlements')).status).toBe(303);
  });

  it('checks the CSRF token of every form, the sign-in form included', async () => {
    const stranger = await app.http.post('/app/login').type('form').send({ token: world.tokens.finance });
    expect(stranger.status).toBe(403);
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.finance });
    expect((await b.post('/app/settlements/run', { period: '2026-03' })).status).toBe(403);
    expect((await b.post('/app/settlements/run', { period: '2026-03', _csrf: 'x'.repeat(32) })).status).toBe(403);
    expect(
      await t.db('settlements').where({ municipality_id: world.municipalityId, period_start: '2026-03-01' }).count({ n: '*' }),
    ).toEqual([{ n: 0 }]);
  });

  it('locks a month: a run is then refused with the reason on the page, and nothing is written; unlocking allows it again', async () => {
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.finance });
    let page = await b.get('/app/settlements?period=2026-03');
    expect(page.text).toContain('Lås måneden 2026-03');
    await b.post('/app/periods/2026-03/lock', { _csrf: Browser.csrf(page.text), back: '/app/settlements?period=2026-03' });
    page = await b.get('/app/settlements?period=2026-03');
    expect(page.text).toContain('Måneden er låst: ingen nye ordinære afregninger.');
    expect(page.text).toContain('Lås måneden op 2026-03');
    const refused = await b.post('/app/settlements/run', { _csrf: Browser.csrf(page.text), period: '2026-03' });
    expect([refused.status, refused.headers.location]).toEqual([303, '/app/settlements?period=2026-03']);
    page = await b.get('/app/settlements?period=2026-03');
    expect(page.text).toContain(
      // The refusal speaks the session's language (Danish), not the English it was raised with (issue 19).
      '<p class="flash error" role="alert">2026-03 er låst; leverandørerne CARE, HOME har ingen godkendt afregning at korrigere (lås perioden op for at køre en almindelig afregning)</p>',
    );
    expect(
      await t.db('settlements').where({ municipality_id: world.municipalityId, period_start: '2026-03-01' }).count({ n: '*' }),
    ).toEqual([{ n: 0 }]);
    await b.post('/app/periods/2026-03/unlock', { _csrf: Browser.csrf(page.text), back: '/app/settlements?period=2026-03' });
    expect(await t.db('period_locks').where({ municipality_id: world.municipalityId })).toEqual([]);
  });

  it('ends the session when its token is revoked, or on sign-out', async () => {
    const token = await aToken(app.services, world.municipalityId, 'auditor');
    const b = new Browser(app);
    await b.signIn({ token });
    expect((await b.get('/app/invoices')).status).toBe(200);
    const id = (await t.db('api_tokens').where({ municipality_id: world.municipalityId, role: 'auditor' }).first('id')).id;
    await app.services.tokens.revoke({ municipalityId: world.municipalityId, actor: 'test' }, id);
    expect((await b.get('/app/invoices')).headers.location).toBe('/app/login?next=%2Fapp%2Finvoices');

    const c = new Browser(app);
    await c.signIn({ token: world.tokens.finance });
    const page = await c.get('/app/invoices');
    expect((await c.post('/app/logout', { _csrf: Browser.csrf(page.text) })).headers.location).toBe('/app/login');
    expect((await c.get('/app/invoices')).status).toBe(303);
  });

  it('lets an administrator create a user who signs in with a password (scrypt), and disable it', async () => {
    const admin = new Browser(app);
    await admin.signIn({ token: await aToken(app.services, world.municipalityId, 'admin') });
    const users = await admin.get('/app/users');
    expect(users.status).toBe(200);
    const created = await admin.post('/app/users', {
      _csrf: Browser.csrf(users.text),
      username: 'Kari.Provider',
      displayName: 'Kari <Omsorg>',
      role: 'provider',
      providerId: String(world.providers.CARE),
      password: 'correct horse battery',
    });
    expect(created.headers.location).toBe('/app/users');
    const list = await admin.get('/app/users');
    expect(list.text).toContain('Brugeren er oprettet: kari.provider');
    // Text is escaped wherever it comes from.
    expect(list.text).toContain('Kari &lt;Omsorg&gt;');
    const row = await t.db('web_users').where({ username: 'kari.provider' }).first();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);

    const kari = new Browser(app);
    expect((await kari.signIn({ municipality: 'WEBAPI', username: 'kari.provider', password: 'wrong horse battery' })).status).toBe(401);
    expect((await kari.signIn({ municipality: 'WEB', username: 'kari.provider', password: 'correct horse battery' })).status).toBe(401);
    const ok = await kari.signIn({ municipality: 'WEBAPI', username: 'kari.provider', password: 'correct horse battery' });
    expect(ok.status).toBe(303);
    const invoices = await kari.get('/app/invoices');
    // The header names who is signed in, by the user's display name, beside the role and the provider.
    expect(invoices.text).toMatch(/Logget ind som <strong>Kari &lt;Omsorg&gt;<\/strong> \(leverandør\) · <strong>[^<]+<\/strong>/);
    expect(invoices.text).toContain(world.invoices.CARE);
    expect(invoices.text).not.toContain(world.invoices.HOME);
    // A provider user may not manage users.
    expect((await kari.get('/app/users')).status).toBe(403);

    await admin.post(`/app/users/${row.id}/disable`, { _csrf: Browser.csrf(list.text) });
    expect((await kari.get('/app/invoices')).status).toBe(303);
    expect((await kari.signIn({ municipality: 'WEBAPI', username: 'kari.provider', password: 'correct horse battery' })).status).toBe(401);
  });

  it("keeps tenants apart: another municipality's settlement and invoice are not found (and speaks Swedish there)", async () => {
    const other = await aMunicipality(app.services, 'WEBOTHER', 'SE');
    const b = new Browser(app);
    await b.signIn({ token: await aToken(app.services, other, 'finance') });
    // A Swedish municipality: pages in Swedish.
    const own = await b.get('/app/settlements?period=2026-02');
    expect(own.text).toContain('<html lang="sv">');
    expect(own.text).toContain('<h1>Ersättningskörningar 2026-02</h1>');
    expect(own.text).toContain('Inga ersättningskörningar för månaden ännu.');
    expect((await b.get(`/app/settlements/${world.februarySettlements.CARE}`)).status).toBe(404);
    expect((await b.get(`/app/invoices/${world.invoices.CARE}.pdf`)).status).toBe(404);
    expect((await b.get('/app/invoices')).text).not.toContain(world.invoices.CARE);
  });

  it('follows only local pages after sign-in', async () => {
    for (const next of ['//evil.example/app/', 'https://evil.example/', '/api/providers', '/app//evil.example']) {
      const b = new Browser(app);
      expect((await b.signIn({ token: world.tokens.finance, next })).headers.location).toBe('/app/');
    }
  });

  it('compares two models for a month: granted time against delivered time', async () => {
    const doc = exampleModel('dk-granted-time') as { defaults: Record<string, unknown> };
    await app.services.models.create(asActor(world.municipalityId, 'test', 'admin'), {
      name: 'dk-delivered',
      document: { ...doc, defaults: { ...doc.defaults, basis: { type: 'delivered' } } },
    });
    const delivered = (await app.services.models.resolve(asActor(world.municipalityId, 'test', 'admin'), 'dk-delivered')).id;
    await app.services.models.assign(asActor(world.municipalityId, 'test', 'admin'), delivered, {
      providerId: world.providers.HOME,
      validFrom: '2026-04-01',
      validTo: '2026-07-01',
    });
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.finance });
    const form = await b.get('/app/compare?period=2026-03');
    expect(form.text).toContain('<option value="dk-delivered@1">dk-delivered@1</option>');
    // Below the form: the versions, and which is in force for whom (Danish: the last day in force, or "indtil videre").
    const models = /<section aria-labelledby="models-title">([\s\S]*?)<\/section>/.exec(form.text)![1]!;
    expect(models).toContain('<h2 id="models-title">Modeller og hvornår de gælder</h2>');
    expect(models).toMatch(/<tr><th scope="row">dk-delivered@1<\/th><td>[^<]+<\/td><td>endnu ikke brugt<\/td><\/tr>/);
    expect(
      [...models.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>(alle leverandører|[A-Z]+)<\/td><td>([^<]+)<\/td><\/tr>/g)].map((m) => [
        m[1],
        m[2],
        m[3],
      ]),
    ).toEqual([
      ['dk-granted@1', 'alle leverandører', expect.stringMatching(/ – indtil videre$/)],
      ['dk-delivered@1', 'HOME', '01.04.2026 – 30.06.2026'],
    ]);
    const page = await b.get('/app/compare?period=2026-03&modelA=dk-granted%401&modelB=dk-delivered%401');
    expect(page.status).toBe(200);
    const row = (name: string) => {
      const tr = new RegExp(`<tr><th scope="row">${name}</th>([\\s\\S]*?)</tr>`).exec(page.text)![1]!;
      return [...tr.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    };
    // CARE: granted 2 × 30 min = 450.00; delivered 30 + 41 min = 532.50 (the visit without a grant is an exception under both).
    expect(row('CARE')).toEqual(['1,00', '450,00 kr.', '1,18', '532,50 kr.', '0,18', '82,50 kr.', '1 / 1']);
    expect(row('HOME')).toEqual(['0,50', '225,00 kr.', '0,50', '225,00 kr.', '0,00', '0,00 kr.', '0 / 0']);
    expect(row('I alt')).toEqual(['1,50', '675,00 kr.', '1,68', '757,50 kr.', '0,18', '82,50 kr.']);
  });

  it('keeps the four-eyes rule: a token that computed a month through the API cannot approve it in the browser', async () => {
    const admin = asActor(world.municipalityId, 'test', 'admin');
    await app.services.settlements.updateSettings(admin, { fourEyes: true });
    const run = await app
      .as(world.tokens.finance)
      .post('/api/settlements/run')
      .send({ period: '2026-03', providerIds: [world.providers.CARE] })
      .expect(200);
    const id = run.body.outcomes[0].settlement.id as number;
    const same = new Browser(app);
    await same.signIn({ token: world.tokens.finance });
    const page = await same.get(`/app/settlements/${id}`);
    // With C-002's exception still open, the page asks first; the confirmed approval is what the rule refuses.
    const asked = await same.post(`/app/settlements/${id}/approve`, { _csrf: Browser.csrf(page.text) });
    expect([asked.status, asked.headers.location]).toEqual([
      303,
      expect.stringMatching(new RegExp(`^/app/settlements/${id}/approve\\?back=`)),
    ]);
    const refused = await same.post(`/app/settlements/${id}/approve`, { _csrf: Browser.csrf(page.text), confirm: '1' });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(
      /four-eyes rule: settlement \d+ was computed by token:\d+ \(finance token\); someone else must approve it/,
    );
    const other = new Browser(app);
    await other.signIn({ token: await aToken(app.services, world.municipalityId, 'finance') });
    const page2 = await other.get(`/app/settlements/${id}`);
    expect((await other.post(`/app/settlements/${id}/approve`, { _csrf: Browser.csrf(page2.text), confirm: '1' })).status).toBe(303);
    expect(await t.db('settlements').where({ id }).first('status', 'approved_by')).toEqual({
      status: 'approved',
      approved_by: expect.stringMatching(/^token:\d+ \(finance token\)$/),
    });
    await app.services.settlements.updateSettings(admin, { fourEyes: false });
  });

  it('sends / to the web interface, which sends each role to its home page', async () => {
    expect((await app.http.get('/')).headers.location).toBe('/app/');
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.budgetController });
    expect((await b.get('/app/')).headers.location).toBe('/app/budget');
  });
});
