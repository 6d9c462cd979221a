import type { Knex } from 'knex';
import { notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import { ProviderKindsService } from './provider-kinds-service.js';
import type { ProviderCreate, ProviderFilter, ProviderUpdate } from './providers-schemas.js';
import { providersStore } from './providers-store.js';

export class ProvidersService {
  constructor(private readonly db: Knex) {}

  list(who: Acting, filter: ProviderFilter, page: { limit: number; offset: number }) {
    return providersStore.list(this.db, scopeOf(who.principal), filter, page);
  }

  async get(who: Acting, id: number) {
    const p = await providersStore.get(this.db, scopeOf(who.principal), id);
    if (!p) throw notFound('provider', id);
    return p;
  }

  async create(who: Acting, input: ProviderCreate) {
    return this.db.transaction(async (tx) => {
      await ProviderKindsService.checkKnown(tx, who.principal.municipalityId, [input.kind], 'kind');
      const created = await providersStore.insert(tx, who.principal.municipalityId, input);
      await appendAudit(tx, {
        municipalityId: who.principal.municipalityId,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'provider',
        entityId: created.id,
        changes: { after: created },
      });
      return created;
    });
  }

  async update(who: Acting, id: number, patch: ProviderUpdate) {
    return this.db.transaction(async (tx) => {
      const before = await providersStore.get(tx, scopeOf(who.principal), id);
      if (!before) throw notFound('provider', id);
      const approvedTo = patch.approvedTo === undefined ? before.approvedTo : patch.approvedTo;
      if (approvedTo !== null && approvedTo <= before.approvedFrom) {
        throw unprocessable('approvedTo must be after approvedFrom', { field: 'approvedTo' }).localised('provider.approved_to_after');
      }
      const after = await providersStore.update(tx, who.principal.municipalityId, id, patch);
      await appendAudit(tx, {
        municipalityId: who.principal.municipalityId,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'provider',
        entityId: id,
        changes: { before, after },
      });
      return after!;
    });
  }
}
