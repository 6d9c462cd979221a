import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { foldName } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { date, ref, rowError, text, word } from './import-values.js';
import { code, decimal, knownProviderKind, knownProviderKinds, limited, masterKind, must } from './master-import.js';

/**
 * Price lists and their rates. A list is identified by its label (default "Prices from
 * <valid_from>"); every row of a list gives the same dates and status. A row is an hourly
 * (per visit, per month) rate of a price group and time band, or — with `level` — a level rate
 * per day, week or month. A list a settlement has used is never changed: a changed or new rate
 * for it is refused. Rates have at most 4 decimals and are never read through a float.
 */
export const PRICE_FIELDS = [
  { name: 'price_list', required: false, aliases: ['label', 'prisliste', 'prislista', 'takstblad'] },
  { name: 'valid_from', required: true, aliases: ['from', 'gyldig_fra', 'fra', 'fra_dato', 'giltig_från', 'från', 'från_datum'] },
  { name: 'valid_to', required: false, aliases: ['to', 'gyldig_til', 'til', 'til_dato', 'giltig_till', 'till', 'till_datum'] },
  { name: 'status', required: false, aliases: ['state', 'prislistestatus'] },
  { name: 'price_group', required: false, aliases: ['prisgruppe', 'prisgrupp', 'takstgruppe'] },
  { name: 'time_band', required: false, aliases: ['band', 'tidsrum', 'døgnperiode', 'tidsperiode', 'tidsband', 'tid_på_dygnet'] },
  { name: 'level', required: false, aliases: ['level_code', 'niveau', 'nivå', 'forløb', 'forløbstype'] },
  { name: 'provider_kind', required: true, aliases: ['kind', 'leverandørtype', 'leverandørart', 'regi', 'utförartyp', 'driftsform'] },
  { name: 'area', required: false, aliases: ['område', 'distrikt'] },
  { name: 'unit', required: false, aliases: ['enhed', 'enhet', 'prisenhed', 'prisenhet'] },
  { name: 'rate', required: true, aliases: ['price', 'pris', 'takst', 'timepris', 'ersättning', 'belopp', 'beløb'] },
] as const satisfies readonly FieldSpec[];

const wordsOf = <T extends string>(t: Record<T, readonly string[]>) => {
  const m = new Map<string, T>();
  for (const [k, ws] of Object.entries(t) as Array<[T, readonly string[]]>) {
    m.set(foldName(k), k);
    for (const w of ws) m.set(foldName(w), k);
  }
  return m;
};
const STATUSES = wordsOf({
  proposed: ['forslag', 'foreslået', 'förslag'],
  adopted: ['vedtaget', 'godkendt', 'beslutad', 'antagen'],
  recalculated: ['efterberegnet', 'omräknad'],
});
const RATE_UNITS = wordsOf({
  per_hour: ['time', 'pr time', 'per time', 'timme', 'per timme'],
  per_visit: ['besøg', 'pr besøg', 'besök', 'per besök'],
  per_month: ['måned', 'pr måned', 'månad', 'per månad'],
});
const LEVEL_UNITS = wordsOf({
  per_day: ['dag', 'døgn', 'pr dag', 'dygn', 'per dygn', 'per dag'],
  per_week: ['uge', 'pr uge', 'vecka', 'per vecka'],
  per_month: ['måned', 'pr måned', 'månad', 'per månad'],
});

