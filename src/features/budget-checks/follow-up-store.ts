import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { catalogueStore } from '../catalogue/catalogue-store.js';
import {
  absencesOverlapping,
  activeGrants,
  catalogueVersionOn,
  inParallel,
  levelGrantsOverlapping,
  timeZoneOf,
} from './budget-check-store.js';
import type { FollowUpChoice, FollowUpDelivered, FollowUpInput } from './follow-up-evaluator.js';

type Db = Knex | Knex.Transaction;

async function choicesOverlapping(db: Db, municipalityId: number, from: string, to: string): Promise<FollowUpChoice[]> {
  const rows = await db('provider_choices')
    .where('municipality_id', municipalityId)
    .andWhere('valid_from', '<', to)
    .andWhere((w) => {
      w.whereNull('valid_to').orWhere('valid_to', '>', from);
    })
    .select('citizen_id', 'category', 'provider_id', 'valid_from', 'valid_to');
  return rows.map((r) => ({
    citizenId: r.citizen_id,
    category: r.category,
    providerId: r.provider_id,
    validFrom: r.valid_from,
    validTo: r.valid_to,
  }));
}

/**
 * Delivered staff minutes per provider, citizen and category in local days [from, to): of hourly
 * services, and of any service in the category of the level the citizen holds on the visit's day
 * (`level` set: that time is the level's, not an hourly grant's).
 */
async function deliveredPerCitizen(
  db: Db,
  municipalityId: number,
  timeZone: string,
  from: string,
  to: string,
): Promise<FollowUpDelivered[]> {
  const { rows } = await db.raw(
    `with v as (
       select (v.occurs_at at time zone ?)::date as day, u.code, v.provider_id, v.citizen_id,
              sum(extract(epoch from (v.actual_end - v.actual_start)) / 60.0 * v.staff_count / cardinality(v.service_codes)) as minutes
         from visits v
         cross join lateral unnest(v.service_codes) as u(code)
        where v.municipality_id = ? and v.superseded_at is null and v.status in ('delivered', 'replacement')
          and v.occurs_at >= (?::timestamp at time zone ?) and v.occurs_at < (?::timestamp at time zone ?)
        group by 1, 2, 3, 4)
     select v.provider_id, v.citizen_id, s.category, l.code as level, sum(v.minutes)::text as minutes
       from v
       join catalogue_versions cv on cv.municipality_id = ? and cv.valid_from <= v.day and (cv.valid_to is null or cv.valid_to > v.day)
       join services s on s.catalogue_version_id = cv.id and s.code = v.code
       left join level_grants lg on lg.municipality_id = cv.municipality_id and lg.citizen_id = v.citizen_id
            and lg.valid_from <= v.day and (lg.valid_to is null or lg.valid_to > v.day)
       left join catalogue_levels l on l.municipality_id = lg.municipality_id and l.catalogue_version_id = cv.id
            and l.code = lg.level_code and l.category = s.category
      where s.billing_unit = 'per_minute' or l.code is not null
      group by 1, 2, 3, 4`,
    [timeZone, municipalityId, from, timeZone, to, timeZone, municipalityId],
  );
  return (rows as Record<string, any>[]).map((r) => ({
    providerId: r.provider_id,
    citizenId: r.citizen_id,
    category: r.category,
    level: r.level ?? null,
    minutes: new Decimal(r.minutes),
  }));
}

/** Everything the follow-up of month `from` (first day) .. `to` (first day of the next month) needs. */
export async function loadFollowUpInputs(
  db: Db,
  municipalityId: number,
  month: string,
  from: string,
  to: string,
  top: number,
): Promise<FollowUpInput> {
  const timeZone = await timeZoneOf(db, municipalityId);
  // Hourly or not is the catalogue's word on the month's first day (or its last, for a catalogue starting mid-month).
  const cv = (await catalogueVersionOn(db, municipalityId, from)) ?? (await catalogueVersionOn(db, municipalityId, to));
  const [grants, levelGrants, levels, absences, choices, delivered, providers] = await inParallel(db, [
    () => activeGrants(db, municipalityId, from, to, cv, from),
    () => levelGrantsOverlapping(db, municipalityId, from, to, cv, from),
    () => (cv === null ? Promise.resolve([]) : catalogueStore.levelsOfVersion(db, municipalityId, cv)),
    () => absencesOverlapping(db, municipalityId, from, to),
    () => choicesOverlapping(db, municipalityId, from, to),
    () => deliveredPerCitizen(db, municipalityId, timeZone, from, to),
    () =>
      db('providers').where('municipality_id', municipalityId).select('id', 'ref', 'name') as Promise<
        Array<{ id: number; ref: string; name: string }>
      >,
  ] as const);
  const citizenIds = [
    ...new Set([...grants.map((g) => g.citizenId), ...levelGrants.map((g) => g.citizenId), ...delivered.map((d) => d.citizenId)]),
  ];
  const citizens = citizenIds.length
    ? await db('citizens').where('municipality_id', municipalityId).whereRaw('id = any(?::int[])', [citizenIds]).select('id', 'ref')
    : [];
  return {
    month,
    from,
    to,
    grants,
    levelGrants,
    levels: new Map(
      levels.map((l) => [
        l.code,
        {
          name: l.name,
          category: l.category,
          expectedHoursPerWeek: l.expectedHoursPerWeek === null ? null : new Decimal(l.expectedHoursPerWeek),
        },
      ]),
    ),
    absences,
    choices,
    delivered,
    providers: new Map(providers.map((p) => [p.id, { ref: p.ref, name: p.name }])),
    citizenRefs: new Map(citizens.map((c) => [c.id as number, c.ref as string])),
    top,
  };
}
