import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import { badRequest } from '../../shared/errors.js';
import { fieldTooLong, IMPORT_LIMITS, rowTooLong, type RowLimits } from './csv-reader.js';

/** A JSON row rejected by the reader (too long) before its values are read; field is the key or "_row". */
export type RejectJsonRow = (row: number, field: string, reason: string) => void;

const WHOLE_ROW = '_row';
const PACKED = { endKey: 'keyValue', endString: 'stringValue', endNumber: 'numberValue' } as const;

/**
 * Reads the rows of a JSON import as they stream in: a top-level array of row objects, or an
 * object whose only key is `wrapperKey` ("visits" / "grants") holding that array. Only one row
 * is assembled at a time, so a large file is never held whole. Rows are numbered from 1.
 * Numbers are kept as their text, so 2 and "2" read alike.
 *
 * Strings, keys and numbers arrive in pieces and are put together here, counting their UTF-8
 * bytes: a value over the field limit or a row over the row limit is rejected and the rest of
 * it read past without being kept, so memory stays bounded by the limits.
 */
export class JsonRowReader {
  private readonly tokenize = jsonParser({ packValues: false, streamValues: true });
  private level = 0;
  /** The level at which row values sit: 1 inside a bare array, 2 inside the wrapper's array. */
  private rowsLevel = 0;
  private wrapperSeen = false;
  private expectRows = false;
  private finished = false;
  private asm: Assembler | null = null;
  private rowDepth = 0;
  private index = 0;
  /** The string, key or number being read, its characters, and whether it outgrew the field limit. */
  private acc = '';
  private accChars = 0;
  private accOver = false;
  private readonly packed: { name: string; value: string } = { name: '', value: '' };
  /** Characters of the row's keys and values so far (its UTF-8 bytes are counted at its end, when they could matter). */
  private rowChars = 0;
  private rowKey = WHOLE_ROW;
  private longField: string | null = null;

  constructor(
    private readonly wrapperKey: string,
    private readonly onRow: (value: unknown, index: number) => void,
    private readonly onRejected: RejectJsonRow = () => undefined,
    private readonly limits: RowLimits = IMPORT_LIMITS,
  ) {}

  /** Characters held for the value being read. */
  get buffered(): number {
    return this.acc.length;
  }

  push(text: string): void {
    let out: unknown;
    try {
      out = this.tokenize(text);
    } catch (err) {
      throw badRequest(`The file is not valid JSON: ${(err as Error).message}`);
    }
    const tokens = (out as { values?: Token[] })?.values;
    if (Array.isArray(tokens)) for (const t of tokens) this.token(t);
  }

  end(): void {
    if (!this.finished) {
      throw badRequest(
        this.level === 0 && this.rowsLevel === 0
          ? 'The file is empty: expected a JSON array of rows'
          : 'The JSON ends too early (an array or object is not closed)',
      ).localised(this.level === 0 && this.rowsLevel === 0 ? 'json.empty' : 'json.ends_early');
    }
  }

  private shape(): never {
    throw badRequest(`Expected a JSON array of rows, or an object {"${this.wrapperKey}": [ ... ]}`).localised('json.expected_rows', {
      wrapper: `{"${this.wrapperKey}": [ ... ]}`,
    });
  }

  /** Puts streamed pieces back together into the packed tokens the rest expects; null while a value is still arriving. */
  private pack(t: Token): Token | null {
    switch (t.name) {
      case 'startKey':
      case 'startString':
      case 'startNumber':
        this.acc = '';
        this.accChars = 0;
        this.accOver = false;
        return null;
      case 'stringChunk':
      case 'numberChunk': {
        // Characters are counted; UTF-8 bytes (at most 3 per character) only when that could matter.
        const value = t.value;
        this.accChars += value.length;
        if (this.rowDepth > 0) this.rowChars += value.length;
        if (this.accChars > this.limits.maxFieldBytes || this.rowChars > this.limits.maxRowBytes) {
          this.accOver = true;
          this.acc = '';
        } else this.acc += value;
        return null;
      }
      case 'endKey':
      case 'endString':
      case 'endNumber': {
        if (!this.accOver && this.accChars * 3 > this.limits.maxFieldBytes && Buffer.byteLength(this.acc) > this.limits.maxFieldBytes)
          this.accOver = true;
        // One token object reused: the assembler and token() read it at once and keep nothing.
        this.packed.name = PACKED[t.name];
        this.packed.value = this.acc;
        return this.packed as Token;
      }
      default:
        return t;
    }
  }

