import { languageOf, tr } from '../../i18n/i18n.js';
import { actorNames } from '../auth/actor-names.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { failureLimit } from '../../http/rate-limits.js';
import { forbidden } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import type { Language } from '../invoices/invoice-types.js';
import { html } from './html.js';
import { document, securityHeaders, type WebContext } from './web-layout.js';
import { SESSION_HOURS, type SignIn, type WebSession } from './web-sessions.js';
import { say, textsFor } from './web-text.js';

export const SESSION_COOKIE = 'carepay_session';
/** Before sign-in there is no session: the sign-in form is protected by a double-submit cookie. */
const LOGIN_CSRF_COOKIE = 'carepay_login';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // a malformed cookie is ignored
    }
  }
  return out;
}

const cookie = (req: Request, name: string, value: string, maxAgeSeconds: number, path = '/app') =>
  `${name}=${value}; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`;

export const sameSecret = (a: string | undefined, b: string | undefined): boolean => {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Loads the session behind the cookie and everything pages need; sends a browser without one to sign in. */
export function webSession(services: Services): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const session = await services.webSessions.find(parseCookies(req.get('cookie')).get(SESSION_COOKIE));
    if (!session) {
      if (req.method === 'GET')
        res.redirect(303, `/app/login${req.originalUrl.startsWith('/app/login') ? '' : `?next=${encodeURIComponent(req.originalUrl)}`}`);
      else
        res
          .status(401)
          .type('text/plain')
          .send(tr(languageOf(req.get('accept-language')), 'errors', 'session_ended'));
      return;
    }
    if (req.method === 'POST' && !sameSecret(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, session.csrfToken)) {
      throw forbidden('The form is out of date (CSRF check failed). Reload the page and try again.').localised('forbidden.csrf');
    }
    req.principal = session.principal;
    const who = { principal: session.principal, requestId: req.requestId };
    const m = await services.municipalities.get(session.principal.municipalityId);
    const lang = m.language;
    const providerName =
      session.principal.providerId !== null ? (await services.providers.get(who, session.principal.providerId)).name : null;
    const flash = session.flash && req.method === 'GET' ? await services.webSessions.takeFlash(session.id) : null;
    const actor = session.principal.actor;
    const personName = (await actorNames(services.db, m.id, [actor], lang))(actor);
    const ctx: WebContext = {
      session,
      who,
      lang,
      t: textsFor(lang),
      municipality: { id: m.id, code: m.code, name: m.name, currency: m.currency, timeZone: m.timeZone },
      flash,
      providerName,
      personName,
      areas: await services.areas.names(m.id),
    };
    res.locals.web = ctx;
    next();
  };
}

