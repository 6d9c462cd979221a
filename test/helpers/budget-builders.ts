import type { Knex } from 'knex';
import type { Category } from '../../src/http/common-schemas.js';

/**
 * Plain-insert builders for the budget-check tests: a small world of catalogue, adopted prices,
 * providers, citizens, choices, grants, absences and visits, written straight to the tables
 * (the other features' APIs are not what these tests are about).
 */

let seq = 0;
const next = () => ++seq;

export async function aBudgetCatalogue(db: Knex, municipalityId: number, validFrom = '2026-01-01'): Promise<void> {
  const [cv] = await db('catalogue_versions')
    .insert({ municipality_id: municipalityId, label: `Budget catalogue ${next()}`, valid_from: validFrom })
    .returning('id');
  const service = (code: string, category: Category, priceGroup: string, billingUnit: string, standardMinutes: number) => ({
    municipality_id: municipalityId,
    catalogue_version_id: cv.id,
    code,
    name: code,
    category,
    price_group: priceGroup,
    standard_minutes: standardMinutes,
    billing_unit: billingUnit,
  });
  await db('services').insert([
    service('PP01', 'personal_care', 'PP', 'per_minute', 30),
    service('PH01', 'practical_help', 'PH', 'per_minute', 60),
    service('MA01', 'meals', 'MAD', 'per_visit', 5),
  ]);
}

/** An adopted price list: rates as [priceGroup, timeBand, providerKind, area, unit, rate]. */
export async function anAdoptedPriceList(
  db: Knex,
  municipalityId: number,
  validFrom: string,
  rates: Array<[string, string, 'municipal' | 'private', string, 'per_hour' | 'per_visit' | 'per_month', string]>,
  validTo: string | null = null,
): Promise<number> {
  const [list] = await db('price_lists')
    .insert({ municipality_id: municipalityId, label: `Prices ${next()}`, status: 'adopted', valid_from: validFrom, valid_to: validTo })
    .returning('id');
  await db('price_rates').insert(
    rates.map(([price_group, time_band, provider_kind, area, unit, rate]) => ({
      municipality_id: municipalityId,
      price_list_id: list.id,
      price_group,
      time_band,
      provider_kind,
      area,
      unit,
      rate,
    })),
  );
  return list.id;
}

export async function aProviderRow(db: Knex, municipalityId: number, ref: string, kind: 'municipal' | 'private'): Promise<number> {
  const [p] = await db('providers')
    .insert({ municipality_id: municipalityId, ref, name: `Provider ${ref}`, kind, vat_status: 'registered', approved_from: '2020-01-01' })
    .returning('id');
  return p.id;
}

export async function aCitizenIn(db: Knex, municipalityId: number, ref: string, area: string | null): Promise<number> {
  const [c] = await db('citizens').insert({ municipality_id: municipalityId, ref, area }).returning('id');
  return c.id;
}

export async function aChoiceRow(
  db: Knex,
  municipalityId: number,
  citizenId: number,
  category: Category,
  providerId: number,
  validFrom = '2026-01-01',
) {
  await db('provider_choices').insert({
    municipality_id: municipalityId,
    citizen_id: citizenId,
    category,
    provider_id: providerId,
    valid_from: validFrom,
  });
}

export interface GrantRow {
  citizenId: number;
  serviceCode: string;
  category: Category;
  minutes: number;
  frequency: 'daily' | 'weekly' | 'biweekly' | 'monthly' | 'weekdays';
  count?: number;
  weekdays?: number[];
  staffCount?: number;
  validFrom?: string;
  validTo?: string | null;
  timeBand?: string | null;
}

export async function aGrantRow(db: Knex, municipalityId: number, g: GrantRow): Promise<number> {
  const [row] = await db('grants')
    .insert({
      municipality_id: municipalityId,
      source_system: 'test',
      external_id: `G${next()}`,
      citizen_id: g.citizenId,
      service_code: g.serviceCode,
      category: g.category,
      minutes_per_occurrence: g.minutes,
      frequency_type: g.frequency,
      frequency_count: g.count ?? 1,
      weekdays: g.weekdays ?? null,
      staff_count: g.staffCount ?? 1,
      valid_from: g.validFrom ?? '2026-01-01',
      valid_to: g.validTo ?? null,
      time_band: g.timeBand ?? null,
    })
    .returning('id');
  return row.id;
}

export async function anAbsenceRow(db: Knex, municipalityId: number, citizenId: number, validFrom: string, validTo: string | null) {
  await db('absences').insert({
    municipality_id: municipalityId,
    citizen_id: citizenId,
    kind: 'hospital',
    valid_from: validFrom,
    valid_to: validTo,
  });
}

