import type { Knex } from 'knex';
import { mergeResolvedVersions } from '../../db/versioned-records.js';
import { STATUS_WORDS, VISIT_FIELDS, VISIT_STATUSES } from './import-fields.js';
import {
  collectCatalogue,
  collectDuplicates,
  firstFailure,
  rejectedLine,
  type ImportKind,
  type LineContext,
  type ResolveContext,
} from './import-kind.js';
import {
  citizenRef,
  copyValue,
  externalId,
  InstantReader,
  int,
  isRowError,
  msText,
  ref,
  required,
  rowError,
  serviceCodesLiteral,
  text,
  word,
} from './import-values.js';

const COLUMNS = [
  'external_id',
  'source_system',
  'provider_ref',
  'citizen_ref',
  'service_codes',
  'planned_start',
  'planned_end',
  'actual_start',
  'actual_end',
  'status',
  'staff_count',
  'cancelled_at',
  'area',
] as const;

/** Content columns of a visit version: a re-import that differs in any of them is a new version. */
const CONTENT = [
  'provider_id',
  'citizen_id',
  'service_codes',
  'planned_start',
  'planned_end',
  'actual_start',
  'actual_end',
  'status',
  'staff_count',
  'cancelled_at',
  'area',
];

function lineWriter(ctx: LineContext) {
  const instants = new InstantReader(ctx.zone);
  return (v: unknown[], row: number): string => {
    let id: string | null = null;
    let source: string | null = ctx.defaultSource;
    try {
      id = externalId(v[0], 'external_id');
      const src = text(v[1], 'source_system');
      if (src !== null) source = ref(src, 'source_system');
      const provider = ref(required(v[2], 'provider_ref'), 'provider_ref');
      const citizen = citizenRef(required(v[3], 'citizen_ref'), 'citizen_ref');
      const codes = serviceCodesLiteral(v[4], 'service_codes');
      const ps = instants.read(v[5], 'planned_start');
      const pe = instants.read(v[6], 'planned_end');
      const as = instants.read(v[7], 'actual_start');
      const ae = instants.read(v[8], 'actual_end');
      const status = word(v[9], 'status', STATUS_WORDS, VISIT_STATUSES) ?? 'delivered';
      const staff = int(v[10], 'staff_count', 1, 4) ?? 1;
      const cancelledAt = instants.read(v[11], 'cancelled_at');
      const areaText = text(v[12], 'area');
      const area = areaText === null ? null : ref(areaText, 'area');
      if (ps === null && as === null) throw rowError('planned_start', 'planned_start or actual_start is required');
      if (pe !== null && ps === null) throw rowError('planned_start', 'is required when planned_end is given');
      if (pe !== null && pe <= ps!) throw rowError('planned_end', 'must be after planned_start (end before start)');
      if (ae !== null && as === null) throw rowError('actual_start', 'is required when actual_end is given');
      if (ae !== null && ae <= as!) throw rowError('actual_end', 'must be after actual_start (end before start)');
      if ((status === 'delivered' || status === 'replacement') && (as === null || ae === null)) {
        throw rowError(as === null ? 'actual_start' : 'actual_end', `is required for a ${status} visit`);
      }
      return `${row}\t${copyValue(id)}\t${source}\t${provider}\t${citizen}\t${codes}\t${msText(ps)}\t${msText(pe)}\t${msText(as)}\t${msText(ae)}\t${status}\t${staff}\t${msText(cancelledAt)}\t${copyValue(area)}\t\\N\t\\N\n`;
    } catch (e) {
      if (!isRowError(e)) throw e;
      return rejectedLine(COLUMNS.length, row, e.field, e.message, id, source);
    }
  };
}

/** Staged instants are epoch milliseconds (cheap to write and to COPY); this turns them into timestamptz. */
const instant = (col: string) => `(timestamptz 'epoch' + ${col} * interval '1 millisecond')`;

