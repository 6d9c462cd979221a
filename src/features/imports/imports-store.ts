import type { Knex } from 'knex';
import type { ImportBatch, ImportBatchDetail, ImportBatchFilter, RowRejection } from './imports-schemas.js';

type Db = Knex | Knex.Transaction;

const toBatch = (r: Record<string, any>): ImportBatch => ({
  id: r.id,
  kind: r.kind,
  format: r.format,
  sourceSystem: r.source_system,
  filename: r.filename,
  actor: r.actor,
  startedAt: (r.started_at as Date).toISOString(),
  finishedAt: r.finished_at ? (r.finished_at as Date).toISOString() : null,
  totalRows: r.total_rows,
  accepted: r.accepted,
  unchanged: r.unchanged,
  updated: r.updated,
  rejected: r.rejected,
});

const SUMMARY = [
  'id',
  'kind',
  'format',
  'source_system',
  'filename',
  'actor',
  'started_at',
  'finished_at',
  'total_rows',
  'accepted',
  'unchanged',
  'updated',
  'rejected',
];

export const importsStore = {
  async list(db: Db, municipalityId: number, filter: ImportBatchFilter, page: { limit: number; offset: number }) {
    const q = db('import_batches').where({ municipality_id: municipalityId });
    if (filter.kind) q.andWhere('kind', filter.kind);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select(SUMMARY).orderBy('id', 'desc').limit(page.limit).offset(page.offset);
    return { items: rows.map(toBatch), total: Number(count) };
  },

  async get(db: Db, municipalityId: number, id: number): Promise<ImportBatchDetail | undefined> {
    const r = await db('import_batches').where({ municipality_id: municipalityId, id }).first();
    return r ? { ...toBatch(r), rejections: r.rejections as RowRejection[] } : undefined;
  },

  async start(
    db: Db,
    municipalityId: number,
    b: { kind: string; format: string; sourceSystem: string; filename: string | null; actor: string },
  ) {
    const [row] = await db('import_batches')
      .insert({
        municipality_id: municipalityId,
        kind: b.kind,
        format: b.format,
        source_system: b.sourceSystem,
        filename: b.filename,
        actor: b.actor,
      })
      .returning('id');
    return row.id as number;
  },
};
