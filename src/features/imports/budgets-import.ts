import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { firstFailure, type ResolveContext } from './import-kind.js';
import { int, ref, rowError, text } from './import-values.js';
import { parseAmount } from '../budget-checks/budget-import.js';
import { category, limited, masterKind } from './master-import.js';

/** Budget lines, identified by (year, area, category); an empty area or category means all. */
export const BUDGET_FIELDS = [
  { name: 'year', required: true, aliases: ['år', 'budgetår', 'budget_year'] },
  { name: 'area', required: false, aliases: ['område', 'distrikt'] },
  { name: 'category', required: false, aliases: ['kategori', 'ydelsesområde', 'ydelseskategori', 'insatskategori'] },
  { name: 'amount', required: true, aliases: ['beløb', 'belopp', 'budget', 'budgetbeløb', 'budgetbelopp'] },
  { name: 'note', required: false, aliases: ['notat', 'bemærkning', 'anteckning', 'kommentar'] },
] as const satisfies readonly FieldSpec[];

const ALL = new Set(['*', 'all', 'alle', 'alla']);

async function resolve(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  const checks = [
    {
      when: 's.first_row < s.row_no',
      field: 'year',
      message: `format('the budget line %s / %s / %s is given twice in this file (first in row %s)', s.year, coalesce(s.area, 'all areas'), coalesce(s.category, 'all categories'), s.first_row)`,
    },
  ];
  await tx.raw(
    `create temp table import_resolved on commit drop as
     select s.row_no, s.year, s.area, s.category, s.amount, s.note, cur.id as cur_id,
            coalesce((cur.amount, cur.note) is not distinct from (s.amount, s.note), false) as same,
            ${firstFailure(checks, 'field')} as err_field, ${firstFailure(checks, 'message')} as err_message
       from (select *, min(row_no) over (partition by year, area, category) as first_row from import_staging) s
       left join budgets cur on cur.municipality_id = ? and cur.year = s.year
                            and cur.area is not distinct from s.area and cur.category is not distinct from s.category`,
    [m],
  );
}

async function merge(tx: Knex.Transaction, { municipalityId: m }: ResolveContext): Promise<void> {
  await tx.raw(
    `insert into budgets (municipality_id, year, area, category, amount, note)
     select ?, year, area, category, amount, note from import_resolved where err_field is null and cur_id is null order by row_no`,
    [m],
  );
  await tx.raw(
    `update budgets b set amount = r.amount, note = r.note, updated_at = now() from import_resolved r
      where b.municipality_id = ? and b.id = r.cur_id and r.err_field is null and not r.same`,
    [m],
  );
}

export const budgetsImport = masterKind({
  kind: 'budgets',
  fields: BUDGET_FIELDS,
  columns: [
    ['year', 'integer'],
    ['area', 'text'],
    ['category', 'text'],
    ['amount', 'numeric'],
    ['note', 'text'],
  ],
  read(v) {
    const year = int(v[0], 'year', 2000, 2100);
    if (year === null) throw rowError('year', 'is required');
    const a = text(v[1], 'area');
    const area = a === null || ALL.has(a.toLowerCase()) ? null : ref(a, 'area');
    const c = text(v[2], 'category');
    const cat = c === null || ALL.has(c.toLowerCase()) ? null : category(c, 'category');
    const given = text(v[3], 'amount');
    if (given === null) throw rowError('amount', 'is required');
    // As the budget CSV reads it: "12500000.00", "12500000,00", "12.500.000,00".
    const amount = parseAmount(given);
    if (amount === null) throw rowError('amount', `must be an amount of at least 0 with at most 2 decimals, got "${given.slice(0, 40)}"`);
    return [year, area, cat, amount, limited(v[4], 'note', 500)];
  },
  resolve,
  merge,
});
