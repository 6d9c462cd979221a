import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { Browser, setCookies } from '../helpers/web-browser.js';

const t = useTestDatabase();

const PASSWORD = 'correct horse battery';

/**
 * One password sign-in from a given client address (the test server trusts the loopback proxy,
 * so X-Forwarded-For names the client) in a given browser language.
 */
async function signIn(app: TestApp, form: Record<string, string>, opts: { ip: string; lang?: string }) {
  const page = await new Browser(app).get('/app/login');
  return app.http
    .post('/app/login')
    .set('x-forwarded-for', opts.ip)
    .set('accept-language', opts.lang ?? 'en')
    .set(
      'cookie',
      setCookies(page)
        .map((c) => c.split(';')[0])
        .join('; '),
    )
    .type('form')
    .send({ _csrf: Browser.csrf(page.text), ...form });
}

const auditOf = async (municipalityId: number) =>
  (
    await t.db('audit_log').where({ municipality_id: municipalityId }).whereIn('action', ['sign_in_failed', 'sign_in_locked']).orderBy('id')
  ).map((r) => ({ action: r.action, actor: r.actor, changes: r.changes }));

describe('password sign-in is throttled per account and per address, across instances (issue 20, defect 4)', () => {
  let app: TestApp;
  let second: TestApp;
  let m: number;

  const aUser = async (username: string) => {
    await app.services.webSessions.createUser(asAdmin(m), {
      username,
      displayName: username,
      role: 'finance',
      providerId: null,
      password: PASSWORD,
    });
  };

  beforeAll(async () => {
    app = buildTestApp(t.db, { TRUST_PROXY: 'loopback' });
    // Another instance on the same database: it must count the same attempts.
    second = buildTestApp(t.db, { TRUST_PROXY: 'loopback' });
    m = await aMunicipality(app.services, 'THR');
  });

  it('answers 40 parallel guesses from 4 clients with at most 5 wrong-password pages, the rest 429; the right password then waits too', async () => {
    await aUser('anna');
    const guesses = Array.from({ length: 40 }, (_, i) =>
      signIn(i % 2 ? second : app, { municipality: 'THR', username: 'anna', password: `guess ${i} wrong` }, { ip: `198.51.100.${i % 4}` }),
    );
    const answers = await Promise.all(guesses);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(refused.text).toContain('Too many sign-in attempts. Try again in 15 min.');

    const right = await signIn(app, { municipality: 'THR', username: 'anna', password: PASSWORD }, { ip: '203.0.113.9' });
    expect(right.status).toBe(429);
    expect(setCookies(right).filter((c) => c.startsWith('carepay_session='))).toEqual([]);

    const audit = await auditOf(m);
    expect(audit.filter((a) => a.action === 'sign_in_failed')).toHaveLength(5);
    expect(
      audit
        .filter((a) => a.action === 'sign_in_failed')
        .every((a) => a.changes.username === 'anna' && a.changes.reason === 'wrong_password'),
    ).toBe(true);
    expect(audit.filter((a) => a.action === 'sign_in_locked')).toEqual([
      {
        action: 'sign_in_locked',
        actor: expect.stringMatching(/^sign-in \(198\.51\.100\.[0-3]\)$/),
        changes: expect.objectContaining({ username: 'anna', subject: 'account:anna', minutes: 15 }),
      },
    ]);
  });

  it('lets the right password in once the window has passed, and a success starts the account afresh', async () => {
    await aUser('bodil');
    for (let i = 0; i < 6; i++)
      await signIn(app, { municipality: 'THR', username: 'bodil', password: 'nope nope nope' }, { ip: '192.0.2.1' });
    expect((await signIn(app, { municipality: 'THR', username: 'bodil', password: PASSWORD }, { ip: '192.0.2.1' })).status).toBe(429);
    await t
      .db('sign_in_throttles')
      .where({ municipality_id: m })
      .update({ window_started_at: t.db.raw("now() - interval '16 minutes'") });
    expect((await signIn(app, { municipality: 'THR', username: 'bodil', password: PASSWORD }, { ip: '192.0.2.1' })).status).toBe(303);
    expect(await t.db('sign_in_throttles').where({ municipality_id: m, subject: 'account:bodil' }).first()).toBeUndefined();
    for (let i = 0; i < 4; i++)
      expect((await signIn(app, { municipality: 'THR', username: 'bodil', password: 'nope nope nope' }, { ip: '192.0.2.1' })).status).toBe(
        401,
      );
    expect((await signIn(app, { municipality: 'THR', username: 'bodil', password: PASSWORD }, { ip: '192.0.2.1' })).status).toBe(303);
  });

  it('stops one address trying one password on many accounts, not the other addresses', async () => {
    await aUser('cleo');
    for (let i = 0; i < 20; i++) {
      expect(
        (await signIn(second, { municipality: 'THR', username: `someone${i}`, password: 'Summer2026!!' }, { ip: '203.0.113.50' })).status,
      ).toBe(401);
    }
    expect((await signIn(app, { municipality: 'THR', username: 'cleo', password: PASSWORD }, { ip: '203.0.113.50' })).status).toBe(429);
    expect((await signIn(app, { municipality: 'THR', username: 'cleo', password: PASSWORD }, { ip: '203.0.113.51' })).status).toBe(303);
    const locked = (await auditOf(m)).filter((a) => a.action === 'sign_in_locked' && a.changes.subject === 'address:203.0.113.50');
    expect(locked).toHaveLength(1);
    const unknown = (await auditOf(m)).filter((a) => a.action === 'sign_in_failed' && a.changes.username === 'someone0');
    expect(unknown.map((a) => a.changes.reason)).toEqual(['unknown_or_disabled_user']);
  });

  it("says so in the browser's language", async () => {
    await aUser('dan');
    for (let i = 0; i < 5; i++)
      await signIn(app, { municipality: 'THR', username: 'dan', password: 'nope nope nope' }, { ip: '192.0.2.77' });
    const da = await signIn(app, { municipality: 'THR', username: 'dan', password: PASSWORD }, { ip: '192.0.2.77', lang: 'da' });
    expect([da.status, da.text.includes('For mange forsøg på at logge ind. Prøv igen om 15 min.')]).toEqual([429, true]);
    const sv = await signIn(app, { municipality: 'THR', username: 'dan', password: PASSWORD }, { ip: '192.0.2.77', lang: 'sv' });
    expect([sv.status, sv.text.includes('För många inloggningsförsök. Försök igen om 15 min.')]).toEqual([429, true]);
  });
});

