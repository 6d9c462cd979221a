import type { Knex } from 'knex';
import { conflict, notFound, text, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import type { ProviderKindCreate, ProviderKindOut, ProviderKindUpdate } from './provider-kinds-schemas.js';
import { providerKindsStore } from './provider-kinds-store.js';

/**
 * The municipality's own list of provider kinds (kommunal, entreprenad, privat, friplejebolig, …;
 * docs/provider-kinds.md). A kind's code never changes once created (providers, prices and models
 * refer to it); its names and the in-house mark may. A kind in use cannot be deleted (409 naming
 * its uses).
 */
export class ProviderKindsService {
  constructor(private readonly db: Knex) {}

  async list(who: Acting): Promise<{ items: ProviderKindOut[] }> {
    return { items: await providerKindsStore.list(this.db, who.principal.municipalityId) };
  }

  async get(who: Acting, code: string): Promise<ProviderKindOut> {
    const k = await providerKindsStore.get(this.db, who.principal.municipalityId, code);
    if (!k) throw notFound('provider kind', code);
    return k;
  }

  async create(who: Acting, input: ProviderKindCreate): Promise<ProviderKindOut> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (await providerKindsStore.get(tx, m, input.code))
        throw conflict(`provider kind ${input.code} exists already`, { field: 'code', code: input.code }).localised('kind.exists', {
          code: input.code,
        });
      if (input.inHouse) await this.refuseSecondInHouse(tx, m, input.code);
      await providerKindsStore.insert(tx, m, input);
      const created = (await providerKindsStore.get(tx, m, input.code))!;
      await this.audit(tx, who, 'create', created, { after: created });
      return created;
    });
  }

  async update(who: Acting, code: string, patch: ProviderKindUpdate): Promise<ProviderKindOut> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await providerKindsStore.get(tx, m, code);
      if (!before) throw notFound('provider kind', code);
      if (patch.inHouse) await this.refuseSecondInHouse(tx, m, code);
      await providerKindsStore.update(tx, m, code, patch);
      const after = (await providerKindsStore.get(tx, m, code))!;
      await this.audit(tx, who, 'update', after, { before, after });
      return after;
    });
  }

  async delete(who: Acting, code: string): Promise<void> {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      // Lock the kind so no provider or price can start using it while it is deleted.
      const row = await tx('provider_kinds').where({ municipality_id: m, code }).forUpdate().first('id');
      if (!row) throw notFound('provider kind', code);
      const before = (await providerKindsStore.get(tx, m, code))!;
      const u = before.inUse;
      if (u.providers > 0 || u.priceLists.length > 0 || u.models.length > 0) {
        const parts = [
          u.providers > 0 ? text(`${u.providers} provider(s)`, 'kind.used_by_providers', { count: u.providers }) : null,
          u.priceLists.length > 0
            ? text(`price list(s) ${u.priceLists.join(', ')}`, 'kind.used_by_price_lists', {
                count: u.priceLists.length,
                ids: u.priceLists.join(', '),
              })
            : null,
          u.models.length > 0
            ? text(`model(s) ${u.models.join(', ')}`, 'kind.used_by_models', { count: u.models.length, names: u.models.join(', ') })
            : null,
        ].filter((p) => p !== null);
        throw conflict(`provider kind ${code} is in use by ${parts.map((p) => p.message).join('; ')} and cannot be deleted`, {
          code,
          inUse: u,
        }).localised('kind.in_use', { code, parts });
      }
      await providerKindsStore.delete(tx, m, code);
      await this.audit(tx, who, 'delete', before, { before });
    });
  }

  /** Every kind code in `codes` must be one of the municipality's; 422 naming the unknown ones. */
  static async checkKnown(db: Knex | Knex.Transaction, municipalityId: number, codes: Iterable<string>, field: string) {
    const known = await providerKindsStore.codes(db, municipalityId);
    const unknown = [...new Set(codes)].filter((c) => !known.has(c)).sort();
    if (unknown.length > 0)
      throw unprocessable(
        `unknown provider kind${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: add ${unknown.length > 1 ? 'them' : 'it'} under /api/provider-kinds first`,
        {
          field,
          unknown,
          known: [...known].sort(),
        },
      ).localised('kind.unknown', { count: unknown.length, codes: unknown.join(', ') });
  }

  private async refuseSecondInHouse(tx: Knex.Transaction, m: number, code: string) {
    const other = await providerKindsStore.inHouseCode(tx, m, code);
    if (other)
      throw conflict(`provider kind ${other} is already the in-house kind; unmark it first`, {
        field: 'inHouse',
        inHouse: other,
      }).localised('kind.second_in_house', { code: other });
  }

  private audit(
    tx: Knex.Transaction,
    who: Acting,
    action: 'create' | 'update' | 'delete',
    k: ProviderKindOut,
    changes: Record<string, unknown>,
  ) {
    return appendAudit(tx, {
      municipalityId: who.principal.municipalityId,
      actor: who.principal.actor,
      requestId: who.requestId,
      action,
      entity: 'provider_kind',
      entityId: k.id,
      changes,
    });
  }
}
