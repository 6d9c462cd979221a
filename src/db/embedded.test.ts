import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
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
});
