import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { unprocessable } from '../../shared/errors.js';
import { holidaySet } from '../reimbursement/calendar/holidays.js';
import { allocate, BandCalendar, compileBands, toEpochMinute } from '../reimbursement/calendar/time-bands.js';
import { parseModel, type ReimbursementModel } from '../reimbursement/model-schema.js';
import type { PaidHours, PriceCategory } from './recalc-types.js';

type Db = Knex | Knex.Transaction;

/**
 * What the recalculation reads besides the cost statement (docs/price-recalculation.md):
 * the municipal provider's delivered minutes per price group and band from its visits, and the
 * hours paid to private providers from their approved settlement lines. Queries of its own, so
 * the settlement and visit features stay as they are.
 */

const yearInstants = (year: number, zone: string) => ({
  start: DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toISO()!,
  end: DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone }).toISO()!,
});

interface ModelSpan {
  providerSpecific: boolean;
  from: string;
  to: string | null;
  calendar: BandCalendar;
}

/** The reimbursement models in force for a provider in the year (its own assignment wins), with their band calendars. */
async function modelSpans(
  db: Db,
  m: number,
  providerId: number,
  year: number,
  zone: string,
  country: 'DK' | 'SE',
  extra: { date: string; name: string }[],
): Promise<ModelSpan[]> {
  const rows = await db('model_assignments as a')
    .join('reimbursement_models as rm', 'rm.id', 'a.model_id')
    .where('a.municipality_id', m)
    .andWhere((w) => {
      w.whereNull('a.provider_id').orWhere('a.provider_id', providerId);
    })
    .andWhere('a.valid_from', '<', `${year + 1}-01-01`)
    .andWhere((w) => {
      w.whereNull('a.valid_to').orWhere('a.valid_to', '>', `${year}-01-01`);
    })
    .orderBy('a.valid_from')
    .select('a.provider_id', 'a.valid_from', 'a.valid_to', 'rm.document', 'rm.name', 'rm.version');
  return rows.map((r) => {
    const parsed = parseModel(r.document);
    if (!parsed.ok) throw unprocessable(`model ${r.name}@${r.version} is not a valid model`, { issues: parsed.issues });
    const model: ReimbursementModel = parsed.model;
    const holidays = holidaySet(
      model.holidays.country ?? country,
      year,
      year,
      { includeDeFacto: model.holidays.includeDeFacto, alsoCount: model.holidays.alsoCount },
      extra,
    );
    return {
      providerSpecific: r.provider_id !== null,
      from: r.valid_from,
      to: r.valid_to,
      calendar: new BandCalendar(compileBands(model.timeBands), zone, holidays),
    };
  });
}

interface CatalogueService {
  from: string;
  to: string | null;
  code: string;
  priceGroup: string;
  standardMinutes: number;
  perMinute: boolean;
}

export interface DeliveredMinutes {
  /** Minutes × staff count per price group and band. */
  byGroupAndBand: Map<string, Map<string, number>>;
  visits: number;
  /** Visits on a date without a model in force (their minutes cannot be put in a band). */
  withoutModel: number;
}

/**
 * Delivered minutes of the provider's current visits (delivered or replacement) whose start falls
 * in the local year: the registered duration (actual end − start) × staff count, split minute by
 * minute over the time bands of the model in force on the visit's local date, and over the visit's
 * per-minute services in proportion to their standard minutes. Read in pages by id, so a year of a
 * large municipality does not have to fit in memory.
 */
