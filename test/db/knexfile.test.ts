import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createKnex } from '../../src/db/database.js';
import { useTestDatabase } from '../helpers/db.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const migrationNames = async () => {
  const { readdirSync } = await import('node:fs');
  return readdirSync(path.join(root, 'migrations'))
    .filter((f) => /^\d+_.+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
};

/** The knex CLI as an operator runs it (`npm run knex -- …`, see package.json), on one database. */
async function knexCli(url: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'node_modules/knex/bin/cli.js', '--knexfile', 'knexfile.ts', ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: url,
        NODE_ENV: 'production',
        CAREPAY_ID_PEPPER: 'x'.repeat(16),
        CAREPAY_LINK_SECRET: 'y'.repeat(32),
      },
    },
  );
  return stdout;
}

/** Every column and constraint of the public schema, the app's tables only. */
async function schemaOf(db: Knex) {
  const columns = await db.raw(`
    select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
    where table_schema = 'public' and table_name not like 'knex_%' order by 1, 2`);
  const constraints = await db.raw(`
    select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def from pg_constraint
    where connamespace = 'public'::regnamespace and conrelid::regclass::text not like 'knex_%' order by 1, 2`);
  const indexes = await db.raw(
    `select tablename, indexdef from pg_indexes where schemaname = 'public' and tablename not like 'knex_%' order by 1, 2`,
  );
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}

const migrated = useTestDatabase();

describe('knexfile.ts: the knex CLI on the app’s own migrations', () => {
  const admin = createKnex(inject('pgMaintenanceUrl'), { min: 0, max: 1 });
  const name = `carepay_t_knex_${randomBytes(4).toString('hex')}`;
  const url = new URL(inject('pgMaintenanceUrl'));
  url.pathname = `/${name}`;
  let empty: Knex;

  beforeAll(async () => {
    await admin.raw('create database ??', [name]);
    empty = createKnex(url.toString(), { min: 0, max: 1 });
  });
  afterAll(async () => {
    await empty?.destroy();
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  it('migrate:status lists every migration as done on a database the app migrated', async () => {
    const out = await knexCli(migrated.url, 'migrate:status');
    const names = await migrationNames();
    expect(out).toContain(`Found ${names.length} Completed Migration file/files.`);
    for (const n of names) expect(out).toContain(n);
    expect(out).toContain('No Pending Migration files Found.');
  });

  it('migrate:latest on an empty database creates the schema the app expects; rollback undoes it', async () => {
    const names = await migrationNames();
    expect(await knexCli(url.toString(), 'migrate:status')).toContain(`Found ${names.length} Pending Migration file/files.`);

    const latest = await knexCli(url.toString(), 'migrate:latest');
    expect(latest).toContain(`Batch 1 run: ${names.length} migrations`);
    expect(await schemaOf(empty)).toEqual(await schemaOf(migrated.db));
    const done = await empty('knex_migrations').orderBy('id').pluck('name');
    expect(done).toEqual(names);

    const rollback = await knexCli(url.toString(), 'migrate:rollback');
    expect(rollback).toContain(`Batch 1 rolled back: ${names.length} migrations`);
    const left = await empty.raw(
      `select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name not like 'knex_%'`,
    );
    expect(left.rows[0].n).toBe(0);
  });
});
