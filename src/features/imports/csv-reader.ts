import { badRequest } from '../../shared/errors.js';

/** The most a CSV field and a row (or a JSON value and a row) may hold, in UTF-8 bytes. */
export interface RowLimits {
  maxFieldBytes: number;
  maxRowBytes: number;
}

export const IMPORT_LIMITS: RowLimits = { maxFieldBytes: 64 * 1024, maxRowBytes: 1024 * 1024 };

/** A row (field = null) or one of its fields rejected by the reader, before any value is read. */
export type RejectRow = (line: number, field: number | null, reason: string) => void;

export const rowTooLong = (limits: RowLimits) => `is longer than ${limits.maxRowBytes.toLocaleString('en')} bytes (the limit for a row)`;
export const fieldTooLong = (limits: RowLimits) =>
  `is longer than ${limits.maxFieldBytes.toLocaleString('en')} bytes (the limit for a field)`;
const BARE_CR = 'contains a carriage return (CR) outside quotes: end lines with LF or CRLF, or quote the field';

/** Whether `s` takes more than `max` bytes in UTF-8; a UTF-16 unit is at most 3 bytes, so short text is not counted. */
export const overBytes = (s: string, max: number) => s.length > max || (s.length * 3 > max && Buffer.byteLength(s) > max);

/**
 * An incremental RFC 4180 record splitter. csv-parse was measured here at ~6 µs per 10-column
 * row, i.e. 60 % of the whole 100 k rows/s budget of a large visit import, before any
 * validation; the common case of an export (a line with no quote character) is an indexOf and a
 * split here, ~0.3 µs. Quoted fields (with doubled quotes, delimiters and line breaks inside)
 * take a careful path. A malformed quote refuses the file with its line number; a bare CR in an
 * unquoted field, a field or a row over its limit rejects that row only.
 *
 * Memory is bounded: a record that grows past the row limit before it ends is dropped and the
 * rest of it skipped as it streams in (only its quote parity and line count are kept), so a
 * 50 MB line costs one pass and never more than the limit plus a chunk.
 *
 * Delimiter: `;` (Nordic spreadsheets), `,` or tab, whichever occurs most in the header line.
 * Empty lines are skipped; a record's line number is the line it starts on (header = line 1).
 */
export class CsvSplitter {
  private buf = '';
  private line = 1;
  private delim: string | null = null;
  /** The record being skipped because it is too long. */
  private skip: { line: number; newlines: number; inQuotes: boolean } | null = null;

  constructor(
    private readonly onRecord: (fields: string[], line: number) => void,
    private readonly onRejected: RejectRow,
    private readonly limits: RowLimits = IMPORT_LIMITS,
  ) {}

  /** Characters held for an unfinished record. */
  get buffered(): number {
    return this.buf.length;
  }

  push(text: string): void {
    if (this.skip) {
      const rest = this.skipRecord(text);
      if (rest === null) return;
      text = rest;
    }
    if (this.delim !== null && this.buf.length > 0 && text.indexOf('\n') < 0) {
      // The middle of a long record: no need to scan it again until a line end arrives.
      this.buf += text;
    } else {
      this.buf = this.buf.length > 0 ? this.buf + text : text;
      this.drain(false);
    }
    if (this.buf.length > this.limits.maxRowBytes) {
      if (this.delim === null) throw badRequest(`The header row ${rowTooLong(this.limits)}`);
      this.startSkip();
    }
  }

  end(): void {
    if (this.skip) {
      if (this.skip.inQuotes)
        throw badRequest(`Malformed CSV: a quote in the row at line ${this.skip.line} is never closed`, { line: this.skip.line }).localised(
          'csv.quote_in_row_open',
          { line: this.skip.line },
        );
      this.onRejected(this.skip.line, null, rowTooLong(this.limits));
      this.skip = null;
      return;
    }
    this.drain(true);
    if (this.delim === null) throw badRequest('The file is empty: a header row is required').localised('csv.empty');
  }

  /** Drops the unfinished record in the buffer, keeping what is needed to find its end. */
  private startSkip(): void {
    const buf = this.buf;
    let inQuotes = false;
    let newlines = 0;
    for (let q = buf.indexOf('"'); q >= 0; q = buf.indexOf('"', q + 1)) inQuotes = !inQuotes;
    for (let k = buf.indexOf('\n'); k >= 0; k = buf.indexOf('\n', k + 1)) newlines++;
    this.skip = { line: this.line, newlines, inQuotes };
    this.buf = '';
  }

  /** Consumes the skipped record up to its end; returns the text after it, or null when the record goes on. */
  private skipRecord(text: string): string | null {
    const s = this.skip!;
    let q = text.indexOf('"');
    let i = 0;
    for (;;) {
      const nl = text.indexOf('\n', i);
      const upto = nl < 0 ? text.length : nl;
      while (q >= 0 && q < upto) {
        s.inQuotes = !s.inQuotes;
        q = text.indexOf('"', q + 1);
      }
      if (nl < 0) return null;
      if (!s.inQuotes) {
        this.onRejected(s.line, null, rowTooLong(this.limits));
        this.line = s.line + s.newlines + 1;
        this.skip = null;
        return text.slice(nl + 1);
      }
      s.newlines++;
      i = nl + 1;
    }
  }

