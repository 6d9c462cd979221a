import cliProgress from 'cli-progress';

/**
 * A progress bar over providers on a terminal (standard error), nothing when it is not a TTY:
 * `update(done, total, text)` starts it on the first call; `stop()` may be called more than once.
 */
export function providerProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        { stream, format: `${label} |{bar}| {value}/{total} providers {provider}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  return {
    update(done: number, total: number, text: string) {
      if (!started) bar?.start(total, 0, { provider: '' });
      started = true;
      bar?.update(done, { provider: text });
    },
    stop() {
      if (started) bar?.stop();
      started = false;
    },
  };
}
