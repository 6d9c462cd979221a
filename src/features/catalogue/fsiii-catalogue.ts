import { z } from 'zod';
import { CATEGORIES, IsoDate, type Category } from '../../http/common-schemas.js';
import { badRequest, unprocessable } from '../../shared/errors.js';
import type { Acting } from '../auth/auth-types.js';
import { CsvSplitter, IMPORT_LIMITS } from '../imports/csv-reader.js';
import { foldName, nameIndex, resolveHeader, type FieldSpec } from '../imports/import-fields.js';
import { int, isRowError, rowError, text } from '../imports/import-values.js';
import { RowRejection } from '../imports/imports-schemas.js';
import { BillingUnit, FsiiiCode, type ServiceInput } from './catalogue-schemas.js';
import type { CatalogueService } from './catalogue-service.js';
import { fsiiiIntervention } from './fsiii.js';

/**
 * A catalogue from the FSIII intervention codes a care system uses: one row per intervention,
 * with the municipality's standard minutes. Name, service code, category and price group default
 * from FSIII (src/features/catalogue/fsiii.ts); the municipality may set each of them.
 */
export const FSIII_CATALOGUE_FIELDS = [
  { name: 'fsiii_code', required: true, aliases: ['fsiii', 'fs3', 'fs3_code', 'fsiii_kode', 'fsiii_kod', 'indsatskode_fsiii'] },
  { name: 'code', required: false, aliases: ['service_code', 'kode', 'ydelseskode', 'kod', 'insatskod'] },
  { name: 'name', required: false, aliases: ['navn', 'namn', 'ydelse', 'indsats', 'benævnelse'] },
  { name: 'category', required: false, aliases: ['kategori'] },
  { name: 'price_group', required: false, aliases: ['prisgruppe', 'prisgrupp'] },
  { name: 'standard_minutes', required: true, aliases: ['normtid', 'schablontid', 'minutes', 'minutter', 'minuter'] },
  { name: 'billing_unit', required: false, aliases: ['afregningsenhed', 'enhed', 'enhet', 'unit'] },
] as const satisfies readonly FieldSpec[];

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;
const PRICE_GROUP = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_ROWS = 5000;

export const FsiiiCatalogueRequest = z
  .strictObject({
    label: z.string().min(1).max(100),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
    rows: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(MAX_ROWS)
      .meta({ description: 'One object per FSIII intervention; keys as the CSV columns (docs/import-formats.md, "FSIII codes")' }),
  })
  .meta({ id: 'FsiiiCatalogueRequest' });
export type FsiiiCatalogueRequest = z.infer<typeof FsiiiCatalogueRequest>;

export const FsiiiCatalogueResult = z
  .object({
    catalogueVersionId: z.number().int(),
    label: z.string(),
    totalRows: z.number().int(),
    accepted: z.number().int(),
    rejected: z.array(RowRejection),
    rejectedTotal: z.number().int(),
  })
  .meta({ id: 'FsiiiCatalogueResult' });
export type FsiiiCatalogueResult = z.infer<typeof FsiiiCatalogueResult>;

/** One row as read: its number (CSV line, JSON position) and values by canonical field name. */
export interface FsiiiRow {
  row: number;
  values: Partial<Record<(typeof FSIII_CATALOGUE_FIELDS)[number]['name'], unknown>>;
}

/** The rows of a CSV file (header row; `;` `,` or tab), numbered by line as the other imports do. */
export function fsiiiRowsFromCsv(textIn: string): { rows: FsiiiRow[]; rejected: RowRejection[] } {
  const rows: FsiiiRow[] = [];
  const rejected: RowRejection[] = [];
  const index = nameIndex(FSIII_CATALOGUE_FIELDS);
  let columns: number[] | null = null;
  const splitter = new CsvSplitter(
    (fields, line) => {
      if (columns === null) {
        columns = resolveHeader(
          FSIII_CATALOGUE_FIELDS,
          index,
          fields.map((f) => f.trim()),
        );
        return;
      }
      if (fields.length !== columns.length) {
        rejected.push({ row: line, field: '_row', message: `has ${fields.length} fields, the header has ${columns.length}` });
        return;
      }
      const values: FsiiiRow['values'] = {};
      columns.forEach((f, c) => {
        if (f >= 0) values[FSIII_CATALOGUE_FIELDS[f]!.name] = fields[c];
      });
      rows.push({ row: line, values });
    },
    (line, _field, reason) => {
      if (columns === null) throw badRequest(`The header row was refused: ${reason}`, { line });
      rejected.push({ row: line, field: '_row', message: reason });
    },
    IMPORT_LIMITS,
  );
  splitter.push(textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn);
  splitter.end();
  if (columns === null)
    throw badRequest('The file is empty: expected a header row and one row per FSIII intervention').localised('fsiii.empty');
  return { rows, rejected };
}

