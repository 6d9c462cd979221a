import type { Knex } from 'knex';
import type { FieldSpec } from './import-fields.js';
import { copyValue } from './import-values.js';

export const IMPORT_KINDS = [
  'visits',
  'grants',
  'provider-kinds',
  'areas',
  'providers',
  'catalogue',
  'levels',
  'prices',
  'citizens',
  'choices',
  'absences',
  'level-grants',
  'budgets',
] as const;
export type ImportKindName = (typeof IMPORT_KINDS)[number];

export interface LineContext {
  zone: string;
  defaultSource: string;
}

export interface ResolveContext {
  municipalityId: number;
  zone: string;
  batchId: number;
}

/**
 * What differs between importing visits and grants. Rows are normalised in Node into the COPY
 * line of a staging table (row_no first, err_field and err_message last); `resolve` then fills
 * the temp table import_resolved set-based (row_no, err_field, err_message, cur_id, same, …)
 * and `merge` writes the new current versions from it.
 */
export interface ImportKind {
  readonly kind: ImportKindName;
  readonly fields: readonly FieldSpec[];
  /** Column definitions of the staging table between row_no and err_field/err_message. */
  readonly stagingColumns: string;
  readonly stagingColumnNames: readonly string[];
  lineWriter(ctx: LineContext): (values: unknown[], row: number) => string;
  resolve(tx: Knex.Transaction, ctx: ResolveContext): Promise<void>;
  merge(tx: Knex.Transaction, ctx: ResolveContext): Promise<void>;
}

/** The COPY line of a rejected row: identity (for duplicate detection) and the reason, nothing else. */
export function rejectedLine(
  columnCount: number,
  row: number,
  field: string,
  message: string,
  externalId: string | null = null,
  source: string | null = null,
): string {
  return `${row}\t${copyValue(externalId)}\t${copyValue(source)}${'\t\\N'.repeat(columnCount - 2)}\t${copyValue(field)}\t${copyValue(message)}\n`;
}

/** Shared tail of resolve: duplicates within the file (later occurrences are rejected). */
export async function collectDuplicates(tx: Knex.Transaction): Promise<void> {
  await tx.raw(`
    create temp table import_dups on commit drop as
    select source_system, external_id, min(row_no) as first_row
      from import_staging
     where external_id is not null and source_system is not null
     group by source_system, external_id
    having count(*) > 1`);
  await tx.raw('analyze import_dups');
}

/** The municipality's whole catalogue history (small): code, validity, category, standard minutes. */
export async function collectCatalogue(tx: Knex.Transaction, municipalityId: number): Promise<void> {
  await tx.raw(
    `create temp table import_catalogue on commit drop as
     select s.code, cv.valid_from, coalesce(cv.valid_to, 'infinity'::date) as valid_to, s.category, s.standard_minutes
       from services s
       join catalogue_versions cv on cv.municipality_id = s.municipality_id and cv.id = s.catalogue_version_id
      where s.municipality_id = ?`,
    [municipalityId],
  );
  await tx.raw('analyze import_catalogue');
}

/** A CASE expression choosing the first failing check (in order) for one output column. */
export function firstFailure(checks: ReadonlyArray<{ when: string; field: string; message: string }>, what: 'field' | 'message'): string {
  const arms = checks.map((c) => `when ${c.when} then ${what === 'field' ? `'${c.field}'` : c.message}`).join('\n         ');
  return `case when s.err_field is not null then s.${what === 'field' ? 'err_field' : 'err_message'}
         ${arms} end`;
}
