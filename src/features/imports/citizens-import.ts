import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { citizenRef, ref, required, text } from './import-values.js';
import { masterKind } from './master-import.js';

/**
 * Citizens by their case-system reference. The national id (CPR / personnummer) is never
 * imported in bulk: it is given on one citizen through the API, kept only as a keyed hash.
 */
export const CITIZEN_FIELDS = [
  {
    name: 'ref',
    required: true,
    aliases: [
      'citizen',
      'citizen_ref',
      'borger',
      'borger_id',
      'borgernummer',
      'kund',
      'kund_id',
      'kundnummer',
      'brukare',
      'brukar_id',
      'brukare_id',
    ],
  },
  { name: 'area', required: false, aliases: ['område', 'distrikt'] },
] as const satisfies readonly FieldSpec[];

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  const checks = [
    {
      when: 's.first_row < s.row_no',
      field: 'ref',
      message: `format('citizen "%s" is given twice in this file (first in row %s)', s.ref, s.first_row)`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select s.row_no, s.ref, s.area, cur.id as cur_id, coalesce(cur.area is not distinct from s.area, false) as same,
            ${firstFailure(checks, 'field')} as err_field, ${firstFailure(checks, 'message')} as err_message
       from (select *, min(row_no) over (partition by ref) as first_row from import_staging) s
       left join citizens cur on cur.municipality_id = ? and cur.ref = s.ref`,
    [m],
  );
}

async function merge(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await tx.raw(
    `insert into citizens (municipality_id, ref, area)
     select ?, ref, area from import_resolved where err_field is null and cur_id is null order by row_no`,
    [m],
  );
  await tx.raw(
    `update citizens c set area = r.area, updated_at = now() from import_resolved r
      where c.municipality_id = ? and c.id = r.cur_id and r.err_field is null and not r.same`,
    [m],
  );
}

export const citizensImport = masterKind({
  kind: 'citizens',
  fields: CITIZEN_FIELDS,
  columns: [
    ['ref', 'text'],
    ['area', 'text'],
  ],
  read(v) {
    const r = citizenRef(required(v[0], 'ref'), 'ref');
    const a = text(v[1], 'area');
    return [r, a === null ? null : ref(a, 'area')];
  },
  resolve,
  merge,
});
