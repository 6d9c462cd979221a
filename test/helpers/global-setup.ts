import type { TestProject } from 'vitest/node';
import { createKnex } from '../../src/db/database.js';
import { startThrowawayServer, type EmbeddedServer } from '../../src/db/embedded.js';
import { migrateLatest } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgMaintenanceUrl: string;
    pgTemplate: string;
  }
}

/**
 * One PostgreSQL per test run: a throwaway embedded server, or the one in DATABASE_URL.
 * A template database is migrated once; every test file clones it (test/helpers/db.ts).
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | undefined;
  let maintenanceUrl: string;
  if (process.env.DATABASE_URL) {
    maintenanceUrl = process.env.DATABASE_URL;
  } else {
    server = await startThrowawayServer();
    maintenanceUrl = server.url;
  }
  const template = `carepay_tmpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = createKnex(maintenanceUrl, { min: 0, max: 1 });
  await admin.raw('create database ??', [template]);
  const url = new URL(maintenanceUrl);
  url.pathname = `/${template}`;
  const tmpl = createKnex(url.toString(), { min: 0, max: 1 });
  try {
    await migrateLatest(tmpl);
  } finally {
    await tmpl.destroy();
  }
  project.provide('pgMaintenanceUrl', maintenanceUrl);
  project.provide('pgTemplate', template);

  return async () => {
    if (server) {
      await admin.destroy();
      await server.stop();
      return;
    }
    // A shared server (DATABASE_URL): remove what this run created.
    const dbs = await admin.raw(`select datname from pg_database where datname like 'carepay_t_%' or datname = ?`, [template]);
    for (const { datname } of dbs.rows as Array<{ datname: string }>) {
      if (datname === template || datname.startsWith(`carepay_t_${process.pid}_`)) {
        await admin.raw('drop database if exists ?? with (force)', [datname]);
      }
    }
    await admin.destroy();
  };
}
