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

/** Runs `carepay ARGS…` in-process (DATABASE_URL as the caller set it); returns the exit code, stdout and stderr apart. */
export async function cliRun(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  const error = vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  try {
    const code = await runCli(['node', 'carepay', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
