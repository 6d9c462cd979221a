import { vi } from 'vitest';
import { runCli } from '../../src/cli.js';

/** Runs `carepay ARGS…` against the test database at `url`; returns the exit code and what it printed (errors prefixed ERR). */
export async function cliAgainst(url: string, args: string[]): Promise<{ code: number; out: string }> {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  const logged: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
  const err = vi.spyOn(console, 'error').mockImplementation((l: string) => void logged.push(`ERR ${l}`));
  try {
    const code = await runCli(['node', 'carepay', ...args]);
    return { code, out: logged.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  }
}