  private token(streamed: Token): void {
    const t = this.pack(streamed);
    if (t === null) return;
    if (this.finished) this.shape();
    if (this.rowDepth > 0) {
      this.rowToken(t);
      return;
    }
    if (this.level === this.rowsLevel && this.rowsLevel > 0) {
      switch (t.name) {
        case 'endArray':
          this.level--;
          if (this.rowsLevel === 1) this.finished = true;
          return;
        case 'startObject':
        case 'startArray':
          this.asm = new Assembler({ numberAsString: true });
          this.asm.consume(t);
          this.rowDepth = 1;
          this.rowChars = 0;
          this.rowKey = WHOLE_ROW;
          this.longField = null;
          return;
        case 'stringValue':
        case 'numberValue':
        case 'nullValue':
        case 'trueValue':
        case 'falseValue':
          this.onRow(this.accOver ? '' : t.value, ++this.index);
          return;
        default:
          return; // whitespace tokens are not produced
      }
    }
    if (this.level === 0) {
      if (t.name === 'startArray') this.rowsLevel = 1;
      else if (t.name !== 'startObject') this.shape();
      this.level = 1;
      return;
    }
    // Inside the wrapper object.
    if (this.expectRows) {
      if (t.name !== 'startArray') this.shape();
      this.expectRows = false;
      this.rowsLevel = 2;
      this.level = 2;
      return;
    }
    if (t.name === 'keyValue') {
      if (t.value !== this.wrapperKey || this.accOver || this.wrapperSeen) {
        const key = String(t.value);
        const shown = this.accOver || key.length > 60 ? `${key.slice(0, 60)}…` : key;
        throw badRequest(`The file was refused: unknown top-level key "${shown}" (expected only "${this.wrapperKey}")`, {
          unknownFields: [shown],
        }).localised('json.unknown_key', { shown, key: this.wrapperKey });
      }
      this.wrapperSeen = true;
      this.expectRows = true;
      return;
    }
    if (t.name === 'endObject') {
      if (!this.wrapperSeen) this.shape();
      this.level = 0;
      this.finished = true;
      return;
    }
    if (t.name === 'startKey' || t.name === 'endKey' || t.name === 'whitespace') return;
    this.shape();
  }

  /** A token inside a row: assembled while the row is within its limits, only counted once it is not. */
  private rowToken(t: Token): void {
    if (this.rowDepth === 1 && t.name === 'keyValue') this.rowKey = t.value;
    if (this.accOver && this.longField === null) this.longField = t.name === 'keyValue' ? WHOLE_ROW : this.rowKey;
    this.accOver = false;
    if (this.asm && (this.longField !== null || this.rowChars > this.limits.maxRowBytes)) this.asm = null; // never kept whole
    this.asm?.consume(t);
    if (t.name === 'startObject' || t.name === 'startArray') this.rowDepth++;
    else if (t.name === 'endObject' || t.name === 'endArray') {
      if (--this.rowDepth > 0) return;
      const index = ++this.index;
      if (this.rowTooLong()) this.onRejected(index, WHOLE_ROW, rowTooLong(this.limits));
      else if (this.longField !== null) this.onRejected(index, this.longField, fieldTooLong(this.limits));
      else this.onRow(this.asm!.current, index);
      this.asm = null;
    }
  }

  private rowTooLong(): boolean {
    const max = this.limits.maxRowBytes;
    if (this.rowChars > max) return true;
    // A row dropped for a long field is not counted again: that field is its reason.
    if (this.rowChars * 3 <= max || this.asm === null) return false;
    return utf8Bytes(this.asm.current) > max;
  }
}

/** UTF-8 bytes of a row's keys and values (as the limits count them). */
function utf8Bytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + utf8Bytes(x), 0);
  if (typeof v === 'object' && v !== null)
    return Object.entries(v).reduce<number>((n, [k, x]) => n + Buffer.byteLength(k) + utf8Bytes(x), 0);
  return 0;
}
