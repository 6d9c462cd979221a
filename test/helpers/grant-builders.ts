import type { Knex } from 'knex';
import type { Category } from '../../src/http/common-schemas.js';
import type { FrequencyInput } from '../../src/features/grants/grants-schemas.js';

let seq = 0;
const next = () => ++seq;

/** A citizen row (plain insert: the citizens API is not this area's). Returns its id. */
export async function aCitizen(db: Knex, municipalityId: number, ref = `C${next()}`): Promise<number> {
  const [row] = await db('citizens').insert({ municipality_id: municipalityId, ref }).returning('id');
  return row.id;
}

export interface ServiceSpec {
  code: string;
  category?: Category;
  standardMinutes?: number;
}

/** A catalogue version with its services (plain inserts). Returns the version id. */
export async function aCatalogue(
  db: Knex,
  municipalityId: number,
  v: { validFrom: string; validTo?: string | null; label?: string; services: ServiceSpec[] },
): Promise<number> {
  const [cv] = await db('catalogue_versions')
    .insert({ municipality_id: municipalityId, label: v.label ?? `K${next()}`, valid_from: v.validFrom, valid_to: v.validTo ?? null })
    .returning('id');
  await db('services').insert(
    v.services.map((s) => ({
      municipality_id: municipalityId,
      catalogue_version_id: cv.id,
      code: s.code,
      name: `Service ${s.code}`,
      category: s.category ?? 'personal_care',
      price_group: 'PG1',
      standard_minutes: s.standardMinutes ?? 30,
      billing_unit: 'per_minute',
    })),
  );
  return cv.id;
}

/** A provider choice row (plain insert). */
export async function aChoice(
  db: Knex,
  c: { municipalityId: number; citizenId: number; providerId: number; category: Category; validFrom: string; validTo?: string | null },
): Promise<void> {
  await db('provider_choices').insert({
    municipality_id: c.municipalityId,
    citizen_id: c.citizenId,
    provider_id: c.providerId,
    category: c.category,
    valid_from: c.validFrom,
    valid_to: c.validTo ?? null,
  });
}

export interface GrantBody {
  citizenId: number;
  serviceCode: string;
  frequency: FrequencyInput;
  validFrom: string;
  [k: string]: unknown;
}

/** A POST /grants body. */
export const aGrant = (citizenId: number, over: Partial<GrantBody> = {}): GrantBody => ({
  citizenId,
  serviceCode: 'PP1',
  frequency: { type: 'weekly', count: 2 },
  validFrom: '2026-02-01',
  ...over,
});

/** A POST /visits body: a delivered visit on a winter weekday morning. */
export const aVisit = (providerId: number, citizenId: number, over: Record<string, unknown> = {}) => ({
  externalId: `V${next()}`,
  sourceSystem: 'phoniro',
  providerId,
  citizenId,
  serviceCodes: ['PP1'],
  plannedStart: '2026-02-02T08:00:00+01:00',
  plannedEnd: '2026-02-02T08:30:00+01:00',
  actualStart: '2026-02-02T08:05:00+01:00',
  actualEnd: '2026-02-02T08:37:00+01:00',
  status: 'delivered',
  ...over,
});
