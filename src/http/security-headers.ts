import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers on every response: nosniff, HSTS, frame and opener policies, no referrer
 * and a default Content-Security-Policy that Swagger UI (/docs) works under (its script files are
 * served from here; it writes inline styles). The web pages replace the policy with their
 * stricter own (web-layout.ts). `upgrade-insecure-requests` is left out: on a plain-HTTP
 * installation (127.0.0.1, or TLS ended before a proxy that is not trusted) it would send the
 * browser to an HTTPS port that does not answer.
 */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    referrerPolicy: { policy: 'no-referrer' },
  });

/**
 * Answers under /api carry personal data (citizens, visits) or documents (invoice PDFs), and the
 * web pages of a signed-in user show the same: neither a shared proxy nor the browser may keep them.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('cache-control', 'no-store');
  next();
};
