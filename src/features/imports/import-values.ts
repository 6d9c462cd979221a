import { parseInstant } from '../../shared/local-time.js';
import { isNationalId, maskNationalIds } from '../citizens/national-id.js';
import { foldName } from './import-fields.js';

/**
 * Reading one cell of an import row. A CSV cell is a string; a JSON value may be anything.
 * A bad value throws a RowError (a plain object, no stack: rejected rows can be many),
 * which rejects the row with the field's name and a readable reason.
 */
export interface RowError {
  readonly rowError: true;
  readonly field: string;
  readonly message: string;
}

export const rowError = (field: string, message: string): RowError => ({ rowError: true, field, message });
export const isRowError = (e: unknown): e is RowError => typeof e === 'object' && e !== null && (e as RowError).rowError === true;

/** A value as a message repeats it: quoted, cut at 60 characters, national ids masked, a NUL written as \0 (the message is stored as text). */
const shown = (v: unknown) =>
  maskNationalIds(typeof v === 'string' ? `"${v.length > 60 ? `${v.slice(0, 60)}…` : v}"`.replace(/\0/g, '\\0') : JSON.stringify(v));

/** Trimmed text, or null when absent or empty. */
export function text(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const s = v.trim();
    return s === '' ? null : s;
  }
  if (typeof v === 'number') return String(v);
  throw rowError(field, `must be text, got ${Array.isArray(v) ? 'a list' : typeof v}`);
}

export function required(v: unknown, field: string): string {
  const s = text(v, field);
  if (s === null) throw rowError(field, 'is required');
  return s;
}

const REF = /^[A-Za-z0-9_.-]{1,64}$/;
const CODE = /^[A-Za-z0-9_.-]{1,32}$/;

/** A reference (provider, citizen, source system, area): letters, digits, _ . - (1–64). */
export function ref(s: string, field: string): string {
  if (!REF.test(s)) throw rowError(field, `must be 1–64 letters, digits, _ . or -, got ${shown(s)}`);
  return s;
}

/** A citizen reference: a reference that is not a CPR number or personnummer (the value is not repeated). */
export function citizenRef(s: string, field: string): string {
  if (isNationalId(s)) throw rowError(field, NATIONAL_ID_AS_REF);
  return ref(s, field);
}

export const NATIONAL_ID_AS_REF =
  'is a CPR number or personnummer; a citizen is referred to by the reference of the case system, never by the national id';

export function externalId(v: unknown, field: string): string {
  const s = required(v, field);
  if (s.length > 128) throw rowError(field, 'must be at most 128 characters');
  return s;
}

export function int(v: unknown, field: string, min: number, max: number): number | null {
  const s = text(v, field);
  if (s === null) return null;
  if (!/^\d{1,9}$/.test(s)) throw rowError(field, `must be a whole number from ${min} to ${max}, got ${shown(s)}`);
  const n = Number(s);
  if (n < min || n > max) throw rowError(field, `must be a whole number from ${min} to ${max}, got ${s}`);
  return n;
}

const MEMO_LIMIT = 10_000;
/** Raw spellings already seen, per word table: an export spells its statuses a handful of ways. */
const wordMemo = new WeakMap<Map<string, string>, Map<string, string>>();

/** One enum value by its canonical name or a Danish/Swedish word for it. */
export function word<T extends string>(v: unknown, field: string, words: Map<string, T>, allowed: readonly string[]): T | null {
  if (v === undefined || v === null || v === '') return null;
  let memo = wordMemo.get(words);
  if (!memo) wordMemo.set(words, (memo = new Map()));
  if (typeof v === 'string') {
    const hit = memo.get(v);
    if (hit !== undefined) return hit as T;
  }
  const s = text(v, field);
  if (s === null) return null;
  const w = words.get(foldName(s));
  if (w === undefined)
    throw rowError(field, `unknown value ${shown(s)} (expected one of ${allowed.join(', ')} or a Danish/Swedish equivalent)`);
  if (typeof v === 'string' && memo.size < MEMO_LIMIT) memo.set(v, w);
  return w;
}

const codesMemo = new Map<string, string>();

/** serviceCodes() as a COPY array literal, memoised: the same few combinations repeat on every row. */
export function serviceCodesLiteral(v: unknown, field: string): string {
  if (typeof v !== 'string') return copyArray(serviceCodes(v, field));
  let lit = codesMemo.get(v);
  if (lit === undefined) {
    lit = copyArray(serviceCodes(v, field));
    if (codesMemo.size < MEMO_LIMIT) codesMemo.set(v, lit);
  }
  return lit;
}

