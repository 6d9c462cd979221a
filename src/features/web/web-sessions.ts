import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../audit/audit-store.js';
import { notFound, unprocessable } from '../../shared/errors.js';
import type { Acting, Principal, Role } from '../auth/auth-types.js';
import { SignInThrottle } from '../auth/sign-in-throttle.js';
import type { TokenService } from '../auth/token-service.js';

/** How long a browser stays signed in: a working day, then sign in again. */
export const SESSION_HOURS = 10;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** scrypt parameters (N = 2^15, r = 8, p = 1: about 32 MB and 50–100 ms per check, OWASP's minimum). */
const N = 32768;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

/** `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return timingSafeEqual(key, expected);
}

/** A password that will never match, checked when the username is unknown, so both cases take as long. */
let dummyHash: Promise<string> | undefined;

export interface WebSession {
  id: number;
  principal: Principal;
  csrfToken: string;
  /** A message for the next page (set by an action, shown once). */
  flash: Flash | null;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

export interface WebUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  providerId: number | null;
  createdAt: string;
  disabledAt: string | null;
}

const toUser = (r: Record<string, any>): WebUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  providerId: r.provider_id,
  createdAt: (r.created_at as Date).toISOString(),
  disabledAt: r.disabled_at ? (r.disabled_at as Date).toISOString() : null,
});

export type SignIn =
  { outcome: 'opened'; secret: string; session: WebSession } | { outcome: 'refused' } | { outcome: 'throttled'; retryAfterSeconds: number };

export const USERNAME_PATTERN = /^[a-z0-9._@-]{3,80}$/;
export const MIN_PASSWORD = 12;

/**
 * Sessions of the web interface and the per-user credentials behind them. A session is opened
 * with an API token (it then stands for that token and dies when the token is revoked) or with a
 * username and password. The cookie carries a random secret; only its SHA-256 is stored, and
 * every request looks the session up again, so signing out or revoking takes effect at once.
 */
export class WebSessionService {
  private readonly throttle: SignInThrottle;

  constructor(
    private readonly db: Knex,
    private readonly tokens: TokenService,
    throttle?: SignInThrottle,
  ) {
    this.throttle = throttle ?? new SignInThrottle(db);
  }

  private async open(
    principal: Principal,
    ref: { tokenId: number | null; userId: number | null },
  ): Promise<{ secret: string; session: WebSession }> {
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const [row] = await this.db('web_sessions')
      .insert({
        municipality_id: principal.municipalityId,
        session_hash: sha256(secret),
        csrf_token: csrfToken,
        token_id: ref.tokenId,
        user_id: ref.userId,
        role: principal.role,
        provider_id: principal.providerId,
        actor: principal.actor,
        expires_at: this.db.raw(`now() + interval '${SESSION_HOURS} hours'`),
      })
      .returning('id');
    return { secret, session: { id: row.id, principal, csrfToken, flash: null } };
  }

  /** Signs in with an API token; refused when the token is unknown, revoked or expired. */
  async signInWithToken(token: string): Promise<SignIn> {
    const principal = await this.tokens.authenticate(token.trim());
    if (!principal) return { outcome: 'refused' };
    // The same actor as the token through the API, so the four-eyes rule sees one person, not two.
    return { outcome: 'opened', ...(await this.open(principal, { tokenId: principal.tokenId, userId: null })) };
  }

  /**
   * Signs in with a municipality code, username and password; `refused` when any of them is wrong
   * (no hint which), `throttled` when the account or the client address has used up its attempts
   * (then the password is not even checked, so the right one does not work either until the
   * window ends). Failed sign-ins and lock-outs go to the municipality's audit log.
   */
  async signInWithPassword(
    municipalityCode: string,
    username: string,
    password: string,
    client: { address: string; requestId: string | null },
  ): Promise<SignIn> {
    const { address, requestId } = client;
    const name = username.trim().toLowerCase();
    const m = await this.db('municipalities').where({ code: municipalityCode.trim() }).first('id');
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    if (!m) {
      // Nothing to count against: no account exists there; the per-instance limit of the sign-in route applies.
      await verifyPassword(password, await dummyHash);
      return { outcome: 'refused' };
    }
    const audit = (action: string, changes: Record<string, unknown>, entityId: number | null = null) =>
      appendAudit(this.db, {
        municipalityId: m.id,
        actor: `sign-in (${address})`,
        requestId,
        action,
        entity: 'web_user',
        entityId,
        changes,
      });
    await this.throttle.purgeEnded(m.id);
    const reservation = await this.throttle.reserve(m.id, name, address);
    for (const subject of reservation.newlyLocked) {
      await audit('sign_in_locked', { username: name, address, subject, minutes: this.throttle.policy.windowSeconds / 60 });
    }
    if (reservation.retryAfterSeconds !== null) return { outcome: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };

    const row = await this.db('web_users').where({ municipality_id: m.id, username: name }).whereNull('disabled_at').first();
    const ok = await verifyPassword(password, row ? row.password_hash : await dummyHash);
    if (!row || !ok) {
      await audit(
        'sign_in_failed',
        { username: name, address, reason: row ? 'wrong_password' : 'unknown_or_disabled_user' },
        row?.id ?? null,
      );
      return { outcome: 'refused' };
    }
    await this.throttle.succeeded(m.id, name, address);
    const principal: Principal = {
      municipalityId: row.municipality_id,
      role: row.role,
      providerId: row.provider_id,
      actor: `user:${row.id} (${row.username})`,
      tokenId: null,
    };
    return { outcome: 'opened', ...(await this.open(principal, { tokenId: null, userId: row.id })) };
  }