describe('failed token authentications per address and instance', () => {
  it('answers 429 with Retry-After in the error shape after 100 failed API authentications, for that address only', async () => {
    const app = buildTestApp(t.db, { TRUST_PROXY: 'loopback' });
    const m = await aMunicipality(app.services, 'TOK');
    const token = await aToken(app.services, m, 'finance');
    for (let i = 0; i < 100; i++) {
      await app.http
        .get('/api/providers')
        .set('x-forwarded-for', '198.51.100.200')
        .set('authorization', `Bearer cp_${'x'.repeat(30)}${i}`)
        .expect(401);
    }
    const refused = await app.http
      .get('/api/providers')
      .set('x-forwarded-for', '198.51.100.200')
      .set('authorization', `Bearer ${token}`)
      .expect(429);
    expect(refused.body.error).toMatchObject({ code: 'too_many_requests', details: { retryAfterSeconds: expect.any(Number) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    await app.http.get('/api/providers').set('x-forwarded-for', '198.51.100.201').set('authorization', `Bearer ${token}`).expect(200);
  });

  it('answers the sign-in form 429 after 50 failed sign-ins with tokens from one address', async () => {
    const app = buildTestApp(t.db, { TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 50; i++) {
      expect((await signIn(app, { token: `cp_${'y'.repeat(30)}${i}` }, { ip: '198.51.100.210' })).status).toBe(401);
    }
    const refused = await signIn(app, { municipality: 'NOPE', username: 'x', password: 'y' }, { ip: '198.51.100.210' });
    expect([refused.status, refused.text.includes('Too many sign-in attempts.')]).toEqual([429, true]);
  });
});
