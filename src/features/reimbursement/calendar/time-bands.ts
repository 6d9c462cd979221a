import { DateTime, IANAZone } from 'luxon';
import { bandMatrix, type ReimbursementModel } from '../model-schema.js';
import { dateOf, weekdayOf } from './dates.js';

/**
 * Time bands in the municipality's local time. Instants are handled as whole epoch minutes
 * (registered seconds are dropped). Each local day is compiled once into contiguous UTC segments
 * of one band each, so a visit is split by walking a few segments instead of converting every
 * instant with a time-zone library; DST days simply have 23 or 25 hours of segments.
 */
export interface CompiledBands {
  /** Distinct band names; the holiday band is appended if no weekday band has its name. */
  names: string[];
  /** Per ISO weekday (index 0 = Monday) the band index of each minute of the day. */
  matrix: Int16Array[];
  /** Band index that holidays count as, or -1. */
  holidayBand: number;
  crossing: 'split' | 'start';
}

const compiledCache = new WeakMap<ReimbursementModel['timeBands'], CompiledBands>();

export function compileBands(timeBands: ReimbursementModel['timeBands']): CompiledBands {
  let c = compiledCache.get(timeBands);
  if (c) return c;
  const names: string[] = [];
  const index = (n: string) => {
    let i = names.indexOf(n);
    if (i < 0) i = names.push(n) - 1;
    return i;
  };
  const entryToName = timeBands.bands.map((b) => index(b.name));
  const matrix = bandMatrix(timeBands.bands).map((row) => row.map((e) => (e < 0 ? -1 : entryToName[e]!)));
  const holidayBand = timeBands.holidayBand === undefined ? -1 : index(timeBands.holidayBand);
  c = { names, matrix, holidayBand, crossing: timeBands.crossing };
  compiledCache.set(timeBands, c);
  return c;
}

/** One local calendar day: [start, end) in epoch minutes, and its band segments. */
export interface LocalDay {
  day: number;
  date: string;
  weekday: number;
  holiday: boolean;
  start: number;
  end: number;
  /** Segment i covers [segStart[i], segStart[i + 1] ?? end) with band segBand[i]. */
  segStart: number[];
  segBand: number[];
  /** Constant-offset pieces of the day (two on DST days): start epoch minute and UTC offset. */
  pieceStart: number[];
  pieceOffset: number[];
}

interface ZoneDay {
  date: string;
  start: number;
  end: number;
  pieceStart: number[];
  pieceOffset: number[];
}

const zoneDays = new Map<string, Map<number, ZoneDay>>();

/**
 * Where a local day starts and ends in epoch minutes and where its UTC offset changes: the only
 * time-zone questions the engine asks, answered once per zone and day for the whole process.
 */
function zoneDay(zone: IANAZone, day: number): ZoneDay {
  let byDay = zoneDays.get(zone.name);
  if (!byDay) zoneDays.set(zone.name, (byDay = new Map()));
  let z = byDay.get(day);
  if (z) return z;
  const offsetAt = (minute: number) => zone.offset(minute * 60_000);
  const midnight = (n: number) => {
    const [y, m, dd] = dateOf(n).split('-').map(Number) as [number, number, number];
    return Math.floor(DateTime.fromObject({ year: y, month: m, day: dd }, { zone }).toMillis() / 60_000);
  };
  const start = midnight(day);
  const end = midnight(day + 1);
  const pieceStart = [start];
  const pieceOffset = [offsetAt(start)];
  const endOffset = offsetAt(end - 1);
  if (endOffset !== pieceOffset[0]) {
    let lo = start;
    let hi = end - 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === pieceOffset[0]) lo = mid;
      else hi = mid;
    }
    pieceStart.push(hi);
    pieceOffset.push(endOffset);
  }
  z = { date: dateOf(day), start, end, pieceStart, pieceOffset };
  if (byDay.size > 20_000) byDay.clear();
  byDay.set(day, z);
  return z;
}

