import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { badRequest, notFound } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import type { Acting } from '../auth/auth-types.js';
import { grantsImport } from './grants-import.js';
import type { ImportKind, ImportKindName } from './import-kind.js';
import { ImportLineStream, type ImportFormat } from './import-stream.js';
import { SourceSystem, type ImportBatchFilter, type ImportResult, type RowRejection } from './imports-schemas.js';
import { importsStore } from './imports-store.js';
import { visitsImport } from './visits-import.js';
import { nameFieldsAsWritten } from './written-names.js';
import { MASTER_DATA_IMPORTS, MASTER_DATA_LOCK_KEYS } from './master-data-kinds.js';

export const DEFAULT_SOURCE = 'import';
/** Rejections kept on a batch (and returned); the total is always counted. */
export const MAX_REJECTIONS = 10_000;

const KINDS: Record<ImportKindName, ImportKind> = {
  visits: visitsImport,
  grants: grantsImport,
  ...MASTER_DATA_IMPORTS,
};
const LOCK_KEY: Record<ImportKindName, number> = {
  visits: 0x494d5031,
  grants: 0x494d5032,
  ...MASTER_DATA_LOCK_KEYS,
};

export interface ImportRequest {
  kind: ImportKindName;
  format: ImportFormat;
  /** Source system of rows without a source_system value. */
  source?: string;
  filename?: string | null;
  maxBytes?: number;
  onProgress?: (bytesRead: number) => void;
  /** Called once the whole file has been read, before validation and merge. */
  onParsed?: (rows: number) => void;
}

/**
 * Streams the staging lines into the COPY. A refused file aborts the COPY with a short fixed
 * reason and the refusal itself is thrown here: pg-copy-streams would send the error's message
 * in its CopyFail, and PostgreSQL ends the connection for a CopyFail over 10,000 bytes
 * ("protocol synchronization was lost"), as an unknown-columns message listing a wide header was.
 */
async function copyLines(lines: Readable, copy: Writable): Promise<void> {
  let refusal: Error | null = null;
  lines.once('error', (err) => {
    refusal = err;
    lines.unpipe(copy);
    copy.destroy(new Error(COPY_ABORTED));
  });
  copy.once('error', () => lines.destroy());
  lines.pipe(copy);
  try {
    await finished(copy);
  } catch (err) {
    throw refusal ?? err;
  }
}

const COPY_ABORTED = 'the import file was refused';

export class ImportsService {
  constructor(private readonly db: Knex) {}

  /**
   * Imports one file in ONE transaction: stream → COPY into a temp staging table → set-based
   * validation → merge as new versions → batch record and audit entry. A file-level problem
   * (malformed, unknown columns, too large) throws and leaves nothing behind; row-level
   * problems are reported and the valid rows of the file are kept.
   */
  async importFile(who: Acting, input: Readable, req: ImportRequest): Promise<ImportResult> {
    const kind = KINDS[req.kind];
    const m = who.principal.municipalityId;
    const muni = await this.db('municipalities').where({ id: m }).first('time_zone');
    if (!muni) throw notFound('municipality', m);
    const zone: string = muni.time_zone;
    const defaultSource = req.source ?? DEFAULT_SOURCE;
    if (!SourceSystem.safeParse(defaultSource).success) {
      throw badRequest(`The source system must be 1–64 letters, digits, _ . or - (got "${defaultSource}")`).localised(
        'import.source_system',
        {
          source: String(defaultSource),
        },
      );
    }

    return this.db.transaction(async (tx) => {
      await tx.raw(`set local work_mem = '256MB'`);
      await tx.raw(
        `create temp table import_staging (row_no integer not null, ${kind.stagingColumns}, err_field text, err_message text) on commit drop`,
      );
      const batchId = await importsStore.start(tx, m, {
        kind: kind.kind,
        format: req.format,
        sourceSystem: defaultSource,
        filename: req.filename ?? null,
        actor: who.principal.actor,
      });

      const lines = new ImportLineStream({
        kind,
        format: req.format,
        line: { zone, defaultSource },
        ...(req.maxBytes !== undefined ? { maxBytes: req.maxBytes } : {}),
        ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      });
      const conn = (await tx.client.acquireConnection()) as pg.PoolClient;
      const copy = conn.query(
        copyFrom(`copy import_staging (row_no, ${kind.stagingColumnNames.join(', ')}, err_field, err_message) from stdin`),
      );
      const onInputError = (err: Error) => lines.destroy(err);
      input.on('error', onInputError);
      input.pipe(lines);
      try {
        await copyLines(lines, copy);
      } finally {
        input.unpipe(lines);
        input.off('error', onInputError);
      }
      req.onParsed?.(lines.rows);

      // One import of a kind at a time per municipality: the merge reads the current versions.
      await tx.raw('select pg_advisory_xact_lock(?, ?)', [LOCK_KEY[kind.kind], m]);
      await tx.raw('analyze import_staging');
      const ctx = { municipalityId: m, zone, batchId };
      await kind.resolve(tx, ctx);
      await nameFieldsAsWritten(tx, lines.writtenNames);
      const counts = (
        await tx.raw(`
          select count(*)::int as total,
                 count(*) filter (where err_field is not null)::int as rejected,
                 count(*) filter (where err_field is null and cur_id is null)::int as accepted,
                 count(*) filter (where err_field is null and cur_id is not null and same)::int as unchanged,
                 count(*) filter (where err_field is null and cur_id is not null and not same)::int as updated
            from import_resolved`)
      ).rows[0] as { total: number; rejected: number; accepted: number; unchanged: number; updated: number };
      await kind.merge(tx, ctx);
      const finished = await tx.raw(
        `update import_batches
            set finished_at = clock_timestamp(), total_rows = ?, accepted = ?, unchanged = ?, updated = ?, rejected = ?,
                rejections = (select coalesce(jsonb_agg(jsonb_build_object('row', row_no, 'field', err_field, 'message', err_message)
                                                        order by row_no), '[]'::jsonb)
                                from (select row_no, err_field, err_message from import_resolved
                                       where err_field is not null order by row_no limit ?) r)
          where municipality_id = ? and id = ?
          returning rejections`,
        [counts.total, counts.accepted, counts.unchanged, counts.updated, counts.rejected, MAX_REJECTIONS, m, batchId],
      );
      const result: ImportResult = {
        batchId,
        totalRows: counts.total,
        accepted: counts.accepted,
        unchanged: counts.unchanged,
        updated: counts.updated,
        rejected: finished.rows[0].rejections as RowRejection[],
        rejectedTotal: counts.rejected,
      };
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'import',
        entity: 'import_batch',
        entityId: batchId,
        changes: {
          kind: kind.kind,
          format: req.format,
          sourceSystem: defaultSource,
          filename: req.filename ?? null,
          totalRows: counts.total,
          accepted: counts.accepted,
          unchanged: counts.unchanged,
          updated: counts.updated,
          rejected: counts.rejected,
        },
      });
      return result;
    });
  }

  list(who: Acting, filter: ImportBatchFilter, page: { limit: number; offset: number }) {
    return importsStore.list(this.db, who.principal.municipalityId, filter, page);
  }

  async get(who: Acting, id: number) {
    const b = await importsStore.get(this.db, who.principal.municipalityId, id);
    if (!b) throw notFound('import batch', id);
    return b;
  }
}
