import type { Knex } from 'knex';

/** How many password attempts a subject gets per window before it must wait for the window's end. */
export interface ThrottlePolicy {
  windowSeconds: number;
  perAccount: number;
  perAddress: number;
}

/**
 * 5 attempts per account and 20 per client address in 15 minutes. An account is a username in
 * one municipality; the address counter stops one client from trying one password on many
 * accounts. A person who mistypes a few times is not stopped; a guesser gets 480 tries a day
 * per account, not 338 in 30 seconds.
 */
export const SIGN_IN_POLICY: ThrottlePolicy = { windowSeconds: 15 * 60, perAccount: 5, perAddress: 20 };

export interface Reservation {
  /** Seconds until the earliest window that blocks this attempt ends; null when the attempt may go ahead. */
  retryAfterSeconds: number | null;
  /** Subjects this attempt pushed over their limit for the first time in the window (to audit the lock-out once). */
  newlyLocked: string[];
}

const account = (username: string) => `account:${username}`;
const address = (ip: string) => `address:${ip.slice(0, 100)}`;

/**
 * Counters of password sign-in attempts in PostgreSQL, shared by every instance. An attempt is
 * counted before the password is checked, in one atomic upsert per subject, so parallel guesses
 * cannot all slip through between a check and a write; a successful sign-in gives its attempt back.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Knex,
    readonly policy: ThrottlePolicy = SIGN_IN_POLICY,
  ) {}

  async reserve(municipalityId: number, username: string, ip: string): Promise<Reservation> {
    const w = this.policy.windowSeconds;
    const limits = new Map([
      [account(username), this.policy.perAccount],
      [address(ip), this.policy.perAddress],
    ]);
    const { rows } = await this.db.raw(
      `insert into sign_in_throttles as t (municipality_id, subject, attempts, window_started_at)
       values (:m, :a, 1, now()), (:m, :b, 1, now())
       on conflict (municipality_id, subject) do update set
         attempts = case when t.window_started_at <= now() - make_interval(secs => :w) then 1 else t.attempts + 1 end,
         window_started_at = case when t.window_started_at <= now() - make_interval(secs => :w) then now() else t.window_started_at end
       returning subject, attempts, ceil(extract(epoch from t.window_started_at + make_interval(secs => :w) - now()))::int as remaining`,
      { m: municipalityId, a: account(username), b: address(ip), w },
    );
    let retryAfterSeconds: number | null = null;
    const newlyLocked: string[] = [];
    for (const r of rows as { subject: string; attempts: number; remaining: number }[]) {
      const limit = limits.get(r.subject)!;
      if (r.attempts <= limit) continue;
      retryAfterSeconds = Math.max(retryAfterSeconds ?? 0, Math.max(1, r.remaining));
      if (r.attempts === limit + 1) newlyLocked.push(r.subject);
    }
    return { retryAfterSeconds, newlyLocked };
  }

  /** The right password: the account starts afresh, and the address gets its attempt back. */
  async succeeded(municipalityId: number, username: string, ip: string): Promise<void> {
    await this.db('sign_in_throttles')
      .where({ municipality_id: municipalityId, subject: account(username) })
      .delete();
    await this.db('sign_in_throttles')
      .where({ municipality_id: municipalityId, subject: address(ip) })
      .update({ attempts: this.db.raw('greatest(attempts - 1, 0)') });
  }

  /** Drops the municipality's windows that have ended (called on sign-in; there are few). */
  async purgeEnded(municipalityId: number): Promise<void> {
    await this.db('sign_in_throttles')
      .where('municipality_id', municipalityId)
      .andWhere('window_started_at', '<', this.db.raw('now() - make_interval(secs => ?)', [this.policy.windowSeconds]))
      .delete();
  }
}
