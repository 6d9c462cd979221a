import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import type { ScenarioResult } from '../../src/features/settlements/scenario-runner.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npx carepay … | cat` as an analyst runs it: its own process, stdout into a shell pipe (as `| wc -c`
 * or `| jq` would). A pipe, not the socket pair Node gives a child: a socket's larger buffer would
 * take the whole output at once and hide output lost at exit. pipefail keeps carepay's exit code.
 */
function carepay(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const argv = ['-o', 'pipefail', '-c', '"$0" "$@" | cat', process.execPath, path.join(root, 'bin/carepay.mjs'), ...args];
    const child = spawn('bash', argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
}

/** The environment of the test run without DATABASE_URL: the CLI then starts its embedded PostgreSQL. */
function withoutDatabaseUrl(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return { ...env, ...extra };
}

describe('carepay scenario run in processes of its own', () => {
  let dir: string;
  let big: string;

  beforeAll(() => {
    // The Danish golden scenario with its citizen copied 60 times: a --json result of about 170 KiB.
    dir = mkdtempSync(path.join(os.tmpdir(), 'carepay-scenario-procs-'));
    chmodSync(dir, 0o755); // an embedded server run as the `postgres` user (under root) must reach a data folder in it
    const s = JSON.parse(readFileSync(path.join(root, 'test/scenarios/dk-granted-time.json'), 'utf8'));
    const refs = Array.from({ length: 60 }, (_, i) => `F${i + 1}`);
    const copies = <T extends { citizen: string }>(xs: T[]) => refs.flatMap((citizen) => xs.map((x) => ({ ...x, citizen })));
    s.citizens = refs.map((ref) => ({ ref }));
    s.choices = copies(s.choices);
    s.grants = copies(s.grants);
    s.visits = copies(s.visits);
    delete s.$schema;
    big = path.join(dir, 'big.json');
    writeFileSync(big, JSON.stringify(s));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the whole --json result into a pipe (more than 64 KiB), and exits 0', async () => {
    const r = await carepay(['scenario', 'run', big, '--json'], { ...process.env, DATABASE_URL: inject('pgMaintenanceUrl') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    const result = JSON.parse(r.stdout.toString('utf8')) as ScenarioResult;
    expect(r.stdout.length).toBe(Buffer.byteLength(`${JSON.stringify(result, null, 2)}\n`));
    expect(result.providers[0]!.lines.length).toBeGreaterThan(100);
  }, 120_000);

  it('runs two scenarios at once on the embedded PostgreSQL: both succeed with the same output', async () => {
    // No DATABASE_URL, a data folder and port of this test's own: what two analysts on one checkout do.
    const env = withoutDatabaseUrl({ CAREPAY_DATA_DIR: path.join(dir, 'data'), CAREPAY_EMBEDDED_PG_PORT: String(await freePort()) });
    const [a, b] = await Promise.all([carepay(['scenario', 'run', big, '--json'], env), carepay(['scenario', 'run', big, '--json'], env)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    expect(b.stdout.equals(a.stdout)).toBe(true);
    expect((JSON.parse(a.stdout.toString('utf8')) as ScenarioResult).providers[0]!.ref).toBe('PLEJE');
  }, 120_000);
});
