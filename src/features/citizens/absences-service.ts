import type { Knex } from 'knex';
import { notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import type { AbsenceCreate, AbsenceFilter, AbsenceUpdate } from './absences-schemas.js';
import { absencesStore } from './absences-store.js';
import { citizensStore } from './citizens-store.js';

export class AbsencesService {
  constructor(private readonly db: Knex) {}

  list(who: Acting, filter: AbsenceFilter, page: { limit: number; offset: number }) {
    return absencesStore.list(this.db, scopeOf(who.principal), filter, page);
  }

  async get(who: Acting, id: number) {
    const a = await absencesStore.get(this.db, scopeOf(who.principal), id);
    if (!a) throw notFound('absence', id);
    return a;
  }

  /** Overlapping absences of one citizen are refused by the exclusion constraint (409). */
  async create(who: Acting, input: AbsenceCreate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (!(await citizensStore.get(tx, scopeOf(who.principal), input.citizenId))) throw notFound('citizen', input.citizenId);
      const created = await absencesStore.insert(tx, m, input);
      await appendAudit(tx, { ...this.audit(who), action: 'create', entity: 'absence', entityId: created.id, changes: { after: created } });
      return created;
    });
  }

  /** Typically the end becomes known later (discharge date); the start stays as registered. */
  async update(who: Acting, id: number, patch: AbsenceUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const before = await absencesStore.get(tx, scopeOf(who.principal), id, { forUpdate: true });
      if (!before) throw notFound('absence', id);
      if (patch.validTo != null && patch.validTo <= before.validFrom) {
        throw unprocessable('validTo must be after validFrom', { field: 'validTo' }).localised('dates.valid_to_after_plain');
      }
      const after = await absencesStore.update(tx, m, id, patch);
      await appendAudit(tx, { ...this.audit(who), action: 'update', entity: 'absence', entityId: id, changes: { before, after } });
      return after;
    });
  }

  /** For an absence registered by mistake; the audit log keeps what was removed. */
  async remove(who: Acting, id: number) {
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const before = await absencesStore.get(tx, scopeOf(who.principal), id, { forUpdate: true });
      if (!before) throw notFound('absence', id);
      await absencesStore.delete(tx, m, id);
      await appendAudit(tx, { ...this.audit(who), action: 'delete', entity: 'absence', entityId: id, changes: { before } });
    });
  }

  private audit(who: Acting) {
    return { municipalityId: who.principal.municipalityId, actor: who.principal.actor, requestId: who.requestId };
  }
}