  /** The session behind a cookie value, or null when it is unknown, expired, or its token or user is gone. */
  async find(secret: string | undefined): Promise<WebSession | null> {
    if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const row = await this.db('web_sessions as s')
      .leftJoin('web_users as u', 'u.id', 's.user_id')
      .where('s.session_hash', sha256(secret))
      .andWhere('s.expires_at', '>', this.db.fn.now())
      .first('s.*', 'u.disabled_at as user_disabled_at');
    if (!row) return null;
    if (row.user_id !== null && row.user_disabled_at !== null) return null;
    if (row.token_id !== null && !(await this.tokens.isActive(row.token_id))) return null;
    return {
      id: row.id,
      principal: {
        municipalityId: row.municipality_id,
        role: row.role,
        providerId: row.provider_id,
        actor: row.actor,
        tokenId: row.token_id,
      },
      csrfToken: row.csrf_token,
      flash: row.flash,
    };
  }

  /** Reads and clears the session's message in one statement. */
  async takeFlash(id: number): Promise<Flash | null> {
    const r = await this.db.raw(
      'update web_sessions s set flash = null from (select id, flash from web_sessions where id = ? for update) old where s.id = old.id returning old.flash',
      [id],
    );
    return (r.rows[0]?.flash as Flash | null) ?? null;
  }

  async setFlash(id: number, flash: Flash): Promise<void> {
    await this.db('web_sessions')
      .where({ id })
      .update({ flash: JSON.stringify(flash), last_seen_at: this.db.fn.now() });
  }

  async signOut(id: number): Promise<void> {
    await this.db('web_sessions').where({ id }).delete();
  }

  /** Removes expired sessions (called on sign-in; there are few). */
  async purgeExpired(): Promise<void> {
    await this.db('web_sessions').where('expires_at', '<', this.db.fn.now()).delete();
  }

  // ---- users ---------------------------------------------------------------------------------

  async listUsers(who: Acting): Promise<WebUser[]> {
    const rows = await this.db('web_users').where({ municipality_id: who.principal.municipalityId }).orderBy('username');
    return rows.map(toUser);
  }

  /** Creates a user of the caller's municipality (admins only; checked by the caller). */
  async createUser(
    who: Acting,
    input: { username: string; displayName: string; role: Role; providerId: number | null; password: string },
  ): Promise<WebUser> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username))
      throw unprocessable('The username must be 3–80 characters: a–z, 0–9, . _ @ -', { field: 'username' }).localised('user.username');
    if (input.password.length < MIN_PASSWORD)
      throw unprocessable(`The password must have at least ${MIN_PASSWORD} characters`, { field: 'password' }).localised('user.password', {
        min: MIN_PASSWORD,
      });
    if ((input.role === 'provider') !== (input.providerId !== null)) {
      throw unprocessable(
        input.role === 'provider' ? 'A provider user must name its provider' : 'Only provider users are bound to a provider',
        { field: 'providerId' },
      ).localised(input.role === 'provider' ? 'user.provider_needs_provider' : 'user.only_provider_bound');
    }
    const m = who.principal.municipalityId;
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (tx) => {
      if (input.providerId !== null && !(await tx('providers').where({ municipality_id: m, id: input.providerId }).first('id'))) {
        throw notFound('provider', input.providerId);
      }
      const [row] = await tx('web_users')
        .insert({
          municipality_id: m,
          username,
          display_name: input.displayName.trim() || username,
          role: input.role,
          provider_id: input.providerId,
          password_hash: passwordHash,
          created_by: who.principal.actor,
        })
        .returning('*');
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'web_user',
        entityId: row.id,
        changes: { username, role: input.role, providerId: input.providerId },
      });
      return toUser(row);
    });
  }

  /** Disables a user and ends its sessions. */
  async disableUser(who: Acting, id: number): Promise<void> {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const n = await tx('web_users').where({ municipality_id: m, id }).whereNull('disabled_at').update({ disabled_at: tx.fn.now() });
      if (n === 0) throw notFound('user', id);
      await tx('web_sessions').where({ municipality_id: m, user_id: id }).delete();
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'disable',
        entity: 'web_user',
        entityId: id,
      });
    });
  }
}
