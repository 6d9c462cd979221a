import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, inject } from 'vitest';
import { createKnex } from '../../src/db/database.js';

export interface TestDatabase {
  readonly db: Knex;
  readonly url: string;
  readonly name: string;
}

/**
 * A database of this test file's own, cloned from the migrated template, dropped afterwards.
 * Use inside a test file at top level: `const t = useTestDatabase();` then `t.db` in tests.
 */
export function useTestDatabase(): TestDatabase {
  const maintenanceUrl = inject('pgMaintenanceUrl');
  const template = inject('pgTemplate');
  const name = `carepay_t_${process.ppid}_${randomBytes(5).toString('hex')}`;
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  let db: Knex | undefined;
  const admin = createKnex(maintenanceUrl, { min: 0, max: 1 });

  beforeAll(async () => {
    await admin.raw('create database ?? template ??', [name, template]);
    db = createKnex(url.toString());
  });
  afterAll(async () => {
    await db?.destroy();
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  return {
    get db() {
      if (!db) throw new Error('the test database is ready only inside tests and hooks');
      return db;
    },
    url: url.toString(),
    name,
  };
}
