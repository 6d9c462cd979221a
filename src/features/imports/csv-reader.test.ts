import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { CsvSplitter, detectDelimiter, type RowLimits } from './csv-reader.js';

/**
 * Splits `text` fed in the given chunk sizes; returns [line, fields] per record, and
 * [line, ['rejected', field, reason]] per rejected one.
 */
function split(text: string, chunk = text.length || 1, limits?: RowLimits): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  const s = new CsvSplitter(
    (fields, line) => out.push([line, fields]),
    (line, field, reason) => out.push([line, ['rejected', field === null ? 'row' : `field ${field + 1}`, reason]]),
    limits,
  );
  for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk));
  s.end();
  return out;
}

const refusal = (text: string) => {
  try {
    split(text);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return `${(e as AppError).status} ${(e as AppError).message}`;
  }
  return 'accepted';
};

describe('CsvSplitter', () => {
  it('splits plain lines on the delimiter of the header and skips empty lines', () => {
    expect(split('a;b;c\r\n1;2;3\r\n\r\n4;;6')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', '2', '3']],
      [4, ['4', '', '6']],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, numbering by the starting line', () => {
    const text = 'id,text,n\n1,"a, b",2\n2,"say ""hi""",3\n3,"two\nlines",4\n4,"",5\n';
    expect(split(text)).toEqual([
      [1, ['id', 'text', 'n']],
      [2, ['1', 'a, b', '2']],
      [3, ['2', 'say "hi"', '3']],
      [4, ['3', 'two\nlines', '4']],
      [6, ['4', '', '5']],
    ]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'a;b\r\n"x;""y""\r\nz";2\r\nplain;3\r\n"q";"r"';
    const whole = split(text);
    for (let chunk = 1; chunk < text.length; chunk++) expect(split(text, chunk)).toEqual(whole);
  });

  it('round-trips any fields written as RFC 4180 (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ';', ',', '"', '\n', '\r\n', ' ', 'ø') });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 7 }),
        (rows, chunk) => {
          const quote = (f: string) => `"${f.replace(/"/g, '""')}"`;
          const text = ['h1;h2;h3', ...rows.map((r) => r.map(quote).join(';'))].join('\r\n');
          const got = split(text, chunk).map(([, f]) => f);
          expect(got).toEqual([['h1', 'h2', 'h3'], ...rows]);
        },
      ),
    );
  });

  it('refuses malformed text with the line at fault', () => {
    expect(refusal('a;b\n1;"open\n2;3\n')).toBe('400 Malformed CSV: the quote opened at line 2 is never closed');
    expect(refusal('a;b\n1;"x"y\n')).toBe('400 Malformed CSV at line 2: unexpected text after a closing quote in field 2');
    expect(refusal('a;b\n1;2\n3;x"y\n')).toBe(
      '400 Malformed CSV at line 3: a quote inside an unquoted field (field 2); quote the whole field and double the quote',
    );
    expect(refusal('')).toBe('400 The file is empty: a header row is required');
    expect(refusal('\r\n\r\n')).toBe('400 The file is empty: a header row is required');
  });

  it('detects ; , and tab, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"a,b,c";d;e')).toBe(';');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('CsvSplitter limits and bare carriage returns', () => {
  const small = { maxFieldBytes: 8, maxRowBytes: 32 };
  const ROW = 'is longer than 32 bytes (the limit for a row)';
  const FIELD = 'is longer than 8 bytes (the limit for a field)';
  const CR = 'contains a carriage return (CR) outside quotes: end lines with LF or CRLF, or quote the field';

  it('rejects a long row, a long field (counted in UTF-8 bytes) and a bare CR, whatever the chunk boundaries', () => {
    const text = [
      'a;b;c', // 1
      '1;2;3', // 2
      `x;${'y'.repeat(40)};z`, // 3: row too long
      `"q";"${'long\n'.repeat(10)}";z`, // 4–14: quoted row too long, over 11 lines
      'øøøøø;2;3', // 15: 10 bytes in 5 characters
      'øøøø;2;3', // 16: 8 bytes, fine
      '1;2\r2;3', // 17: bare CR, plain line
      '"1";2\r2;3', // 18: bare CR, quoted line
      '4;5;6\r', // 19: CRLF is a line end
      `${'w'.repeat(40)}`, // 20: long last row without a line end
    ].join('\n');
    const expected = [
      [1, ['a', 'b', 'c']],
      [2, ['1', '2', '3']],
      [3, ['rejected', 'row', ROW]],
      [4, ['rejected', 'row', ROW]],
      [15, ['rejected', 'field 1', FIELD]],
      [16, ['øøøø', '2', '3']],
      [17, ['rejected', 'field 2', CR]],
      [18, ['rejected', 'field 2', CR]],
      [19, ['4', '5', '6']],
      [20, ['rejected', 'row', ROW]],
    ];
    for (let chunk = 1; chunk <= text.length; chunk++) expect([chunk, split(text, chunk, small)]).toEqual([chunk, expected]);
  });

  it('refuses the file when a skipped row opens a quote that is never closed, or the header is too long', () => {
    expect(() => split(`a;b\n1;"${'x'.repeat(40)}\n2;3\n`, 7, small)).toThrow(
      'Malformed CSV: a quote in the row at line 2 is never closed',
    );
    expect(() => split(`${'h'.repeat(40)}\n1\n`, 7, small)).toThrow('The header row is longer than 32 bytes (the limit for a row)');
    expect(() => split('a;b\n1;"x\r2";3\n', 4, small)).not.toThrow();
  });

  it('skips a 50 MB row in one pass, never holding more than the limit and a chunk', () => {
    const limits = { maxFieldBytes: 64 * 1024, maxRowBytes: 1024 * 1024 };
    const chunk = 64 * 1024;
    const out: unknown[] = [];
    let most = 0;
    const s = new CsvSplitter(
      (fields, line) => out.push([line, fields]),
      (line, field, reason) => out.push([line, field, reason]),
      limits,
    );
    s.push('a;b\n1;');
    const piece = 'x'.repeat(chunk - 1) + '\n';
    // 800 chunks: one unquoted row of 25 MB, then a quoted one of 25 MB over 400 lines.
    for (let i = 0; i < 400; i++) {
      s.push(piece.slice(0, -1) + (i === 399 ? '\n2;3\n"' : 'x'));
      most = Math.max(most, s.buffered);
    }
    for (let i = 0; i < 400; i++) {
      s.push(piece);
      most = Math.max(most, s.buffered);
    }
    s.push('";4\n5;6\n');
    s.end();
    expect(out).toEqual([
      [1, ['a', 'b']],
      [2, null, 'is longer than 1,048,576 bytes (the limit for a row)'],
      [3, ['2', '3']],
      [4, null, 'is longer than 1,048,576 bytes (the limit for a row)'],
      [405, ['5', '6']],
    ]);
    expect(most).toBeLessThanOrEqual(limits.maxRowBytes + chunk);
  });
});
