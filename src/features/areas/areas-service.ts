import type { Knex } from 'knex';
import { conflict, notFound, text, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import type { AreaNames } from './area-names.js';
import type { AreaCreate, AreaOut, AreaUpdate } from './areas-schemas.js';
import { areasStore } from './areas-store.js';

/**
 * The municipality's own list of areas (docs/areas.md): the codes citizens, visits, rates, level
 * prices, budgets and models name, with the name users read instead of the code. A code never
 * changes once created; its name may. An area still named by anything cannot be deleted (409
 * naming the uses).
 */
export class AreasService {
  constructor(private readonly db: Knex) {}

  async list(who: Acting): Promise<{ items: AreaOut[] }> {
    return { items: await areasStore.list(this.db, who.principal.municipalityId) };
  }

  async get(who: Acting, code: string): Promise<AreaOut> {
    const a = await areasStore.get(this.db, who.principal.municipalityId, code);
    if (!a) throw notFound('area', code);
    return a;
  }

  /** code → name for pages, reports, reasons and the CLI (area-names.ts). */
  async names(who: Acting | number): Promise<AreaNames> {
    return areasStore.names(this.db, typeof who === 'number' ? who : who.principal.municipalityId);
  }

  async create(who: Acting, input: AreaCreate): Promise<AreaOut> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (await areasStore.get(tx, m, input.code))
        throw conflict(`area ${input.code} exists already`, { field: 'code', code: input.code }).localised('area.exists', {
          code: input.code,
        });
      // Codes are compared exactly where data names them: "Urban" beside "urban" would be a second area by mistake.
      const variant = await areasStore.caseVariant(tx, m, input.code);
      if (variant)
        throw unprocessable(`area ${input.code} differs from the area ${variant} only in letter case; use ${variant}`, {
          field: 'code',
          code: input.code,
          existing: variant,
        }).localised('area.case_variant', { code: input.code, existing: variant });
      await areasStore.insert(tx, m, input);
      const created = (await areasStore.get(tx, m, input.code))!;
      await this.audit(tx, who, 'create', input.code, { after: created });
      return created;
    });
  }

  async update(who: Acting, code: string, patch: AreaUpdate): Promise<AreaOut> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await areasStore.get(tx, m, code);
      if (!before) throw notFound('area', code);
      await areasStore.rename(tx, m, code, patch.name);
      const after = (await areasStore.get(tx, m, code))!;
      await this.audit(tx, who, 'update', code, { before, after });
      return after;
    });
  }

  async delete(who: Acting, code: string): Promise<void> {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const row = await tx('areas').where({ municipality_id: m, code }).forUpdate().first('code');
      if (!row) throw notFound('area', code);
      const before = (await areasStore.get(tx, m, code))!;
      const u = before.inUse;
      // The price-list and model parts read as the provider kinds' do: the same words serve both lists.
      const parts = [
        u.citizens > 0 ? text(`${u.citizens} citizen(s)`, 'area.used_by_citizens', { count: u.citizens }) : null,
        u.visits ? text('visits', 'area.used_by_visits') : null,
        u.priceLists.length > 0
          ? text(`price list(s) ${u.priceLists.join(', ')}`, 'kind.used_by_price_lists', {
              count: u.priceLists.length,
              ids: u.priceLists.join(', '),
            })
          : null,
        u.budgets.length > 0
          ? text(`the budget(s) of ${u.budgets.join(', ')}`, 'area.used_by_budgets', { years: u.budgets.join(', ') })
          : null,
        u.models.length > 0
          ? text(`model(s) ${u.models.join(', ')}`, 'kind.used_by_models', { count: u.models.length, names: u.models.join(', ') })
          : null,
      ].filter((p) => p !== null);
      if (parts.length > 0)
        throw conflict(`area ${code} is in use by ${parts.map((p) => p.message).join('; ')} and cannot be deleted`, {
          code,
          inUse: u,
        }).localised('area.in_use', { code, parts });
      await areasStore.delete(tx, m, code);
      await this.audit(tx, who, 'delete', code, { before });
    });
  }

  private audit(tx: Knex.Transaction, who: Acting, action: 'create' | 'update' | 'delete', code: string, changes: Record<string, unknown>) {
    return appendAudit(tx, {
      municipalityId: who.principal.municipalityId,
      actor: who.principal.actor,
      requestId: who.requestId,
      action,
      entity: 'area',
      entityId: code,
      changes,
    });
  }
}