async function resolve(tx: Knex.Transaction, { municipalityId: m, zone }: ResolveContext): Promise<void> {
  await collectDuplicates(tx);
  await collectCatalogue(tx, m);
  // The visit's local date decides which catalogue applies. Distinct (codes, hour) pairs are few,
  // so the time-zone arithmetic and the unnest run on them, not on every row (the offsets of the
  // supported zones are whole hours, so an hour has one local date).
  const tz = zone.replace(/'/g, "''");
  await tx.raw(`
    create temp table import_bad_codes on commit drop as
    with hours as (
      select distinct service_codes, coalesce(actual_start, planned_start) / 3600000 as hour
        from import_staging
       where err_field is null),
    pairs as (
      select distinct u.code, ((timestamptz 'epoch' + h.hour * interval '1 hour') at time zone '${tz}')::date as day
        from hours h cross join unnest(h.service_codes) as u(code))
    select p.code, p.day, exists (select 1 from import_catalogue c where c.code = p.code) as known
      from pairs p
     where not exists (select 1 from import_catalogue c where c.code = p.code and p.day >= c.valid_from and p.day < c.valid_to)`);
  const bad = (await tx.raw('select count(*)::int as n from import_bad_codes')).rows[0].n > 0;
  const day = `(${instant('coalesce(s.actual_start, s.planned_start)')} at time zone '${tz}')::date`;
  await tx.raw(`
    create temp table import_row_codes on commit drop as
    select distinct on (s.row_no) s.row_no, b.code, b.day, b.known
      from import_staging s
      cross join unnest(s.service_codes) with ordinality as u(code, ord)
      join import_bad_codes b on b.code = u.code and b.day = ${day}
     where s.err_field is null and ${bad ? 'true' : 'false'}
     order by s.row_no, u.ord`);
  await tx.raw('analyze import_row_codes');
  const checks = [
    {
      when: 'd.first_row < s.row_no',
      field: 'external_id',
      message: `format('duplicate external id "%s" in this file (first in row %s)', s.external_id, d.first_row)`,
    },
    { when: 'p.id is null', field: 'provider_ref', message: `format('unknown provider "%s"', s.provider_ref)` },
    { when: 'c.id is null', field: 'citizen_ref', message: `format('unknown citizen "%s"', s.citizen_ref)` },
    {
      when: 'b.row_no is not null',
      field: 'service_codes',
      message: `case when b.known then format('service code "%s" is not in the catalogue in force on %s', b.code, b.day)
                     else format('unknown service code "%s"', b.code) end`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select r.*, cur.id as cur_id, cur.version as cur_version,
            coalesce((${CONTENT.map((c) => `cur.${c}`).join(', ')}) is not distinct from
                     (${CONTENT.map((c) => `r.${c}`).join(', ')}), false) as same
       from (
         select s.row_no, s.source_system, s.external_id, p.id as provider_id, c.id as citizen_id, s.service_codes,
                ${instant('s.planned_start')} as planned_start, ${instant('s.planned_end')} as planned_end,
                ${instant('s.actual_start')} as actual_start, ${instant('s.actual_end')} as actual_end,
                s.status, s.staff_count, ${instant('s.cancelled_at')} as cancelled_at, s.area,
                ${firstFailure(checks, 'field')} as err_field,
                ${firstFailure(checks, 'message')} as err_message
           from import_staging s
           left join import_dups d on d.source_system = s.source_system and d.external_id = s.external_id
           left join providers p on p.municipality_id = ? and p.ref = s.provider_ref
           left join citizens c on c.municipality_id = ? and c.ref = s.citizen_ref
           left join import_row_codes b on b.row_no = s.row_no
       ) r
       left join visits cur on cur.municipality_id = ? and cur.source_system = r.source_system
                           and cur.external_id = r.external_id and cur.superseded_at is null`,
    [m, m, m],
  );
}

const merge = (tx: Knex.Transaction, { municipalityId, batchId }: ResolveContext) =>
  mergeResolvedVersions(tx, 'visits', CONTENT, municipalityId, batchId);

export const visitsImport: ImportKind = {
  kind: 'visits',
  fields: VISIT_FIELDS,
  stagingColumnNames: COLUMNS,
  stagingColumns: `
    external_id text, source_system text, provider_ref text, citizen_ref text, service_codes text[],
    planned_start bigint, planned_end bigint, actual_start bigint, actual_end bigint,
    status text, staff_count smallint, cancelled_at bigint, area text`,
  lineWriter,
  resolve,
  merge,
};
