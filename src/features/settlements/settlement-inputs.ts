import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { conflict, notFound, unprocessable } from '../../shared/errors.js';
import { catalogueStore } from '../catalogue/catalogue-store.js';
import { engineModel, type ResolvedModel } from '../models/models-service.js';
import { modelsStore } from '../models/models-store.js';
import type { ModelAssignment } from '../models/models-schemas.js';
import { ratesInForce } from '../prices/prices-service.js';
import { addDays, dayNumber, weekdayOf } from '../reimbursement/calendar/dates.js';
import { usesWeeklyCaps } from '../reimbursement/rules/delivered-caps.js';
import type {
  AbsenceInput,
  CatalogueService,
  ChoiceInput,
  CitizenInput,
  EngineInput,
  GrantInput,
  LevelGrantInput,
  LevelInput,
  LevelRate,
  PriceRate,
  ProviderKind,
  VatStatus,
  VisitInput,
} from '../reimbursement/engine-types.js';
import { instantsOf, type Period } from './settlement-period.js';

type Db = Knex | Knex.Transaction;

export interface MunicipalityInfo {
  id: number;
  code: string;
  country: 'DK' | 'SE';
  timeZone: string;
  currency: string;
  fourEyes: boolean;
  extraHolidays: { date: string; name: string }[];
}

export interface ProviderInfo {
  id: number;
  ref: string;
  name: string;
  kind: ProviderKind;
  vatStatus: VatStatus;
}

/** What every provider of one municipality and month shares: loaded once per run. */
export interface RunBasis {
  municipality: MunicipalityInfo;
  period: Period;
  priceList: { id: number; label: string };
  rates: PriceRate[];
  catalogueVersionId: number;
  services: Record<string, CatalogueService>;
  /** The catalogue's levels and the price list's level prices (level-based care, DOMAIN.md §4). */
  levels: Record<string, LevelInput>;
  levelRates: LevelRate[];
  /** sha256 over the shared inputs, part of every provider's fingerprint. */
  hash: string;
}

export interface ProviderInputs {
  input: EngineInput;
  model: ResolvedModel;
  fingerprint: string;
  /** Visit id → source system, grant id → 'source/externalId': what exception subject keys are made of. */
  visitSources: VisitSources;
  grantKeys: Map<number, string>;
  /** Finance's decisions for this provider and period, by `${kind}|${subjectKey}`. */
  decisions: Map<string, 'accepted' | 'rejected'>;
  /** sha256 of those decisions as read (decisionsDigestOf), stored with the settlement for the approval check. */
  decisionsDigest: string;
  /** Fingerprints of the provider's draft documents of the month as they were when the inputs were read. */
  draftFingerprints: readonly string[];
}

export async function loadMunicipality(db: Db, m: number): Promise<MunicipalityInfo> {
  const r = await db('municipalities').where({ id: m }).first();
  if (!r) throw notFound('municipality', m);
  const holidays = await db('municipal_holidays').where({ municipality_id: m }).orderBy('date').select('date', 'name');
  return {
    id: r.id,
    code: r.code,
    country: r.country,
    timeZone: r.time_zone,
    currency: r.currency,
    fourEyes: r.settlement_four_eyes === true,
    extraHolidays: holidays.map((h) => ({ date: h.date, name: h.name })),
  };
}

export async function loadProviders(db: Db, m: number, ids: readonly number[] | null): Promise<ProviderInfo[]> {
  const q = db('providers').where({ municipality_id: m }).select('id', 'ref', 'name', 'kind', 'vat_status').orderBy('ref');
  if (ids) q.whereIn('id', [...ids]);
  const rows = await q;
  return rows.map((r) => ({ id: r.id, ref: r.ref, name: r.name, kind: r.kind, vatStatus: r.vat_status }));
}

/** Providers with anything to settle in the month: visits in it, or a citizen's choice overlapping it. */
export async function activeProviderIds(db: Db, mi: MunicipalityInfo, p: Period): Promise<number[]> {
  const { start, end } = instantsOf(p, mi.timeZone);
  const r = await db.raw(
    `select provider_id from provider_choices
      where municipality_id = ? and valid_from < ? and (valid_to is null or valid_to > ?)
     union
     select distinct provider_id from visits
      where municipality_id = ? and superseded_at is null and occurs_at >= ? and occurs_at < ?
     order by 1`,
    [mi.id, p.to, p.from, mi.id, start, end],
  );
  return (r.rows as { provider_id: number }[]).map((x) => x.provider_id);
}

