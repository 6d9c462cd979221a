import express, { Router, type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { mapDbError } from '../../db/pg-errors.js';
import { errorMessage } from '../../i18n/error-message.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import type { Language } from '../invoices/invoice-types.js';
import { mountBudgetPages } from './budget-pages.js';
import { html, type Html } from './html.js';
import { mountInvoicePages } from './invoice-pages.js';
import { mountRecalculationPages } from './recalculation-pages.js';
import { mountReceivedInvoicePages, receivedInvoiceUpload } from './received-invoice-pages.js';
import { mountSettlementPages } from './settlement-pages.js';
import { mountPostingPages } from '../postings/posting-pages.js';
import { mountUserPages } from './user-pages.js';
import { ASSETS } from './web-assets.js';
import { mountSignIn, mountSignOut, webSession } from './web-auth.js';
import { document, page, type WebContext } from './web-layout.js';
import { sendPage } from './web-respond.js';
import { textsFor } from './web-text.js';

/**
 * The web interface, served by the service itself under /app (docs/web-interface.md): server-
 * rendered pages on the same services as the API, a session cookie instead of a token header,
 * and the same role checks and tenant scope on every page and action.
 */
export function webRoutes(services: Services, log: Logger): Router {
  const r = Router();
  r.get('/static/:name', (req, res) => {
    const a = ASSETS[req.params.name as keyof typeof ASSETS];
    if (!a) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    res.set({ etag: a.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    if (req.get('if-none-match') === a.etag) res.status(304).end();
    else res.type(a.type).send(a.body);
  });
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  mountSignIn(r, services);
  r.post('/received-invoices', receivedInvoiceUpload(services));
  r.use(webSession(services));
  mountSignOut(r, services);
  r.get('/', (_req, res) => {
    const role = (res.locals.web as WebContext).who.principal.role;
    res.redirect(303, role === 'budget_controller' ? '/app/budget' : '/app/settlements');
  });
  mountSettlementPages(r, services);
  mountPostingPages(r, services);
  mountInvoicePages(r, services);
  mountBudgetPages(r, services);
  mountUserPages(r, services);
  mountRecalculationPages(r, services);
  mountReceivedInvoicePages(r, services);
  r.use((_req, _res, next) => next(notFound('page')));
  r.use(webErrors(log));
  return r;
}

/** Errors as pages in the user's language, with the status the API would answer. */
function webErrors(log: Logger): ErrorRequestHandler {
  return (raw, req, res, _next) => {
    let err = mapDbError(raw);
    if (err instanceof ZodError)
      err = new AppError(400, 'bad_request', err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')).localised(
        'invalid.form',
        { fields: [...new Set(err.issues.map((i) => i.path.join('.') || '–'))].join(', ') },
      );
    const bp = err as { type?: string };
    if (!(err instanceof AppError) && bp?.type === 'entity.too.large')
      err = new AppError(413, 'payload_too_large', 'The form is too large').localised('form_too_large');
    const e =
      err instanceof AppError
        ? err
        : new AppError(500, 'internal', 'An unexpected error occurred; it has been logged').localised('internal');
    if (e.status >= 500) log.error({ err: raw, requestId: req.requestId }, 'web request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    const c = res.locals.web as WebContext | undefined;
    const lang: Language = c?.lang ?? 'en';
    const t = textsFor(lang);
    const title = e.status === 404 ? t.notFoundTitle : e.status === 403 ? t.forbiddenTitle : t.errorTitle;
    const body: Html = html`<p class="flash error" role="alert">${errorMessage(e, lang)}</p>
      <p class="muted">HTTP ${e.status} · ${req.requestId}</p>
      <p><a href="/app/">${t.back}</a></p>`;
    sendPage(
      res,
      c
        ? page(c, { title, current: '', body })
        : document(lang, title, 'carepay', html`<main id="main" class="login"><h1>${title}</h1>${body}</main>`),
      e.status,
    );
  };
}