/** Rows given as JSON objects (API body, or a .json file): keys as the CSV columns, in any of their spellings. */
export function fsiiiRowsFromObjects(objects: readonly Record<string, unknown>[]): { rows: FsiiiRow[]; rejected: RowRejection[] } {
  const index = nameIndex(FSIII_CATALOGUE_FIELDS);
  const rows: FsiiiRow[] = [];
  const rejected: RowRejection[] = [];
  objects.forEach((o, i) => {
    const values: FsiiiRow['values'] = {};
    for (const [key, v] of Object.entries(o)) {
      const f = index.get(foldName(key));
      if (f === undefined) {
        rejected.push({ row: i + 1, field: key, message: 'unknown field' });
        return;
      }
      values[FSIII_CATALOGUE_FIELDS[f]!.name] = v;
    }
    rows.push({ row: i + 1, values });
  });
  return { rows, rejected };
}

/** One row → a service of the new catalogue version, or the row's reason (thrown as a row error). */
export function serviceFromFsiiiRow(values: FsiiiRow['values']): ServiceInput & { category: Category } {
  const fsiii = text(values.fsiii_code, 'fsiii_code');
  if (fsiii === null) throw rowError('fsiii_code', 'is required');
  if (!FsiiiCode.safeParse(fsiii).success) throw rowError('fsiii_code', `not an FSIII code: "${fsiii.slice(0, 64)}"`);
  const known = fsiiiIntervention(fsiii);

  const givenCode = text(values.code, 'code');
  if (givenCode !== null && !CODE.test(givenCode))
    throw rowError('code', `must be 1–32 letters, digits, _ . or -, got "${givenCode.slice(0, 40)}"`);
  const code = givenCode ?? known?.classicCode ?? (CODE.test(fsiii) ? fsiii : null);
  if (code === null) throw rowError('code', `is required: FSIII code ${fsiii} is longer than a service code (32 characters)`);

  const name = text(values.name, 'name') ?? known?.display ?? null;
  if (name === null) throw rowError('name', `is required: ${fsiii} is not an FSIII home-care intervention carepay knows`);
  if (name.length > 200) throw rowError('name', 'must be at most 200 characters');

  const givenCategory = text(values.category, 'category');
  if (givenCategory !== null && !(CATEGORIES as readonly string[]).includes(givenCategory)) {
    throw rowError('category', `must be one of ${CATEGORIES.join(', ')}, got "${givenCategory.slice(0, 40)}"`);
  }
  const category = (givenCategory as Category | null) ?? known?.category ?? null;
  if (category === null)
    throw rowError('category', `is required: no category can be derived from ${fsiii} (not an FSIII home-care intervention)`);

  const priceGroup = text(values.price_group, 'price_group') ?? category;
  if (!PRICE_GROUP.test(priceGroup))
    throw rowError('price_group', `must be 1–64 letters, digits, _ . or -, got "${priceGroup.slice(0, 70)}"`);

  const minutes = int(values.standard_minutes, 'standard_minutes', 0, 1440);
  if (minutes === null) throw rowError('standard_minutes', 'is required');

  const unitText = text(values.billing_unit, 'billing_unit');
  const unit = unitText === null ? (category === 'meals' ? 'per_visit' : 'per_minute') : BillingUnit.safeParse(unitText).data;
  if (unit === undefined) throw rowError('billing_unit', `must be per_minute, per_visit or per_month, got "${unitText!.slice(0, 40)}"`);

  return { code, name, category, fsiiiCode: fsiii, priceGroup, standardMinutes: minutes, billingUnit: unit };
}

/**
 * Creates a catalogue version from FSIII rows: the valid rows become its services (one
 * transaction, through CatalogueService.createVersion); every other row is reported with its
 * number, field and reason. A file with no valid row creates nothing (422).
 */
export async function importFsiiiCatalogue(
  catalogue: CatalogueService,
  who: Acting,
  header: { label: string; validFrom: string; validTo?: string | null | undefined },
  read: { rows: FsiiiRow[]; rejected: RowRejection[] },
): Promise<FsiiiCatalogueResult> {
  if (read.rows.length + read.rejected.length > MAX_ROWS)
    throw badRequest(`At most ${MAX_ROWS} interventions in one catalogue`).localised('fsiii.too_many', { max: MAX_ROWS });
  const rejected = [...read.rejected];
  const services: ServiceInput[] = [];
  const firstRowOfCode = new Map<string, number>();
  for (const { row, values } of read.rows) {
    try {
      const s = serviceFromFsiiiRow(values);
      const first = firstRowOfCode.get(s.code);
      if (first !== undefined) throw rowError('code', `service code ${s.code} is already given in row ${first}`);
      firstRowOfCode.set(s.code, row);
      services.push(s);
    } catch (e) {
      if (!isRowError(e)) throw e;
      rejected.push({ row, field: e.field, message: e.message });
    }
  }
  rejected.sort((a, b) => a.row - b.row);
  if (services.length === 0) {
    throw unprocessable('No row of the file could be used: no catalogue version was created', {
      rejected: rejected.slice(0, 100),
    }).localised('fsiii.no_usable_row');
  }
  const created = await catalogue.createVersion(who, {
    label: header.label,
    validFrom: header.validFrom,
    validTo: header.validTo ?? null,
    services,
  });
  return {
    catalogueVersionId: created.id,
    label: created.label,
    totalRows: read.rows.length + read.rejected.length,
    accepted: services.length,
    rejected,
    rejectedTotal: rejected.length,
  };
}
