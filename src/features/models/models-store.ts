import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import type { ModelAssignment, ModelFilter, ModelVersion, ModelVersionWithDocument } from './models-schemas.js';

type Db = Knex | Knex.Transaction;
type Page = { limit: number; offset: number };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toModel = (r: Record<string, any>): ModelVersion => ({
  id: r.id,
  name: r.name,
  version: r.version,
  description: r.description,
  title: r.title ?? r.document?.name ?? '',
  createdBy: r.created_by,
  createdAt: (r.created_at as Date).toISOString(),
  usedAt: iso(r.used_at),
});

const toAssignment = (r: Record<string, any>): ModelAssignment => ({
  id: r.id,
  modelId: r.model_id,
  modelName: r.model_name,
  modelVersion: r.model_version,
  providerId: r.provider_id,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  createdBy: r.created_by,
  createdAt: (r.created_at as Date).toISOString(),
});

const models = (db: Db, m: number) => db('reimbursement_models').where('municipality_id', m);

/** A provider token sees the assignments that apply to it: its own and those for all providers. */
const assignments = (db: Db, scope: Scope) => {
  const q = db('model_assignments as a')
    .join('reimbursement_models as rm', 'rm.id', 'a.model_id')
    .where('a.municipality_id', scope.municipalityId)
    .select('a.*', 'rm.name as model_name', 'rm.version as model_version');
  if (scope.providerId !== null)
    q.andWhere((w) => {
      w.whereNull('a.provider_id').orWhere('a.provider_id', scope.providerId);
    });
  return q;
};

export const modelsStore = {
  async list(db: Db, m: number, f: ModelFilter, page: Page) {
    const q = models(db, m);
    if (f.name) q.andWhere('name', f.name);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .select('id', 'name', 'version', 'description', 'created_by', 'created_at', 'used_at', db.raw(`document->>'name' as title`))
      .orderBy([{ column: 'name' }, { column: 'version' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toModel), total: Number(count) };
  },

  async get(db: Db, m: number, id: number): Promise<ModelVersionWithDocument | undefined> {
    const row = await models(db, m).andWhere('id', id).first();
    return row ? { ...toModel(row), document: row.document } : undefined;
  },

  async byName(db: Db, m: number, name: string, version?: number): Promise<ModelVersionWithDocument | undefined> {
    const q = models(db, m).andWhere('name', name);
    if (version !== undefined) q.andWhere('version', version);
    const row = await q.orderBy('version', 'desc').first();
    return row ? { ...toModel(row), document: row.document } : undefined;
  },

  async nextVersion(db: Db, m: number, name: string): Promise<number> {
    const row = await models(db, m).andWhere('name', name).max({ v: 'version' }).first();
    return Number(row?.v ?? 0) + 1;
  },

  async insert(
    tx: Knex.Transaction,
    m: number,
    v: { name: string; version: number; description: string | null; document: unknown; createdBy: string },
  ) {
    const [row] = await tx('reimbursement_models')
      .insert({
        municipality_id: m,
        name: v.name,
        version: v.version,
        description: v.description,
        document: JSON.stringify(v.document),
        created_by: v.createdBy,
      })
      .returning('id');
    return row.id as number;
  },

  /** First use wins; the trigger freezes the document from then on. */
  async markUsed(tx: Knex.Transaction, m: number, id: number): Promise<boolean> {
    const n = await models(tx, m).andWhere('id', id).whereNull('used_at').update({ used_at: tx.fn.now() });
    return n > 0;
  },

  async listAssignments(db: Db, scope: Scope, f: { providerId?: number; modelId?: number; activeOn?: string }, page: Page) {
    const q = assignments(db, scope);
    if (f.providerId !== undefined) q.andWhere('a.provider_id', f.providerId);
    if (f.modelId !== undefined) q.andWhere('a.model_id', f.modelId);
    if (f.activeOn)
      q.andWhere('a.valid_from', '<=', f.activeOn).andWhere((w) => {
        w.whereNull('a.valid_to').orWhere('a.valid_to', '>', f.activeOn!);
      });
    const [{ count }] = (await q.clone().clearSelect().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .orderBy([{ column: 'a.valid_from' }, { column: 'a.id' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toAssignment), total: Number(count) };
  },

  async getAssignment(db: Db, scope: Scope, id: number): Promise<ModelAssignment | undefined> {
    const row = await assignments(db, scope).andWhere('a.id', id).first();
    return row ? toAssignment(row) : undefined;
  },

  /** Another assignment of the same scope (one provider, or all providers) whose dates overlap. */
  async overlapping(db: Db, m: number, providerId: number | null, from: string, to: string | null, exceptId: number | null) {
    const q = assignments(db, { municipalityId: m, providerId: null })
      .andWhereRaw('a.provider_scope = ?', [providerId ?? 0])
      .andWhereRaw('daterange(a.valid_from, a.valid_to) && daterange(?::date, ?::date)', [from, to]);
    if (exceptId !== null) q.andWhereNot('a.id', exceptId);
    const row = await q.first();
    return row ? toAssignment(row) : undefined;
  },

  async insertAssignment(
    tx: Knex.Transaction,
    m: number,
    a: { modelId: number; providerId: number | null; validFrom: string; validTo: string | null; createdBy: string },
  ) {
    const [row] = await tx('model_assignments')
      .insert({
        municipality_id: m,
        model_id: a.modelId,
        provider_id: a.providerId,
        valid_from: a.validFrom,
        valid_to: a.validTo,
        created_by: a.createdBy,
      })
      .returning('id');
    return row.id as number;
  },

  async setAssignmentEnd(tx: Knex.Transaction, m: number, id: number, validTo: string | null) {
    await tx('model_assignments').where({ municipality_id: m, id }).update({ valid_to: validTo });
  },

  /** Every assignment (any provider, and for all providers) that touches [from, to). */
  async allInPeriod(db: Db, m: number, from: string, to: string) {
    const rows = await assignments(db, { municipalityId: m, providerId: null })
      .andWhere('a.valid_from', '<', to)
      .andWhere((w) => {
        w.whereNull('a.valid_to').orWhere('a.valid_to', '>', from);
      })
      .orderBy('a.valid_from');
    return rows.map(toAssignment);
  },

  /**
   * The assignments that can apply to a provider within [from, to): its own and those for all
   * providers, oldest first. The settlement resolves them day by day (a provider's own wins).
   */
  async inPeriod(db: Db, m: number, providerId: number, from: string, to: string) {
    const rows = await assignments(db, { municipalityId: m, providerId })
      .andWhere('a.valid_from', '<', to)
      .andWhere((w) => {
        w.whereNull('a.valid_to').orWhere('a.valid_to', '>', from);
      })
      .orderBy('a.valid_from');
    return rows.map(toAssignment);
  },
};
