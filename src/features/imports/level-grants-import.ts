import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { ABSENCE_FIELDS } from './absences-import.js';
import type { ResolveContext } from './import-kind.js';
import { citizenRef, date, required, rowError } from './import-values.js';
import { code, masterKind, mergePeriods, resolvePeriods } from './master-import.js';

/** Level grants (niveau / nivå / forløb of a citizen), identified by (citizen, valid_from). */
export const LEVEL_GRANT_FIELDS = [
  ABSENCE_FIELDS[0],
  { name: 'level', required: true, aliases: ['level_code', 'niveau', 'nivå', 'forløb', 'forløbstype', 'forlob'] },
  ABSENCE_FIELDS[3],
  ABSENCE_FIELDS[4],
] as const satisfies readonly FieldSpec[];

const CONTENT = ['level_code', 'valid_to'];

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await resolvePeriods(tx, m, {
    table: 'level_grants',
    select: 's.level_code',
    content: CONTENT,
    keys: [],
    joins: `left join lateral (
              select exists (select 1 from catalogue_levels l join catalogue_versions v on v.municipality_id = l.municipality_id and v.id = l.catalogue_version_id
                              where l.municipality_id = ${m} and l.code = s.level_code
                                and s.valid_from >= v.valid_from and (v.valid_to is null or s.valid_from < v.valid_to)) as in_force,
                     exists (select 1 from catalogue_levels l where l.municipality_id = ${m} and l.code = s.level_code) as known) lv on true`,
    checks: [
      {
        when: 'not lv.in_force',
        field: 'level',
        message: `case when lv.known then format('level "%s" is not in the catalogue in force on %s', s.level_code, s.valid_from)
                       else format('unknown level "%s"', s.level_code) end`,
      },
    ],
    noun: 'level grant',
  });
}

export const levelGrantsImport = masterKind({
  kind: 'level-grants',
  fields: LEVEL_GRANT_FIELDS,
  columns: [
    ['citizen_ref', 'text'],
    ['level_code', 'text'],
    ['valid_from', 'date'],
    ['valid_to', 'date'],
  ],
  read(v) {
    const citizen = citizenRef(required(v[0], 'citizen_ref'), 'citizen_ref');
    const level = code(v[1], 'level');
    if (level === null) throw rowError('level', 'is required');
    const from = date(v[2], 'valid_from');
    if (from === null) throw rowError('valid_from', 'is required');
    const to = date(v[3], 'valid_to');
    if (to !== null && to <= from) throw rowError('valid_to', 'must be after valid_from (the end date is exclusive)');
    return [citizen, level, from, to];
  },
  resolve,
  merge: (tx, { municipalityId: m }) => mergePeriods(tx, m, 'level_grants', CONTENT, []),
});
