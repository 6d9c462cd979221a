import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { required, rowError } from './import-values.js';
import { bool, code, limited, masterKind } from './master-import.js';

/**
 * The municipality's provider kinds (docs/provider-kinds.md), identified by their code: imported
 * before providers and prices, which name them. A new kind needs its three names; on a stored kind
 * an empty name or in-house cell keeps the stored value, an empty own name clears it. At most one
 * kind is in-house: a second in-house row of the file is rejected, and so is an in-house row while
 * a stored kind holds the mark, unless the file gives that kind as not in-house (the mark then
 * moves). The import never deletes a kind (DELETE /api/provider-kinds/{code} does, when unused).
 */
export const PROVIDER_KIND_FIELDS = [
  {
    name: 'code',
    required: true,
    aliases: ['kind', 'provider_kind', 'kode', 'kod', 'leverandørtype', 'leverandørart', 'regi', 'driftsform', 'utförartyp'],
  },
  { name: 'name_da', required: false, aliases: ['navn_da', 'namn_da', 'dansk_navn', 'danskt_namn', 'navn_dansk', 'danish_name'] },
  { name: 'name_sv', required: false, aliases: ['navn_sv', 'namn_sv', 'svensk_navn', 'svenskt_namn', 'navn_svensk', 'swedish_name'] },
  {
    name: 'name_en',
    required: false,
    aliases: ['navn_en', 'namn_en', 'engelsk_navn', 'engelskt_namn', 'navn_engelsk', 'english_name'],
  },
  { name: 'own_name', required: false, aliases: ['eget_navn', 'eget_namn', 'kommunens_navn', 'kommunens_namn'] },
  { name: 'in_house', required: false, aliases: ['egen_drift', 'kommunal_drift', 'egen_regi', 'kommunal_regi', 'inhouse'] },
] as const satisfies readonly FieldSpec[];

const KIND_CODE = /^[a-z0-9_-]{1,32}$/;
const NAMES = ['name_da', 'name_sv', 'name_en'] as const;
const CONTENT = [...NAMES, 'own_name', 'in_house'] as const;

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  // The row's values after the stored ones fill its empty name and in-house cells.
  const rowChecks = [
    {
      when: 's.first_row < s.row_no',
      field: 'code',
      message: `format('provider kind "%s" is given twice in this file (first in row %s)', s.code, s.first_row)`,
    },
    ...NAMES.map((n) => ({
      when: `s.${n} is null`,
      field: n,
      message: `format('is required for a new provider kind ("%s" is not stored)', s.code)`,
    })),
  ];
  await tx.raw(
    `create temp table import_kinds on commit drop as
     select s.row_no, s.code, s.cur_id, ${NAMES.map((n) => `s.${n}`).join(', ')}, s.own_name, s.in_house,
            ${firstFailure(rowChecks, 'field')} as err_field, ${firstFailure(rowChecks, 'message')} as err_message
       from (select f.row_no, f.code, cur.id as cur_id, ${NAMES.map((n) => `coalesce(f.${n}, cur.${n}) as ${n}`).join(', ')},
                    f.own_name, coalesce(f.in_house, cur.in_house, false) as in_house,
                    min(f.row_no) over (partition by f.code) as first_row, f.err_field, f.err_message
               from import_staging f
               left join provider_kinds cur on cur.municipality_id = ? and cur.code = f.code) s`,
    [m],
  );
  const inHouseChecks = [
    {
      when: 's.in_house and s.first_in_house < s.row_no',
      field: 'in_house',
      message: `format('at most one provider kind is in-house: row %s of this file marks one already', s.first_in_house)`,
    },
    {
      when: 's.in_house and held.code is not null',
      field: 'in_house',
      message: `format('provider kind "%s" is the in-house kind (at most one is): give it in this file with in_house "no" to move the mark', held.code)`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select s.row_no, s.code, ${CONTENT.map((c) => `s.${c}`).join(', ')}, s.cur_id,
            coalesce((${CONTENT.map((c) => `cur.${c}`).join(', ')}) is not distinct from (${CONTENT.map((c) => `s.${c}`).join(', ')}), false) as same,
            ${firstFailure(inHouseChecks, 'field')} as err_field, ${firstFailure(inHouseChecks, 'message')} as err_message
       from (select k.*, min(k.row_no) filter (where k.err_field is null and k.in_house) over () as first_in_house
               from import_kinds k) s
       left join provider_kinds cur on cur.municipality_id = ? and cur.id = s.cur_id
       left join lateral (
         select pk.code from provider_kinds pk
          where pk.municipality_id = ? and pk.in_house and pk.code <> s.code
            and not exists (select 1 from import_kinds u where u.err_field is null and u.code = pk.code and not u.in_house)
          limit 1) held on s.in_house`,
    [m, m],
  );
}

async function merge(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  // The mark leaves the stored kind before it reaches another (one in-house kind at any moment).
  await tx.raw(
    `update provider_kinds p set in_house = false, updated_at = now() from import_resolved r
      where p.municipality_id = ? and p.id = r.cur_id and r.err_field is null and not r.in_house and p.in_house`,
    [m],
  );
  await tx.raw(
    `update provider_kinds p set ${CONTENT.map((c) => `${c} = r.${c}`).join(', ')}, updated_at = now()
       from import_resolved r
      where p.municipality_id = ? and p.id = r.cur_id and r.err_field is null and not r.same`,
    [m],
  );
  await tx.raw(
    `insert into provider_kinds (municipality_id, code, ${CONTENT.join(', ')})
     select ?, code, ${CONTENT.join(', ')} from import_resolved where err_field is null and cur_id is null order by row_no`,
    [m],
  );
}

export const providerKindsImport = masterKind({
  kind: 'provider-kinds',
  fields: PROVIDER_KIND_FIELDS,
  columns: [
    ['code', 'text'],
    ['name_da', 'text'],
    ['name_sv', 'text'],
    ['name_en', 'text'],
    ['own_name', 'text'],
    ['in_house', 'boolean'],
  ],
  read(v) {
    const c = code(required(v[0], 'code'), 'code', KIND_CODE, '1–32 lower-case letters, digits, - or _');
    if (c === null) throw rowError('code', 'is required');
    return [
      c,
      limited(v[1], 'name_da', 100),
      limited(v[2], 'name_sv', 100),
      limited(v[3], 'name_en', 100),
      limited(v[4], 'own_name', 100),
      bool(v[5], 'in_house'),
    ];
  },
  resolve,
  merge,
});
