import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { required, rowError } from './import-values.js';
import { code, limited, masterKind } from './master-import.js';

/**
 * The municipality's areas and their names (docs/areas.md), identified by their code: imported
 * before citizens, prices and budgets, which name them (the import does not require it: an area
 * not in the list is shown by its code). A new area needs its name; on a stored area an empty name
 * keeps the stored one. A code that differs from a stored one, or from an earlier row's, only in
 * letter case is rejected ("Urban" beside "urban"). The import never deletes an area (DELETE /api/areas/{code} does,
 * when unused).
 */
export const AREA_FIELDS = [
  { name: 'code', required: true, aliases: ['area', 'kode', 'kod', 'område', 'omrade', 'områdekode', 'områdeskode', 'area_code'] },
  { name: 'name', required: false, aliases: ['navn', 'namn', 'områdenavn', 'områdesnamn', 'area_name', 'betegnelse', 'benämning'] },
] as const satisfies readonly FieldSpec[];

const AREA_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  const checks = [
    {
      when: 's.first_row < s.row_no',
      field: 'code',
      message: `format('area "%s" is given twice in this file (first in row %s)', s.code, s.first_row)`,
    },
    {
      when: 's.cur_id is null and s.variant is not null',
      field: 'code',
      message: `format('area "%s" differs from the stored area "%s" only in letter case; use "%s"', s.code, s.variant, s.variant)`,
    },
    {
      when: 's.first_spelling <> s.code',
      field: 'code',
      message: `format('area "%s" differs from "%s" (row %s) only in letter case', s.code, s.first_spelling, s.first_spelling_row)`,
    },
    { when: 's.name is null', field: 'name', message: `format('is required for a new area ("%s" is not stored)', s.code)` },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select s.row_no, s.code, s.name, s.cur_id, coalesce(s.cur_name is not distinct from s.name, false) as same,
            ${firstFailure(checks, 'field')} as err_field, ${firstFailure(checks, 'message')} as err_message
       from (select f.row_no, f.code, cur.code as cur_id, cur.name as cur_name, coalesce(f.name, cur.name) as name,
                    min(f.row_no) over (partition by f.code) as first_row, f.err_field, f.err_message,
                    first_value(f.code) over (partition by lower(f.code) order by f.row_no) as first_spelling,
                    min(f.row_no) over (partition by lower(f.code)) as first_spelling_row,
                    (select v.code from areas v where v.municipality_id = ? and lower(v.code) = lower(f.code) and v.code <> f.code
                      order by v.code limit 1) as variant
               from import_staging f
               left join areas cur on cur.municipality_id = ? and cur.code = f.code) s`,
    [m, m],
  );
}

async function merge(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await tx.raw(
    `update areas a set name = r.name, updated_at = now() from import_resolved r
      where a.municipality_id = ? and a.code = r.cur_id and r.err_field is null and not r.same`,
    [m],
  );
  await tx.raw(
    `insert into areas (municipality_id, code, name)
     select ?, code, name from import_resolved where err_field is null and cur_id is null order by row_no`,
    [m],
  );
}

export const areasImport = masterKind({
  kind: 'areas',
  fields: AREA_FIELDS,
  columns: [
    ['code', 'text'],
    ['name', 'text'],
  ],
  read(v) {
    const c = code(required(v[0], 'code'), 'code', AREA_CODE, '1–64 letters, digits, _ . or -');
    if (c === null) throw rowError('code', 'is required');
    return [c, limited(v[1], 'name', 100)];
  },
  resolve,
  merge,
});