/** How many current visits the month has (for deciding whether a run is worth parallel lanes). */
export async function visitsInPeriod(db: Db, mi: MunicipalityInfo, p: Period): Promise<number> {
  const { start, end } = instantsOf(p, mi.timeZone);
  const r = await db.raw(
    `select count(*)::int as n from visits where municipality_id = ? and superseded_at is null and occurs_at >= ? and occurs_at < ?`,
    [mi.id, start, end],
  );
  return r.rows[0].n as number;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const span = (from: string, to: string | null) => `[${from}, ${to ?? 'open'})`;

/**
 * The catalogue and price list of the month: exactly one of each must cover every day of it
 * (the engine prices a month with one of each). Anything else is a 422 that names the gap.
 */
export async function loadRunBasis(db: Db, mi: MunicipalityInfo, p: Period): Promise<RunBasis> {
  const overlapping = (table: string, extra?: (q: Knex.QueryBuilder) => void) => {
    const q = db(table)
      .where('municipality_id', mi.id)
      .andWhere('valid_from', '<', p.to)
      .andWhere((w) => {
        w.whereNull('valid_to').orWhere('valid_to', '>', p.from);
      });
    extra?.(q);
    return q.orderBy('valid_from').select('id', 'label', 'valid_from', 'valid_to');
  };
  const covers = (r: { valid_from: string; valid_to: string | null }) =>
    r.valid_from <= p.from && (r.valid_to === null || r.valid_to >= p.to);

  const lists = await overlapping('price_lists', (q) => {
    q.andWhereNot('status', 'proposed');
  });
  if (lists.length === 0)
    throw unprocessable(`no adopted price list is in force in ${p.period}; adopt one before settling`, { period: p.period }).localised(
      'settlement.no_price_list',
      { period: p.period },
    );
  if (lists.length > 1 || !covers(lists[0])) {
    const named = lists.map((l) => `${l.id} "${l.label}" ${span(l.valid_from, l.valid_to)}`).join(', ');
    throw unprocessable(`the price list changes within ${p.period} (${named}); a month is settled with one price list`, {
      period: p.period,
      priceLists: lists.map((l) => l.id),
    }).localised('settlement.price_list_changes', { period: p.period, lists: named });
  }
  const catalogues = await overlapping('catalogue_versions');
  if (catalogues.length === 0)
    throw unprocessable(`no catalogue version is in force in ${p.period}`, { period: p.period }).localised('settlement.no_catalogue', {
      period: p.period,
    });
  if (catalogues.length > 1 || !covers(catalogues[0])) {
    const named = catalogues.map((c) => `${c.id} "${c.label}" ${span(c.valid_from, c.valid_to)}`).join(', ');
    throw unprocessable(`the catalogue changes within ${p.period} (${named}); a month is settled with one catalogue`, {
      period: p.period,
      catalogueVersions: catalogues.map((c) => c.id),
    }).localised('settlement.catalogue_changes', { period: p.period, versions: named });
  }
  const list = (await ratesInForce(db as Knex, mi.id, p.from))!;
  const inForce = await catalogueStore.servicesInForce(db, mi.id, p.from);
  const services: Record<string, CatalogueService> = {};
  for (const s of [...inForce.values()].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    services[s.code] = {
      code: s.code,
      category: s.category,
      priceGroup: s.priceGroup,
      standardMinutes: s.standardMinutes,
      billingUnit: s.billingUnit,
    };
  }
  const rates: PriceRate[] = list.rates.map((r) => ({ ...r }));
  const levels: Record<string, LevelInput> = {};
  for (const l of (await catalogueStore.levelsInForce(db, mi.id, p.from)).values())
    levels[l.code] = {
      code: l.code,
      category: l.category,
      expectedHoursPerWeek: l.expectedHoursPerWeek === null ? null : new Decimal(l.expectedHoursPerWeek),
    };
  const levelRates: LevelRate[] = list.levelRates.map((r) => ({ ...r }));
  const hash = sha(
    JSON.stringify({
      country: mi.country,
      zone: mi.timeZone,
      holidays: mi.extraHolidays,
      priceList: list.id,
      rates: rates.map((r) => [r.priceGroup, r.timeBand, r.providerKind, r.area, r.unit, r.rate.toFixed(4)]),
      catalogue: catalogues[0]!.id,
      services: Object.values(services).map((s) => [s.code, s.category, s.priceGroup, s.standardMinutes]),
      // Only when there are any, so the fingerprints of months without levels stay what they were.
      ...(Object.keys(levels).length || levelRates.length
        ? {
            levels: Object.values(levels).map((l) => [l.code, l.category]),
            levelRates: levelRates.map((r) => [r.level, r.providerKind, r.area, r.unit, r.rate.toFixed(4)]),
          }
        : {}),
    }),
  );
  return {
    municipality: mi,
    period: p,
    priceList: { id: list.id, label: list.label },
    rates,
    catalogueVersionId: catalogues[0]!.id,
    services,
    levels,
    levelRates,
    hash,
  };
}

/**
 * The model version that applies to a provider on every day of the month: its own assignment,
 * else the one for all providers. None on some day, or a change within the month, is a 422.
 */
export function modelIdFor(assignments: readonly ModelAssignment[], provider: ProviderInfo, p: Period): number {
  const covering = (a: ModelAssignment, d: string) => a.validFrom <= d && (a.validTo === null || d < a.validTo);
  const used = new Map<number, ModelAssignment>();
  const missing: string[] = [];
  for (let d = p.from; d < p.to; d = addDays(d, 1)) {
    const a =
      assignments.find((x) => x.providerId === provider.id && covering(x, d)) ??
      assignments.find((x) => x.providerId === null && covering(x, d));
    if (a) used.set(a.modelId, a);
    else missing.push(d);
  }
  if (missing.length > 0) {
    const days = missing.length === 1 ? missing[0]! : `${missing[0]} – ${missing[missing.length - 1]}`;
    // `id: '{id}'` keeps the path's placeholder in the message; it is not a value.
    throw unprocessable(
      `no reimbursement model is assigned to provider ${provider.ref} for ${days} (${missing.length} day(s) of ${p.period}); assign one (POST /api/models/{id}/assign)`,
      { providerId: provider.id, period: p.period, days: missing.length },
    ).localised('settlement.no_model', { provider: provider.ref, days, count: missing.length, period: p.period, id: '{id}' });
  }
  if (used.size > 1) {
    const list = [...used.values()].map((a) => `${a.modelName}@${a.modelVersion} ${span(a.validFrom, a.validTo)}`);
    throw unprocessable(
      `the reimbursement model of provider ${provider.ref} changes within ${p.period} (${list.join(', ')}); a month is settled under one model`,
      {
        providerId: provider.id,
        period: p.period,
        assignments: [...used.values()].map((a) => a.id),
      },
    ).localised('settlement.model_changes', { provider: provider.ref, period: p.period, models: list.join(', ') });
  }
  return [...used.keys()][0]!;
}

export async function loadAssignments(db: Db, mi: MunicipalityInfo, p: Period) {
  return modelsStore.allInPeriod(db, mi.id, p.from, p.to);
}

/** Parses each model version once per run. */
export class ModelCache {
  private readonly byId = new Map<number, { model: ResolvedModel; hash: string }>();
  constructor(
    private readonly db: Db,
    private readonly m: number,
  ) {}
  async get(id: number) {
    let e = this.byId.get(id);
    if (!e) {
      const row = await modelsStore.get(this.db, this.m, id);
      if (!row) throw notFound('model', id);
      e = { model: engineModel(row), hash: sha(JSON.stringify(row.document)) };
      this.byId.set(id, e);
    }
    return e;
  }
}

/** `t`'s [valid_from, valid_to) overlaps [:from, :to), or the range named by the two parameters. */
const overlaps = (t: string, from = 'from', to = 'to') =>
  `${t}.valid_from < :${to} and (${t}.valid_to is null or ${t}.valid_to > :${from})`;

/**
 * How far around the month a provider's facts are loaded for a model, in days: provider
 * cancellations before it (the replacement window, counted generously in calendar days), and,
 * where delivered time is capped per ISO week, the visits and choices of the days of the first
 * week before the month and the absences of the first and last weeks, so each week is taken whole.
 */
export interface Lookback {
  cancellations: number;
  week: boolean;
  /** One-off payments: the citizens' choices and grant spans of every earlier date (HISTORY_SQL). */
  history: boolean;
}

export function lookbackOf(model: ResolvedModel): Lookback {
  const within = model.model.cancellation?.replacementWithinWeekdays;
  return {
    cancellations: within === undefined ? 0 : within * 2 + 7,
    week: usesWeeklyCaps(model.model),
    history: (model.model.oneOff?.length ?? 0) > 0,
  };
}

/** What loads enough for both (a comparison loads once for two models). */
export const widerLookback = (a: Lookback, b: Lookback): Lookback => ({
  cancellations: Math.max(a.cancellations, b.cancellations),
  week: a.week || b.week,
  history: a.history || b.history,
});

/** Whole epoch minutes (UTC, seconds dropped) of a timestamptz: exact in float8 at these magnitudes, and cheaper to print than the instant. */
const minutes = (col: string) => `floor(date_part('epoch', ${col}) / 60)::int`;

/**
 * The provider's current visits of the month (plus provider cancellations shortly before it, and
 * with weekly caps every visit of the first week before it: `Lookback`), for
 * COPY, in the engine's time order (minute, external id, id as text), so it need not sort them.
 * Instants come as whole epoch minutes, the engine's unit.
 */
const VISITS_SQL = `
  select id, source_system, external_id, version, citizen_id, service_codes,
         ${minutes('planned_start')}, ${minutes('planned_end')}, ${minutes('actual_start')}, ${minutes('actual_end')},
         status, staff_count, ${minutes('cancelled_at')}, area, occurs_at >= :start as in_period
    from visits
   where municipality_id = :m and provider_id = :p and superseded_at is null
     and occurs_at >= :start::timestamptz - make_interval(days => greatest(:earlier, :week)) and occurs_at < :end
     and (occurs_at >= :start or status = 'cancelled_by_provider' or occurs_at >= :start::timestamptz - make_interval(days => :week))
   order by date_trunc('minute', occurs_at), external_id collate "C", id::text collate "C"`;

/**
 * Finance's decisions of a provider's month as [kind, subject key, decision] (the note is not part
 * of what a settlement is computed from), in one fixed order: what a settlement's
 * `decisions_digest` is taken over, at the run and again at approval.
 */
const decisionsSql = (guard: string) => `select json_agg(json_build_array(d.kind, d.subject_key, d.decision) order by d.kind, d.subject_key)
       from exception_decisions d
      where ${guard} and d.municipality_id = :m and d.provider_id = :p and d.period_start = :from`;

export const decisionsDigestOf = (rows: unknown[] | null): string =>
  createHash('sha256')
    .update(JSON.stringify(rows ?? []))
    .digest('hex');

/** The digest of the provider's decisions for the month as they are now (in the caller's transaction). */
export async function currentDecisionsDigest(db: Db, m: number, providerId: number, from: string): Promise<string> {
  const r = await db.raw(`select (${decisionsSql('true')}) as decisions`, { m, p: providerId, from });
  return decisionsDigestOf(r.rows[0].decisions);
}

/**
 * The citizens a provider chose or visited in the month, and their grants (current versions),
 * choices (of any provider, so an exception can say who was chosen) and absences overlapping it
 * (widened to the weeks around it with weekly caps),
 * plus finance's exception decisions — each set as one JSON array of arrays, in one statement.
 */
export const PROVIDER_FACTS_SQL = `
  with cit as (
    -- The citizens of the provider's visits (ids) and those who chose it, as an array, so each set
    -- below is fetched by index (citizen_id = any(array)) rather than by hashing whole tables.
    select array(
      select unnest(:ids::int[])
      union
      select citizen_id from provider_choices pc where pc.municipality_id = :m and pc.provider_id = :p and ${overlaps('pc')}
    ) as ids
  )
  select
    (select json_agg(json_build_array(c.id, c.ref, c.area) order by c.id)
       from citizens c where c.municipality_id = :m and c.id = any((select ids from cit)::int[])) as citizens,
    (select json_agg(json_build_array(g.id, g.source_system, g.external_id, g.version, g.citizen_id, g.service_code, g.category,
                                      g.minutes_per_occurrence, g.frequency_type, g.frequency_count, g.weekdays, g.staff_count,
                                      g.valid_from, g.valid_to, g.time_band) order by g.id)
       from grants g
      where g.municipality_id = :m and g.citizen_id = any((select ids from cit)::int[]) and g.superseded_at is null and ${overlaps('g')}) as grants,
    (select json_agg(json_build_array(pc.id, pc.citizen_id, pc.category, pc.provider_id, pc.valid_from, pc.valid_to) order by pc.id)
       from provider_choices pc
      where pc.municipality_id = :m and pc.citizen_id = any((select ids from cit)::int[]) and ${overlaps('pc', 'weekFrom')}) as choices,
    (select json_agg(json_build_array(a.id, a.citizen_id, a.kind, a.planned, a.valid_from, a.valid_to) order by a.id)
       from absences a
      where a.municipality_id = :m and a.citizen_id = any((select ids from cit)::int[]) and ${overlaps('a', 'weekFrom', 'weekTo')}) as absences,
    (select json_agg(json_build_array(lg.id, lg.citizen_id, lg.level_code, lg.valid_from, lg.valid_to) order by lg.id)
       from level_grants lg
      where lg.municipality_id = :m and lg.citizen_id = any((select ids from cit)::int[]) and ${overlaps('lg')}) as level_grants,
    (${decisionsSql(':decisions')}) as decisions,
    (select json_agg(s.fingerprint order by s.sequence)
       from settlements s
      where s.municipality_id = :m and s.provider_id = :p and s.period_start = :from and s.status = 'draft') as drafts`;

/**
 * For one-off payments (rule one-off-payments): every provider choice and every grant span
 * (current versions) of the provider's citizens that began before the month ends, of any
 * provider and any date, as [citizen, category, provider (choices) or level (level grants), from,
 * to] in a fixed order — a level grant counts as a grant of its level's category, split by the
 * catalogue versions in force over it (none of a version without the level); and the
 * new-customer payments of other months' approved settlements (partial index
 * settlement_lines_one_off). Without level grants the rows are those of ordinary grants alone, in
 * the same order, so fingerprints of months without levels stay as they were.
 */
export const HISTORY_SQL = `
  with cit as (
    select array(
      select unnest(:ids::int[])
      union
      select citizen_id from provider_choices pc where pc.municipality_id = :m and pc.provider_id = :p and ${overlaps('pc')}
    ) as ids
  )
  select
    (select json_agg(json_build_array(pc.citizen_id, pc.category, pc.provider_id, pc.valid_from, pc.valid_to)
                     order by pc.citizen_id, pc.category, pc.valid_from, pc.id)
       from provider_choices pc
      where pc.municipality_id = :m and pc.citizen_id = any((select ids from cit)::int[]) and pc.valid_from < :to) as choices,
    (select json_agg(json_build_array(g.citizen_id, g.category, g.level, g.valid_from, g.valid_to)
                     order by g.citizen_id, g.category, g.valid_from, g.level nulls first, g.id)
       from (select g.id, g.citizen_id, g.category, null::text as level, g.valid_from, g.valid_to
               from grants g
              where g.municipality_id = :m and g.citizen_id = any((select ids from cit)::int[]) and g.superseded_at is null
                and g.valid_from < :to
             union all
             -- A level grant is a grant of its level's category, on the days of each catalogue version holding the level.
             select lg.id, lg.citizen_id, l.category, lg.level_code, greatest(lg.valid_from, cv.valid_from),
                    case when lg.valid_to is null then cv.valid_to
                         when cv.valid_to is null then lg.valid_to
                         else least(lg.valid_to, cv.valid_to) end
               from level_grants lg
               join catalogue_versions cv on cv.municipality_id = lg.municipality_id
                    and (lg.valid_to is null or cv.valid_from < lg.valid_to) and (cv.valid_to is null or cv.valid_to > lg.valid_from)
               join catalogue_levels l on l.municipality_id = cv.municipality_id and l.catalogue_version_id = cv.id and l.code = lg.level_code
              where lg.municipality_id = :m and lg.citizen_id = any((select ids from cit)::int[])
                and lg.valid_from < :to and cv.valid_from < :to) g) as grants,
    -- New-customer payments approved in other months, net of their corrections: a citizen is a new customer once.
    (select json_agg(json_build_array(x.citizen_id, x.category, x.period) order by x.citizen_id, x.category, x.period)
       from (select l.citizen_id, l.category, to_char(s.period_start, 'YYYY-MM') as period
               from settlement_lines l
               join settlements s on s.municipality_id = l.municipality_id and s.id = l.settlement_id
              where l.municipality_id = :m and l.kind = 'new_customer' and l.citizen_id = any((select ids from cit)::int[])
                and s.status <> 'draft' and s.period_start <> :from
              group by l.citizen_id, l.category, s.period_start
             having sum(l.visits) > 0) x) as paid`;

/** COPY text format: backslash escapes, \N for null. */
const unescapeCopy = (f: string): string =>
  f.indexOf('\\') === -1
    ? f
    : f.replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : c === 'v' ? '\v' : c,
      );

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;

