import { CATEGORIES, type Category } from '../../http/common-schemas.js';
import type { FieldSpec } from './import-fields.js';
import { foldName } from './import-fields.js';
import { firstFailure, rejectedLine, type ImportKind, type ImportKindName, type LineContext, type ResolveContext } from './import-kind.js';
import { copyArray, copyValue, isRowError, rowError, text, word } from './import-values.js';
import type { Knex } from 'knex';

/**
 * The shape every master-data import kind (providers, catalogue, prices, citizens, choices,
 * absences, level grants, budgets, models) shares: a row is read and checked in Node into the
 * typed columns of its staging table (no external id or source system: these records are
 * identified by their natural keys), `resolve` checks references and conflicts set-based and
 * `merge` writes. Rejected rows carry the field and the reason; nothing of a rejected row is
 * written.
 */
export type Cell = string | number | boolean | null | ReadonlyArray<string | number>;

export interface MasterKindSpec {
  kind: ImportKindName;
  fields: readonly FieldSpec[];
  /** Staging columns in order: name and SQL type. At least two (a rejected line fills the first two). */
  columns: ReadonlyArray<readonly [string, string]>;
  read: (values: unknown[], ctx: LineContext) => Cell[];
  resolve: (tx: Knex.Transaction, ctx: ResolveContext) => Promise<void>;
  merge: (tx: Knex.Transaction, ctx: ResolveContext) => Promise<void>;
}

const cell = (v: Cell): string =>
  v === null ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : Array.isArray(v) ? copyArray(v) : copyValue(v as string | number);

export function masterKind(spec: MasterKindSpec): ImportKind {
  const names = spec.columns.map(([n]) => n);
  return {
    kind: spec.kind,
    fields: spec.fields,
    stagingColumnNames: names,
    stagingColumns: spec.columns.map(([n, t]) => `${n} ${t}`).join(', '),
    lineWriter(ctx) {
      return (v, row) => {
        try {
          const cells = spec.read(v, ctx);
          return `${row}\t${cells.map(cell).join('\t')}\t\\N\t\\N\n`;
        } catch (e) {
          if (!isRowError(e)) throw e;
          return rejectedLine(names.length, row, e.field, e.message);
        }
      };
    },
    resolve: spec.resolve,
    merge: spec.merge,
  };
}

function wordMap<T extends string>(table: Record<T, readonly string[]>): Map<string, T> {
  const m = new Map<string, T>();
  for (const [value, words] of Object.entries(table) as Array<[T, readonly string[]]>) {
    m.set(foldName(value), value);
    for (const w of words) m.set(foldName(w), value);
  }
  return m;
}

export const CATEGORY_WORDS = wordMap<Category>({
  personal_care: ['personlig pleje', 'pleje', 'omvårdnad', 'personlig omvårdnad'],
  practical_help: ['praktisk hjælp', 'praktisk hjälp', 'service', 'serviceinsats'],
  meals: ['madservice', 'mad', 'matdistribution', 'måltider'],
  training: ['træning', 'genoptræning', 'träning', 'rehabilitering'],
  night_patrol: ['natpatrulje', 'nattepatrulje', 'nattpatrull', 'natt'],
  alarm: ['nødkald', 'nødkaldsanlæg', 'trygghetslarm', 'larm'],
  other: ['andet', 'øvrigt', 'annat', 'övrigt'],
});

export function category(v: unknown, field: string): Category | null {
  return word(v, field, CATEGORY_WORDS, CATEGORIES);
}

const BOOL_WORDS = wordMap<'true' | 'false'>({
  true: ['yes', 'ja', 'j', 'y', '1', 'sand', 'sant'],
  false: ['no', 'nej', 'n', '0', 'falsk', 'falskt'],
});

export function bool(v: unknown, field: string): boolean | null {
  if (typeof v === 'boolean') return v;
  const w = word(v, field, BOOL_WORDS, ['yes', 'no']);
  return w === null ? null : w === 'true';
}