const BAND = /^[A-Za-z0-9_.-]{1,64}$/;

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await tx.raw(
    `create temp table import_lists on commit drop as
     with firsts as (
       select distinct on (label) label, valid_from, valid_to, status, row_no as first_row
         from import_staging where err_field is null order by label, row_no)
     select f.*, pl.id as cur_id, pl.used_at, pl.valid_from as cur_from, pl.valid_to as cur_to, pl.status as cur_status
       from firsts f left join price_lists pl on pl.municipality_id = ? and pl.label = f.label`,
    [m],
  );
  await tx.raw(
    `alter table import_lists add column conflict text;
     update import_lists a set conflict = case
       when a.cur_id is not null and (a.cur_from, a.cur_to, a.cur_status) is distinct from (a.valid_from, a.valid_to, a.status)
         then format('the stored price list "%s" runs %s to %s with status %s; its dates and status are changed through the API', a.label, a.cur_from, coalesce(a.cur_to::text, 'open'), a.cur_status)
       when a.cur_id is null and a.status <> 'proposed' then coalesce(
         (select format('the price list "%s" overlaps "%s" (%s to %s) of this file; only one adopted list may be in force on a date', a.label, b.label, b.valid_from, coalesce(b.valid_to::text, 'open'))
            from import_lists b where b.label < a.label and b.cur_id is null and b.status <> 'proposed'
             and daterange(b.valid_from, b.valid_to) && daterange(a.valid_from, a.valid_to) limit 1),
         (select format('the price list "%s" overlaps the stored list "%s" (%s to %s); only one adopted list may be in force on a date: give that one an end date first', a.label, pl.label, pl.valid_from, coalesce(pl.valid_to::text, 'open'))
            from price_lists pl where pl.municipality_id = ${m} and pl.status <> 'proposed'
             and daterange(pl.valid_from, pl.valid_to) && daterange(a.valid_from, a.valid_to) order by pl.valid_from limit 1))
       end`,
  );
  const checks = [
    {
      when: 's.first_row < s.row_no',
      field: 'rate',
      message: `format('this rate of price list "%s" is given twice in this file (first in row %s)', s.label, s.first_row)`,
    },
    {
      when: '(l.valid_from, l.valid_to, l.status) is distinct from (s.valid_from, s.valid_to, s.status)',
      field: 'valid_from',
      message: `format('price list "%s" is given other dates or another status in row %s', s.label, l.first_row)`,
    },
    { when: 'l.conflict is not null', field: 'price_list', message: 'l.conflict' },
    {
      when: `not ${knownProviderKind('s.provider_kind', m)}`,
      field: 'provider_kind',
      message: `format('unknown provider kind "%s" (known: %s)', s.provider_kind, ${knownProviderKinds(m)})`,
    },
    {
      when: 'l.used_at is not null and cur.found is null',
      field: 'rate',
      message: `format('price list "%s" was used by a settlement on %s and cannot change: give new rates as a new list', s.label, l.used_at::date)`,
    },
    {
      when: 'l.used_at is not null and cur.rate <> s.rate',
      field: 'rate',
      message: `format('price list "%s" was used by a settlement on %s: its rate here is %s and cannot change; give new rates as a new list', s.label, l.used_at::date, cur.rate)`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select s.row_no, s.label, s.level_code, s.price_group, s.time_band, s.provider_kind, s.area, s.unit, s.rate,
            cur.found as cur_id, coalesce((cur.unit, cur.rate) = (s.unit, s.rate), false) as same,
            ${firstFailure(checks, 'field')} as err_field, ${firstFailure(checks, 'message')} as err_message
       from (select *, min(row_no) over (partition by label, level_code, price_group, time_band, provider_kind, area) as first_row
               from import_staging) s
       left join import_lists l on l.label = s.label
       left join lateral (
         select pr.id as found, pr.unit, pr.rate from price_rates pr
          where s.level_code is null and pr.municipality_id = ${m} and pr.price_list_id = l.cur_id and pr.price_group = s.price_group
            and pr.time_band = s.time_band and pr.provider_kind = s.provider_kind and pr.area = s.area
         union all
         select lr.price_list_id, lr.unit, lr.rate from level_rates lr
          where s.level_code is not null and lr.municipality_id = ${m} and lr.price_list_id = l.cur_id and lr.level_code = s.level_code
            and lr.provider_kind = s.provider_kind and lr.area = s.area) cur on true`,
  );
}

async function merge(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await tx.raw(
    `insert into price_lists (municipality_id, label, status, valid_from, valid_to)
     select ?, l.label, l.status, l.valid_from, l.valid_to from import_lists l
      where l.cur_id is null and exists (select 1 from import_resolved r where r.label = l.label and r.err_field is null)
      order by l.valid_from, l.label`,
    [m],
  );
  const ok = `r.err_field is null`;
  const list = `join price_lists pl on pl.municipality_id = ${m} and pl.label = r.label`;
  await tx.raw(
    `insert into price_rates (municipality_id, price_list_id, price_group, time_band, provider_kind, area, unit, rate)
     select ${m}, pl.id, r.price_group, r.time_band, r.provider_kind, r.area, r.unit, r.rate from import_resolved r ${list}
      where ${ok} and r.level_code is null and r.cur_id is null order by r.row_no`,
  );
  await tx.raw(
    `update price_rates pr set unit = r.unit, rate = r.rate from import_resolved r ${list}
      where ${ok} and r.level_code is null and not r.same and r.cur_id is not null and pr.municipality_id = ${m} and pr.id = r.cur_id`,
  );
  await tx.raw(
    `insert into level_rates (municipality_id, price_list_id, level_code, provider_kind, area, unit, rate)
     select ${m}, pl.id, r.level_code, r.provider_kind, r.area, r.unit, r.rate from import_resolved r ${list}
      where ${ok} and r.level_code is not null and r.cur_id is null order by r.row_no`,
  );
  await tx.raw(
    `update level_rates lr set unit = r.unit, rate = r.rate from import_resolved r ${list}
      where ${ok} and r.level_code is not null and not r.same and r.cur_id is not null and lr.municipality_id = ${m}
        and lr.price_list_id = pl.id and lr.level_code = r.level_code and lr.provider_kind = r.provider_kind and lr.area = r.area`,
  );
}

export const pricesImport = masterKind({
  kind: 'prices',
  fields: PRICE_FIELDS,
  columns: [
    ['label', 'text'],
    ['valid_from', 'date'],
    ['valid_to', 'date'],
    ['status', 'text'],
    ['price_group', 'text'],
    ['time_band', 'text'],
    ['level_code', 'text'],
    ['provider_kind', 'text'],
    ['area', 'text'],
    ['unit', 'text'],
    ['rate', 'numeric'],
  ],
  read(v) {
    const from = must(date(v[1], 'valid_from'), 'valid_from');
    const label = limited(v[0], 'price_list', 100) ?? `Prices from ${from}`;
    const to = date(v[2], 'valid_to');
    if (to !== null && to <= from) throw rowError('valid_to', 'must be after valid_from (the end date is exclusive)');
    const status = word(v[3], 'status', STATUSES, ['proposed', 'adopted', 'recalculated']) ?? 'adopted';
    const group = code(v[4], 'price_group', BAND, '1–64 letters, digits, _ . or -');
    const band = code(v[5], 'time_band', BAND, '1–64 letters, digits, _ . or -');
    const level = code(v[6], 'level');
    if (level === null && group === null) throw rowError('price_group', 'is required (or a level, for a level rate)');
    if (level === null && band === null) throw rowError('time_band', 'is required for an hourly rate');
    if (level !== null && (group !== null || band !== null))
      throw rowError(
        group !== null ? 'price_group' : 'time_band',
        'is not given for a level rate (a row is a price-group rate or a level rate)',
      );
    const kind = must(code(v[7], 'provider_kind', BAND, '1–64 letters, digits, _ . or -'), 'provider_kind');
    const a = text(v[8], 'area');
    const area = a === null ? '' : ref(a, 'area');
    const unit =
      level === null
        ? (word(v[9], 'unit', RATE_UNITS, ['per_hour', 'per_visit', 'per_month']) ?? 'per_hour')
        : word(v[9], 'unit', LEVEL_UNITS, ['per_day', 'per_week', 'per_month']);
    if (unit === null) throw rowError('unit', 'is required for a level rate (per_day, per_week or per_month)');
    const rate = must(decimal(v[10], 'rate', 4, 10), 'rate');
    return [label, from, to, status, group, band, level, kind, area, unit, rate];
  },
  resolve,
  merge,
});
