import { Transform, type TransformCallback } from 'node:stream';
import { badRequest, payloadTooLarge } from '../../shared/errors.js';
import { CsvSplitter, IMPORT_LIMITS } from './csv-reader.js';
import { foldName, nameIndex, resolveHeader } from './import-fields.js';
import { rejectedLine, type ImportKind, type LineContext } from './import-kind.js';
import { JsonRowReader } from './json-reader.js';
import { MarkingUtf8Decoder, textProblem } from '../../shared/utf8-decoder.js';

export type ImportFormat = 'csv' | 'json';

export interface ImportStreamOptions {
  kind: ImportKind;
  format: ImportFormat;
  line: LineContext;
  /** Refuse (413) once more bytes than this arrive. */
  maxBytes?: number;
  onProgress?: (bytesRead: number) => void;
}

/** A row's structural problem (not a field value): wrong number of CSV fields, a JSON row that is no object. */
export const WHOLE_ROW = '_row';

/**
 * Bytes of an upload in, COPY text of the staging table out. Parses CSV or JSON as it streams,
 * normalises each row in Node and emits one staging line per row (a rejected row carries its
 * reason), so memory stays flat whatever the size of the file.
 */
export class ImportLineStream extends Transform {
  bytesRead = 0;
  rows = 0;
  /** The file's own column header of each field (CSV), so a rejection names the column the user wrote ('Ydelse', not 'service_codes'). */
  readonly columns = new Map<string, string>();
  private readonly decoder = new MarkingUtf8Decoder();
  /** Set once a NUL byte or an invalid UTF-8 byte has arrived: from then on every CSV field is checked (a clean file pays nothing). */
  private suspect = false;
  private started = false;
  private out = '';
  private readonly reader: { push(text: string): void; end(): void };

  constructor(private readonly opts: ImportStreamOptions) {
    super({ readableObjectMode: false, decodeStrings: true });
    const { kind } = opts;
    const writeLine = kind.lineWriter(opts.line);
    const width = kind.stagingColumnNames.length;
    const index = nameIndex(kind.fields);
    const nFields = kind.fields.length;
    if (opts.format === 'csv') {
      let columnField: number[] | null = null;
      const fieldName = (c: number) => (columnField![c]! >= 0 ? kind.fields[columnField![c]!]!.name : WHOLE_ROW);
      const onRejected = (line: number, field: number | null, reason: string) => {
        if (columnField === null) {
          throw badRequest(`The header row was refused: ${field === null ? '' : `column ${field + 1} `}${reason}`, { line });
        }
        this.rows++;
        this.out += rejectedLine(width, line, field === null || field >= columnField.length ? WHOLE_ROW : fieldName(field), reason);
      };
      this.reader = new CsvSplitter(
        (fields, line) => {
          if (columnField === null) {
            // Columns with an empty header (a trailing delimiter) are ignored.
            const named = fields.map((f) => f.trim());
            const resolved = resolveHeader(
              kind.fields,
              index,
              named.filter((f) => f !== ''),
            );
            let k = 0;
            columnField = named.map((f) => (f === '' ? -1 : resolved[k++]!));
            columnField.forEach((f, c) => {
              if (f >= 0 && !this.columns.has(kind.fields[f]!.name)) this.columns.set(kind.fields[f]!.name, named[c]!);
            });
            return;
          }
          this.rows++;
          if (fields.length !== columnField.length) {
            this.out += rejectedLine(width, line, WHOLE_ROW, `has ${fields.length} fields, the header has ${columnField.length}`);
            return;
          }
          if (this.suspect) {
            for (let c = 0; c < fields.length; c++) {
              const problem = columnField[c]! >= 0 ? textProblem(fields[c]!) : null;
              if (problem !== null) {
                this.out += rejectedLine(width, line, fieldName(c), problem);
                return;
              }
            }
          }
          const values = new Array<unknown>(nFields);
          for (let c = 0; c < fields.length; c++) {
            const f = columnField[c]!;
            if (f >= 0) values[f] = fields[c];
          }
          this.out += writeLine(values, line);
        },
        onRejected,
        IMPORT_LIMITS,
      );
    } else {
      const keyCache = new Map<string, number>();
      const reject = (row: number, key: string, reason: string) => {
        this.rows++;
        this.out += rejectedLine(width, row, textProblem(key) === null ? key : WHOLE_ROW, reason);
      };
      this.reader = new JsonRowReader(
        kind.kind,
        (value, row) => {
          this.rows++;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            this.out += rejectedLine(width, row, WHOLE_ROW, 'must be an object');
            return;
          }
          const values = new Array<unknown>(nFields);
          const keyOf: string[] = [];
          for (const [key, v] of Object.entries(value)) {
            let f = keyCache.get(key);
            if (f === undefined) {
              const keyProblem = textProblem(key);
              if (keyProblem !== null) {
                this.out += rejectedLine(width, row, WHOLE_ROW, `a key ${keyProblem}`);
                return;
              }
              f = index.get(foldName(key)) ?? -1;
              keyCache.set(key, f);
            }
            // JSON escapes (\u0000, a lone \uD800) make bad text out of clean bytes: every value is checked.
            const problem = valueProblem(v);
            if (problem !== null) {
              this.out += rejectedLine(width, row, key, problem);
              return;
            }
            if (f < 0) {
              this.out += rejectedLine(width, row, key, 'unknown field');
              return;
            }
            if (keyOf[f] !== undefined) {
              this.out += rejectedLine(width, row, key, `is given twice (also as "${keyOf[f]}")`);
              return;
            }
            keyOf[f] = key;
            values[f] = v;
          }
          this.out += writeLine(values, row);
        },
        reject,
        IMPORT_LIMITS,
      );
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.bytesRead += chunk.length;
      if (this.opts.maxBytes !== undefined && this.bytesRead > this.opts.maxBytes) throw payloadTooLarge(this.opts.maxBytes);
      this.opts.onProgress?.(this.bytesRead);
      if (!this.suspect && chunk.indexOf(0) >= 0) this.suspect = true;
      const text = this.decoder.write(chunk);
      if (this.decoder.invalidSeen) this.suspect = true;
      this.feed(text);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const text = this.decoder.end();
      if (this.decoder.invalidSeen) this.suspect = true;
      this.feed(text);
      this.reader.end();
      this.emitOut();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private feed(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) this.reader.push(text);
    this.emitOut();
  }

  private emitOut(): void {
    if (this.out.length > 0) {
      this.push(this.out);
      this.out = '';
    }
  }
}

/** Why a JSON value (a string, or a list of them) cannot be stored, or null. */
function valueProblem(v: unknown): string | null {
  if (typeof v === 'string') return textProblem(v);
  if (Array.isArray(v)) {
    for (const x of v) {
      const problem = valueProblem(x);
      if (problem !== null) return problem;
    }
  }
  return null;
}
