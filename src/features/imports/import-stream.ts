import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { payloadTooLarge } from '../../shared/errors.js';
import { CsvSplitter } from './csv-reader.js';
import { foldName, nameIndex, resolveHeader } from './import-fields.js';
import { rejectedLine, type ImportKind, type LineContext } from './import-kind.js';
import { JsonRowReader } from './json-reader.js';

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
  private readonly decoder = new StringDecoder('utf8');
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
      this.reader = new CsvSplitter((fields, line) => {
        if (columnField === null) {
          // Columns with an empty header (a trailing delimiter) are ignored.
          const named = fields.map((f) => f.trim());
          const resolved = resolveHeader(kind.fields, index, named.filter((f) => f !== ''));
          let k = 0;
          columnField = named.map((f) => (f === '' ? -1 : resolved[k++]!));
          return;
        }
        this.rows++;
        if (fields.length !== columnField.length) {
          this.out += rejectedLine(width, line, WHOLE_ROW, `has ${fields.length} fields, the header has ${columnField.length}`);
          return;
        }
        const values = new Array<unknown>(nFields);
        for (let c = 0; c < fields.length; c++) {
          const f = columnField[c]!;
          if (f >= 0) values[f] = fields[c];
        }
        this.out += writeLine(values, line);
      });
    } else {
      const keyCache = new Map<string, number>();
      this.reader = new JsonRowReader(kind.kind, (value, row) => {
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
            f = index.get(foldName(key)) ?? -1;
            keyCache.set(key, f);
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
      });
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.bytesRead += chunk.length;
      if (this.opts.maxBytes !== undefined && this.bytesRead > this.opts.maxBytes) throw payloadTooLarge(this.opts.maxBytes);
      this.opts.onProgress?.(this.bytesRead);
      this.feed(this.decoder.write(chunk));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.feed(this.decoder.end());
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
