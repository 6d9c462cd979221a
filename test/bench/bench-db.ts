import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/database.js';
import { startThrowawayServer } from '../../src/db/embedded.js';
import { migrateLatest } from '../../src/db/migrate.js';

/** A fresh, migrated database for a benchmark: a throwaway embedded server, or a temporary database on DATABASE_URL. */
export async function benchDatabase(): Promise<{ db: Knex; url: string; close(): Promise<void> }> {
  const given = process.env.DATABASE_URL;
  const server = given ? undefined : await startThrowawayServer();
  const maintenance = given ?? server!.url;
  const name = `carepay_bench_${randomBytes(4).toString('hex')}`;
  const admin = createKnex(maintenance, { min: 0, max: 1 });
  await admin.raw('create database ??', [name]);
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  const db = createKnex(url.toString(), { min: 0, max: 10 });
  await migrateLatest(db);
  return {
    db,
    url: url.toString(),
    close: async () => {
      await db.destroy();
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
      await server?.stop();
    },
  };
}

/** Peak resident set size of this process so far, in MB (Linux reports maxRSS in kB). */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