/**
 * Reads the fields of one COPY text row in place, from the bytes as they arrived (no per-row
 * arrays, no string for the whole chunk): at a million visits the garbage of decoding and
 * splitting costs more than the parsing itself. Strings are decoded (UTF-8) only for the fields
 * that are strings, and repeating values only when they differ from the last one.
 */
class Fields {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  private end = 0;
  /** The span of the field read last: [from, to). */
  private from = 0;
  private to = 0;
  row(buf: Buffer, at: number, end: number) {
    this.buf = buf;
    this.at = at;
    this.end = end;
  }
  private next(): void {
    const tab = this.buf.indexOf(TAB, this.at);
    const stop = tab === -1 || tab > this.end ? this.end : tab;
    this.from = this.at;
    this.to = stop;
    this.at = stop + 1;
  }
  private isNull(): boolean {
    return this.to - this.from === 2 && this.buf[this.from] === BACKSLASH && this.buf[this.from + 1] === 78;
  }
  private digits(from: number): number {
    let n = 0;
    for (let i = from; i < this.to; i++) n = n * 10 + this.buf[i]! - 48;
    return n;
  }
  /** The field's text, decoded and unescaped. */
  private text(from: number, to: number): string {
    const text = this.buf.toString('utf8', from, to);
    for (let i = from; i < to; i++) if (this.buf[i] === BACKSLASH) return unescapeCopy(text);
    return text;
  }
  skip() {
    this.next();
  }
  int(): number {
    this.next();
    return this.digits(this.from);
  }
  /** An integer that may be null (and negative). */
  intOrNull(): number | null {
    this.next();
    if (this.isNull()) return null;
    return this.buf[this.from] === 45 ? -this.digits(this.from + 1) : this.digits(this.from);
  }
  /** A text value, unescaped. */
  str(): string | null {
    this.next();
    if (this.isNull()) return null;
    return this.text(this.from, this.to);
  }
  /** A boolean ('t' or 'f'). */
  flag(): boolean {
    this.next();
    return this.buf[this.from] === 116;
  }
  /** A value that repeats from row to row (status, source, code list): the pool's instance, decoded only when it is none of the few seen last. */
  pick<T>(pool: Interned<T>): T | null {
    this.next();
    if (this.isNull()) return null;
    const { buf, from, to } = this;
    const n = to - from;
    const recent = pool.recent;
    for (let r = 0; r < recent.length; r++) {
      const bytes = recent[r]!.bytes;
      if (bytes.length !== n) continue;
      let i = 0;
      while (i < n && buf[from + i] === bytes[i]) i++;
      if (i === n) return recent[r]!.value;
    }
    return pool.get(this.text(from, to), buf.subarray(from, to));
  }
}

