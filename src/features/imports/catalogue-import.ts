import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { foldName } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { date, int, rowError, word } from './import-values.js';
import { category, code, decimal, limited, masterKind, must } from './master-import.js';

/**
 * A catalogue version is identified by its first day (versions never overlap); a row of the
 * catalogue file is one service of the version from `valid_from`, a row of the levels file one
 * level. Every row of a version gives the same end date and label (or leaves them empty). A
 * service or level once stored is not changed: a catalogue that changes is a new version from a
 * later date. A version's end date and label follow the file.
 */
const VERSION_FIELDS = [
  {
    name: 'valid_from',
    required: true,
    aliases: [
      'from',
      'gyldig_fra',
      'fra',
      'fra_dato',
      'giltig_från',
      'från',
      'från_datum',
      'catalogue_from',
      'katalog_fra',
      'katalog_från',
    ],
  },
  { name: 'valid_to', required: false, aliases: ['to', 'gyldig_til', 'til', 'til_dato', 'giltig_till', 'till', 'till_datum'] },
  { name: 'catalogue', required: false, aliases: ['label', 'catalogue_label', 'katalog', 'indsatskatalog', 'insatskatalog'] },
] as const satisfies readonly FieldSpec[];

export const CATALOGUE_FIELDS = [
  ...VERSION_FIELDS,
  {
    name: 'code',
    required: true,
    aliases: ['service', 'service_code', 'ydelse', 'ydelseskode', 'indsats', 'indsatskode', 'insats', 'insatskod', 'kode', 'kod'],
  },
  { name: 'name', required: false, aliases: ['navn', 'namn', 'ydelsesnavn', 'indsatsnavn', 'insatsnamn', 'benævnelse', 'benämning'] },
  { name: 'category', required: true, aliases: ['kategori', 'ydelsesområde', 'ydelseskategori', 'insatskategori'] },
  { name: 'price_group', required: true, aliases: ['prisgruppe', 'prisgrupp', 'takstgruppe', 'takst'] },
  { name: 'standard_minutes', required: true, aliases: ['minutes', 'normtid', 'schablontid', 'minutter', 'minuter'] },
  { name: 'billing_unit', required: false, aliases: ['unit', 'enhed', 'enhet', 'afregningsenhed', 'debiteringsenhet'] },
] as const satisfies readonly FieldSpec[];

export const LEVEL_FIELDS = [
  ...VERSION_FIELDS,
  { name: 'code', required: true, aliases: ['level', 'level_code', 'niveau', 'nivå', 'forløb', 'forløbstype', 'kode', 'kod'] },
  { name: 'name', required: false, aliases: ['navn', 'namn', 'benævnelse', 'benämning'] },
  { name: 'category', required: true, aliases: ['kategori', 'ydelsesområde', 'ydelseskategori', 'insatskategori'] },
  {
    name: 'expected_hours_per_week',
    required: false,
    aliases: ['hours_per_week', 'timer_pr_uge', 'timer_per_uge', 'timmar_per_vecka', 'forventede_timer'],
  },
] as const satisfies readonly FieldSpec[];

const UNITS = new Map<string, 'per_minute' | 'per_visit' | 'per_month'>();
for (const [k, ws] of Object.entries({
  per_minute: ['minute', 'minut', 'pr minut', 'per minut', 'tid'],
  per_visit: ['visit', 'besøg', 'pr besøg', 'besök', 'per besök'],
  per_month: ['month', 'måned', 'pr måned', 'månad', 'per månad'],
}) as Array<['per_minute' | 'per_visit' | 'per_month', string[]]>) {
  UNITS.set(foldName(k), k);
  for (const w of ws) UNITS.set(foldName(w), k);
}

function versionCells(v: unknown[]): [string, string | null, string | null] {
  const from = must(date(v[0], 'valid_from'), 'valid_from');
  const to = date(v[1], 'valid_to');
  if (to !== null && to <= from) throw rowError('valid_to', 'must be after valid_from (the end date is exclusive)');
  return [from, to, limited(v[2], 'catalogue', 100)];
}

