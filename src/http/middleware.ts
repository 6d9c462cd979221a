import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { mapDbError } from '../db/pg-errors.js';
import { LinkSigner } from '../features/auth/signed-links.js';
import type { TokenService } from '../features/auth/token-service.js';
import { errorMessage } from '../i18n/error-message.js';
import { languageOf } from '../i18n/i18n.js';
import { AppError, unauthorized } from '../shared/errors.js';

export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  req.requestId = given && /^[A-Za-z0-9_.:-]{1,100}$/.test(given) ? given : randomUUID();
  res.set('x-request-id', req.requestId);
  next();
};

/** One line per request. The query string is left out: it may carry a national id or other filters. */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split('?')[0];
    res.on('finish', () => {
      log.info(
        {
          requestId: req.requestId,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          actor: req.principal?.actor,
        },
        'request',
      );
    });
    next();
  };
}

export function authenticate(tokens: TokenService, links: LinkSigner): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) {
      // A signed link (GET only) stands in for the token that created it.
      const u = new URL(req.url, 'http://x');
      if (req.method === 'GET' && u.searchParams.has('sig')) {
        const principal = links.verify(u.pathname, u.searchParams);
        if (!principal) throw unauthorized('The link is invalid or has expired').localised('unauthorized.link');
        if (principal.tokenId === null || !(await tokens.isActive(principal.tokenId, principal))) {
          throw unauthorized('The token behind this link has been revoked or does not hold these rights').localised(
            'unauthorized.link_revoked',
          );
        }
        req.principal = principal;
        req.url = LinkSigner.strip(req.url);
        next();
        return;
      }
      throw unauthorized('A valid API token is required', { expected: 'Authorization: Bearer <token>' }).localised('unauthorized');
    }
    const principal = await tokens.authenticate(m[1]!);
    if (!principal) throw unauthorized('The API token is unknown, revoked or expired').localised('unauthorized.token');
    req.principal = principal;
    next();
  };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (rawErr, req, res, _next) => {
    let err = mapDbError(rawErr);
    // body-parser errors carry a status and type
    const bp = err as { type?: string; status?: number; limit?: number };
    if (!(err instanceof AppError) && bp?.type === 'entity.too.large') {
      err = new AppError(413, 'payload_too_large', `The request body exceeds the limit of ${bp.limit} bytes`, {
        limitBytes: bp.limit,
      }).localised('body_too_large', { limit: bp.limit ?? 0 });
    } else if (!(err instanceof AppError) && bp?.type === 'entity.parse.failed') {
      // The parser's own message quotes the body, which may hold a national id: it is not echoed.
      err = new AppError(400, 'bad_request', 'The request body is not valid JSON', {
        where: 'body',
        expected: 'application/json',
      }).localised('body_not_json');
    } else if (!(err instanceof AppError) && bp?.type === 'encoding.unsupported') {
      err = new AppError(415, 'unsupported_media_type', 'Unsupported content encoding', {
        encoding: (err as { encoding?: string }).encoding ?? null,
      }).localised('unsupported_encoding');
    }
    const appErr =
      err instanceof AppError
        ? err
        : new AppError(500, 'internal', 'An unexpected error occurred; it has been logged').localised('internal');
    if (appErr.status >= 500) log.error({ err: rawErr, requestId: req.requestId }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(appErr.status).json({
      // details is always an object, so clients read error.details.x without a guard.
      // The message speaks the request's language (Accept-Language; English when it asks for none of ours).
      error: {
        code: appErr.code,
        message: errorMessage(appErr, languageOf(req.get('accept-language'))),
        details: appErr.details ?? {},
        requestId: req.requestId,
      },
    });
  };
}
