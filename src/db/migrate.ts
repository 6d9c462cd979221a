import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Loads the TypeScript migrations in migrations/ by import, so they run the same under tsx,
 * vitest and a compiled build; knex's own file loader does not understand .ts under ESM.
 */
class TsMigrationSource implements Knex.MigrationSource<string> {
  getMigrations(): Promise<string[]> {
    return Promise.resolve(
      readdirSync(MIGRATIONS_DIR)
        .filter((f) => /^\d+_.+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
        .sort(),
    );
  }
  getMigrationName(name: string): string {
    return name.replace(/\.(ts|js)$/, '');
  }
  async getMigration(name: string): Promise<MigrationModule> {
    return (await import(pathToFileURL(path.join(MIGRATIONS_DIR, name)).href)) as MigrationModule;
  }
}

/** The one migration configuration: the app, the CLI, the tests and knexfile.ts (the knex CLI) use it. */
export const migratorConfig = (): Knex.MigratorConfig => ({ migrationSource: new TsMigrationSource(), tableName: 'knex_migrations' });

interface RawConnections {
  acquireRawConnection(): Promise<{ query(sql: string): Promise<unknown> }>;
  destroyRawConnection(connection: unknown): Promise<void>;
}

/**
 * Instances that start together take turns. knex's own lock is a row in a table that an empty
 * database does not have yet: two instances both created it and one of them failed to start. The
 * lock is held by a session outside the pool (a pool of one connection must still migrate), and
 * dies with it if the process does.
 */
async function oneAtATime<T>(db: Knex, work: () => Promise<T>): Promise<T> {
  const client = db.client as unknown as RawConnections;
  const session = await client.acquireRawConnection();
  try {
    await session.query(`select pg_advisory_lock(hashtext('carepay:migrations'))`);
    return await work();
  } finally {
    await client.destroyRawConnection(session);
  }
}

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, done] = (await oneAtATime(db, () => db.migrate.latest(migratorConfig()))) as [number, string[]];
  return done;
}

export async function migrateRollbackAll(db: Knex): Promise<string[]> {
  const [, done] = (await oneAtATime(db, () => db.migrate.rollback(migratorConfig(), true))) as [number, string[]];
  return done;
}

export async function migrationStatus(db: Knex): Promise<{ done: string[]; pending: string[] }> {
  const source = new TsMigrationSource();
  const [done, pending] = (await db.migrate.list(migratorConfig())) as [Array<{ name: string }>, unknown[]];
  // With a custom source, knex lists pending migrations as the source's own entries (file names here).
  const name = (p: unknown) =>
    source.getMigrationName(
      typeof p === 'string' ? p : String((p as { file?: string; name?: string }).file ?? (p as { name?: string }).name),
    );
  return { done: done.map((d) => d.name), pending: pending.map(name) };
}
