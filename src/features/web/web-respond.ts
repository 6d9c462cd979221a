import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { mapDbError } from '../../db/pg-errors.js';
import { errorMessage } from '../../i18n/error-message.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import type { Html } from './html.js';
import { safeNext } from './web-auth.js';
import type { Resource } from '../auth/auth-types.js';
import { ctxOf, requireWrite, securityHeaders, type WebContext } from './web-layout.js';

export const Id = z.coerce.number().int().positive().max(2_147_483_647);

export function sendPage(res: Response, body: Html, status = 200): void {
  securityHeaders(res);
  res.status(status).set('cache-control', 'no-store').type('html').send(body.value);
}

/** Where an action returns to: the form's `back` field when it is a page of the web interface. */
export const backTo = (req: Request, fallback: string): string => safeNext(req.body?.back, fallback);

export async function done(services: Services, c: WebContext, text: string): Promise<void> {
  await services.webSessions.setFlash(c.session.id, { kind: 'ok', text });
}

/**
 * Runs an action; a business refusal the user can act on (409 conflict, 422 rule) becomes a
 * message on the page the form came from. Access refusals (403, 404) and anything else go to the
 * error handler, so the answer carries the status the API would give.
 */
export async function failed(services: Services, req: Request, res: Response, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (raw) {
    const err = mapDbError(raw);
    if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 422)) throw raw;
    const c = res.locals.web as WebContext;
    await services.webSessions.setFlash(c.session.id, { kind: 'error', text: errorMessage(err, c.lang) });
    res.redirect(303, backTo(req, '/app/'));
  }
}

/**
 * A form action: the role must have the write right the matching API route needs (403 before
 * anything runs); the action returns its message and the page to go to next. Business refusals
 * come back as a message (see failed()).
 */
export function postAction(
  r: Router,
  services: Services,
  path: string,
  resource: Resource | null,
  act: (c: WebContext, req: Request) => Promise<{ message: string; next: string }>,
): void {
  r.post(path, async (req, res) => {
    const c = ctxOf(res);
    if (resource !== null) requireWrite(c, resource);
    await failed(services, req, res, async () => {
      const { message, next } = await act(c, req);
      await done(services, c, message);
      res.redirect(303, next);
    });
  });
}