export class BandCalendar {
  private readonly zone: IANAZone;
  private readonly days = new Map<number, LocalDay>();
  private last: LocalDay | undefined;

  constructor(
    readonly bands: CompiledBands,
    readonly timeZone: string,
    readonly holidays: ReadonlySet<string>,
  ) {
    this.zone = IANAZone.create(timeZone);
    if (!this.zone.isValid) throw new RangeError(`unknown time zone ${timeZone}`);
  }

  get bandCount(): number {
    return this.bands.names.length;
  }

  /** The local day with day number `day` (days since 1970-01-01 of the local calendar date). */
  localDay(day: number): LocalDay {
    let d = this.days.get(day);
    if (d) return d;
    const { date, start, end, pieceStart, pieceOffset } = zoneDay(this.zone, day);
    const weekday = weekdayOf(day);
    const holiday = this.holidays.has(date);
    const row = this.bands.matrix[weekday - 1]!;
    const segStart: number[] = [];
    const segBand: number[] = [];
    const base = day * 1440;
    for (let p = 0; p < pieceStart.length; p++) {
      const a = pieceStart[p]!;
      const b = pieceStart[p + 1] ?? end;
      const o = pieceOffset[p]!;
      for (let u = a; u < b; u++) {
        const band = holiday && this.bands.holidayBand >= 0 ? this.bands.holidayBand : row[Math.min(1439, Math.max(0, u + o - base))]!;
        if (segBand.length === 0 || segBand[segBand.length - 1] !== band) {
          segStart.push(u);
          segBand.push(band);
        }
      }
    }
    d = { day, date, weekday, holiday, start, end, segStart, segBand, pieceStart, pieceOffset };
    this.days.set(day, d);
    return d;
  }

  /** The local day that contains epoch minute `m` (no time-zone lookup: compiled days are cached). */
  dayAt(m: number): LocalDay {
    const l = this.last;
    if (l && m >= l.start && m < l.end) return l;
    let d = this.localDay(Math.floor(m / 1440));
    while (m < d.start) d = this.localDay(d.day - 1);
    while (m >= d.end) d = this.localDay(d.day + 1);
    this.last = d;
    return d;
  }

  bandAt(m: number): number {
    const d = this.dayAt(m);
    let i = d.segStart.length - 1;
    while (d.segStart[i]! > m) i--;
    return d.segBand[i]!;
  }

  /** End (exclusive) of the band segment that contains `m`; a segment never crosses midnight. */
  segmentEnd(m: number): number {
    const d = this.dayAt(m);
    let i = d.segStart.length - 1;
    while (d.segStart[i]! > m) i--;
    return d.segStart[i + 1] ?? d.end;
  }

  /** Adds the minutes of [start, end) per band index into `out` (length bandCount). */
  splitInto(start: number, end: number, out: Int32Array | number[]): void {
    let m = start;
    while (m < end) {
      const d = this.dayAt(m);
      let i = d.segStart.length - 1;
      while (d.segStart[i]! > m) i--;
      for (; i < d.segStart.length && m < end; i++) {
        const segEnd = Math.min(d.segStart[i + 1] ?? d.end, end);
        out[d.segBand[i]!]! += segEnd - m;
        m = segEnd;
      }
    }
  }

  /** Epoch minute of wall-clock minute `wall` (0–1440) on local day `day`; inside a DST gap the moment the clocks jump. */
  epochOfLocal(day: number, wall: number): number {
    const d = this.localDay(day);
    if (wall >= 1440) return d.end;
    const base = day * 1440;
    for (let p = 0; p < d.pieceStart.length; p++) {
      const a = d.pieceStart[p]!;
      const b = d.pieceStart[p + 1] ?? d.end;
      const u = base + wall - d.pieceOffset[p]!;
      if (u >= a && u < b) return u;
      if (u < a) return a;
    }
    return d.end;
  }
}

