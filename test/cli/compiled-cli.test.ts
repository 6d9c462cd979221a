import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const t = useTestDatabase();

const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(process.execPath, [path.join(cwd, 'bin/carepay.mjs'), ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/**
 * Which code `npx carepay` runs (issue 19): dist/ when it was built from the sources as they are,
 * tsx otherwise. A copy of bin/ in a folder whose dist/ and src/ entry points say who answered.
 */
describe('bin/carepay.mjs: the compiled build while it is current, else the sources', () => {
  let dir: string;
  const stamp = () => execFileSync(process.execPath, [path.join(dir, 'bin/build-stamp.mjs'), '--write'], { cwd: dir });
  const answer = (from: string) => `export async function main(argv) { console.log('${from}', argv.slice(2).join(' ')); }\n`;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'carepay-bin-'));
    cpSync(path.join(root, 'bin'), path.join(dir, 'bin'), { recursive: true });
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    for (const d of ['src', 'migrations', 'seeds', 'jobs', 'dist/src']) mkdirSync(path.join(dir, d), { recursive: true });
    writeFileSync(path.join(dir, 'src/cli.ts'), answer('sources'));
    writeFileSync(path.join(dir, 'migrations/20260101000001_first.ts'), 'export {};\n');
    writeFileSync(path.join(dir, 'dist/src/cli.js'), answer('compiled'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the sources while nothing was built, the build once it is stamped', () => {
    expect(run(dir, ['x', '--y'])).toEqual({ code: 0, stdout: 'sources x --y\n', stderr: '' });
    stamp();
    expect(run(dir, ['x', '--y'])).toEqual({ code: 0, stdout: 'compiled x --y\n', stderr: '' });
  });

  it('runs the sources again after a source is edited, added or removed, until the next build', () => {
    stamp();
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(dir, 'src/cli.ts'), later, later);
    expect(run(dir, []).stdout).toBe('sources \n');
    stamp();
    expect(run(dir, []).stdout).toBe('compiled \n');
    writeFileSync(path.join(dir, 'jobs/new-job.ts'), 'export {};\n');
    expect(run(dir, []).stdout).toBe('sources \n');
    stamp();
    rmSync(path.join(dir, 'migrations/20260101000001_first.ts'));
    expect(run(dir, []).stdout).toBe('sources \n');
    stamp();
    // A test file is not part of the build's sources.
    writeFileSync(path.join(dir, 'src/new.test.ts'), 'export {};\n');
    expect(run(dir, []).stdout).toBe('compiled \n');
  });
});

describe('the compiled CLI runs a command', () => {
  beforeAll(async () => {
    // `npm ci` built dist/ (prepare); after an edit the build is brought up to date first.
    const { sourceStamp, STAMP_FILE } = await import('../../bin/build-stamp.mjs');
    const current = () => {
      try {
        return readFileSync(STAMP_FILE, 'utf8').trim() === sourceStamp();
      } catch {
        return false;
      }
    };
    if (!current()) execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'ignore' });
    expect(current()).toBe(true);
  }, 600_000);

  it('lists the migrations, loaded as JavaScript from dist/, all applied', async () => {
    await t.db.raw('select 1'); // the test database is migrated
    const r = run(root, ['migrate', '--status'], { ...process.env, DATABASE_URL: t.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { done: string[]; pending: string[] };
    expect(status.pending).toEqual([]);
    expect(status.done).toContain('20260117000001_visits_list_order_index');
    const compiled = readFileSync(path.join(root, 'dist/migrations/20260117000001_visits_list_order_index.js'), 'utf8');
    expect(compiled).toContain('visits_current_order');
  });
});