/**
 * A non-negative decimal as text with at most `decimals` decimals: a point or a comma as the
 * decimal separator ("414.80", "414,80"); a space, a no-break space or an apostrophe may group
 * thousands. Never read through a float.
 */
export function decimal(v: unknown, field: string, decimals: number, maxIntegerDigits = 12): string | null {
  const s = text(v, field);
  if (s === null) return null;
  const t = s.replace(/[\s\u00a0']/g, '');
  const m = new RegExp(`^(\\d{1,${maxIntegerDigits}})(?:[.,](\\d{1,${decimals}}))?$`).exec(t);
  if (!m) {
    throw rowError(
      field,
      `must be an amount of at least 0 with at most ${decimals} decimals (a point or a comma before them), got "${s.length > 40 ? `${s.slice(0, 40)}…` : s}"`,
    );
  }
  return m[2] === undefined ? m[1]! : `${m[1]}.${m[2]}`;
}

/** Free text of at most `max` characters (names, labels, notes). */
export function limited(v: unknown, field: string, max: number): string | null {
  const s = text(v, field);
  if (s !== null && s.length > max) throw rowError(field, `must be at most ${max} characters (it has ${s.length})`);
  return s;
}

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;
/** A service, level or price-group code. */
export function code(v: unknown, field: string, re: RegExp = CODE, what = '1–32 letters, digits, _ . or -'): string | null {
  const s = text(v, field);
  if (s === null) return null;
  if (!re.test(s)) throw rowError(field, `must be ${what}, got "${s.length > 40 ? `${s.slice(0, 40)}…` : s}"`);
  return s;
}

export const must = <T>(value: T | null, field: string): T => {
  if (value === null) throw rowError(field, 'is required');
  return value;
};

/** A list of references written `A|B` or `A,B`, or a JSON list. */
export function refList(v: unknown, field: string): string[] {
  const parts = Array.isArray(v) ? v.map((x) => text(x, field) ?? '') : (text(v, field)?.split(/[|,;]/) ?? []);
  const out: string[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(p)) throw rowError(field, `must list references of 1–64 letters, digits, _ . or -, got "${p}"`);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * Provider kinds a rate or a provider may name: the codes of the municipality's own list
 * (provider_kinds, docs/provider-kinds.md). `knownProviderKinds` lists them for the message.
 */
export const knownProviderKind = (expr: string, municipalityId: number) =>
  `exists (select 1 from provider_kinds pk where pk.municipality_id = ${Number(municipalityId)} and pk.code = ${expr})`;
export const knownProviderKinds = (municipalityId: number) =>
  `(select string_agg(pk.code, ', ' order by pk.code) from provider_kinds pk where pk.municipality_id = ${Number(municipalityId)})`;

export interface PeriodKindSql {
  /** The table of the dated records. */
  table: 'absences' | 'level_grants' | 'provider_choices';
  /** Resolved columns besides row_no, citizen_id, valid_from, valid_to (expressions over s and joins, aliased). */
  select: string;
  /** Columns compared with the stored record to tell unchanged from updated. */
  content: readonly string[];
  /** Extra key columns besides the citizen (e.g. category); the natural key is (citizen, …, valid_from). */
  keys: readonly string[];
  joins: string;
  /** Checks before the overlap checks (after the citizen check), as for firstFailure. */
  checks: ReadonlyArray<{ when: string; field: string; message: string }>;
  /** What one record is called in a message: 'absence', 'level grant', 'choice'. */
  noun: string;
}

/**
 * Resolves dated records of a citizen (absences, level grants, provider choices): the natural key
 * is (citizen, keys…, valid_from); a row may not overlap another row of the file or a stored
 * record that the file does not also give (a stored record the file gives takes the file's dates).
 * Expects s.citizen_ref; joins the citizen as c.
 */
export async function resolvePeriods(tx: Knex.Transaction, m: number, k: PeriodKindSql): Promise<void> {
  const keys = k.keys.map((x) => `, s.${x}`).join('');
  const eq = (a: string, b: string) => k.keys.map((x) => ` and ${a}.${x} = ${b}.${x}`).join('');
  await tx.raw(
    `create temp table import_periods on commit drop as
     select s.*, c.id as citizen_id, min(s.row_no) over (partition by s.citizen_ref${keys}, s.valid_from) as first_row
       from import_staging s
       left join citizens c on c.municipality_id = ? and c.ref = s.citizen_ref`,
    [m],
  );
  // The rows that reach the overlap checks, indexed by citizen: each row looks only at its citizen's.
  await tx.raw(
    `create temp table import_ok on commit drop as
     select p.* from import_periods p where p.err_field is null and p.citizen_id is not null and p.first_row = p.row_no;
     create index on import_ok (citizen_id);
     analyze import_ok;
     create temp table import_matched on commit drop as
     select cur.id from import_ok ok join ${k.table} cur on cur.municipality_id = ${m} and cur.citizen_id = ok.citizen_id
                                                      and cur.valid_from = ok.valid_from${eq('cur', 'ok')};
     alter table import_matched add primary key (id);`,
  );
  await tx.raw(
    `create temp table import_period_conflicts on commit drop as
     select a.row_no,
            (select min(b.row_no) from import_ok b where b.citizen_id = a.citizen_id${eq('b', 'a')} and b.row_no < a.row_no
                and daterange(b.valid_from, b.valid_to) && daterange(a.valid_from, a.valid_to)) as file_row,
            (select format('%s to %s', e.valid_from, coalesce(e.valid_to::text, 'open')) from ${k.table} e
              where e.municipality_id = ${m} and e.citizen_id = a.citizen_id${eq('e', 'a')}
                and not exists (select 1 from import_matched x where x.id = e.id)
                and daterange(e.valid_from, e.valid_to) && daterange(a.valid_from, a.valid_to)
              order by e.valid_from limit 1) as stored
       from import_ok a`,
  );
  const checks = [
    {
      when: 's.first_row < s.row_no',
      field: 'valid_from',
      message: `format('this ${k.noun} is given twice in this file (first in row %s)', s.first_row)`,
    },
    { when: 's.citizen_id is null', field: 'citizen_ref', message: `format('unknown citizen "%s"', s.citizen_ref)` },
    ...k.checks,
    {
      when: 'x.file_row is not null',
      field: 'valid_from',
      message: `format('overlaps the ${k.noun} in row %s of this file', x.file_row)`,
    },
    {
      when: 'x.stored is not null',
      field: 'valid_from',
      message: `format('overlaps the stored ${k.noun} from %s (give it an end date, or give it in this file with its new dates)', x.stored)`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select r.*, cur.id as cur_id,
            coalesce((${k.content.map((c) => `cur.${c}`).join(', ')}) is not distinct from (${k.content.map((c) => `r.${c}`).join(', ')}), false) as same
       from (
         select s.row_no, s.citizen_id, s.valid_from, s.valid_to${keys}, ${k.select},
                ${firstFailure(checks, 'field')} as err_field, ${firstFailure(checks, 'message')} as err_message
           from import_periods s
           left join import_period_conflicts x on x.row_no = s.row_no
           ${k.joins}
       ) r
       left join ${k.table} cur on cur.municipality_id = ${m} and cur.citizen_id = r.citizen_id and cur.valid_from = r.valid_from${eq('cur', 'r')}`,
  );
}

/** Writes resolved dated records: changed ones first (they may make room), then new ones. */
export async function mergePeriods(tx: Knex.Transaction, m: number, table: string, content: readonly string[], keys: readonly string[]) {
  await tx.raw(
    `update ${table} t set ${content.map((c) => `${c} = r.${c}`).join(', ')}, updated_at = now() from import_resolved r
      where t.municipality_id = ? and t.id = r.cur_id and r.err_field is null and not r.same`,
    [m],
  );
  const cols = ['citizen_id', ...keys, 'valid_from', ...content.filter((c) => !keys.includes(c))];
  await tx.raw(
    `insert into ${table} (municipality_id, ${cols.join(', ')})
     select ?, ${cols.join(', ')} from import_resolved where err_field is null and cur_id is null order by row_no`,
    [m],
  );
}