/**
 * Whole epoch minutes of an instant (seconds dropped). ISO strings with an offset in the usual
 * shapes ("2026-03-02T07:30:00.000Z", "2026-03-02T07:30:00+01:00", "…07:30+01:00", and PostgreSQL's
 * "2026-03-02 07:30:00+00") are read by
 * hand, because a settlement reads millions of them; anything else goes through Date.parse. A
 * number is taken as whole epoch minutes already.
 */
export function toEpochMinute(instant: string | Date | number): number {
  if (typeof instant === 'number') {
    if (!Number.isSafeInteger(instant)) throw new RangeError(`not an instant: ${instant} is not a whole number of epoch minutes`);
    return instant;
  }
  if (typeof instant !== 'string') {
    const ms = instant.getTime();
    if (Number.isNaN(ms)) throw new RangeError('not an instant: invalid Date');
    return Math.floor(ms / 60_000);
  }
  const fast = fastIsoMinute(instant);
  if (fast !== null) return fast;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: "${instant}"`);
  return Math.floor(ms / 60_000);
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

function fastIsoMinute(s: string): number | null {
  // YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM|±HH)
  if (s.length < 17 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58) return null;
  const t = s.charCodeAt(10);
  if (t !== 84 && t !== 32) return null;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  let i = 16;
  if (s.charCodeAt(i) === 58) {
    i += 3; // seconds (dropped)
    if (s.charCodeAt(i) === 46) {
      i++;
      while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    }
  }
  let offset: number;
  const z = s.charCodeAt(i);
  if (z === 90 && i === s.length - 1) offset = 0;
  else if ((z === 43 || z === 45) && i + 6 === s.length && s.charCodeAt(i + 3) === 58)
    offset = (z === 45 ? -1 : 1) * (two(s, i + 1) * 60 + two(s, i + 4));
  else if ((z === 43 || z === 45) && i + 3 === s.length)
    offset = (z === 45 ? -1 : 1) * two(s, i + 1) * 60; // ±HH, PostgreSQL's text form
  else return null;
  if (!(y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59) || Number.isNaN(offset)) return null;
  return daysFromCivil(y, mo, d) * 1440 + h * 60 + mi - offset;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Distributes `total` whole minutes over bands in proportion to `weights` (largest remainder;
 * ties go to the lower band index), so the parts always add up to `total`. With all weights 0
 * everything goes to `fallback`.
 */
export function allocate(total: number, weights: ArrayLike<number>, fallback: number, out: Int32Array | number[]): void {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i]!;
  if (sum === 0) {
    out[fallback]! += total;
    return;
  }
  let given = 0;
  let nonZero = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) nonZero++;
  if (nonZero === 1) {
    for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) out[i]! += total;
    return;
  }
  const rem: [number, number][] = [];
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const exact = total * w;
    const part = Math.floor(exact / sum);
    out[i]! += part;
    given += part;
    rem.push([exact - part * sum, i]);
  }
  rem.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; given < total; k++, given++) out[rem[k]![1]]! += 1;
}

/** The band name at an instant (convenience for tests and one-off questions; the engine keeps a BandCalendar). */
export function bandOf(instant: string | Date, model: ReimbursementModel, zone: string, holidays: ReadonlySet<string>): string {
  const cal = new BandCalendar(compileBands(model.timeBands), zone, holidays);
  return cal.bands.names[cal.bandAt(toEpochMinute(instant))]!;
}

/** Minutes of [start, end) per band name, in local time (bands with 0 minutes left out). */
export function splitByBand(
  start: string | Date,
  end: string | Date,
  model: ReimbursementModel,
  zone: string,
  holidays: ReadonlySet<string>,
): Record<string, number> {
  const cal = new BandCalendar(compileBands(model.timeBands), zone, holidays);
  const out = new Array<number>(cal.bandCount).fill(0);
  cal.splitInto(toEpochMinute(start), toEpochMinute(end), out);
  const r: Record<string, number> = {};
  out.forEach((n, i) => {
    if (n > 0) r[cal.bands.names[i]!] = (r[cal.bands.names[i]!] ?? 0) + n;
  });
  return r;
}
