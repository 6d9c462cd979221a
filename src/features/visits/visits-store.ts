import type { Knex } from 'knex';
import { readPage } from '../../db/keyset-page.js';
import { versionedRecords } from '../../db/versioned-records.js';
import type { KeysetPage } from '../../http/common-schemas.js';
import type { Scope } from '../auth/auth-types.js';
import type { Visit, VisitFilter, VisitStatus } from './visits-schemas.js';

type Db = Knex | Knex.Transaction;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toVisit = (r: Record<string, any>): Visit => ({
  id: r.id,
  sourceSystem: r.source_system,
  externalId: r.external_id,
  version: r.version,
  supersededAt: iso(r.superseded_at),
  recordedAt: (r.recorded_at as Date).toISOString(),
  importBatchId: r.import_batch_id,
  providerId: r.provider_id,
  citizenId: r.citizen_id,
  serviceCodes: r.service_codes,
  plannedStart: iso(r.planned_start),
  plannedEnd: iso(r.planned_end),
  actualStart: iso(r.actual_start),
  actualEnd: iso(r.actual_end),
  status: r.status,
  staffCount: r.staff_count,
  cancelledAt: iso(r.cancelled_at),
  area: r.area,
  occursAt: (r.occurs_at as Date).toISOString(),
});

/** A visit's facts, without identity and bookkeeping (those are set per version). Instants are UTC ISO strings. */
export interface VisitValues {
  providerId: number;
  citizenId: number;
  serviceCodes: string[];
  plannedStart: string | null;
  plannedEnd: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  status: VisitStatus;
  staffCount: number;
  cancelledAt: string | null;
  area: string | null;
}

export const visitValues = (v: Visit): VisitValues => ({
  providerId: v.providerId,
  citizenId: v.citizenId,
  serviceCodes: v.serviceCodes,
  plannedStart: v.plannedStart,
  plannedEnd: v.plannedEnd,
  actualStart: v.actualStart,
  actualEnd: v.actualEnd,
  status: v.status,
  staffCount: v.staffCount,
  cancelledAt: v.cancelledAt,
  area: v.area,
});

const toColumns = (v: VisitValues) => ({
  provider_id: v.providerId,
  citizen_id: v.citizenId,
  service_codes: v.serviceCodes,
  planned_start: v.plannedStart,
  planned_end: v.plannedEnd,
  actual_start: v.actualStart,
  actual_end: v.actualEnd,
  status: v.status,
  staff_count: v.staffCount,
  cancelled_at: v.cancelledAt,
  area: v.area,
});

/** A provider token sees its own visits only. */
const scoped = (db: Db, scope: Scope) => {
  const q = db('visits').where('municipality_id', scope.municipalityId);
  if (scope.providerId !== null) q.andWhere('provider_id', scope.providerId);
  return q;
};

export const visitsStore = {
  async timeZone(db: Db, municipalityId: number): Promise<string> {
    const row = await db('municipalities').where({ id: municipalityId }).first('time_zone');
    return row.time_zone;
  },

  async list(db: Knex, scope: Scope, f: VisitFilter, page: KeysetPage) {
    const q = scoped(db, scope);
    if (!f.includeHistory) q.whereNull('superseded_at');
    if (f.providerId !== undefined) q.andWhere('provider_id', f.providerId);
    if (f.citizenId !== undefined) q.andWhere('citizen_id', f.citizenId);
    if (f.status) q.andWhere('status', f.status);
    if (f.sourceSystem) q.andWhere('source_system', f.sourceSystem);
    if (f.externalId) q.andWhere('external_id', f.externalId);
    if (f.from || f.to) {
      // Local midnights as instants, so the occurs_at indexes can be used.
      const zone = await visitsStore.timeZone(db, scope.municipalityId);
      if (f.from) q.andWhereRaw('occurs_at >= (?::date)::timestamp at time zone ?', [f.from, zone]);
      if (f.to) q.andWhereRaw('occurs_at < (?::date)::timestamp at time zone ?', [f.to, zone]);
    }
    const rows = q.clone().orderBy([{ column: 'occurs_at' }, { column: 'id' }]);
    // The cursor's own occurs_at is read by PostgreSQL: a JS Date would drop its microseconds.
    if (page.after !== undefined) {
      rows.andWhereRaw('(occurs_at, id) > (select c.occurs_at, c.id from visits c where c.municipality_id = ? and c.id = ?)', [
        scope.municipalityId,
        page.after,
      ]);
    }
    return readPage(q, rows, page, (r) => r.id, toVisit);
  },

  async get(db: Db, scope: Scope, id: number): Promise<Visit | undefined> {
    const row = await scoped(db, scope).andWhere('id', id).first();
    return row ? toVisit(row) : undefined;
  },

  /** All versions of the visit that `id` is a version of, oldest first. */
  async versions(db: Db, scope: Scope, id: number): Promise<Visit[] | undefined> {
    const one = await visitsStore.get(db, scope, id);
    if (!one) return undefined;
    const rows = await scoped(db, scope).andWhere({ source_system: one.sourceSystem, external_id: one.externalId }).orderBy('version');
    return rows.map(toVisit);
  },

  ...versionedRecords('visits', toVisit, toColumns),

  async exists(db: Db, table: 'providers' | 'citizens', municipalityId: number, id: number): Promise<boolean> {
    return (await db(table).where({ municipality_id: municipalityId, id }).first('id')) !== undefined;
  },

  /** The codes among `codes` that are not in the catalogue version in force on `date`. */
  async codesNotInForce(db: Db, municipalityId: number, codes: string[], date: string): Promise<string[]> {
    const rows = await db('services as s')
      .join('catalogue_versions as cv', function () {
        this.on('cv.municipality_id', 's.municipality_id').andOn('cv.id', 's.catalogue_version_id');
      })
      .where('s.municipality_id', municipalityId)
      .whereIn('s.code', codes)
      .andWhere('cv.valid_from', '<=', date)
      .andWhere((w) => {
        w.whereNull('cv.valid_to').orWhere('cv.valid_to', '>', date);
      })
      .select('s.code');
    const found = new Set(rows.map((r) => r.code as string));
    return [...new Set(codes.filter((c) => !found.has(c)))];
  },
};
