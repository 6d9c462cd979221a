import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import { badRequest } from '../../shared/errors.js';

/**
 * Reads the rows of a JSON import as they stream in: a top-level array of row objects, or an
 * object whose only key is `wrapperKey` ("visits" / "grants") holding that array. Only one row
 * is assembled at a time, so a large file is never held whole. Rows are numbered from 1.
 * Numbers are kept as their text, so 2 and "2" read alike.
 */
export class JsonRowReader {
  private readonly tokenize = jsonParser({ packValues: true, streamValues: false });
  private level = 0;
  /** The level at which row values sit: 1 inside a bare array, 2 inside the wrapper's array. */
  private rowsLevel = 0;
  private wrapperSeen = false;
  private expectRows = false;
  private finished = false;
  private asm: Assembler | null = null;
  private rowDepth = 0;
  private index = 0;

  constructor(
    private readonly wrapperKey: string,
    private readonly onRow: (value: unknown, index: number) => void,
  ) {}

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
      );
    }
  }

  private shape(): never {
    throw badRequest(`Expected a JSON array of rows, or an object {"${this.wrapperKey}": [ ... ]}`);
  }

  private token(t: Token): void {
    if (this.finished) this.shape();
    if (this.asm) {
      this.asm.consume(t);
      if (t.name === 'startObject' || t.name === 'startArray') this.rowDepth++;
      else if (t.name === 'endObject' || t.name === 'endArray') {
        if (--this.rowDepth === 0) {
          const value = this.asm.current;
          this.asm = null;
          this.onRow(value, ++this.index);
        }
      }
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
          return;
        case 'stringValue':
        case 'numberValue':
        case 'nullValue':
        case 'trueValue':
        case 'falseValue':
          this.onRow(t.value, ++this.index);
          return;
        default:
          return; // streamed chunks are not produced with packValues and no streaming
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
      if (t.value !== this.wrapperKey || this.wrapperSeen) {
        throw badRequest(`The file was refused: unknown top-level key "${String(t.value)}" (expected only "${this.wrapperKey}")`, {
          unknownFields: [t.value],
        });
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
}