/**
 * Streams a query's rows with COPY … TO STDOUT (text): at a million visits this is several times
 * cheaper than decoding rows one by one through the driver, on both sides of the socket. A row
 * split between two chunks is joined in a small buffer of its own; the rest is read in place.
 */
async function copyRows(db: Db, sql: string, onRow: (f: Fields) => void): Promise<void> {
  const client = db.client as unknown as {
    acquireConnection(): Promise<pg.PoolClient>;
    releaseConnection(c: pg.PoolClient): Promise<void>;
  };
  const conn = await client.acquireConnection();
  const f = new Fields();
  try {
    const stream = conn.query(copyTo(`copy (${sql}) to stdout`));
    let rest: Buffer | null = null;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let at = 0;
      if (rest !== null) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl === -1) {
          rest = Buffer.concat([rest, chunk]);
          continue;
        }
        const joined: Buffer = Buffer.concat([rest, chunk.subarray(0, nl + 1)]);
        f.row(joined, 0, joined.length - 1);
        onRow(f);
        rest = null;
        at = nl + 1;
      }
      for (let nl = chunk.indexOf(NEWLINE, at); nl !== -1; nl = chunk.indexOf(NEWLINE, at)) {
        f.row(chunk, at, nl);
        onRow(f);
        at = nl + 1;
      }
      // Copied: the stream may reuse the chunk's memory.
      if (at < chunk.length) rest = Buffer.from(chunk.subarray(at));
    }
    if (rest !== null && rest.length > 0) throw new Error('COPY output ended inside a row');
  } finally {
    await client.releaseConnection(conn);
  }
}

