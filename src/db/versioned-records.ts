import type { Knex } from 'knex';
import { conflict } from '../shared/errors.js';

type Db = Knex | Knex.Transaction;

interface VersionedRow {
  id: number;
  version: number;
  sourceSystem: string;
  externalId: string;
  supersededAt: string | null;
}

/**
 * The write side of a versioned fact table (visits, grants; decision 0002): a record is identified
 * by (municipality, source_system, external_id); a change stamps superseded_at on the current row
 * and inserts version n+1, so every earlier version stays as it was.
 */
export function versionedRecords<T extends VersionedRow, V>(
  table: 'visits' | 'grants',
  toDomain: (row: Record<string, any>) => T,
  toColumns: (v: V) => object,
) {
  const records = {
    /** Locks the row so that two concurrent changes cannot both build on the same version. */
    async getForUpdate(tx: Knex.Transaction, municipalityId: number, id: number): Promise<T | undefined> {
      const row = await tx(table).where({ municipality_id: municipalityId, id }).forUpdate().first();
      return row ? toDomain(row) : undefined;
    },

    /**
     * Locks an existing row that a change will build on; a superseded version is refused with 409
     * naming the current one, so a change is never made to stale data.
     */
    async lockCurrent(tx: Knex.Transaction, municipalityId: number, id: number, label: string): Promise<T> {
      const before = await records.getForUpdate(tx, municipalityId, id);
      if (!before) throw new Error(`${label} ${id} vanished while locked`);
      if (before.supersededAt === null) return before;
      const current = await records.current(tx, municipalityId, before.sourceSystem, before.externalId);
      throw conflict(
        current
          ? `${label} ${id} (version ${before.version}) is superseded by version ${current.version} (id ${current.id})`
          : `${label} ${id} (version ${before.version}) is superseded`,
        { currentId: current?.id ?? null, currentVersion: current?.version ?? null },
      ).localised(
        `superseded.${label.toLowerCase()}${current ? '_by' : ''}`,
        current ? { id, version: before.version, current: current.version, currentId: current.id } : { id, version: before.version },
      );
    },

    async current(db: Db, municipalityId: number, sourceSystem: string, externalId: string): Promise<T | undefined> {
      const row = await db(table)
        .where({ municipality_id: municipalityId, source_system: sourceSystem, external_id: externalId })
        .whereNull('superseded_at')
        .first();
      return row ? toDomain(row) : undefined;
    },

    async insert(
      tx: Knex.Transaction,
      municipalityId: number,
      key: { sourceSystem: string; externalId: string; version: number },
      values: V,
    ): Promise<T> {
      const [row] = await tx(table)
        .insert({
          municipality_id: municipalityId,
          source_system: key.sourceSystem,
          external_id: key.externalId,
          version: key.version,
          ...toColumns(values),
        })
        .returning('*');
      return toDomain(row);
    },

    async supersede(tx: Knex.Transaction, municipalityId: number, id: number): Promise<void> {
      await tx(table).where({ municipality_id: municipalityId, id }).whereNull('superseded_at').update({ superseded_at: tx.fn.now() });
    },
  };
  return records;
}

/**
 * The set-based merge of an import (decision 0002): from the `import_resolved` temp table, whose
 * rows carry `err_field` (null when valid), `cur_id`/`cur_version` of the current record and
 * `same` (content unchanged), supersede the changed records and insert new versions.
 */
export async function mergeResolvedVersions(
  tx: Knex.Transaction,
  table: 'visits' | 'grants',
  contentColumns: readonly string[],
  municipalityId: number,
  batchId: number,
): Promise<void> {
  await tx.raw(
    `update ?? t set superseded_at = now()
       from import_resolved r
      where r.err_field is null and r.cur_id is not null and not r.same
        and t.municipality_id = ? and t.id = r.cur_id`,
    [table, municipalityId],
  );
  const cols = contentColumns.join(', ');
  await tx.raw(
    `insert into ?? (municipality_id, source_system, external_id, version, import_batch_id, ${cols})
     select ?::int, source_system, external_id, coalesce(cur_version, 0) + 1, ?::int, ${cols}
       from import_resolved
      where err_field is null and (cur_id is null or not same)`,
    [table, municipalityId, batchId],
  );
}
