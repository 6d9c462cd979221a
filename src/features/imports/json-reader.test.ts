import { describe, expect, it } from 'vitest';
import { JsonRowReader } from './json-reader.js';

/** Reads `text` fed in the given chunk sizes; returns [index, row] per row and [index, field, reason] per rejected one. */
function rows(text: string, chunk: number, limits = { maxFieldBytes: 8, maxRowBytes: 32 }): unknown[] {
  const out: unknown[] = [];
  const r = new JsonRowReader(
    'visits',
    (value, i) => out.push([i, value]),
    (i, field, reason) => out.push([i, field, reason]),
    limits,
  );
  for (let i = 0; i < text.length; i += chunk) r.push(text.slice(i, i + chunk));
  r.end();
  return out;
}

describe('JsonRowReader limits', () => {
  const ROW = 'is longer than 32 bytes (the limit for a row)';
  const FIELD = 'is longer than 8 bytes (the limit for a field)';

  it('rejects a value over the field limit (in UTF-8 bytes) and a row over the row limit, whatever the chunks', () => {
    const text = JSON.stringify({
      visits: [
        { id: 'a1', n: 12 },
        { id: 'øøøøø' }, // 10 bytes in 5 characters
        { id: 'øøøø' }, // 8 bytes
        { id: 'a', codes: ['x'.repeat(20)] }, // a list element over the field limit
        { a: '12345678', b: '12345678', c: '12345678', d: '12345678' }, // 32 bytes of values and 4 of keys
        { [`k${'e'.repeat(10)}`]: 1 }, // a key over the field limit
        { a: 'øøøø', b: 'øøøø', c: 'øøøø', d: 'øøøø', e: 'øøøø' }, // 25 characters, 45 bytes
        { a: 'øøø', b: 'øøø', c: 'øøø' }, // 12 characters, 21 bytes
        { id: 'last', n: 1.5 },
      ],
    });
    const expected = [
      [1, { id: 'a1', n: '12' }],
      [2, 'id', FIELD],
      [3, { id: 'øøøø' }],
      [4, 'codes', FIELD],
      [5, '_row', ROW],
      [6, '_row', FIELD],
      [7, '_row', ROW],
      [8, { a: 'øøø', b: 'øøø', c: 'øøø' }],
      [9, { id: 'last', n: '1.5' }],
    ];
    for (const chunk of [1, 2, 3, 7, 64, text.length]) expect([chunk, rows(text, chunk)]).toEqual([chunk, expected]);
  });

  it('reads past a 50 MB string without holding more than the field limit', () => {
    const limits = { maxFieldBytes: 64 * 1024, maxRowBytes: 1024 * 1024 };
    const out: unknown[] = [];
    let most = 0;
    const r = new JsonRowReader(
      'visits',
      (value, i) => out.push([i, value]),
      (i, field, reason) => out.push([i, field, reason]),
      limits,
    );
    r.push('[{"id": "1", "area": "');
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 800; i++) {
      r.push(chunk);
      most = Math.max(most, r.buffered);
    }
    r.push('"}, {"id": "2"}]');
    r.end();
    expect(out).toEqual([
      [1, '_row', 'is longer than 1,048,576 bytes (the limit for a row)'],
      [2, { id: '2' }],
    ]);
    expect(most).toBeLessThanOrEqual(limits.maxFieldBytes);
  });
});