/**
 * The source system of each loaded visit, for the subject keys of exceptions. Most providers'
 * visits come from one system; otherwise the id lookup is built the first time an exception
 * asks (only ever for a loaded visit), not for every visit of every provider.
 */
export class VisitSources {
  private byId: Map<number, string> | null = null;
  private readonly ids: number[] = [];
  private readonly sources: string[] = [];
  private only: string | null = null;
  private mixed = false;

  add(id: number, source: string) {
    this.ids.push(id);
    this.sources.push(source);
    if (this.ids.length === 1) this.only = source;
    else if (source !== this.only) this.mixed = true;
  }

  get(id: number): string | undefined {
    if (!this.mixed) return this.only ?? undefined;
    if (!this.byId) {
      this.byId = new Map();
      for (let i = 0; i < this.ids.length; i++) this.byId.set(this.ids[i]!, this.sources[i]!);
    }
    return this.byId.get(id);
  }
}

/** One shared instance per distinct value (statuses, sources, code lists repeat across thousands of visits). */
class Interned<T> {
  private readonly map = new Map<string, T>();
  /** The bytes (copies of their own) and instances of the last few distinct values read, compared before decoding. */
  readonly recent: { bytes: Buffer; value: T }[] = [];
  private slot = 0;
  constructor(private readonly make: (s: string) => T) {}
  get(s: string, bytes: Buffer): T {
    let v = this.map.get(s);
    if (v === undefined) this.map.set(s, (v = this.make(s)));
    const entry = { bytes: Buffer.from(bytes), value: v };
    if (this.recent.length < RECENT) this.recent.push(entry);
    else {
      this.recent[this.slot] = entry; // the oldest
      this.slot = (this.slot + 1) % RECENT;
    }
    return v;
  }
}

