import type { Knex } from 'knex';
import { versionedRecords } from '../../db/versioned-records.js';
import type { Scope } from '../auth/auth-types.js';
import type { Frequency, Grant, GrantFilter } from './grants-schemas.js';

type Db = Knex | Knex.Transaction;

const toGrant = (r: Record<string, any>): Grant => ({
  id: r.id,
  sourceSystem: r.source_system,
  externalId: r.external_id,
  version: r.version,
  supersededAt: r.superseded_at ? (r.superseded_at as Date).toISOString() : null,
  recordedAt: (r.recorded_at as Date).toISOString(),
  importBatchId: r.import_batch_id,
  citizenId: r.citizen_id,
  serviceCode: r.service_code,
  category: r.category,
  minutesPerOccurrence: r.minutes_per_occurrence,
  frequency: {
    type: r.frequency_type,
    count: r.frequency_count,
    ...(r.weekdays ? { weekdays: (r.weekdays as number[]).map(Number) } : {}),
  },
  staffCount: r.staff_count,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  durationKind: r.duration_kind,
  timeBand: r.time_band,
  plannedTime: r.planned_time ? String(r.planned_time).slice(0, 5) : null,
});

/** A grant's columns, without identity and bookkeeping (those are set per version). */
export interface GrantValues {
  citizenId: number;
  serviceCode: string;
  category: string;
  minutesPerOccurrence: number;
  frequency: Frequency;
  staffCount: number;
  validFrom: string;
  validTo: string | null;
  durationKind: string;
  timeBand: string | null;
  plannedTime: string | null;
}

const toColumns = (v: GrantValues) => ({
  citizen_id: v.citizenId,
  service_code: v.serviceCode,
  category: v.category,
  minutes_per_occurrence: v.minutesPerOccurrence,
  frequency_type: v.frequency.type,
  frequency_count: v.frequency.count,
  weekdays: v.frequency.type === 'weekdays' ? [...(v.frequency.weekdays ?? [])].sort((a, b) => a - b) : null,
  staff_count: v.staffCount,
  valid_from: v.validFrom,
  valid_to: v.validTo,
  duration_kind: v.durationKind,
  time_band: v.timeBand,
  planned_time: v.plannedTime,
});

export const grantValues = (g: Grant): GrantValues => ({
  citizenId: g.citizenId,
  serviceCode: g.serviceCode,
  category: g.category,
  minutesPerOccurrence: g.minutesPerOccurrence,
  frequency: g.frequency,
  staffCount: g.staffCount,
  validFrom: g.validFrom,
  validTo: g.validTo,
  durationKind: g.durationKind,
  timeBand: g.timeBand,
  plannedTime: g.plannedTime,
});

/**
 * Tenant scope; a provider token sees a grant only while the citizen has chosen that provider
 * for the grant's category at some time within the grant's validity.
 */
const scoped = (db: Db, scope: Scope) => {
  const q = db('grants as g').where('g.municipality_id', scope.municipalityId);
  if (scope.providerId !== null) {
    q.whereExists((s) => {
      s.select(db.raw('1'))
        .from('provider_choices as pc')
        .whereRaw('pc.municipality_id = g.municipality_id')
        .whereRaw('pc.citizen_id = g.citizen_id')
        .whereRaw('pc.category = g.category')
        .where('pc.provider_id', scope.providerId)
        .whereRaw('daterange(pc.valid_from, pc.valid_to) && daterange(g.valid_from, g.valid_to)');
    });
  }
  return q;
};

export const grantsStore = {
  async list(db: Knex, scope: Scope, f: GrantFilter, page: { limit: number; offset: number }) {
    const q = scoped(db, scope);
    if (!f.includeHistory) q.whereNull('g.superseded_at');
    if (f.citizenId !== undefined) q.andWhere('g.citizen_id', f.citizenId);
    if (f.serviceCode) q.andWhere('g.service_code', f.serviceCode);
    if (f.category) q.andWhere('g.category', f.category);
    if (f.sourceSystem) q.andWhere('g.source_system', f.sourceSystem);
    if (f.externalId) q.andWhere('g.external_id', f.externalId);
    if (f.activeOn) {
      q.andWhere('g.valid_from', '<=', f.activeOn).andWhere((w) => {
        w.whereNull('g.valid_to').orWhere('g.valid_to', '>', f.activeOn!);
      });
    }
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select('g.*').orderBy('g.id').limit(page.limit).offset(page.offset);
    return { items: rows.map(toGrant), total: Number(count) };
  },

  async get(db: Db, scope: Scope, id: number): Promise<Grant | undefined> {
    const row = await scoped(db, scope).andWhere('g.id', id).first('g.*');
    return row ? toGrant(row) : undefined;
  },

  /** All versions of the grant that `id` is a version of, oldest first. */
  async versions(db: Db, scope: Scope, id: number): Promise<Grant[] | undefined> {
    const one = await grantsStore.get(db, scope, id);
    if (!one) return undefined;
    const rows = await scoped(db, scope)
      .andWhere({ 'g.source_system': one.sourceSystem, 'g.external_id': one.externalId })
      .select('g.*')
      .orderBy('g.version');
    return rows.map(toGrant);
  },

  ...versionedRecords('grants', toGrant, toColumns),

  async citizenExists(db: Db, municipalityId: number, citizenId: number): Promise<boolean> {
    return (await db('citizens').where({ municipality_id: municipalityId, id: citizenId }).first('id')) !== undefined;
  },

  /** The service with this code in the catalogue version in force on `date`, if any. */
  async serviceInForce(db: Db, municipalityId: number, code: string, date: string) {
    const row = await db('services as s')
      .join('catalogue_versions as cv', function () {
        this.on('cv.municipality_id', 's.municipality_id').andOn('cv.id', 's.catalogue_version_id');
      })
      .where({ 's.municipality_id': municipalityId, 's.code': code })
      .andWhere('cv.valid_from', '<=', date)
      .andWhere((w) => {
        w.whereNull('cv.valid_to').orWhere('cv.valid_to', '>', date);
      })
      .first('s.category', 's.standard_minutes');
    return row ? { category: row.category as string, standardMinutes: row.standard_minutes as number } : undefined;
  },

  async serviceCodeKnown(db: Db, municipalityId: number, code: string): Promise<boolean> {
    return (await db('services').where({ municipality_id: municipalityId, code }).first('id')) !== undefined;
  },
};