export async function deliveredMinutes(
  db: Db,
  m: number,
  providerId: number,
  year: number,
  span?: { from: string; to: string },
): Promise<DeliveredMinutes> {
  const mu = await db('municipalities').where({ id: m }).first('time_zone', 'country');
  const extra: { date: string; name: string }[] = await db('municipal_holidays').where({ municipality_id: m }).select('date', 'name');
  const spans = await modelSpans(db, m, providerId, year, mu.time_zone, mu.country, extra);
  const services: CatalogueService[] = (
    await db('services as s')
      .join('catalogue_versions as cv', function () {
        this.on('cv.municipality_id', 's.municipality_id').andOn('cv.id', 's.catalogue_version_id');
      })
      .where('s.municipality_id', m)
      .andWhere('cv.valid_from', '<', `${year + 1}-01-01`)
      .andWhere((w) => {
        w.whereNull('cv.valid_to').orWhere('cv.valid_to', '>', `${year}-01-01`);
      })
      .select('cv.valid_from', 'cv.valid_to', 's.code', 's.price_group', 's.standard_minutes', 's.billing_unit')
  ).map((r) => ({
    from: r.valid_from,
    to: r.valid_to,
    code: r.code,
    priceGroup: r.price_group,
    standardMinutes: r.standard_minutes,
    perMinute: r.billing_unit === 'per_minute',
  }));
  const inForce = <T extends { from: string; to: string | null }>(xs: readonly T[], date: string) =>
    xs.filter((x) => x.from <= date && (x.to === null || x.to > date));

  // The visits of the local year, or of the span [from, to) of it.
  const { start, end } = span
    ? {
        start: DateTime.fromISO(span.from, { zone: mu.time_zone }).toISO()!,
        end: DateTime.fromISO(span.to, { zone: mu.time_zone }).toISO()!,
      }
    : yearInstants(year, mu.time_zone);
  const out: DeliveredMinutes = { byGroupAndBand: new Map(), visits: 0, withoutModel: 0 };
  const add = (group: string, band: string, minutes: number) => {
    let g = out.byGroupAndBand.get(group);
    if (!g) out.byGroupAndBand.set(group, (g = new Map()));
    g.set(band, (g.get(band) ?? 0) + minutes);
  };
  let after = 0;
  for (;;) {
    const page = await db('visits')
      .where({ municipality_id: m, provider_id: providerId })
      .whereNull('superseded_at')
      .whereIn('status', ['delivered', 'replacement'])
      .andWhere('occurs_at', '>=', start)
      .andWhere('occurs_at', '<', end)
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(20_000)
      .select('id', 'actual_start', 'actual_end', 'staff_count', 'service_codes');
    if (page.length === 0) break;
    after = page[page.length - 1].id;
    for (const v of page) {
      const from = toEpochMinute(v.actual_start as Date);
      const to = toEpochMinute(v.actual_end as Date);
      if (to <= from) continue;
      const anyCal = spans[0]?.calendar;
      const date = anyCal ? anyCal.dayAt(from).date : DateTime.fromJSDate(v.actual_start as Date, { zone: mu.time_zone }).toISODate()!;
      const candidates = inForce(spans, date);
      const span = candidates.find((s) => s.providerSpecific) ?? candidates[0];
      if (!span) {
        out.withoutModel++;
        continue;
      }
      const cal = span.calendar;
      const catalogue = inForce(services, date);
      const svc = (v.service_codes as string[])
        .map((c) => catalogue.find((s) => s.code === c))
        .filter((s): s is CatalogueService => !!s && s.perMinute);
      if (svc.length === 0) continue;
      out.visits++;
      const bands = new Array<number>(cal.bandCount).fill(0);
      cal.splitInto(from, to, bands);
      const weights = svc.map((s) => Math.max(s.standardMinutes, 0));
      bands.forEach((minutes, b) => {
        if (minutes === 0) return;
        const parts = new Array<number>(svc.length).fill(0);
        allocate(minutes * v.staff_count, weights, 0, parts);
        parts.forEach((n, i) => n && add(svc[i]!.priceGroup, cal.bands.names[b]!, n));
      });
    }
  }
  return out;
}

/**
 * Hours paid to each provider not of the in-house kind (the private ones) in the year per price category, band, rate and VAT rate:
 * hourly lines (visits, cancellations, hospital stays) of its approved or invoiced settlements of
 * the year's months, regular and corrections together (so net of corrections), their service's
 * price group from the catalogue in force in the month. Lines of a price group and band outside
 * every category are returned under an empty category code, to be reported.
 */
export async function paidHours(
  db: Db,
  m: number,
  span: { from: string; to: string },
  categories: readonly PriceCategory[],
): Promise<PaidHours[]> {
  const { rows } = await db.raw(
    `select s.provider_id, p.ref as provider_ref, p.kind as provider_kind, sv.price_group, l.band, l.rate::text as rate, l.vat_percent::text as vat_percent,
            sum(l.minutes)::int as minutes, sum(l.minutes * l.factor)::text as paid_minutes
       from settlement_lines l
       join settlements s on s.municipality_id = l.municipality_id and s.id = l.settlement_id
       join providers p on p.municipality_id = s.municipality_id and p.id = s.provider_id
       join catalogue_versions cv on cv.municipality_id = s.municipality_id
            and cv.valid_from <= s.period_start and (cv.valid_to is null or cv.valid_to > s.period_start)
       join services sv on sv.municipality_id = cv.municipality_id and sv.catalogue_version_id = cv.id and sv.code = l.service_code
       left join provider_kinds k on k.municipality_id = p.municipality_id and k.code = p.kind
      where l.municipality_id = ? and s.status in ('approved', 'invoiced') and not coalesce(k.in_house, false)
        and s.period_start >= ? and s.period_start < ?
        and l.unit = 'per_hour' and l.kind in ('visit', 'cancellation', 'hospital') and l.band is not null
      group by s.provider_id, p.ref, p.kind, sv.price_group, l.band, l.rate, l.vat_percent
      order by s.provider_id, sv.price_group, l.band, l.rate, l.vat_percent`,
    [m, span.from, span.to],
  );
  const categoryOf = new Map<string, string>();
  for (const c of categories) for (const b of c.timeBands) categoryOf.set(`${c.priceGroup}|${b}`, c.code);
  return (rows as Record<string, any>[]).map((r) => ({
    providerId: r.provider_id,
    providerRef: r.provider_ref,
    providerKind: r.provider_kind,
    categoryCode: categoryOf.get(`${r.price_group}|${r.band}`) ?? '',
    band: r.band,
    rate: r.rate,
    vatPercent: r.vat_percent,
    minutes: r.minutes,
    paidMinutes: r.paid_minutes,
  }));
}