/**
 * The versions the file names (temp table import_versions): one per valid_from, its end date and
 * label from its first row, the stored version it is (cur_id), and why it cannot be written.
 */
async function resolveVersions(tx: Knex.Transaction, m: number): Promise<void> {
  await tx.raw(
    `create temp table import_versions on commit drop as
     with firsts as (
       select distinct on (valid_from) valid_from, valid_to, label, row_no as first_row
         from import_staging where err_field is null order by valid_from, row_no)
     select f.*, cv.id as cur_id, coalesce(f.label, cv.label, 'Catalogue from ' || f.valid_from) as final_label
       from firsts f left join catalogue_versions cv on cv.municipality_id = ? and cv.valid_from = f.valid_from`,
    [m],
  );
  await tx.raw(
    `alter table import_versions add column conflict text;
     update import_versions a set conflict = coalesce(
       (select format('the catalogue from %s overlaps the one from %s in this file', a.valid_from, b.valid_from)
          from import_versions b where b.valid_from < a.valid_from and daterange(b.valid_from, b.valid_to) && daterange(a.valid_from, a.valid_to) limit 1),
       (select format('the catalogue from %s overlaps the stored catalogue "%s" (%s to %s); give that one an end date first', a.valid_from, cv.label, cv.valid_from, coalesce(cv.valid_to::text, 'open'))
          from catalogue_versions cv where cv.municipality_id = ${m} and cv.valid_from not in (select valid_from from import_versions)
           and daterange(cv.valid_from, cv.valid_to) && daterange(a.valid_from, a.valid_to) order by cv.valid_from limit 1),
       (select format('the label "%s" belongs to the catalogue from %s', a.final_label, cv.valid_from)
          from catalogue_versions cv where cv.municipality_id = ${m} and cv.label = a.final_label and cv.valid_from <> a.valid_from limit 1))`,
  );
}

const versionChecks = [
  {
    when: 'v.valid_from is not null and v.valid_to is distinct from s.valid_to',
    field: 'valid_to',
    message: `format('the catalogue from %s is given another end date in row %s', s.valid_from, v.first_row)`,
  },
  {
    when: 'v.valid_from is not null and s.label is not null and v.label is distinct from s.label',
    field: 'catalogue',
    message: `format('the catalogue from %s is given another label in row %s', s.valid_from, v.first_row)`,
  },
  { when: 'v.conflict is not null', field: 'valid_from', message: 'v.conflict' },
];

async function writeVersions(tx: Knex.Transaction, m: number): Promise<void> {
  await tx.raw(
    `update catalogue_versions cv set valid_to = v.valid_to, label = v.final_label
       from import_versions v
      where cv.municipality_id = ? and cv.id = v.cur_id and v.conflict is null
        and (cv.valid_to is distinct from v.valid_to or cv.label <> v.final_label)
        and exists (select 1 from import_resolved r where r.valid_from = v.valid_from and r.err_field is null)`,
    [m],
  );
  await tx.raw(
    `insert into catalogue_versions (municipality_id, label, valid_from, valid_to)
     select ?, v.final_label, v.valid_from, v.valid_to from import_versions v
      where v.cur_id is null and v.conflict is null
        and exists (select 1 from import_resolved r where r.valid_from = v.valid_from and r.err_field is null)
      order by v.valid_from`,
    [m],
  );
}

const SERVICE_CONTENT = ['name', 'category', 'price_group', 'standard_minutes', 'billing_unit'];
const LEVEL_CONTENT = ['name', 'category', 'expected_hours_per_week'];

