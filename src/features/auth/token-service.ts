import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../audit/audit-store.js';
import { notFound, unprocessable } from '../../shared/errors.js';
import type { Principal, Role } from './auth-types.js';

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export interface TokenInfo {
  id: number;
  name: string;
  /** Who acts with the token, shown wherever its actions are attributed. */
  displayName: string;
  role: Role;
  providerId: number | null;
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const toInfo = (r: Record<string, any>): TokenInfo => ({
  id: r.id,
  name: r.name,
  displayName: r.display_name,
  role: r.role,
  providerId: r.provider_id,
  prefix: r.token_prefix,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
});

export class TokenService {
  constructor(private readonly db: Knex) {}

  /** Creates a token; the secret is returned once and only its hash is kept. */
  async create(
    actor: { municipalityId: number; actor: string; requestId?: string | null },
    input: { name: string; displayName?: string; role: Role; providerId: number | null; expiresAt?: string | null },
  ): Promise<{ token: string; info: TokenInfo }> {
    if ((input.role === 'provider') !== (input.providerId !== null)) {
      throw unprocessable(
        input.role === 'provider' ? 'A provider token must name its provider' : 'Only provider tokens are bound to a provider',
        { field: 'providerId' },
      ).localised(input.role === 'provider' ? 'token.provider_needs_provider' : 'token.only_provider_bound');
    }
    const secret = randomBytes(24).toString('base64url');
    const token = `cp_${secret}`;
    return this.db.transaction(async (tx) => {
      if (input.providerId !== null) {
        const p = await tx('providers').where({ municipality_id: actor.municipalityId, id: input.providerId }).first('id');
        if (!p) throw notFound('provider', input.providerId);
      }
      const [row] = await tx('api_tokens')
        .insert({
          municipality_id: actor.municipalityId,
          name: input.name,
          display_name: input.displayName ?? input.name,
          role: input.role,
          provider_id: input.providerId,
          token_hash: hashToken(token),
          token_prefix: token.slice(0, 10),
          created_by: actor.actor,
          expires_at: input.expiresAt ?? null,
        })
        .returning('*');
      await appendAudit(tx, {
        municipalityId: actor.municipalityId,
        actor: actor.actor,
        action: 'create',
        entity: 'api_token',
        entityId: row.id,
        requestId: actor.requestId,
        changes: { name: input.name, displayName: input.displayName ?? input.name, role: input.role, providerId: input.providerId },
      });
      return { token, info: toInfo(row) };
    });
  }

  /** The principal behind a presented token, or null when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!/^cp_[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
    const row = await this.db('api_tokens')
      .where({ token_hash: hashToken(token) })
      .whereNull('revoked_at')
      .andWhere((q) => {
        q.whereNull('expires_at').orWhere('expires_at', '>', this.db.fn.now());
      })
      .first('id', 'municipality_id', 'role', 'provider_id', 'name', 'last_used_at');
    if (!row) return null;
    // Record use at most once a minute per token to keep reads cheap.
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
      await this.db('api_tokens').where({ id: row.id }).update({ last_used_at: this.db.fn.now() });
    }
    return {
      municipalityId: row.municipality_id,
      role: row.role,
      providerId: row.provider_id,
      actor: `token:${row.id} (${row.name})`,
      tokenId: row.id,
    };
  }

  /**
   * Whether a token still works (not revoked, not expired); links created with it die with it.
   * Given the rights a link claims, the token must also hold exactly those.
   */
  async isActive(id: number, holds?: Pick<Principal, 'municipalityId' | 'role' | 'providerId'>): Promise<boolean> {
    const q = this.db('api_tokens')
      .where({ id })
      .whereNull('revoked_at')
      .andWhere((w) => {
        w.whereNull('expires_at').orWhere('expires_at', '>', this.db.fn.now());
      });
    if (holds) {
      q.andWhere({ municipality_id: holds.municipalityId, role: holds.role });
      if (holds.providerId === null) q.whereNull('provider_id');
      else q.andWhere('provider_id', holds.providerId);
    }
    const row = await q.first('id');
    return row !== undefined;
  }

  async list(municipalityId: number): Promise<TokenInfo[]> {
    const rows = await this.db('api_tokens').where({ municipality_id: municipalityId }).orderBy('id');
    return rows.map(toInfo);
  }

  async revoke(actor: { municipalityId: number; actor: string; requestId?: string | null }, id: number): Promise<TokenInfo> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx('api_tokens')
        .where({ municipality_id: actor.municipalityId, id })
        .update({ revoked_at: tx.raw('coalesce(revoked_at, now())') })
        .returning('*');
      if (!row) throw notFound('token', id);
      await appendAudit(tx, {
        municipalityId: actor.municipalityId,
        actor: actor.actor,
        action: 'revoke',
        entity: 'api_token',
        entityId: id,
        requestId: actor.requestId,
      });
      return toInfo(row);
    });
  }

  /** Renames who acts with a token; past actions show the new name too (they are attributed by token id). */
  async setDisplayName(
    actor: { municipalityId: number; actor: string; requestId?: string | null },
    id: number,
    displayName: string,
  ): Promise<TokenInfo> {
    return this.db.transaction(async (tx) => {
      const before = await tx('api_tokens').where({ municipality_id: actor.municipalityId, id }).forUpdate().first('display_name');
      if (!before) throw notFound('token', id);
      const [row] = await tx('api_tokens')
        .where({ municipality_id: actor.municipalityId, id })
        .update({ display_name: displayName })
        .returning('*');
      await appendAudit(tx, {
        municipalityId: actor.municipalityId,
        actor: actor.actor,
        action: 'update',
        entity: 'api_token',
        entityId: id,
        requestId: actor.requestId,
        changes: { displayName: { from: before.display_name, to: displayName } },
      });
      return toInfo(row);
    });
  }
}