/** The service category (personal_care, …) of each price group in the catalogues of the year: what invoice lines are grouped by. */
export async function serviceCategories(db: Db, m: number, year: number): Promise<Map<string, string>> {
  const rows = await db('services as s')
    .join('catalogue_versions as cv', function () {
      this.on('cv.municipality_id', 's.municipality_id').andOn('cv.id', 's.catalogue_version_id');
    })
    .where('s.municipality_id', m)
    .andWhere('cv.valid_from', '<', `${year + 1}-01-01`)
    .andWhere((w) => {
      w.whereNull('cv.valid_to').orWhere('cv.valid_to', '>', `${year}-01-01`);
    })
    .orderBy([{ column: 'cv.valid_from' }, { column: 's.code' }])
    .select('s.price_group', 's.category');
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.price_group)) out.set(r.price_group, r.category);
  return out;
}

/**
 * Level-days the in-house provider delivered in the year per level (Ældreloven § 19: the cost
 * base of a level price): Σ days of the level-day lines of its approved or invoiced settlements of
 * the year's months, net of corrections, days paid at 0 % (e.g. days 2 onwards of a hospital
 * stay) left out.
 */
export async function deliveredLevelDays(
  db: Db,
  m: number,
  providerId: number,
  span: { from: string; to: string },
): Promise<Map<string, string>> {
  const { rows } = await db.raw(
    `select l.service_code as level, trim_scale(sum(l.quantity))::text as days
       from settlement_lines l
       join settlements s on s.municipality_id = l.municipality_id and s.id = l.settlement_id
      where l.municipality_id = ? and s.provider_id = ? and s.status in ('approved', 'invoiced')
        and s.period_start >= ? and s.period_start < ? and l.kind = 'level_day' and l.factor > 0
      group by l.service_code
      order by l.service_code`,
    [m, providerId, span.from, span.to],
  );
  return new Map((rows as { level: string; days: string }[]).map((r) => [r.level, r.days]));
}

/**
 * Level-days paid to each provider that is not of the in-house kind, per level, unit, price and
 * VAT rate: level-day lines of its approved or invoiced settlements of the year (net of
 * corrections). `minutes` carries the days, `paidMinutes` the paid units Σ days × factor (days,
 * weeks or months at the price, absence percentages and kind percentages included). Lines of a
 * level and unit without a level category are returned under an empty category code.
 */
export async function paidLevelUnits(
  db: Db,
  m: number,
  span: { from: string; to: string },
  categories: readonly PriceCategory[],
): Promise<PaidHours[]> {
  const { rows } = await db.raw(
    `select s.provider_id, p.ref as provider_ref, p.kind as provider_kind, l.service_code as level, l.unit,
            l.rate::text as rate, l.vat_percent::text as vat_percent,
            sum(l.quantity)::int as days, trim_scale(sum(l.quantity * l.factor))::text as paid_units
       from settlement_lines l
       join settlements s on s.municipality_id = l.municipality_id and s.id = l.settlement_id
       join providers p on p.municipality_id = s.municipality_id and p.id = s.provider_id
       left join provider_kinds k on k.municipality_id = p.municipality_id and k.code = p.kind
      where l.municipality_id = ? and s.status in ('approved', 'invoiced') and not coalesce(k.in_house, false)
        and s.period_start >= ? and s.period_start < ? and l.kind = 'level_day'
      group by s.provider_id, p.ref, p.kind, l.service_code, l.unit, l.rate, l.vat_percent
      order by s.provider_id, l.service_code, l.unit, l.rate, l.vat_percent`,
    [m, span.from, span.to],
  );
  const categoryOf = new Map<string, string>();
  for (const c of categories) if (c.level) categoryOf.set(`${c.level.code}|${c.level.unit}`, c.code);
  return (rows as Record<string, any>[]).map((r) => ({
    providerId: r.provider_id,
    providerRef: r.provider_ref,
    providerKind: r.provider_kind,
    unit: r.unit,
    categoryCode: categoryOf.get(`${r.level}|${r.unit}`) ?? '',
    band: r.unit,
    rate: r.rate,
    vatPercent: r.vat_percent,
    minutes: r.days,
    paidMinutes: r.paid_units,
  }));
}
