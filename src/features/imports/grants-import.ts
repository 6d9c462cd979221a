import type { Knex } from 'knex';
import { mergeResolvedVersions } from '../../db/versioned-records.js';
import { DURATION_WORDS, FREQUENCIES, FREQUENCY_WORDS, foldName, GRANT_FIELDS, WEEKDAY_WORDS } from './import-fields.js';
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
  copyArray,
  copyValue,
  date,
  externalId,
  int,
  isRowError,
  ref,
  required,
  rowError,
  text,
  timeOfDay,
  word,
} from './import-values.js';

const COLUMNS = [
  'external_id',
  'source_system',
  'citizen_ref',
  'service_code',
  'minutes',
  'frequency_type',
  'frequency_count',
  'weekdays',
  'time_band',
  'planned_time',
  'staff_count',
  'valid_from',
  'valid_to',
  'duration_kind',
] as const;

const CONTENT = [
  'citizen_id',
  'service_code',
  'category',
  'minutes_per_occurrence',
  'frequency_type',
  'frequency_count',
  'weekdays',
  'time_band',
  'planned_time',
  'staff_count',
  'valid_from',
  'valid_to',
  'duration_kind',
];

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;
const TIME_BAND = /^[\p{L}\p{N}_ .-]{1,64}$/u;

/** Weekdays as `mon,wed,fri`, `1,3,5`, Danish `man,ons,fre` or Swedish `mån,ons,fre` (or a JSON list). */
function weekdays(v: unknown, field: string): number[] | null {
  const parts = Array.isArray(v) ? v.map((x) => text(x, field) ?? '') : (text(v, field)?.split(/[\s,;|/]+/) ?? []);
  const days = new Set<number>();
  for (const p of parts) {
    if (p === '') continue;
    const d = WEEKDAY_WORDS.get(foldName(p).replace(/\.$/, ''));
    if (d === undefined) throw rowError(field, `not a weekday: "${p}" (use e.g. mon,wed,fri or 1,3,5)`);
    days.add(d);
  }
  return days.size ? [...days].sort((a, b) => a - b) : null;
}

function lineWriter(ctx: LineContext) {
  return (v: unknown[], row: number): string => {
    let id: string | null = null;
    let source: string | null = ctx.defaultSource;
    try {
      id = externalId(v[0], 'external_id');
      const src = text(v[1], 'source_system');
      if (src !== null) source = ref(src, 'source_system');
      const citizen = citizenRef(required(v[2], 'citizen_ref'), 'citizen_ref');
      const code = required(v[3], 'service_code');
      if (!CODE.test(code)) throw rowError('service_code', `not a service code: "${code}"`);
      const minutes = int(v[4], 'minutes', 0, 1440);
      const frequency = word(v[5], 'frequency', FREQUENCY_WORDS, FREQUENCIES);
      if (frequency === null) throw rowError('frequency', 'is required');
      const times = int(v[6], 'times', 1, 100) ?? 1;
      const days = weekdays(v[7], 'weekdays');
      if (frequency === 'weekdays' && days === null) throw rowError('weekdays', 'is required when frequency is weekdays');
      if (frequency !== 'weekdays' && days !== null)
        throw rowError('weekdays', `is only for frequency weekdays (frequency is ${frequency})`);
      const band = text(v[8], 'time_band');
      if (band !== null && !TIME_BAND.test(band))
        throw rowError('time_band', `must be 1–64 letters, digits, spaces, _ . or -, got "${band}"`);
      const planned = timeOfDay(v[9], 'planned_time');
      const staff = int(v[10], 'staff_count', 1, 2) ?? 1;
      const from = date(v[11], 'valid_from');
      if (from === null) throw rowError('valid_from', 'is required');
      const to = date(v[12], 'valid_to');
      if (to !== null && to <= from) throw rowError('valid_to', 'must be after valid_from (the end date is exclusive)');
      const duration = word(v[13], 'duration', DURATION_WORDS, ['temporary', 'permanent']) ?? 'permanent';
      return `${row}\t${copyValue(id)}\t${source}\t${citizen}\t${code}\t${copyValue(minutes)}\t${frequency}\t${times}\t${days ? copyArray(days) : '\\N'}\t${copyValue(band)}\t${copyValue(planned)}\t${staff}\t${from}\t${copyValue(to)}\t${duration}\t\\N\t\\N\n`;
    } catch (e) {
      if (!isRowError(e)) throw e;
      return rejectedLine(COLUMNS.length, row, e.field, e.message, id, source);
    }
  };
}

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await collectDuplicates(tx);
  await collectCatalogue(tx, m);
  const checks = [
    {
      when: 'd.first_row < s.row_no',
      field: 'external_id',
      message: `format('duplicate external id "%s" in this file (first in row %s)', s.external_id, d.first_row)`,
    },
    { when: 'c.id is null', field: 'citizen_ref', message: `format('unknown citizen "%s"', s.citizen_ref)` },
    {
      when: 'cat.code is null',
      field: 'service_code',
      message: `case when exists (select 1 from import_catalogue k where k.code = s.service_code)
                     then format('service code "%s" is not in the catalogue in force on %s', s.service_code, s.valid_from)
                     else format('unknown service code "%s"', s.service_code) end`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select r.*, cur.id as cur_id, cur.version as cur_version,
            coalesce((${CONTENT.map((c) => `cur.${c}`).join(', ')}) is not distinct from
                     (${CONTENT.map((c) => `r.${c}`).join(', ')}), false) as same
       from (
         select s.row_no, s.source_system, s.external_id, c.id as citizen_id, s.service_code, cat.category,
                coalesce(s.minutes, cat.standard_minutes) as minutes_per_occurrence,
                s.frequency_type, s.frequency_count, s.weekdays, s.time_band, s.planned_time, s.staff_count,
                s.valid_from, s.valid_to, s.duration_kind,
                ${firstFailure(checks, 'field')} as err_field,
                ${firstFailure(checks, 'message')} as err_message
           from import_staging s
           left join import_dups d on d.source_system = s.source_system and d.external_id = s.external_id
           left join citizens c on c.municipality_id = ? and c.ref = s.citizen_ref
           left join import_catalogue cat on cat.code = s.service_code
                                          and s.valid_from >= cat.valid_from and s.valid_from < cat.valid_to
       ) r
       left join grants cur on cur.municipality_id = ? and cur.source_system = r.source_system
                           and cur.external_id = r.external_id and cur.superseded_at is null`,
    [m, m],
  );
}

const merge = (tx: Knex.Transaction, { municipalityId, batchId }: ResolveContext) =>
  mergeResolvedVersions(tx, 'grants', CONTENT, municipalityId, batchId);

export const grantsImport: ImportKind = {
  kind: 'grants',
  fields: GRANT_FIELDS,
  stagingColumnNames: COLUMNS,
  stagingColumns: `
    external_id text, source_system text, citizen_ref text, service_code text, minutes integer,
    frequency_type text, frequency_count integer, weekdays smallint[], time_band text, planned_time time,
    staff_count smallint, valid_from date, valid_to date, duration_kind text`,
  lineWriter,
  resolve,
  merge,
};
