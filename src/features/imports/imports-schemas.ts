import { z } from 'zod';
import { IMPORT_KINDS } from './import-kind.js';

export const SourceSystem = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)')
  .meta({ example: 'phoniro' });

export const ImportQuery = z.strictObject({
  source: SourceSystem.optional().meta({
    description: 'Source system of rows without a source_system column (default "import"); part of the identity of a record',
  }),
  filename: z
    .string()
    .min(1)
    .max(255)
    // A NUL would reach PostgreSQL (which refuses it in text) as a 500.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters')
    .optional()
    .meta({ description: 'Name of the uploaded file, kept on the batch' }),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

export const RowRejection = z
  .object({
    row: z.number().int().meta({ description: 'CSV: line number in the file (header = 1). JSON: 1-based position in the array' }),
    field: z.string().meta({
      description:
        'The column / key at fault, as the file wrote it (its own header or JSON key, e.g. "Ydelse"); "_row" for a problem with the whole row',
    }),
    message: z.string(),
  })
  .meta({ id: 'ImportRejection' });
export type RowRejection = z.infer<typeof RowRejection>;

export const ImportResult = z
  .object({
    batchId: z.number().int(),
    totalRows: z.number().int(),
    accepted: z.number().int().meta({ description: 'New records (version 1)' }),
    unchanged: z.number().int().meta({ description: 'Rows identical to the current version' }),
    updated: z.number().int().meta({ description: 'Rows that changed a record: a new version was added, the earlier one kept' }),
    rejected: z.array(RowRejection).meta({ description: 'Rejected rows in row order (at most 10,000; see rejectedTotal)' }),
    rejectedTotal: z.number().int(),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;

const batchFields = {
  id: z.number().int(),
  kind: z.enum(IMPORT_KINDS),
  format: z.enum(['csv', 'json']),
  sourceSystem: z.string(),
  filename: z.string().nullable(),
  actor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  totalRows: z.number().int(),
  accepted: z.number().int(),
  unchanged: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int().meta({ description: 'Number of rejected rows' }),
};

export const ImportBatch = z.object(batchFields).meta({ id: 'ImportBatch' });
export type ImportBatch = z.infer<typeof ImportBatch>;

export const ImportBatchDetail = z.object({ ...batchFields, rejections: z.array(RowRejection) }).meta({ id: 'ImportBatchDetail' });
export type ImportBatchDetail = z.infer<typeof ImportBatchDetail>;

export const ImportBatchFilter = z.object({ kind: z.enum(IMPORT_KINDS).optional() });
export type ImportBatchFilter = z.infer<typeof ImportBatchFilter>;

export const CsvUpload = z.string().meta({
  description: 'A CSV file with a header row (delimiter ; , or tab; UTF-8). Columns: see docs/import-formats.md',
  example:
    'external_id;provider_ref;citizen_ref;service_codes;actual_start;actual_end;status\nV1;HJEM;C1;PP1;2026-03-02 07:30;2026-03-02 08:00;udført\n',
});

export const JsonVisitsUpload = z
  .array(z.record(z.string(), z.unknown()))
  .meta({ description: 'An array of row objects, or {"visits": [ ... ]}; keys as the CSV columns' });
export const JsonGrantsUpload = z
  .array(z.record(z.string(), z.unknown()))
  .meta({ description: 'An array of row objects, or {"grants": [ ... ]}; keys as the CSV columns' });

/** A JSON upload of a master-data kind: an array of row objects, or {"<kind>": [ ... ]}. */
export const jsonUploadOf = (kind: string) =>
  z
    .array(z.record(z.string(), z.unknown()))
    .meta({ description: `An array of row objects, or {"${kind}": [ ... ]}; keys as the CSV columns (docs/import-formats.md)` });
