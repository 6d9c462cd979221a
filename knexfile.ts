import type { Knex } from 'knex';
import { loadConfig } from './src/config.js';
import { migratorConfig } from './src/db/migrate.js';
import { installTypeParsers } from './src/db/type-parsers.js';

/**
 * For operators who use the knex CLI against a database (`npm run knex -- migrate:status`, see
 * docs/deployment.md). The migrations and their bookkeeping table are the app's own
 * (src/db/migrate.ts), so the CLI and `carepay migrate` always agree on what has run.
 * DATABASE_URL is required: the embedded PostgreSQL belongs to `npm start` and `npx carepay`.
 */
export default function knexfile(): Knex.Config {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: the knex CLI works on a database you name (use `npx carepay migrate` for the embedded one)');
  }
  installTypeParsers();
  return { client: 'pg', connection: { connectionString: config.DATABASE_URL }, pool: { min: 0, max: 2 }, migrations: migratorConfig() };
}
