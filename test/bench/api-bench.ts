import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createKnex } from '../../src/db/database.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { buildServices } from '../../src/services.js';
import { importRunner } from '../../seeds/demo-command.js';
import { DEMO_CODE } from '../../seeds/demo-data.js';
import { loadDemo } from '../../seeds/demo.js';
import { benchDatabase } from './bench-db.js';

const idle = async (db: Knex) => {
  const pool = db.client.pool as { numUsed(): number; numPendingAcquires(): number };
  while (pool.numUsed() + pool.numPendingAcquires() > 0) await new Promise((r) => setTimeout(r, 50));
};

export interface ApiFigure {
  name: string;
  path: string;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  non2xx: number;
}

/**
 * The paged lists under load: the demo municipality (or the database BENCH_API_DATABASE_URL names,
 * which must hold it), the app served in this process on 127.0.0.1 at a free port, and autocannon
 * with `connections` clients for `seconds` per list, as a finance token.
 */
export async function benchApi(opts: {
  seconds: number;
  connections: number;
}): Promise<{ visits: number; lines: number; figures: ApiFigure[] }> {
  const given = process.env.BENCH_API_DATABASE_URL;
  const fresh = given ? undefined : await benchDatabase();
  const url = given ?? fresh!.url;
  const db: Knex = fresh?.db ?? createKnex(url);
  const out = mkdtempSync(path.join(tmpdir(), 'carepay-bench-api-'));
  try {
    await migrateLatest(db);
    const services = buildServices(db, loadConfig({ ...process.env, DATABASE_URL: url }));
    if (!given) {
      process.stderr.write('  loading the demo municipality (500 citizens) …\n');
      await loadDemo(services, { code: DEMO_CODE, citizens: 500, actor: 'bench', invoiceDir: out, reportDir: out }, importRunner(services));
    }
    const m = await services.municipalities.getByCode(DEMO_CODE);
    const { token } = await services.tokens.create(
      { municipalityId: m.id, actor: 'bench' },
      { name: 'bench api', role: 'finance', providerId: null },
    );
    const visits = Number((await db('visits').where({ municipality_id: m.id }).whereNull('superseded_at').count({ n: '*' }))[0]!.n);
    const biggest = await db('settlements').where({ municipality_id: m.id }).orderBy('line_count', 'desc').first('id', 'line_count');
    if (!biggest) throw new Error('the bench database holds no settlement');

    // The cursor of the same deep page as offset=20000 (the old code ignores after= and serves the first page).
    const deep = await db('visits')
      .where({ municipality_id: m.id })
      .whereNull('superseded_at')
      .orderBy([{ column: 'occurs_at' }, { column: 'id' }])
      .offset(19_999)
      .first('id');

    const app = createApp({ services, log: pino({ level: 'silent' }) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((ready) => server.once('listening', () => ready()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lists = [
      { name: 'visits, limit 100', path: '/api/visits?limit=100' },
      { name: 'visits, limit 100, offset 20000', path: '/api/visits?limit=100&offset=20000' },
      ...(deep ? [{ name: 'visits, limit 100, after= (same page)', path: `/api/visits?limit=100&after=${deep.id}` }] : []),
      { name: 'visits, limit 100, count=true', path: '/api/visits?limit=100&count=true' },
      { name: `settlement lines, limit 1000`, path: `/api/settlements/${biggest.id}/lines?limit=1000` },
    ];
    const figures: ApiFigure[] = [];
    try {
      for (const l of lists) {
        const r = await autocannon({
          url: base + l.path,
          connections: opts.connections,
          duration: opts.seconds,
          headers: { authorization: `Bearer ${token}` },
        });
        // Requests autocannon gave up on at the end still hold or await a connection: let them
        // finish, so they do not weigh on the next list or meet a closed pool.
        await idle(db);
        figures.push({
          name: l.name,
          path: l.path,
          requestsPerSecond: Math.round(r.requests.average),
          p99Ms: r.latency.p99,
          p50Ms: r.latency.p50,
          non2xx: r.non2xx,
        });
      }
    } finally {
      await new Promise((closed) => server.close(closed));
    }
    return { visits, lines: Number(biggest.line_count), figures };
  } finally {
    rmSync(out, { recursive: true, force: true });
    if (fresh) await fresh.close();
    else await db.destroy();
  }
}