/** Service codes: a JSON list, or one text field with codes separated by | or , (duplicates dropped). */
export function serviceCodes(v: unknown, field: string): string[] {
  const parts = Array.isArray(v) ? v.map((x) => text(x, field) ?? '') : required(v, field).split(/[|,]/);
  const codes: string[] = [];
  for (const raw of parts) {
    const c = raw.trim();
    if (c === '') continue;
    if (!CODE.test(c)) throw rowError(field, `not a service code: ${shown(c)}`);
    if (!codes.includes(c)) codes.push(c);
  }
  if (codes.length === 0) throw rowError(field, 'is required');
  if (codes.length > 20) throw rowError(field, 'at most 20 service codes per visit');
  return codes;
}

const isRealDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/** A calendar date: YYYY-MM-DD, or DD-MM-YYYY / DD.MM.YYYY as spreadsheets write it. Returns YYYY-MM-DD. */
export function date(v: unknown, field: string): string | null {
  const s = text(v, field);
  if (s === null) return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  let ymd: [string, string, string] | null = m ? [m[1]!, m[2]!, m[3]!] : null;
  if (!ymd) {
    m = /^(\d{2})([-.])(\d{2})\2(\d{4})$/.exec(s);
    if (m) ymd = [m[4]!, m[3]!, m[1]!];
  }
  if (!ymd || !isRealDate(Number(ymd[0]), Number(ymd[1]), Number(ymd[2]))) {
    throw rowError(field, `not a date: ${shown(s)} (use YYYY-MM-DD)`);
  }
  return `${ymd[0]}-${ymd[1]}-${ymd[2]}`;
}

