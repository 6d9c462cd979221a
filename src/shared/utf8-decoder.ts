import { isUtf8 } from 'node:buffer';
import { badRequest } from './errors.js';

/**
 * Decodes an upload's UTF-8 chunk by chunk, like StringDecoder, except that an invalid byte
 * becomes a lone surrogate U+DC80–U+DCFF (Python's "surrogateescape") instead of U+FFFD. Valid
 * UTF-8 never decodes to a lone surrogate, so the row holding one can be rejected by name with
 * the byte, while the rows around it are kept, and a U+FFFD the file really contains stays text.
 * A clean chunk costs one native validity check on top of the decoding.
 */
export class MarkingUtf8Decoder {
  /** The bytes of a sequence cut by the end of the last chunk. */
  private carry: Buffer | null = null;
  /** True once an invalid byte has been decoded. */
  invalidSeen = false;

  write(chunk: Buffer): string {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const cut = incompleteTail(buf);
    if (cut < buf.length) {
      this.carry = Buffer.from(buf.subarray(cut));
      buf = buf.subarray(0, cut);
    }
    return this.decode(buf);
  }

  end(): string {
    const rest = this.carry;
    this.carry = null;
    return rest ? this.decode(rest) : '';
  }

  private decode(buf: Buffer): string {
    if (isUtf8(buf)) return buf.toString('utf8');
    this.invalidSeen = true;
    return decodeMarking(buf);
  }
}

/** The offset of a multi-byte sequence left incomplete at the end of `buf` (its length when there is none). */
function incompleteTail(buf: Buffer): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    if (b < 0xc2 || b > 0xf4) return n; // ASCII or a byte that leads nothing: complete or plainly invalid
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return n - i < need ? i : n;
  }
  return n;
}

const cont = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/** The length of the valid sequence starting at `i` (Unicode table 3-7), or 0 when the lead byte at `i` is invalid there. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const b1 = buf[i + 1];
  if (b >= 0xc2 && b <= 0xdf) return cont(b1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return b1 !== undefined && b1 >= lo && b1 <= hi && cont(buf[i + 2]) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return b1 !== undefined && b1 >= lo && b1 <= hi && cont(buf[i + 2]) && cont(buf[i + 3]) ? 4 : 0;
  }
  return 0;
}

function decodeMarking(buf: Buffer): string {
  let out = '';
  let run = 0;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(buf, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += buf.toString('utf8', run, i) + String.fromCharCode(0xdc00 + b);
    run = ++i;
  }
  return out + buf.toString('utf8', run, buf.length);
}

/** A lone surrogate: an invalid byte marked by MarkingUtf8Decoder, or a JSON \uD8xx escape without its pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a decoded value cannot be stored as text, or null: PostgreSQL refuses a NUL in text, and a
 * lone surrogate is an invalid byte of the file (or an unpaired JSON escape).
 */
export function textProblem(s: string): string | null {
  if (s.indexOf('\0') >= 0) return 'contains a NUL character (byte 0x00), which text cannot hold';
  if (s.isWellFormed()) return null;
  const c = LONE_SURROGATE.exec(s)![0].charCodeAt(0);
  if (c >= 0xdc80 && c <= 0xdcff) {
    return `is not valid UTF-8 (byte 0x${(c - 0xdc00).toString(16).toUpperCase()}): save the file as UTF-8`;
  }
  return `is not valid Unicode (an unpaired surrogate \\u${c.toString(16).toUpperCase()})`;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * A small file read whole (a budget or cost upload) as text, refused (400, with the line) when it
 * holds a NUL byte, which PostgreSQL cannot store in text (a 500 otherwise), or bytes that are not
 * UTF-8, which would be stored as U+FFFD without a word. Such files are refused whole, not by row.
 */
export function utf8File(bytes: Buffer): string {
  const decoder = new MarkingUtf8Decoder();
  const text = decoder.write(bytes) + decoder.end();
  const nul = text.indexOf('\0');
  if (nul >= 0)
    throw badRequest(`The file has a NUL byte on line ${lineAt(text, nul)}, which text cannot hold`).localised('file.nul_byte', {
      line: lineAt(text, nul),
    });
  if (decoder.invalidSeen) {
    const bad = LONE_SURROGATE.exec(text)!;
    const byte = (bad[0].charCodeAt(0) - 0xdc00).toString(16).toUpperCase();
    throw badRequest(`The file is not valid UTF-8 on line ${lineAt(text, bad.index)} (byte 0x${byte}): save it as UTF-8`).localised(
      'file.not_utf8',
      { line: lineAt(text, bad.index), byte },
    );
  }
  return text;
}

declare global {
  interface String {
    /** ES2024; Node 20 has it, the project's lib is ES2023. */
    isWellFormed(): boolean;
  }
}
