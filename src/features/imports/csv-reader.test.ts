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
      fc.property(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 7 }), (rows, chunk) => {
        const quote = (f: string) => `"${f.replace(/"/g, '""')}"`;
        const text = ['h1;h2;h3', ...rows.map((r) => r.map(quote).join(';'))].join('\r\n');
        const got = split(text, chunk).map(([, f]) => f);
        expect(got).toEqual([['h1', 'h2', 'h3'], ...rows]);
      }),
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
