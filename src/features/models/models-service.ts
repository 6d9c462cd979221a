import type { Knex } from 'knex';
import { AppError, conflict, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import { ProviderKindsService } from '../providers/provider-kinds-service.js';
import { kindsNamedBy, parseModel, type ReimbursementModel } from '../reimbursement/model-schema.js';
import type {
  AssignmentFilter,
  ModelAssign,
  ModelAssignment,
  ModelAssignmentUpdate,
  ModelCreate,
  ModelFilter,
  ModelVersionWithDocument,
} from './models-schemas.js';
import { modelsStore } from './models-store.js';

type Page = { limit: number; offset: number };

/** A model version with its parsed document, ready for the engine. */
export interface ResolvedModel {
  id: number;
  name: string;
  version: number;
  model: ReimbursementModel;
}

/** Parses a stored document; a stored model that no longer parses is a data problem worth a clear 422. */
export function engineModel(m: ModelVersionWithDocument): ResolvedModel {
  const r = parseModel(m.document);
  if (!r.ok) throw unprocessable(`model ${m.name}@${m.version} (id ${m.id}) does not validate`, { modelId: m.id, issues: r.issues });
  return { id: m.id, name: m.name, version: m.version, model: r.model };
}

/** A model by id ("12"), name (latest version) or name@version; 404 when there is none. */
export async function resolveModel(db: Knex | Knex.Transaction, m: number, ref: string): Promise<ModelVersionWithDocument> {
  const at = /^([A-Za-z0-9_.-]{1,64})@(\d{1,6})$/.exec(ref);
  const found = /^\d+$/.test(ref)
    ? await modelsStore.get(db, m, Number(ref))
    : at
      ? await modelsStore.byName(db, m, at[1]!, Number(at[2]))
      : /^[A-Za-z0-9_.-]{1,64}$/.test(ref)
        ? await modelsStore.byName(db, m, ref)
        : undefined;
  if (!found) {
    const names = await db('reimbursement_models')
      .where('municipality_id', m)
      .groupBy('name')
      .orderBy('name')
      .select('name', db.raw('max(version)::int as latest'));
    const available = names.map((r: { name: string; latest: number }) => `${r.name}@${r.latest}`);
    throw new AppError(
      404,
      'not_found',
      `model ${ref} not found; ${available.length ? `this municipality has ${available.join(', ')} (latest versions)` : 'this municipality has no models yet'}`,
      { available },
    );
  }
  return found;
}

export class ModelsService {
  constructor(private readonly db: Knex) {}

  list(who: Acting, filter: ModelFilter, page: Page) {
    return modelsStore.list(this.db, who.principal.municipalityId, filter, page);
  }

  async get(who: Acting, id: number) {
    const m = await modelsStore.get(this.db, who.principal.municipalityId, id);
    if (!m) throw notFound('model', id);
    return m;
  }

  /** A model by id ("12"), name (latest version) or name@version. */
  resolve(who: Acting, ref: string): Promise<ModelVersionWithDocument> {
    return resolveModel(this.db, who.principal.municipalityId, ref);
  }

  async create(who: Acting, input: ModelCreate): Promise<ModelVersionWithDocument> {
    const parsed = parseModel(input.document);
    if (!parsed.ok) {
      throw unprocessable(
        `The model has ${parsed.issues.length} wrong setting(s): ${parsed.issues
          .map((i) => `${i.path || '(document)'}: ${i.message}`)
          .slice(0, 3)
          .join('; ')}`,
        {
          field: 'document',
          issues: parsed.issues,
        },
      );
    }
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      await ProviderKindsService.checkKnown(tx, m, kindsNamedBy(parsed.model), 'document.providerKindAdjustment');
      const muni = await tx('municipalities').where({ id: m }).first('country');
      if (parsed.model.holidays.country !== muni.country) {
        throw unprocessable(
          `the model uses the ${parsed.model.holidays.country} holiday calendar; this municipality is in ${muni.country}`,
          {
            field: 'document',
            issues: [{ path: 'holidays.country', message: `must be ${muni.country}, the municipality's country` }],
          },
        );
      }
      const version = input.version ?? (await modelsStore.nextVersion(tx, m, input.name));
      if (await modelsStore.byName(tx, m, input.name, version))
        throw conflict(`model ${input.name} version ${version} already exists; models are never edited, add a new version`).localised(
          'model.version_exists',
          { name: input.name, version },
        );
      const id = await modelsStore.insert(tx, m, {
        name: input.name,
        version,
        description: input.description ?? null,
        document: input.document,
        createdBy: who.principal.actor,
      });
      const created = (await modelsStore.get(tx, m, id))!;
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'reimbursement_model',
        entityId: id,
        changes: { after: { name: input.name, version, description: input.description ?? null } },
      });
      return created;
    });
  }

  listAssignments(who: Acting, f: Omit<AssignmentFilter, 'limit' | 'offset'>, page: Page) {
    return modelsStore.listAssignments(this.db, scopeOf(who.principal), f, page);
  }

  async assign(who: Acting, modelId: number, input: ModelAssign): Promise<ModelAssignment> {
    const m = who.principal.municipalityId;
    const providerId = input.providerId ?? null;
    const validTo = input.validTo ?? null;
    return this.db.transaction(async (tx) => {
      if (!(await modelsStore.get(tx, m, modelId))) throw notFound('model', modelId);
      if (providerId !== null && !(await tx('providers').where({ municipality_id: m, id: providerId }).first('id'))) {
        throw unprocessable(`provider ${providerId} does not exist`, { field: 'providerId' }).localised('model.provider_missing', {
          id: providerId,
        });
      }
      await refuseOverlap(tx, m, providerId, input.validFrom, validTo, null);
      const id = await modelsStore.insertAssignment(tx, m, {
        modelId,
        providerId,
        validFrom: input.validFrom,
        validTo,
        createdBy: who.principal.actor,
      });
      const created = (await modelsStore.getAssignment(tx, { municipalityId: m, providerId: null }, id))!;
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'assign',
        entity: 'model_assignment',
        entityId: id,
        changes: { after: created },
      });
      return created;
    });
  }

  /** Closing (or reopening) an assignment is how a municipality moves to another model from a date. */
  async updateAssignment(who: Acting, id: number, patch: ModelAssignmentUpdate): Promise<ModelAssignment> {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const scope = { municipalityId: m, providerId: null };
      const before = await modelsStore.getAssignment(tx, scope, id);
      if (!before) throw notFound('model assignment', id);
      if (patch.validTo !== null && patch.validTo <= before.validFrom)
        throw unprocessable(`validTo must be after validFrom (${before.validFrom})`, { field: 'validTo' }).localised(
          'dates.valid_to_after',
          {
            from: before.validFrom,
          },
        );
      await refuseOverlap(tx, m, before.providerId, before.validFrom, patch.validTo, id);
      await modelsStore.setAssignmentEnd(tx, m, id, patch.validTo);
      const after = (await modelsStore.getAssignment(tx, scope, id))!;
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'model_assignment',
        entityId: id,
        changes: { before, after },
      });
      return after;
    });
  }
}

/** Names the assignment in the way; the exclusion constraint stays the guard against concurrent writers. */
async function refuseOverlap(
  tx: Knex.Transaction,
  m: number,
  providerId: number | null,
  from: string,
  to: string | null,
  exceptId: number | null,
) {
  const other = await modelsStore.overlapping(tx, m, providerId, from, to, exceptId);
  if (other) {
    throw conflict(
      `${providerId === null ? 'the assignment for all providers' : `the assignment for provider ${providerId}`} would overlap assignment ${other.id} ` +
        `(model ${other.modelName}@${other.modelVersion}, [${other.validFrom}, ${other.validTo ?? 'open'})); close that one first`,
      { overlapsWith: other.id },
    ).localised(providerId === null ? 'model.assignment_overlap_all' : 'model.assignment_overlap', {
      ...(providerId === null ? {} : { provider: providerId }),
      other: other.id,
      model: `${other.modelName}@${other.modelVersion}`,
      from: other.validFrom,
      to: other.validTo ?? 'open',
    });
  }
}
