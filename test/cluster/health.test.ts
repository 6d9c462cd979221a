import { afterAll, describe, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import { freePort } from '../../src/db/embedded.js';
import { buildTestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('health and readiness', () => {
  const gone: Knex[] = [];
  afterAll(async () => {
    await Promise.all(gone.map((db) => db.destroy()));
  });

  it('is ready when the database answers', async () => {
    const app = buildTestApp(t.db);
    await app.http.get('/health').expect(200, { status: 'ok' });
    await app.http.get('/ready').expect(200, { status: 'ready' });
  });

  it('stays alive but not ready (503) while the database cannot be reached', async () => {
    // A port nobody listens on; knex's warning about each refused connection is expected here.
    const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };
    const db = knexFactory({
      client: 'pg',
      connection: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`,
      pool: { min: 0, max: 1 },
      log: quiet,
    });
    gone.push(db);
    const app = buildTestApp(db);
    await app.http.get('/health').expect(200, { status: 'ok' });
    await app.http.get('/ready').expect(503, { status: 'unavailable' });
  });
});
