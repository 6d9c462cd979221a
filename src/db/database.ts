import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config.js';
import { startPersistentServer, type EmbeddedServer } from './embedded.js';
import { installTypeParsers } from './type-parsers.js';

export type Db = Knex;
export type Tx = Knex.Transaction;

export function createKnex(connectionString: string, pool = { min: 0, max: 10 }): Knex {
  installTypeParsers();
  return knexFactory({ client: 'pg', connection: { connectionString }, pool, asyncStackTraces: false });
}

export interface DatabaseHandle {
  db: Knex;
  url: string;
  /** True when the project started (or joined) its own embedded PostgreSQL. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the project's embedded PostgreSQL with its data under
 * CAREPAY_DATA_DIR/postgres (git-ignored), so data survives between runs.
 */
export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  let server: EmbeddedServer | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    server = await startPersistentServer(path.join(config.CAREPAY_DATA_DIR, 'postgres'), config.CAREPAY_EMBEDDED_PG_PORT);
    url = server.urlFor('carepay');
    await ensureDatabase(server.url, 'carepay');
  }
  const db = createKnex(url);
  return {
    db,
    url,
    embedded: server !== undefined,
    close: async () => {
      await db.destroy();
      await server?.stop();
    },
  };
}

export async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const admin = createKnex(maintenanceUrl, { min: 0, max: 1 });
  try {
    const found = await admin.raw('select 1 from pg_database where datname = ?', [name]);
    if (found.rows.length === 0) await admin.raw('create database ??', [name]);
  } finally {
    await admin.destroy();
  }
}
