import type { Request } from 'express';
import { AppError, payloadTooLarge } from '../shared/errors.js';
import { utf8File } from '../shared/utf8-decoder.js';

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/** A small CSV upload (budgets, cost statements) read whole: anything but CSV is a 415, anything over `maxBytes` a 413. */
export async function readCsvBody(req: Request, what: string, maxBytes = 1024 * 1024): Promise<string> {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!CSV_TYPES.has(type))
    throw new AppError(415, 'unsupported_media_type', `Send the ${what} file as text/csv (got "${type || 'no Content-Type'}")`).localised(
      'csv_content_type',
      { what, type: type || 'no Content-Type' },
    );
  if (Number(req.get('content-length') ?? 0) > maxBytes) throw payloadTooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw payloadTooLarge(maxBytes);
    chunks.push(chunk);
  }
  return utf8File(Buffer.concat(chunks));
}
