import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/db/embedded.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One JSON line of an instance's log (src/shared/logger.ts). */
export type LogLine = Record<string, unknown> & { msg: string };

export interface Instance {
  readonly name: string;
  readonly pid: number;
  /** Its log so far, one parsed line each. */
  readonly logs: LogLine[];
  /** Resolves with the exit code (or the signal) once the process has ended. */
  readonly exited: Promise<number | string | null>;
  request(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }>;
  kill(signal: NodeJS.Signals): Promise<number | string | null>;
}

/** The secrets every instance of one deployment must share (docs/deployment.md). */
export const SHARED_SECRETS = {
  CAREPAY_ID_PEPPER: 'two-instances-test-pepper',
  CAREPAY_LINK_SECRET: 'two-instances-test-link-secret-0123456789',
};

/**
 * A real server process, as it runs in production (`node --import tsx src/server.ts`), on a free
 * port of 127.0.0.1; resolves once it listens. `env` comes on top of the shared secrets.
 */
export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...SHARED_SECRETS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) logs.push(JSON.parse(l) as LogLine);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const base = `http://127.0.0.1:${port}`;

  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (logs.some((l) => l.msg.startsWith('carepay listening'))) {
        clearInterval(timer);
        resolve();
      }
    }, 25);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`instance ${name} ended (${code}) before it listened:\n${stderr}`));
    });
  });

  return {
    name,
    pid: child.pid!,
    logs,
    exited,
    async request(method, p, token, body) {
      const res = await fetch(base + p, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it holds (or fails after `ms`, saying what was awaited). */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
