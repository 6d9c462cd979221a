import { describe, expect, it } from 'vitest';
import { migrateLatest, migrateRollbackAll, migrationStatus } from '../../src/db/migrate.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

const tables = async () =>
  (
    await t.db.raw(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'knex_%' order by 1`,
    )
  ).rows.map((r: { table_name: string }) => r.table_name);

describe('migrations', () => {
  it('run down to nothing and up again', async () => {
    const before = await tables();
    expect(before).toEqual(expect.arrayContaining(['municipalities', 'providers', 'visits', 'grants', 'audit_log', 'api_tokens']));

    const rolledBack = await migrateRollbackAll(t.db);
    const status = await migrationStatus(t.db);
    expect(status.done).toEqual([]);
    expect(status.pending).toEqual(rolledBack.slice().reverse());
    expect(await tables()).toEqual([]);
    const fns = await t.db.raw(
      `select count(*)::int as n from pg_proc where proname in ('price_rates_frozen', 'price_lists_frozen', 'audit_log_append_only')`,
    );
    expect(fns.rows[0].n).toBe(0);

    const applied = await migrateLatest(t.db);
    expect(applied).toEqual(rolledBack.slice().reverse());
    expect(await tables()).toEqual(before);
    expect((await migrationStatus(t.db)).pending).toEqual([]);
  });

  it('keep every table keyed by municipality', async () => {
    const missing = await t.db.raw(`
      select t.table_name from information_schema.tables t
      where t.table_schema = 'public' and t.table_name not like 'knex_%' and t.table_name <> 'municipalities'
        and not exists (select 1 from information_schema.columns c
                        where c.table_name = t.table_name and c.column_name = 'municipality_id' and c.is_nullable = 'NO')`);
    expect(missing.rows).toEqual([]);
  });

  it('use no floating-point columns', async () => {
    const floats = await t.db.raw(`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('real', 'double precision')`);
    expect(floats.rows).toEqual([]);
  });
});
