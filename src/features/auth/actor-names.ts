import type { Knex } from 'knex';
import type { Language } from '../invoices/invoice-types.js';
import { say } from '../web/web-text.js';

/** A function giving the display name of an attributed actor. */
export type ActorName = (actor: string | null | undefined) => string;

const TOKEN = /^(?:link:)?token:(\d+)\b/;
const USER = /^user:(\d+)\b/;

/**
 * Who did something, by name: actions are attributed by an actor string (`token:2 (demo
 * finance)`, `user:5 (anna)`, `cli:root`, `scheduler:host-1`); readers see the token's or user's
 * display name, and words for the command line, scheduled jobs and the e-invoice inbox. Names are
 * looked up in the municipality's own tokens and users only; an actor not found is shown as it is.
 */
export async function actorNames(
  db: Knex,
  municipalityId: number,
  actors: Iterable<string | null | undefined>,
  lang: Language,
): Promise<ActorName> {
  const tokenIds = new Set<number>();
  const userIds = new Set<number>();
  for (const a of actors) {
    if (!a) continue;
    const t = TOKEN.exec(a);
    if (t) tokenIds.add(Number(t[1]));
    const u = USER.exec(a);
    if (u) userIds.add(Number(u[1]));
  }
  const [tokens, users] = await Promise.all([
    tokenIds.size === 0
      ? []
      : db('api_tokens')
          .where('municipality_id', municipalityId)
          .whereIn('id', [...tokenIds])
          .select<{ id: number; display_name: string }[]>('id', 'display_name'),
    userIds.size === 0
      ? []
      : db('web_users')
          .where('municipality_id', municipalityId)
          .whereIn('id', [...userIds])
          .select<{ id: number; display_name: string }[]>('id', 'display_name'),
  ]);
  const tokenName = new Map(tokens.map((r) => [r.id, r.display_name]));
  const userName = new Map(users.map((r) => [r.id, r.display_name]));
  return (actor) => {
    if (!actor) return '–';
    const t = TOKEN.exec(actor);
    if (t) return tokenName.get(Number(t[1])) ?? actor;
    const u = USER.exec(actor);
    if (u) return userName.get(Number(u[1])) ?? actor;
    if (actor.startsWith('cli:')) return say(lang, 'actorCli', { user: actor.slice(4) });
    if (actor.startsWith('scheduler:')) return say(lang, 'actorScheduler');
    if (actor.startsWith('inbox:')) return say(lang, 'actorInbox');
    if (actor === 'demo') return say(lang, 'actorDemo');
    if (actor.startsWith('sign-in')) return say(lang, 'actorSignIn');
    return actor;
  };
}