  /** A complete record: rejected when it or a field is too long, else passed on. */
  private record(fields: string[], raw: string, line: number, crField: number): void {
    const { maxFieldBytes, maxRowBytes } = this.limits;
    if (raw.length * 3 > maxRowBytes && overBytes(raw, maxRowBytes)) return this.onRejected(line, null, rowTooLong(this.limits));
    if (raw.length * 3 > maxFieldBytes) {
      const long = fields.findIndex((f) => overBytes(f, maxFieldBytes));
      if (long >= 0) return this.onRejected(line, long, fieldTooLong(this.limits));
    }
    if (crField >= 0) return this.onRejected(line, crField, BARE_CR);
    this.onRecord(fields, line);
  }

  private drain(final: boolean): void {
    const buf = this.buf;
    const n = buf.length;
    if (this.delim === null) {
      const first = /^[\r\n]*([^\r\n]*)(\r?\n)?/.exec(buf)!;
      if (!first[2] && !final) return;
      if (first[1]!.trim() === '') return;
      this.delim = detectDelimiter(first[1]!);
    }
    const delim = this.delim;
    let pos = 0;
    let nextQuote = buf.indexOf('"');
    let nextCr = buf.indexOf('\r');
    while (pos < n) {
      const nl = buf.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      const lineEnd = nl < 0 ? n : nl;
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = buf.indexOf('"', pos);
      if (nextQuote === -1 || nextQuote >= lineEnd) {
        const end = lineEnd > pos && buf.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
        if (end > pos) {
          if (nextCr !== -1 && nextCr < pos) nextCr = buf.indexOf('\r', pos);
          const raw = buf.slice(pos, end);
          const crField = nextCr !== -1 && nextCr < end ? buf.slice(pos, nextCr).split(delim).length - 1 : -1;
          this.record(raw.split(delim), raw, this.line, crField);
        }
        this.line++;
        pos = lineEnd + 1;
        continue;
      }
      const r = this.quotedRecord(buf, pos, delim, final);
      if (r === null) break;
      this.record(r.fields, buf.slice(pos, r.next), this.line, r.crField);
      this.line += r.lines;
      pos = r.next;
    }
    this.buf = pos >= n ? '' : buf.slice(pos);
  }

  /** A record with at least one quote; null when the buffer ends before the record does. */
  private quotedRecord(buf: string, start: number, delim: string, final: boolean) {
    const n = buf.length;
    const fields: string[] = [];
    let lines = 1;
    let i = start;
    let crField = -1;
    const malformed = (what: string) =>
      badRequest(`Malformed CSV at line ${this.line + lines - 1}: ${what}`, { line: this.line + lines - 1 });
    for (;;) {
      let value: string;
      if (buf.charCodeAt(i) === 34 /* " */) {
        value = '';
        let seg = ++i;
        for (;;) {
          const q = buf.indexOf('"', i);
          if (q < 0) {
            if (!final) return null;
            throw badRequest(`Malformed CSV: the quote opened at line ${this.line + lines - 1} is never closed`, {
              line: this.line + lines - 1,
            }).localised('csv.quote_open', { line: this.line + lines - 1 });
          }
          if (q + 1 >= n && !final) return null;
          if (buf.charCodeAt(q + 1) === 34) {
            value += buf.slice(seg, q + 1);
            i = seg = q + 2;
            continue;
          }
          value += buf.slice(seg, q);
          for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) lines++;
          i = q + 1;
          break;
        }
        if (i < n && buf[i] !== delim && buf[i] !== '\n' && buf[i] !== '\r') {
          throw malformed(`unexpected text after a closing quote in field ${fields.length + 1}`);
        }
      } else {
        let j = i;
        while (j < n) {
          const c = buf[j];
          if (c === delim || c === '\n') break;
          if (c === '"')
            throw malformed(`a quote inside an unquoted field (field ${fields.length + 1}); quote the whole field and double the quote`);
          if (c === '\r' && j + 1 < n && buf[j + 1] !== '\n' && crField < 0) crField = fields.length;
          j++;
        }
        value = buf.slice(i, j);
        i = j;
        if (i >= n && !final) return null;
      }
      if (i >= n) {
        fields.push(value.endsWith('\r') ? value.slice(0, -1) : value);
        return { fields, lines, next: n, crField };
      }
      const c = buf[i];
      if (c === delim) {
        fields.push(value);
        i++;
        continue;
      }
      if (c === '\r') {
        if (i + 1 >= n && !final) return null;
        if (i + 1 < n && buf[i + 1] !== '\n') throw malformed('a carriage return outside quotes');
        fields.push(value);
        return { fields, lines, next: i + 2, crField };
      }
      // c === '\n'
      fields.push(value.endsWith('\r') ? value.slice(0, -1) : value);
      return { fields, lines, next: i + 1, crField };
    }
  }
}

export function detectDelimiter(headerLine: string): string {
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  const count = (c: string) => unquoted.split(c).length - 1;
  const candidates: Array<[string, number]> = [
    [';', count(';')],
    [',', count(',')],
    ['\t', count('\t')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ',';
}
