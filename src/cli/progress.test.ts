import { describe, expect, it } from 'vitest';
import { providerProgress } from './progress.js';

/** A stand-in for a terminal's standard error that keeps what is written. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write: (s: string) => written.push(s) > 0,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => written.join('') };
}

describe('providerProgress', () => {
  it('draws a bar over the providers on a terminal, with the last provider named', () => {
    const { stream, text } = fakeStream(true);
    const bar = providerProgress('comparing 2026-03', stream);
    bar.update(1, 4, 'CARE');
    bar.update(4, 4, 'HOME');
    bar.stop();
    bar.stop(); // a second stop is harmless
    expect(text()).toContain('comparing 2026-03 |');
    expect(text()).toContain('4/4 providers HOME');
  });

  it('writes nothing when standard error is not a terminal (a pipe, a log file)', () => {
    const { stream, text } = fakeStream(false);
    const bar = providerProgress('settling 2026-03', stream);
    bar.update(1, 1, 'CARE');
    bar.stop();
    expect(text()).toBe('');
  });
});