/** How many distinct values a pool compares by their bytes: enough for a month's statuses, areas and code lists in time order. */
const RECENT = 6;

/**
 * Everything effective in the month for one provider, as the engine wants it: its visits by COPY
 * and the other facts by one JSON statement, concurrently. The fingerprint is a sha256 over all
 * of it (ids and versions of facts, values of what is edited in place), so the same inputs give
 * the same fingerprint.
 */
export async function loadProviderInputs(
  db: Db,
  basis: RunBasis,
  provider: ProviderInfo,
  model: { model: ResolvedModel; hash: string },
  o: { withDecisions?: boolean; lookback?: Lookback } = {},
): Promise<ProviderInputs> {
  const { municipality: mi, period: p } = basis;
  const { start, end } = instantsOf(p, mi.timeZone);
  const look = o.lookback ?? lookbackOf(model.model);
  // Days from the Monday of the month's first week to its first day (no daylight-saving change falls
  // between a Monday and a later weekday, so these are whole 24-hour days); absences up to 7 days after the end.
  const week = look.week ? weekdayOf(dayNumber(p.from)) - 1 : 0;
  const params = {
    m: mi.id,
    p: provider.id,
    start,
    end,
    earlier: look.cancellations,
    week,
    from: p.from,
    to: p.to,
    weekFrom: addDays(p.from, -week),
    weekTo: look.week ? addDays(p.to, 7) : p.to,
    decisions: o.withDecisions !== false,
  };

  const visitSources = new VisitSources();
  const visits: VisitInput[] = [];
  let ids = new Int32Array(4096);
  const visited = new Set<number>();
  const text = () => new Interned((x: string) => x);
  const [sources, statuses, areas] = [text(), text(), text()];
  const codeLists = new Interned((x: string) => Object.freeze(x.slice(1, -1).split(',')));
  await copyRows(db, db.raw(VISITS_SQL, params).toQuery(), (f) => {
    const id = f.int();
    const source = f.pick(sources)!;
    const externalId = f.str()!;
    const version = f.int();
    const citizenId = f.int();
    const serviceCodes = f.pick(codeLists)!;
    // Instants as whole epoch minutes (VISITS_SQL), what the engine computes with: no string per instant.
    const plannedStart = f.intOrNull();
    const plannedEnd = f.intOrNull();
    const actualStart = f.intOrNull();
    const actualEnd = f.intOrNull();
    const status = f.pick(statuses) as VisitInput['status'];
    const staffCount = f.int();
    const cancelledAt = f.intOrNull();
    const area = f.pick(areas);
    // Provider cancellations before the month (replacement pool) do not make a citizen the provider's.
    if (f.flag()) visited.add(citizenId);
    const k = visits.length * 2;
    if (k + 2 > ids.length) {
      const grown = new Int32Array(ids.length * 2);
      grown.set(ids);
      ids = grown;
    }
    ids[k] = id;
    ids[k + 1] = version;
    visitSources.add(id, source);
    visits.push({
      id,
      externalId,
      version,
      providerId: provider.id,
      citizenId,
      serviceCodes,
      plannedStart,
      plannedEnd,
      actualStart,
      actualEnd,
      status,
      staffCount,
      cancelledAt,
      area,
    });
  });
  const citizenIds = `{${[...visited].join(',')}}`;
  const [facts, past] = await Promise.all([
    db.raw(PROVIDER_FACTS_SQL, { ...params, ids: citizenIds }),
    look.history ? db.raw(HISTORY_SQL, { m: mi.id, p: provider.id, from: p.from, to: p.to, ids: citizenIds }) : null,
  ]);
  type Row = (string | number | boolean | null | number[])[];
  const row = facts.rows[0] as Record<'citizens' | 'grants' | 'choices' | 'absences' | 'level_grants' | 'decisions', Row[] | null> & {
    drafts: string[] | null;
  };

  const h = createHash('sha256');
  h.update(
    JSON.stringify([
      'carepay-settlement-v2',
      p.period,
      basis.hash,
      provider.id,
      provider.kind,
      provider.vatStatus,
      model.model.id,
      model.hash,
    ]),
  );
  h.update(Buffer.from(ids.buffer, 0, visits.length * 8));
  const citizens: CitizenInput[] = (row.citizens ?? []).map((c) => ({
    id: c[0] as number,
    ref: c[1] as string,
    area: c[2] as string | null,
  }));
  h.update(`z:${JSON.stringify(row.citizens ?? [])};`);
  const grantKeys = new Map<number, string>();
  const grants: GrantInput[] = (row.grants ?? []).map((g) => {
    grantKeys.set(g[0] as number, `${String(g[1])}/${String(g[2])}`);
    return {
      id: g[0] as number,
      citizenId: g[4] as number,
      serviceCode: g[5] as string,
      category: g[6] as GrantInput['category'],
      minutesPerOccurrence: g[7] as number,
      frequency: { type: g[8] as GrantInput['frequency']['type'], count: g[9] as number, weekdays: (g[10] as number[] | null) ?? null },
      staffCount: g[11] as number,
      validFrom: g[12] as string,
      validTo: g[13] as string | null,
      timeBand: (g[14] as string | null) ?? null,
    };
  });
  h.update(`g:${(row.grants ?? []).map((g) => `${String(g[0])}.${String(g[3])}`).join(',')};`);
  const choices: ChoiceInput[] = (row.choices ?? []).map((c) => ({
    citizenId: c[1] as number,
    category: c[2] as ChoiceInput['category'],
    providerId: c[3] as number,
    validFrom: c[4] as string,
    validTo: c[5] as string | null,
  }));
  h.update(`c:${JSON.stringify(row.choices ?? [])};`);
  const absences: AbsenceInput[] = (row.absences ?? []).map((a) => ({
    citizenId: a[1] as number,
    kind: a[2] as AbsenceInput['kind'],
    planned: a[3] as boolean,
    validFrom: a[4] as string,
    validTo: a[5] as string | null,
  }));
  h.update(`a:${JSON.stringify(row.absences ?? [])};`);
  const levelGrants: LevelGrantInput[] = (row.level_grants ?? []).map((g) => ({
    id: g[0] as number,
    citizenId: g[1] as number,
    level: g[2] as string,
    validFrom: g[3] as string,
    validTo: g[4] as string | null,
  }));
  // Level grants are edited in place (their end): their values are hashed. Only when there are any, so other fingerprints stay as they were.
  if (levelGrants.length) h.update(`l:${JSON.stringify(row.level_grants)};`);
  let history: EngineInput['history'];
  if (past) {
    const hr = past.rows[0] as Record<'choices' | 'grants' | 'paid', Row[] | null>;
    history = {
      choices: (hr.choices ?? []).map((c) => ({
        citizenId: c[0] as number,
        category: c[1] as ChoiceInput['category'],
        providerId: c[2] as number,
        validFrom: c[3] as string,
        validTo: c[4] as string | null,
      })),
      grants: (hr.grants ?? []).map((g) => ({
        citizenId: g[0] as number,
        category: g[1] as ChoiceInput['category'],
        validFrom: g[3] as string,
        validTo: g[4] as string | null,
      })),
      paidNewCustomers: (hr.paid ?? []).map((x) => ({
        citizenId: x[0] as number,
        category: x[1] as ChoiceInput['category'],
        period: x[2] as string,
      })),
    };
    // Only when loaded, so the fingerprints of models without one-off payments stay as they were.
    h.update(`o:${JSON.stringify(hr)};`);
  }
  const decisions = new Map<string, 'accepted' | 'rejected'>();
  for (const d of row.decisions ?? []) decisions.set(`${String(d[0])}|${String(d[1])}`, d[2] as 'accepted' | 'rejected');
  h.update(`d:${JSON.stringify(row.decisions ?? [])};`);

  const input: EngineInput = {
    period: { from: p.from, to: p.to },
    municipality: { country: mi.country, timeZone: mi.timeZone, extraHolidays: mi.extraHolidays },
    provider: { id: provider.id, ref: provider.ref, kind: provider.kind, vatStatus: provider.vatStatus },
    model: model.model.model,
    modelVersionId: model.model.id,
    priceListVersionId: basis.priceList.id,
    services: basis.services,
    rates: basis.rates,
    levels: basis.levels,
    levelRates: basis.levelRates,
    levelGrants,
    ...(history ? { history } : {}),
    citizens,
    choices,
    grants,
    absences,
    visits,
    options: { visitLines: false },
  };
  return {
    input,
    model: model.model,
    fingerprint: h.digest('hex'),
    visitSources,
    grantKeys,
    decisions,
    decisionsDigest: decisionsDigestOf(row.decisions),
    draftFingerprints: row.drafts ?? [],
  };
}

/** A locked month refuses new regular settlements (409). */
export async function lockOf(db: Db, m: number, p: Period): Promise<{ lockedAt: string; lockedBy: string } | null> {
  const r = await db('period_locks').where({ municipality_id: m, period_start: p.from }).first();
  return r ? { lockedAt: (r.locked_at as Date).toISOString(), lockedBy: r.locked_by } : null;
}

export const periodLocked = (p: Period, refs: string[]) =>
  conflict(
    `${p.period} is locked; ${refs.length === 1 ? `provider ${refs[0]} has` : `providers ${refs.join(', ')} have`} no approved settlement to correct (unlock the period to run a regular settlement)`,
    {
      period: p.period,
      providers: refs,
    },
  ).localised(refs.length === 1 ? 'period.locked.one_provider' : 'period.locked.providers', {
    period: p.period,
    providers: refs.join(', '),
  });