/** A delivered visit from `start` to `end` (instants with offset). */
export async function aDeliveredVisit(
  db: Knex,
  municipalityId: number,
  v: { providerId: number; citizenId: number; code: string; start: string; end: string; staffCount?: number; status?: string },
) {
  await db('visits').insert({
    municipality_id: municipalityId,
    source_system: 'test',
    external_id: `V${next()}`,
    provider_id: v.providerId,
    citizen_id: v.citizenId,
    service_codes: [v.code],
    planned_start: v.start,
    actual_start: v.start,
    actual_end: v.end,
    status: v.status ?? 'delivered',
    staff_count: v.staffCount ?? 1,
  });
}

/**
 * The world of the API tests (Danish municipality, 2026):
 * - KOM (municipal) and PRIV (private); PP at 500 / 520 per hour (municipal / private), PH at 390.
 * - C1 urban, personal care by KOM: 30 min daily, in hospital 4–6 March (W10: 5 days = 150 min);
 *   also meals (per visit: counted in money, no hours).
 * - C2 rural, personal care by PRIV: 2 × 60 min a week with two staff (240 staff minutes).
 * - C3 urban, practical help by KOM: 60 min every 2nd week from W10 (60 min in W10, 0 in W11).
 * - Visits in W10: C1 30 + 36 min, C2 60 min × 2 staff, C3 60 min; one C1 visit in January.
 */
export async function aBudgetWorld(db: Knex, municipalityId: number) {
  await aBudgetCatalogue(db, municipalityId);
  await anAdoptedPriceList(db, municipalityId, '2026-01-01', [
    ['PP', 'day', 'municipal', '', 'per_hour', '500'],
    ['PP', 'day', 'private', '', 'per_hour', '520'],
    ['PH', 'day', 'municipal', '', 'per_hour', '390'],
    ['PH', 'day', 'private', '', 'per_hour', '390'],
    ['MAD', 'day', 'municipal', '', 'per_visit', '58'],
  ]);
  const kom = await aProviderRow(db, municipalityId, 'KOM', 'municipal');
  const priv = await aProviderRow(db, municipalityId, 'PRIV', 'private');
  const c1 = await aCitizenIn(db, municipalityId, 'C1', 'urban');
  const c2 = await aCitizenIn(db, municipalityId, 'C2', 'rural');
  const c3 = await aCitizenIn(db, municipalityId, 'C3', 'urban');
  await aChoiceRow(db, municipalityId, c1, 'personal_care', kom);
  await aChoiceRow(db, municipalityId, c1, 'meals', kom);
  await aChoiceRow(db, municipalityId, c2, 'personal_care', priv);
  await aChoiceRow(db, municipalityId, c3, 'practical_help', kom);
  const g1 = await aGrantRow(db, municipalityId, {
    citizenId: c1,
    serviceCode: 'PP01',
    category: 'personal_care',
    minutes: 30,
    frequency: 'daily',
  });
  const g2 = await aGrantRow(db, municipalityId, {
    citizenId: c2,
    serviceCode: 'PP01',
    category: 'personal_care',
    minutes: 60,
    frequency: 'weekly',
    count: 2,
    staffCount: 2,
  });
  const g3 = await aGrantRow(db, municipalityId, {
    citizenId: c3,
    serviceCode: 'PH01',
    category: 'practical_help',
    minutes: 60,
    frequency: 'biweekly',
    validFrom: '2026-03-02',
  });
  const g4 = await aGrantRow(db, municipalityId, { citizenId: c1, serviceCode: 'MA01', category: 'meals', minutes: 5, frequency: 'daily' });
  await anAbsenceRow(db, municipalityId, c1, '2026-03-04', '2026-03-06');
  await aDeliveredVisit(db, municipalityId, {
    providerId: kom,
    citizenId: c1,
    code: 'PP01',
    start: '2026-03-02T08:00:00+01:00',
    end: '2026-03-02T08:30:00+01:00',
  });
  await aDeliveredVisit(db, municipalityId, {
    providerId: kom,
    citizenId: c1,
    code: 'PP01',
    start: '2026-03-03T08:00:00+01:00',
    end: '2026-03-03T08:36:00+01:00',
  });
  await aDeliveredVisit(db, municipalityId, {
    providerId: priv,
    citizenId: c2,
    code: 'PP01',
    start: '2026-03-02T10:00:00+01:00',
    end: '2026-03-02T11:00:00+01:00',
    staffCount: 2,
  });
  await aDeliveredVisit(db, municipalityId, {
    providerId: kom,
    citizenId: c3,
    code: 'PH01',
    start: '2026-03-02T12:00:00+01:00',
    end: '2026-03-02T13:00:00+01:00',
  });
  await aDeliveredVisit(db, municipalityId, {
    providerId: kom,
    citizenId: c1,
    code: 'PP01',
    start: '2026-01-15T08:00:00+01:00',
    end: '2026-01-15T09:00:00+01:00',
  });
  // A cancelled visit never counts as delivered.
  await db('visits').insert({
    municipality_id: municipalityId,
    source_system: 'test',
    external_id: `V${next()}`,
    provider_id: kom,
    citizen_id: c1,
    service_codes: ['PP01'],
    planned_start: '2026-03-07T08:00:00+01:00',
    status: 'cancelled_by_citizen',
  });
  return { kom, priv, c1, c2, c3, g1, g2, g3, g4 };
}

