import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal, Role } from './auth-types.js';

/**
 * Short-lived signed links, so a person can open a document (a chart, later a PDF) in a browser,
 * which cannot send an Authorization header. A link is bound to one GET path with its query, to the
 * municipality, role and provider of the token that asked for it, and to an expiry time. The
 * signature is an HMAC with a key derived from the service's secret; nothing is stored.
 */
export const LINK_PARAMS = ['m', 'r', 'p', 't', 'exp', 'sig'] as const;

/** How long a link works. A link claiming a later expiry was not made here and is refused. */
export const LINK_TTL_SECONDS = 15 * 60;
/** Clock difference between instances that a link's expiry may show beyond the TTL. */
const CLOCK_SKEW_SECONDS = 60;

/** GET paths (below /api) that may be opened through a signed link. */
const LINKABLE = [
  /^\/budget-checks\/years\/\d{4}\/series\.(svg|csv)$/,
  /^\/invoices\/\d{4}-\d{6}\.(pdf|xml)$/,
  /^\/settlements\/\d+\/lines\.csv$/,
];

export const isLinkable = (path: string) => LINKABLE.some((re) => re.test(path));

const canonical = (path: string, query: URLSearchParams) => {
  const rest = [...query.entries()]
    .filter(([k]) => !(LINK_PARAMS as readonly string[]).includes(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${path}?${new URLSearchParams(rest).toString()}`;
};

export class LinkSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('carepay signed links v1').digest();
  }

  private sign(fields: string): string {
    return createHmac('sha256', this.key).update(fields).digest('base64url');
  }

  /**
   * `target` is a path below /api with its query, e.g. `/budget-checks/years/2026/series.svg?area=urban`.
   * Only an API token can make a link (the link then dies with it), so the principal must have one.
   */
  create(principal: Principal, target: string, ttlSeconds = LINK_TTL_SECONDS, now = Date.now()): { url: string; expiresAt: string } {
    if (principal.tokenId === null) throw new Error('a signed link is made for an API token only');
    if (ttlSeconds > LINK_TTL_SECONDS) throw new Error(`a signed link lives at most ${LINK_TTL_SECONDS} s`);
    const u = new URL(target, 'http://x');
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const q = new URLSearchParams(u.search);
    q.set('m', String(principal.municipalityId));
    q.set('r', principal.role);
    q.set('p', principal.providerId === null ? '' : String(principal.providerId));
    q.set('t', String(principal.tokenId));
    q.set('exp', String(exp));
    q.set('sig', this.sign(this.fields(u.pathname, q)));
    return { url: `/api${u.pathname}?${q.toString()}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  private fields(path: string, q: URLSearchParams): string {
    return [q.get('m'), q.get('r'), q.get('p'), q.get('t'), q.get('exp'), canonical(path, q)].join('\n');
  }

  /**
   * The principal a valid, unexpired link stands for, or null. `path` is below /api. A link
   * without a token or with an expiry beyond the TTL is refused even when its signature holds.
   */
  verify(path: string, q: URLSearchParams, now = Date.now()): Principal | null {
    const sig = q.get('sig');
    const exp = Number(q.get('exp'));
    const tokenId = Number(q.get('t'));
    if (!sig || !Number.isInteger(exp) || exp * 1000 < now || !isLinkable(path)) return null;
    if (exp * 1000 > now + (LINK_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000) return null;
    if (!/^[1-9][0-9]*$/.test(q.get('t') ?? '')) return null;
    const expected = Buffer.from(this.sign(this.fields(path, q)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return {
      municipalityId: Number(q.get('m')),
      role: q.get('r') as Role,
      providerId: q.get('p') ? Number(q.get('p')) : null,
      actor: `link:token:${tokenId}`,
      tokenId,
    };
  }

  /** The request URL without the link's own parameters (what the route then sees). */
  static strip(url: string): string {
    const u = new URL(url, 'http://x');
    for (const k of LINK_PARAMS) u.searchParams.delete(k);
    const qs = u.searchParams.toString();
    return qs ? `${u.pathname}?${qs}` : u.pathname;
  }
}
