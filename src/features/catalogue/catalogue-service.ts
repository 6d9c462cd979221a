import type { Knex } from 'knex';
import { notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit, type AuditEntry } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import type {
  CatalogueVersionCreate,
  CatalogueVersionFilter,
  CatalogueVersionUpdate,
  CatalogueVersionWithServices,
  LevelInput,
  ServiceInput,
  ServiceFilter,
  ServiceUpdate,
} from './catalogue-schemas.js';
import { catalogueStore } from './catalogue-store.js';
import { categoryFromFsiii } from './fsiii.js';

type Page = { limit: number; offset: number };

const audit = (tx: Knex.Transaction, who: Acting, e: Omit<AuditEntry, 'municipalityId' | 'actor' | 'requestId'>) =>
  appendAudit(tx, { municipalityId: who.principal.municipalityId, actor: who.principal.actor, requestId: who.requestId, ...e });

/** A code may appear once per version; say which entry repeats which, so the caller can fix the payload. */
function refuseDuplicateCodes(entries: readonly { code: string }[], list: 'services' | 'levels' = 'services') {
  const seen = new Map<string, number>();
  entries.forEach((s, i) => {
    const first = seen.get(s.code);
    if (first !== undefined) {
      throw unprocessable(`${list}[${i}] repeats code ${s.code} of ${list}[${first}]`, {
        field: `${list}.${i}.code`,
        index: i,
        duplicateOf: first,
      }).localised('catalogue.repeats_code', { list, i, code: s.code, first });
    }
    seen.set(s.code, i);
  });
}

/**
 * A service without a category takes the one its FSIII code gives (src/features/catalogue/fsiii.ts);
 * one the municipality has set is kept. Without either the entry is refused, naming it.
 */
export function withDerivedCategories(
  services: readonly ServiceInput[],
): Array<ServiceInput & { category: NonNullable<ServiceInput['category']> }> {
  return services.map((s, i) => {
    if (s.category) return { ...s, category: s.category };
    const derived = s.fsiiiCode ? categoryFromFsiii(s.fsiiiCode) : null;
    if (derived === null) {
      throw unprocessable(
        s.fsiiiCode
          ? `services[${i}] (${s.code}) needs a category: FSIII code ${s.fsiiiCode} is not a home-care intervention carepay can derive one from`
          : `services[${i}] (${s.code}) needs a category (or an FSIII code to derive it from)`,
        { field: `services.${i}.category`, index: i },
      ).localised(s.fsiiiCode ? 'catalogue.category_not_derived' : 'catalogue.category_needed', {
        i,
        code: s.code,
        fsiii: s.fsiiiCode ?? '',
      });
    }
    return { ...s, category: derived };
  });
}

export class CatalogueService {
  constructor(private readonly db: Knex) {}

  listVersions(who: Acting, filter: CatalogueVersionFilter, page: Page) {
    return catalogueStore.listVersions(this.db, who.principal.municipalityId, filter, page);
  }

  getVersion(who: Acting, id: number) {
    return this.versionWithServices(this.db, who.principal.municipalityId, id);
  }

  /** `levels` may be left out by callers that build catalogues in code (seeds, tests): none. */
  async createVersion(who: Acting, input: Omit<CatalogueVersionCreate, 'levels'> & { levels?: LevelInput[] }) {
    const levels = input.levels ?? [];
    refuseDuplicateCodes(input.services);
    refuseDuplicateCodes(levels, 'levels');
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const id = await catalogueStore.insertVersion(tx, m, input);
      await catalogueStore.insertServices(tx, m, id, withDerivedCategories(input.services));
      await catalogueStore.insertLevels(tx, m, id, levels);
      const created = await this.versionWithServices(tx, m, id);
      await audit(tx, who, { action: 'create', entity: 'catalogue_version', entityId: id, changes: { after: created } });
      return created;
    });
  }

  async updateVersion(who: Acting, id: number, patch: CatalogueVersionUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await catalogueStore.getVersion(tx, m, id, true);
      if (!before) throw notFound('catalogue version', id);
      if (patch.validTo !== null && patch.validTo <= before.validFrom) {
        throw unprocessable(`validTo must be after validFrom (${before.validFrom})`, { field: 'validTo' }).localised(
          'dates.valid_to_after',
          {
            from: before.validFrom,
          },
        );
      }
      await catalogueStore.setVersionEnd(tx, m, id, patch.validTo);
      const after = await this.versionWithServices(tx, m, id);
      await audit(tx, who, {
        action: 'update',
        entity: 'catalogue_version',
        entityId: id,
        changes: { before: { validTo: before.validTo }, after: { validTo: after.validTo } },
      });
      return after;
    });
  }

  async addService(who: Acting, versionId: number, input: ServiceInput) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (!(await catalogueStore.getVersion(tx, m, versionId))) throw notFound('catalogue version', versionId);
      const [created] = await catalogueStore.insertServices(tx, m, versionId, withDerivedCategories([input]));
      await audit(tx, who, { action: 'create', entity: 'service', entityId: created!.id, changes: { after: created } });
      return created!;
    });
  }

  listServices(who: Acting, filter: ServiceFilter, page: Page) {
    return catalogueStore.listServices(this.db, who.principal.municipalityId, filter, page);
  }

  async getService(who: Acting, id: number) {
    const s = await catalogueStore.getService(this.db, who.principal.municipalityId, id);
    if (!s) throw notFound('service', id);
    return s;
  }

  async updateService(who: Acting, id: number, patch: ServiceUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await catalogueStore.getService(tx, m, id);
      if (!before) throw notFound('service', id);
      await catalogueStore.updateService(tx, m, id, patch);
      const after = (await catalogueStore.getService(tx, m, id))!;
      await audit(tx, who, { action: 'update', entity: 'service', entityId: id, changes: { before, after } });
      return after;
    });
  }

  private async versionWithServices(db: Knex, m: number, id: number): Promise<CatalogueVersionWithServices> {
    const v = await catalogueStore.getVersion(db, m, id);
    if (!v) throw notFound('catalogue version', id);
    return { ...v, services: await catalogueStore.servicesOfVersion(db, m, id), levels: await catalogueStore.levelsOfVersion(db, m, id) };
  }
}