/**
 * Levels beside hourly care (issue 18 items 7 and 8), 2026: KOM (municipal) and PRIV (private);
 * PP at 500 an hour; level H2 "Helhedspleje niveau 2" (personal care, 5 hours a week expected)
 * at 2,100.00 a week municipal and 320.00 a day private.
 * - C1 urban, hourly personal care by KOM: 60 min daily; one 60-minute visit on 3 March.
 * - L1 urban, level H2 since 1 January, KOM: 4 visits of 60 min in March (one on 3 March), and one
 *   60-minute practical-help visit (not the level's category: hourly time without a grant).
 * - L2 urban, level H2 from 5 March, PRIV chosen from 1 March, in hospital 10–12 March: one
 *   90-minute visit on 6 March.
 */
export async function aLevelWorld(db: Knex, municipalityId: number) {
  await aBudgetCatalogue(db, municipalityId);
  const cv = await db('catalogue_versions').where({ municipality_id: municipalityId }).orderBy('id', 'desc').first('id');
  await db('catalogue_levels').insert({
    municipality_id: municipalityId,
    catalogue_version_id: cv.id,
    code: 'H2',
    name: 'Helhedspleje niveau 2',
    category: 'personal_care',
    expected_hours_per_week: '5.00',
  });
  const list = await anAdoptedPriceList(db, municipalityId, '2026-01-01', [
    ['PP', 'day', 'municipal', '', 'per_hour', '500'],
    ['PH', 'day', 'municipal', '', 'per_hour', '390'],
  ]);
  await db('level_rates').insert([
    {
      municipality_id: municipalityId,
      price_list_id: list,
      level_code: 'H2',
      provider_kind: 'municipal',
      area: '',
      unit: 'per_week',
      rate: '2100',
    },
    {
      municipality_id: municipalityId,
      price_list_id: list,
      level_code: 'H2',
      provider_kind: 'private',
      area: '',
      unit: 'per_day',
      rate: '320',
    },
  ]);
  const kom = await aProviderRow(db, municipalityId, 'KOM', 'municipal');
  const priv = await aProviderRow(db, municipalityId, 'PRIV', 'private');
  const c1 = await aCitizenIn(db, municipalityId, 'C1', 'urban');
  const l1 = await aCitizenIn(db, municipalityId, 'L1', 'urban');
  const l2 = await aCitizenIn(db, municipalityId, 'L2', 'urban');
  await aChoiceRow(db, municipalityId, c1, 'personal_care', kom);
  await aChoiceRow(db, municipalityId, l1, 'personal_care', kom);
  await aChoiceRow(db, municipalityId, l1, 'practical_help', kom);
  await aChoiceRow(db, municipalityId, l2, 'personal_care', priv, '2026-03-01');
  await aGrantRow(db, municipalityId, { citizenId: c1, serviceCode: 'PP01', category: 'personal_care', minutes: 60, frequency: 'daily' });
  await db('level_grants').insert([
    { municipality_id: municipalityId, citizen_id: l1, level_code: 'H2', valid_from: '2026-01-01' },
    { municipality_id: municipalityId, citizen_id: l2, level_code: 'H2', valid_from: '2026-03-05' },
  ]);
  await anAbsenceRow(db, municipalityId, l2, '2026-03-10', '2026-03-12');
  const visit = (providerId: number, citizenId: number, code: string, day: string, from: string, to: string) =>
    aDeliveredVisit(db, municipalityId, { providerId, citizenId, code, start: `${day}T${from}:00+01:00`, end: `${day}T${to}:00+01:00` });
  await visit(kom, c1, 'PP01', '2026-03-03', '08:00', '09:00');
  for (const day of ['2026-03-03', '2026-03-10', '2026-03-17', '2026-03-24']) await visit(kom, l1, 'PP01', day, '10:00', '11:00');
  await visit(kom, l1, 'PH01', '2026-03-04', '10:00', '11:00');
  await visit(priv, l2, 'PP01', '2026-03-06', '10:00', '11:30');
  return { kom, priv, c1, l1, l2 };
}
