import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startPersistentServer } from './embedded.js';

describe('the embedded PostgreSQL', () => {
  it('says that the port is taken, and what to do, when another server already holds it', async () => {
    // Stands in for another checkout's embedded server on the port this checkout is configured with.
    const port = await freePort();
    const other = net.createServer();
    await new Promise<void>((ok) => other.listen(port, '127.0.0.1', ok));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carepay-port-taken-'));
    chmodSync(dir, 0o755);
    try {
      const started = startPersistentServer(path.join(dir, 'postgres'), port);
      await expect(started).rejects.toThrow(`port ${port} is already in use`);
      await expect(started).rejects.toThrow('CAREPAY_EMBEDDED_PG_PORT');
    } finally {
      await new Promise((ok) => other.close(ok));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a checkout without a configured port a free one, remembered beside its data, and another when that one is taken', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carepay-port-remembered-'));
    chmodSync(dir, 0o755);
    const data = path.join(dir, 'postgres');
    // The port this checkout chose earlier is now held by something else (another checkout's server).
    const held = await freePort();
    const other = net.createServer();
    await new Promise<void>((ok) => other.listen(held, '127.0.0.1', ok));
    writeFileSync(`${data}.port`, `${held}\n`);
    try {
      const first = await startPersistentServer(data);
      const chosen = Number(readFileSync(`${data}.port`, 'utf8'));
      expect(chosen).not.toBe(held);
      expect(first.url).toContain(`:${chosen}/`);
      await first.stop();
      // The next start finds the port it remembered.
      const again = await startPersistentServer(data);
      expect(again.url).toContain(`:${chosen}/`);
      await again.stop();
    } finally {
      await new Promise((ok) => other.close(ok));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