const NextPath = z
  .string()
  .regex(/^\/app\/[A-Za-z0-9\-_/.?=&%#]*$/)
  .max(500);
/** Only local pages of the web interface are followed after sign-in (no open redirect). */
export const safeNext = (value: unknown, fallback = '/app/'): string => {
  const r = NextPath.safeParse(value);
  return r.success && !r.data.includes('//') ? r.data : fallback;
};

type LoginState = { failed: false } | { failed: 'refused' } | { failed: 'throttled'; retryAfterSeconds: number };

function loginPage(req: Request, res: Response, lang: Language, opts: LoginState & { next: string }) {
  const t = textsFor(lang);
  const csrf = randomBytes(18).toString('base64url');
  res.set('set-cookie', cookie(req, LOGIN_CSRF_COOKIE, csrf, 3600, '/app/login'));
  securityHeaders(res);
  res.set('cache-control', 'no-store');
  if (opts.failed === 'throttled') res.set('retry-after', String(opts.retryAfterSeconds));
  const status = opts.failed === 'throttled' ? 429 : opts.failed ? 401 : 200;
  const message =
    opts.failed === 'throttled'
      ? say(lang, 'loginThrottled', { minutes: Math.ceil(opts.retryAfterSeconds / 60) })
      : opts.failed
        ? t.loginFailed
        : null;
  res
    .status(status)
    .type('html')
    .send(
      document(
        lang,
        t.signIn,
        'carepay',
        html`
      <main id="main" class="login" tabindex="-1">
        <h1>${t.loginTitle}</h1>
        ${message ? html`<p class="flash error" role="alert">${message}</p>` : ''}
        <div class="grid2">
          <section aria-labelledby="with-token">
            <h2 id="with-token">${t.loginWithToken}</h2>
            <form method="post" action="/app/login" class="stack">
              <input type="hidden" name="_csrf" value="${csrf}">
              <input type="hidden" name="next" value="${opts.next}">
              <label>${t.loginToken}
                <input type="password" name="token" autocomplete="off" required pattern="cp_[A-Za-z0-9_\\-]{20,64}" aria-describedby="token-hint">
              </label>
              <span id="token-hint" class="muted">${t.loginTokenHint}</span>
              <div><button type="submit">${t.signIn}</button></div>
            </form>
          </section>
          <section aria-labelledby="with-password">
            <h2 id="with-password">${t.loginWithPassword}</h2>
            <form method="post" action="/app/login" class="stack">
              <input type="hidden" name="_csrf" value="${csrf}">
              <input type="hidden" name="next" value="${opts.next}">
              <label>${t.municipalityCode}<input type="text" name="municipality" autocomplete="organization" required></label>
              <label>${t.username}<input type="text" name="username" autocomplete="username" required></label>
              <label>${t.password}<input type="password" name="password" autocomplete="current-password" required></label>
              <div><button type="submit">${t.signIn}</button></div>
            </form>
          </section>
        </div>
      </main>`,
      ).value,
    );
}

/** Before sign-in the municipality is unknown: the browser's language decides (da, sv, else en). */
const browserLanguage = (req: Request): Language => {
  const l = req.acceptsLanguages('da', 'sv', 'en');
  return l === 'da' || l === 'sv' ? l : 'en';
};

const LoginBody = z.object({
  _csrf: z.string().optional(),
  next: z.string().optional(),
  token: z.string().max(100).optional(),
  municipality: z.string().max(64).optional(),
  username: z.string().max(80).optional(),
  password: z.string().max(500).optional(),
});

export function mountSignIn(r: Router, services: Services): void {
  r.get('/login', (req, res) => loginPage(req, res, browserLanguage(req), { failed: false, next: safeNext(req.query.next) }));
  // Every failed sign-in (a wrong token, an unknown municipality, a stale form) per address and instance.
  const perInstance = failureLimit({
    limit: 50,
    windowMinutes: 15,
    failed: (res) => res.statusCode >= 400,
    refuse: (req, res, _next, retryAfterSeconds) =>
      loginPage(req, res, browserLanguage(req), { failed: 'throttled', retryAfterSeconds, next: safeNext(req.body?.next) }),
  });
  r.post('/login', perInstance, async (req, res) => {
    const body = LoginBody.parse(req.body ?? {});
    const lang = browserLanguage(req);
    if (!sameSecret(body._csrf, parseCookies(req.get('cookie')).get(LOGIN_CSRF_COOKIE))) {
      throw forbidden('The sign-in form is out of date (CSRF check failed). Reload the page and try again.');
    }
    const next = safeNext(body.next);
    await services.webSessions.purgeExpired();
    const client = { address: req.ip ?? 'unknown', requestId: req.requestId };
    const result: SignIn = body.token
      ? await services.webSessions.signInWithToken(body.token)
      : body.municipality && body.username && body.password
        ? await services.webSessions.signInWithPassword(body.municipality, body.username, body.password, client)
        : { outcome: 'refused' };
    if (result.outcome !== 'opened') {
      loginPage(
        req,
        res,
        lang,
        result.outcome === 'throttled'
          ? { failed: 'throttled', retryAfterSeconds: result.retryAfterSeconds, next }
          : { failed: 'refused', next },
      );
      return;
    }
    res.set('set-cookie', [
      cookie(req, SESSION_COOKIE, result.secret, SESSION_HOURS * 3600),
      cookie(req, LOGIN_CSRF_COOKIE, '', 0, '/app/login'),
    ]);
    res.redirect(303, next);
  });
}

export function mountSignOut(r: Router, services: Services): void {
  r.post('/logout', async (req, res) => {
    const c = res.locals.web as WebContext;
    await services.webSessions.signOut(c.session.id);
    res.set('set-cookie', cookie(req, SESSION_COOKIE, '', 0));
    res.redirect(303, '/app/login');
  });
}

export type { WebSession };
