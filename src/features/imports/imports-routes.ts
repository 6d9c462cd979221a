import { Router, type Request } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { AppError, payloadTooLarge } from '../../shared/errors.js';
import type { ImportKindName } from './import-kind.js';
import type { ImportFormat } from './import-stream.js';
import {
  CsvUpload,
  ImportBatch,
  ImportBatchDetail,
  ImportBatchFilter,
  ImportQuery,
  ImportResult,
  JsonGrantsUpload,
  JsonVisitsUpload,
  jsonUploadOf,
} from './imports-schemas.js';
import { MASTER_DATA_IMPORTS } from './master-data-kinds.js';
import type { ImportsService } from './imports-service.js';

const VERSIONED =
  'Idempotent on (municipality, source system, external id): an identical row is "unchanged", a changed row adds a ' +
  'new version and keeps the earlier one.';
const MASTER_DATA_IDENTITY =
  'Idempotent on the natural key of the kind (docs/import-formats.md#master-data): an identical row is "unchanged", a ' +
  'changed row updates the stored record where the kind allows it (a stored catalogue and a used price list never change).';

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/** The upload's format from its Content-Type; anything else is 415. */
function formatOf(req: Request): ImportFormat {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (CSV_TYPES.has(type)) return 'csv';
  if (type === 'application/json') return 'json';
  throw new AppError(
    415,
    'unsupported_media_type',
    `Send the file as text/csv or application/json (got "${type || 'no Content-Type'}")`,
  ).localised('import.content_type', { type: type || 'no Content-Type' });
}

/**
 * Mounted before express.json(): the upload is read here as a stream, never buffered whole.
 */
export function importsRoutes(registry: OpenAPIRegistry, service: ImportsService, maxUploadBytes: number): Router {
  const r = Router();
  const tag = 'Imports';
  const upload = (kind: ImportKindName, json: typeof JsonVisitsUpload, identity = VERSIONED) =>
    defineRoute(r, registry, {
      method: 'post',
      path: `/imports/${kind}`,
      tag,
      summary: `Import ${kind} from a CSV or JSON file (the raw file is the request body)`,
      description:
        identity +
        ' Rejected rows are reported with row number, field and reason; the valid ' +
        'rows of the file are kept (a field over 64 KiB, a row over 1 MiB, a byte that is not UTF-8 or a NUL rejects its ' +
        'row). A malformed file, unknown or missing columns → 400 and nothing is written; larger than ' +
        `the upload limit → 413; another Content-Type → 415. Formats: docs/import-formats.md.`,
      access: { write: 'imports' },
      query: ImportQuery,
      consumes: { 'text/csv': { schema: CsvUpload }, 'application/json': { schema: json } },
      response: ImportResult,
      handler: async ({ principal, requestId, query, req }) => {
        const format = formatOf(req);
        const encoding = (req.get('content-encoding') ?? 'identity').toLowerCase();
        if (encoding !== 'identity')
          throw new AppError(415, 'unsupported_media_type', 'Compressed uploads are not supported').localised('import.compressed');
        const declared = Number(req.get('content-length') ?? NaN);
        if (declared > maxUploadBytes) throw payloadTooLarge(maxUploadBytes);
        try {
          return await service.importFile({ principal, requestId }, req, {
            kind,
            format,
            ...(query.source ? { source: query.source } : {}),
            filename: query.filename ?? null,
            maxBytes: maxUploadBytes,
          });
        } catch (err) {
          req.resume(); // discard the rest of a refused upload so the answer can be read
          throw err;
        }
      },
    });
  upload('visits', JsonVisitsUpload);
  upload('grants', JsonGrantsUpload);
  for (const kind of Object.keys(MASTER_DATA_IMPORTS) as Array<keyof typeof MASTER_DATA_IMPORTS>)
    upload(kind, jsonUploadOf(kind), MASTER_DATA_IDENTITY);

  defineRoute(r, registry, {
    method: 'get',
    path: '/imports',
    tag,
    summary: 'List import batches, newest first',
    access: { read: 'imports' },
    query: Paging.extend(ImportBatchFilter.shape),
    response: listOf(ImportBatch, 'ImportBatchList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/imports/:id',
    tag,
    summary: 'An import batch with its rejected rows',
    access: { read: 'imports' },
    params: IdParam,
    response: ImportBatchDetail,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  return r;
}