function resolveItems(table: 'services' | 'catalogue_levels', content: readonly string[], noun: string) {
  return async (tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> => {
    await resolveVersions(tx, m);
    const checks = [
      {
        when: 's.first_row < s.row_no',
        field: 'code',
        message: `format('${noun} "%s" of the catalogue from %s is given twice in this file (first in row %s)', s.code, s.valid_from, s.first_row)`,
      },
      ...versionChecks,
      {
        when: `cur.id is not null and (${content.map((c) => `cur.${c}`).join(', ')}) is distinct from (${content.map((c) => `s.${c}`).join(', ')})`,
        field: 'code',
        message: `format('${noun} "%s" of the stored catalogue from %s differs from this row; a stored catalogue is not changed: give the changed catalogue as a new version from a later date', s.code, s.valid_from)`,
      },
    ];
    await tx.raw(
      `create temp table import_resolved on commit drop as
       select s.row_no, s.valid_from, s.code, ${content.map((c) => `s.${c}`).join(', ')}, cur.id as cur_id, cur.id is not null as same,
              ${firstFailure(checks, 'field')} as err_field, ${firstFailure(checks, 'message')} as err_message
         from (select *, min(row_no) over (partition by valid_from, code) as first_row from import_staging) s
         left join import_versions v on v.valid_from = s.valid_from
         left join ${table} cur on cur.municipality_id = ? and cur.catalogue_version_id = v.cur_id and cur.code = s.code`,
      [m],
    );
  };
}

function mergeItems(table: 'services' | 'catalogue_levels', content: readonly string[]) {
  return async (tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> => {
    await writeVersions(tx, m);
    await tx.raw(
      `insert into ${table} (municipality_id, catalogue_version_id, code, ${content.join(', ')})
       select ?, cv.id, r.code, ${content.map((c) => `r.${c}`).join(', ')}
         from import_resolved r join catalogue_versions cv on cv.municipality_id = ? and cv.valid_from = r.valid_from
        where r.err_field is null and r.cur_id is null order by r.row_no`,
      [m, m],
    );
  };
}

const VERSION_COLUMNS = [
  ['valid_from', 'date'],
  ['valid_to', 'date'],
  ['label', 'text'],
] as const;

export const catalogueImport = masterKind({
  kind: 'catalogue',
  fields: CATALOGUE_FIELDS,
  columns: [
    ...VERSION_COLUMNS,
    ['code', 'text'],
    ['name', 'text'],
    ['category', 'text'],
    ['price_group', 'text'],
    ['standard_minutes', 'integer'],
    ['billing_unit', 'text'],
  ],
  read(v) {
    const version = versionCells(v);
    const c = must(code(v[3], 'code'), 'code');
    const name = limited(v[4], 'name', 200) ?? c;
    const cat = must(category(v[5], 'category'), 'category');
    const group = must(code(v[6], 'price_group', /^[A-Za-z0-9_.-]{1,64}$/, '1–64 letters, digits, _ . or -'), 'price_group');
    const minutes = must(int(v[7], 'standard_minutes', 0, 1440), 'standard_minutes');
    const unit = word(v[8], 'billing_unit', UNITS, ['per_minute', 'per_visit', 'per_month']) ?? 'per_minute';
    return [...version, c, name, cat, group, minutes, unit];
  },
  resolve: resolveItems('services', SERVICE_CONTENT, 'service'),
  merge: mergeItems('services', SERVICE_CONTENT),
});

export const levelsImport = masterKind({
  kind: 'levels',
  fields: LEVEL_FIELDS,
  columns: [...VERSION_COLUMNS, ['code', 'text'], ['name', 'text'], ['category', 'text'], ['expected_hours_per_week', 'numeric']],
  read(v) {
    const version = versionCells(v);
    const c = must(code(v[3], 'code'), 'code');
    const name = limited(v[4], 'name', 200) ?? c;
    const cat = must(category(v[5], 'category'), 'category');
    const hours = decimal(v[6], 'expected_hours_per_week', 2, 3);
    if (hours !== null && Number(hours) > 168) throw rowError('expected_hours_per_week', 'must be at most 168 hours');
    return [...version, c, name, cat, hours];
  },
  resolve: resolveItems('catalogue_levels', LEVEL_CONTENT, 'level'),
  merge: mergeItems('catalogue_levels', LEVEL_CONTENT),
});
