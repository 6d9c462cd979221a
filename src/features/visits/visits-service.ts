import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { KeysetPage } from '../../http/common-schemas.js';
import { badRequest, conflict, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { scopeOf, type Acting } from '../auth/auth-types.js';
import type { VisitCreate, VisitFilter, VisitUpdate } from './visits-schemas.js';
import { visitsStore, visitValues, type VisitValues } from './visits-store.js';

const utc = (s: string | null | undefined) => (s == null ? null : new Date(s).toISOString());

/** The rules a visit must keep (the import pipeline applies the same ones); the first broken one, naming its field. */
function brokenRule(v: VisitValues): { field: string; message: string } | undefined {
  if (v.plannedEnd && !v.plannedStart) return { field: 'plannedStart', message: 'plannedEnd needs plannedStart' };
  if (v.plannedEnd && v.plannedEnd <= v.plannedStart!) return { field: 'plannedEnd', message: 'plannedEnd must be after plannedStart' };
  if (v.actualEnd && !v.actualStart) return { field: 'actualStart', message: 'actualEnd needs actualStart' };
  if (v.actualEnd && v.actualEnd <= v.actualStart!) return { field: 'actualEnd', message: 'actualEnd must be after actualStart' };
  if (v.status === 'delivered' || v.status === 'replacement') {
    if (!v.actualStart) return { field: 'actualStart', message: `a ${v.status} visit needs actualStart and actualEnd` };
    if (!v.actualEnd) return { field: 'actualEnd', message: `a ${v.status} visit needs actualStart and actualEnd` };
  }
  if (!v.actualStart && !v.plannedStart) return { field: 'plannedStart', message: 'a visit needs plannedStart or actualStart' };
  if (v.cancelledAt && v.status !== 'cancelled_by_citizen') {
    return { field: 'cancelledAt', message: 'cancelledAt is only for status cancelled_by_citizen' };
  }
  return undefined;
}

export class VisitsService {
  constructor(private readonly db: Knex) {}

  async list(who: Acting, filter: VisitFilter, page: KeysetPage) {
    const scope = scopeOf(who.principal);
    if (page.after !== undefined && !(await visitsStore.get(this.db, scope, page.after))) {
      throw badRequest(`after: there is no visit ${page.after} to continue after`, { field: 'after', after: page.after }).localised(
        'visit.no_after',
        { after: page.after },
      );
    }
    return visitsStore.list(this.db, scope, filter, page);
  }

  async get(who: Acting, id: number) {
    const v = await visitsStore.get(this.db, scopeOf(who.principal), id);
    if (!v) throw notFound('visit', id);
    return v;
  }

  async versions(who: Acting, id: number) {
    const all = await visitsStore.versions(this.db, scopeOf(who.principal), id);
    if (!all) throw notFound('visit', id);
    return all;
  }

  async create(who: Acting, input: VisitCreate) {
    const m = who.principal.municipalityId;
    const values: VisitValues = {
      providerId: input.providerId,
      citizenId: input.citizenId,
      serviceCodes: input.serviceCodes,
      plannedStart: utc(input.plannedStart),
      plannedEnd: utc(input.plannedEnd),
      actualStart: utc(input.actualStart),
      actualEnd: utc(input.actualEnd),
      status: input.status,
      staffCount: input.staffCount,
      cancelledAt: utc(input.cancelledAt),
      area: input.area ?? null,
    };
    return this.db.transaction(async (tx) => {
      await this.check(tx, m, values);
      const existing = await visitsStore.current(tx, m, input.sourceSystem, input.externalId);
      if (existing) {
        throw conflict(`A visit ${input.sourceSystem}/${input.externalId} already exists (id ${existing.id})`, {
          field: 'externalId',
          id: existing.id,
        }).localised('visit.exists', { key: `${input.sourceSystem}/${input.externalId}`, id: existing.id });
      }
      const created = await visitsStore.insert(
        tx,
        m,
        { sourceSystem: input.sourceSystem, externalId: input.externalId, version: 1 },
        values,
      );
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'create',
        entity: 'visit',
        entityId: created.id,
        changes: { after: created },
      });
      return created;
    });
  }

  /** A correction never edits a row: the current version is superseded by a new one. */
  async update(who: Acting, id: number, patch: VisitUpdate) {
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      if (!(await visitsStore.get(tx, scopeOf(who.principal), id))) throw notFound('visit', id);
      const before = await visitsStore.lockCurrent(tx, m, id, 'Visit');
      const old = visitValues(before);
      const pick = <K extends keyof VisitValues>(k: K, v: VisitValues[K] | undefined) => (v === undefined ? old[k] : v);
      const values: VisitValues = {
        providerId: pick('providerId', patch.providerId),
        citizenId: pick('citizenId', patch.citizenId),
        serviceCodes: pick('serviceCodes', patch.serviceCodes),
        plannedStart: patch.plannedStart === undefined ? old.plannedStart : utc(patch.plannedStart),
        plannedEnd: patch.plannedEnd === undefined ? old.plannedEnd : utc(patch.plannedEnd),
        actualStart: patch.actualStart === undefined ? old.actualStart : utc(patch.actualStart),
        actualEnd: patch.actualEnd === undefined ? old.actualEnd : utc(patch.actualEnd),
        status: pick('status', patch.status),
        staffCount: pick('staffCount', patch.staffCount),
        cancelledAt: patch.cancelledAt === undefined ? old.cancelledAt : utc(patch.cancelledAt),
        area: pick('area', patch.area),
      };
      if (JSON.stringify(values) === JSON.stringify(old)) return before;
      await this.check(tx, m, values);
      await visitsStore.supersede(tx, m, id);
      const after = await visitsStore.insert(
        tx,
        m,
        { sourceSystem: before.sourceSystem, externalId: before.externalId, version: before.version + 1 },
        values,
      );
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'visit',
        entityId: after.id,
        changes: { before, after },
      });
      return after;
    });
  }

  private async check(tx: Knex.Transaction, m: number, v: VisitValues) {
    const broken = brokenRule(v);
    if (broken) throw unprocessable(broken.message, { field: broken.field });
    if (!(await visitsStore.exists(tx, 'providers', m, v.providerId))) {
      throw unprocessable(`Provider ${v.providerId} does not exist`, { field: 'providerId' }).localised('provider.missing', {
        id: v.providerId,
      });
    }
    if (!(await visitsStore.exists(tx, 'citizens', m, v.citizenId))) {
      throw unprocessable(`Citizen ${v.citizenId} does not exist`, { field: 'citizenId' }).localised('citizen.missing', {
        id: v.citizenId,
      });
    }
    // The catalogue in force on the visit's local date, not its UTC date.
    const zone = await visitsStore.timeZone(tx, m);
    const localDate = DateTime.fromISO((v.actualStart ?? v.plannedStart)!, { zone }).toISODate()!;
    const missing = await visitsStore.codesNotInForce(tx, m, v.serviceCodes, localDate);
    if (missing.length > 0) {
      throw unprocessable(`Service code(s) ${missing.join(', ')} not in the catalogue in force on ${localDate}`, {
        field: 'serviceCodes',
        codes: missing,
        date: localDate,
      }).localised('visit.codes_not_in_force', { codes: missing.join(', '), date: localDate });
    }
  }
}
