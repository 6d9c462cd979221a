import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Acting } from '../auth/auth-types.js';
import type { InvoiceControlService, ReceivedBody } from './invoice-control-service.js';

/**
 * The folder the municipality's Peppol access point delivers received documents to:
 * `<INVOICE_INBOX_DIR>/<municipality code>/`. Each file is claimed by an atomic rename into
 * `.claimed/` (two instances, or the job and a manual run, never both take one: the loser's rename
 * fails and it moves on), received, then moved to `processed/` (matched or disputed) or `failed/`
 * (rejected, or it could not be stored), named with the received document's id.
 */
export interface InboxResult {
  file: string;
  id: number | null;
  verdict: string;
  movedTo: string;
  error?: string;
}

/** A file's content for receive(): the bytes, or only size and hash when it is over the limit. */
export async function readFileBody(file: string, maxBytes: number): Promise<ReceivedBody> {
  const { size } = await stat(file);
  if (size <= maxBytes) return { bytes: await readFile(file) };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { tooLarge: { size, sha256: hash.digest('hex') } };
}

export async function processInbox(service: InvoiceControlService, who: Acting, folder: string, instance: string): Promise<InboxResult[]> {
  const claimed = path.join(folder, '.claimed');
  await Promise.all(['processed', 'failed', '.claimed'].map((d) => mkdir(path.join(folder, d), { recursive: true })));
  const out: InboxResult[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const e of entries.filter((x) => x.isFile() && !x.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const mine = path.join(claimed, `${instance.replace(/[^A-Za-z0-9_.-]/g, '_')}--${e.name}`);
    try {
      await rename(path.join(folder, e.name), mine);
    } catch {
      continue; // another instance claimed it first
    }
    try {
      const d = await service.receive(who, await readFileBody(mine, service.maxBytes), { source: 'folder', filename: e.name });
      const to = d.verdict === 'rejected' ? 'failed' : 'processed';
      await rename(mine, path.join(folder, to, `${d.id}-${e.name}`));
      out.push({ file: e.name, id: d.id, verdict: d.verdict, movedTo: to });
    } catch (err) {
      await rename(mine, path.join(folder, 'failed', `unstored-${Date.now()}-${e.name}`)).catch(() => undefined);
      out.push({
        file: e.name,
        id: null,
        verdict: 'not stored',
        movedTo: 'failed',
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return out;
}
