import { createHmac } from 'node:crypto';

/**
 * National ids (Danish CPR, Swedish personnummer) are personal data. This module is the only
 * place that sees one in clear: it validates, normalises, masks and hashes it. Callers keep
 * only the masked form (which shows that an id is on file, and nothing of it) and the keyed
 * hash; error messages never repeat the value. docs/security.md says what each can reveal.
 */
export type Country = 'DK' | 'SE';

export type ParsedNationalId = { ok: true; normalised: string; masked: string } | { ok: false; message: string };

/**
 * What is stored and shown of an id: its shape only. Even the birth date would leave a holder of
 * the hashing key 10,000 candidates per citizen; users find a citizen by typing the whole id.
 */
export const MASKED = { DK: '******-****', SE: '********-****' } as const;

const isRealDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/** The century of a CPR number follows from the 7th digit and the two-digit year (CPR office rule). */
function cprYear(yy: number, seventh: number): number {
  if (seventh <= 3) return 1900 + yy;
  if (seventh === 4 || seventh === 9) return (yy <= 36 ? 2000 : 1900) + yy;
  return (yy <= 57 ? 2000 : 1800) + yy;
}

/** The Luhn (mod 10) check over the ten digits YYMMDDNNNC of a personnummer. */
export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let v = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return sum % 10 === 0;
}

/**
 * CPR 'DDMMYY-XXXX' or 'DDMMYYXXXX'. Only the date part is checked: the modulus-11 check is not
 * mandatory since 2007, so valid numbers exist that fail it.
 */
function parseCpr(text: string): ParsedNationalId {
  const m = /^(\d{2})(\d{2})(\d{2})-?(\d{4})$/.exec(text);
  if (!m) return { ok: false, message: 'a CPR number is DDMMYY-XXXX or DDMMYYXXXX' };
  const [, dd, mm, yy, serial] = m as unknown as [string, string, string, string, string];
  if (!isRealDate(cprYear(Number(yy), Number(serial[0])), Number(mm), Number(dd))) {
    return { ok: false, message: 'the CPR number does not start with a real birth date' };
  }
  return { ok: true, normalised: `${dd}${mm}${yy}${serial}`, masked: MASKED.DK };
}

/**
 * Personnummer 'YYYYMMDD-XXXX', 'YYYYMMDDXXXX', 'YYMMDD-XXXX' or 'YYMMDD+XXXX' ('+' once the
 * person turns 100). Samordningsnummer (day + 60) are accepted. The short form takes its century
 * from `today` (YYYY-MM-DD), as the Swedish rule is defined relative to the person's age.
 */
function parsePersonnummer(text: string, today: string): ParsedNationalId {
  const m = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$/.exec(text);
  if (!m || (m[1] !== undefined && m[5] === '+')) {
    return { ok: false, message: 'a personnummer is YYYYMMDD-XXXX or YYMMDD-XXXX' };
  }
  const [, cc, yy, mm, dd, sep, serial] = m as unknown as [string, string | undefined, string, string, string, string, string];
  const birthDay = Number(dd) > 60 ? Number(dd) - 60 : Number(dd);
  let year: number;
  if (cc !== undefined) {
    year = Number(cc + yy);
  } else {
    const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
    year = ty - ((((ty - Number(yy)) % 100) + 100) % 100);
    if (Number(mm) * 100 + birthDay > tm * 100 + td && year === ty) year -= 100;
    if (sep === '+') year -= 100;
  }
  if (!isRealDate(year, Number(mm), birthDay)) {
    return { ok: false, message: 'the personnummer does not start with a real birth date' };
  }
  if (!luhnValid(`${yy}${mm}${dd}${serial}`)) return { ok: false, message: 'the personnummer check digit is wrong' };
  const date = `${year}${mm}${dd}`;
  return { ok: true, normalised: `${date}${serial}`, masked: MASKED.SE };
}

export function parseNationalId(text: string, country: Country, today: string): ParsedNationalId {
  return country === 'DK' ? parseCpr(text) : parsePersonnummer(text, today);
}

/**
 * Whether a text is a valid CPR number or personnummer, of either country. Such a text is never
 * accepted as a reference (a citizen's ref is printed on invoices and settlement lines).
 */
export function isNationalId(text: string, today?: string): boolean {
  if (!/^(\d{2})?\d{6}[-+]?\d{4}$/.test(text)) return false; // the common case, per imported row: cheap
  return parseCpr(text).ok || parsePersonnummer(text, today ?? new Date().toISOString().slice(0, 10)).ok;
}

/**
 * A text to show back (an error message, a refused column name; import reports are stored) with
 * every run of 10 or 12 digits, with or without - or + before the last four, replaced by the
 * masked form of its length: whatever was typed into the wrong field, no part of a national id,
 * not even the birth date, is repeated. The row and column say where it was.
 */
export const maskNationalIds = (text: string): string =>
  text.replace(/(?<!\d)((?:\d{2})?\d{6})[-+]?\d{4}(?!\d)/g, (_m, date: string) => (date.length === 8 ? MASKED.SE : MASKED.DK));

/** Keyed hash of the normalised id: lets us find a citizen by national id without storing it. */
export const nationalIdHmac = (pepper: string, normalised: string): string =>
  createHmac('sha256', pepper).update(normalised, 'utf8').digest('hex');

/** A hashing key and the number rows name it by (national_id_key). */
export interface IdKey {
  id: number;
  secret: string;
}

/** A stored hash and the key it was made under. */
export interface StoredIdHash {
  keyId: number;
  hmac: string;
}

/**
 * The hashing keys 1..n as a chain: the hash under key 1 is HMAC(k1, id), under key i it is
 * HMAC(ki, hash under key i-1). The clear id is never stored, so rotation cannot hash it again;
 * it wraps the stored hash in the next key instead (`rewrap`). After a rotation the database
 * alone, or with any earlier key, recovers nothing: the newest key is needed, and so are the
 * earlier ones (keep them; they no longer protect anything on their own).
 */
export class NationalIdKeys {
  private readonly keys: readonly IdKey[];

  constructor(keys: readonly IdKey[]) {
    const sorted = [...keys].sort((a, b) => a.id - b.id);
    if (sorted.length === 0 || sorted.some((k, i) => k.id !== i + 1)) {
      throw new Error(`national-id keys must be numbered 1, 2, … without gaps (got ${sorted.map((k) => k.id).join(', ') || 'none'})`);
    }
    this.keys = sorted;
  }

  get currentKeyId(): number {
    return this.keys.length;
  }

  /** The id's hash under every key, oldest first: a row not yet rotated matches one of the earlier ones. */
  chain(normalised: string): StoredIdHash[] {
    const out: StoredIdHash[] = [];
    let h = nationalIdHmac(this.keys[0]!.secret, normalised);
    out.push({ keyId: 1, hmac: h });
    for (const k of this.keys.slice(1)) {
      h = nationalIdHmac(k.secret, h);
      out.push({ keyId: k.id, hmac: h });
    }
    return out;
  }

  /** What a new row stores: the hash under the current key. */
  forStore(normalised: string): StoredIdHash {
    return this.chain(normalised).at(-1)!;
  }

  /** Carries a hash stored under an earlier key to the current one. */
  rewrap(stored: StoredIdHash): StoredIdHash {
    if (stored.keyId > this.currentKeyId) {
      throw new Error(`a hash is stored under key ${stored.keyId}, but the newest key configured is ${this.currentKeyId}`);
    }
    let h = stored.hmac;
    for (const k of this.keys.slice(stored.keyId)) h = nationalIdHmac(k.secret, h);
    return { keyId: this.currentKeyId, hmac: h };
  }
}