/** A time of day H:MM, HH:MM or HH:MM:SS (also with a dot). Returns HH:MM:SS. */
export function timeOfDay(v: unknown, field: string): string | null {
  const s = text(v, field);
  if (s === null) return null;
  const m = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
    throw rowError(field, `not a time of day: ${shown(s)} (use HH:MM)`);
  }
  return `${m[1]!.padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
}

const OFFSET_TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(?:([zZ])|([+-])(\d{2}):?(\d{2}))$/;
const LOCAL_DMY = /^(\d{2})([-.])(\d{2})\2(\d{4}) (\d{2}):(\d{2})$/;

/** The largest UTC offset in use (+14:00, Kiribati); luxon would take +25:00 and move the visit by a day. */
const MAX_OFFSET_MINUTES = 14 * 60;
const TRAILING_OFFSET = /[+-](\d{2}):?(\d{2})$/;

function checkOffset(s: string, hours: number, minutes: number, field: string): void {
  if (minutes > 59) throw rowError(field, `not a valid timestamp: "${s}" (the minutes of a UTC offset are 00–59)`);
  if (hours * 60 + minutes > MAX_OFFSET_MINUTES) throw rowError(field, `not a valid timestamp: "${s}" (a UTC offset is at most ±14:00)`);
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100;
};
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * Reads instants like parseInstant() (same formats, same refusal of DST-gap and ambiguous local
 * times) but fast: a million rows cannot afford a time-zone calculation each. The UTC start of
 * each local wall-clock hour is computed once with parseInstant and cached; the DST changes of
 * the supported zones happen on whole hours, so an hour has one offset or is refused as a whole.
 * The common local form `YYYY-MM-DD HH:MM[:SS]` is read by character codes, without a regex.
 * Anything outside the common formats goes to parseInstant itself.
 */
export class InstantReader {
  /** Local hour (as a number) → epoch ms of its start, or null when the hour needs the slow path. */
  private readonly hours = new Map<number, number | null>();
  private readonly utcHours = new Map<number, number | null>();

  constructor(readonly zone: string) {}

  /** Epoch milliseconds, or null for an empty value. */
  read(v: unknown, field: string): number | null {
    const s = text(v, field);
    if (s === null) return null;
    if (s.length === 16 || s.length === 19) {
      // YYYY-MM-DD[T ]HH:MM[:SS]
      const sep = s.charCodeAt(10);
      if (s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && (sep === 32 || sep === 84) && s.charCodeAt(13) === 58) {
        const mi = two(s, 14);
        const sec = s.length === 19 ? (s.charCodeAt(16) === 58 ? two(s, 17) : -1) : 0;
        const y = two(s, 0) * 100 + two(s, 2);
        const [mo, d, h] = [two(s, 5), two(s, 8), two(s, 11)];
        if (mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59 && y >= 0 && mo >= 0 && d >= 0 && h >= 0) {
          const base = this.hourStart(y, mo, d, h);
          if (base !== null) return base + mi * 60_000 + sec * 1000;
        }
      }
    }
    if ((s.length === 20 && s.charCodeAt(19) === 90) || (s.length === 25 && s.charCodeAt(22) === 58)) {
      // YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DDTHH:MM:SS±HH:MM, the usual machine export
      const sign = s.length === 20 ? 0 : s.charCodeAt(19) === 43 ? 1 : s.charCodeAt(19) === 45 ? -1 : NaN;
      if (
        s.charCodeAt(4) === 45 &&
        s.charCodeAt(7) === 45 &&
        s.charCodeAt(10) === 84 &&
        s.charCodeAt(13) === 58 &&
        s.charCodeAt(16) === 58
      ) {
        const [mi, sec] = [two(s, 14), two(s, 17)];
        const [oh, om] = sign === 0 ? [0, 0] : [two(s, 20), two(s, 23)];
        const off = sign * (oh * 60 + om) || 0;
        if (
          mi >= 0 &&
          mi <= 59 &&
          sec >= 0 &&
          sec <= 59 &&
          oh >= 0 &&
          om >= 0 &&
          oh * 60 + om <= MAX_OFFSET_MINUTES &&
          om <= 59 &&
          !Number.isNaN(sign)
        ) {
          const base = this.utcHourStart(two(s, 0) * 100 + two(s, 2), two(s, 5), two(s, 8), two(s, 11));
          if (base !== null) return base + mi * 60_000 + sec * 1000 - off * 60_000;
        }
      }
    }
    let m = OFFSET_TS.exec(s);
    if (m) {
      const [y, mo, d, h, mi, sec] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)];
      if (mo >= 1 && mo <= 12 && h <= 23 && mi <= 59 && sec <= 59 && isRealDate(y, mo, d)) {
        if (!m[8]) checkOffset(s, +m[10]!, +m[11]!, field);
        const off = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (+m[10]! * 60 + +m[11]!) * 60_000;
        return Date.UTC(y, mo - 1, d, h, mi, sec, +(m[7] ?? '0').padEnd(3, '0')) - off;
      }
      return this.slow(s, field);
    }
    if ((m = LOCAL_DMY.exec(s)) && +m[6]! <= 59) {
      const base = this.hourStart(+m[4]!, +m[3]!, +m[1]!, +m[5]!);
      if (base !== null) return base + +m[6]! * 60_000;
    }
    return this.slow(s, field);
  }

  /** Epoch ms at the start of a local hour, or null when it does not exist, exists twice or is no real date. */
  private hourStart(y: number, mo: number, d: number, h: number): number | null {
    const key = ((y * 13 + mo) * 32 + d) * 25 + h;
    let base = this.hours.get(key);
    if (base === undefined) {
      const p2 = (n: number) => String(n).padStart(2, '0');
      const probe =
        mo <= 12 && d <= 31 && h <= 24 ? parseInstant(`${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)} ${p2(h)}:30`, this.zone) : null;
      base = probe?.ok ? Date.parse(probe.iso) - 30 * 60_000 : null;
      this.hours.set(key, base);
    }
    return base;
  }

  /** Epoch ms of a UTC calendar hour, or null when it is no real date and hour. */
  private utcHourStart(y: number, mo: number, d: number, h: number): number | null {
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23) return null;
    const key = ((y * 13 + mo) * 32 + d) * 25 + h;
    let base = this.utcHours.get(key);
    if (base === undefined) {
      base = isRealDate(y, mo, d) ? Date.UTC(y, mo - 1, d, h) : null;
      this.utcHours.set(key, base);
    }
    return base;
  }

  private slow(s: string, field: string): number {
    const offset = TRAILING_OFFSET.exec(s);
    if (offset) checkOffset(s, +offset[1]!, +offset[2]!, field);
    const r = parseInstant(s, this.zone);
    if (!r.ok) throw rowError(field, r.message);
    return Date.parse(r.iso);
  }
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Epoch milliseconds as text; a 13-digit number is not a small integer in V8, two halves are (5× faster). */
export function msText(ms: number | null): string {
  if (ms === null) return '\\N';
  if (ms < 1e6) return String(ms);
  const hi = Math.floor(ms / 1e6);
  const lo = ms - hi * 1e6;
  return `${hi}${lo < 100000 ? String(lo).padStart(6, '0') : lo}`;
}

/** A value in PostgreSQL's COPY text format (null is \N). */
export function copyValue(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
}

/** A text[] / smallint[] literal for COPY; elements are codes or numbers, which need no quoting. */
export const copyArray = (items: ReadonlyArray<string | number>) => `{${items.join(',')}}`;
