import { DateTime } from 'luxon';

export type ParsedInstant = { ok: true; iso: string } | { ok: false; message: string };

const LOCAL_FORMATS = [
  "yyyy-MM-dd'T'HH:mm:ss",
  "yyyy-MM-dd'T'HH:mm",
  'yyyy-MM-dd HH:mm:ss',
  'yyyy-MM-dd HH:mm',
  'dd-MM-yyyy HH:mm',
  'dd.MM.yyyy HH:mm',
];

/**
 * Reads an instant from a time-registration export. With an offset (Z, +01:00) it is taken as
 * given. Without one it is local time in the municipality's zone; a local time that does not
 * exist (spring forward) or exists twice (fall back) is refused rather than guessed, because
 * the hour it falls in decides what is paid.
 */
export function parseInstant(text: string, zone: string): ParsedInstant {
  const s = text.trim();
  if (/([zZ]|[+-]\d{2}:?\d{2})$/.test(s)) {
    // luxon takes +25:00 and moves the instant by a day; real offsets are within ±14:00.
    const offset = /[+-](\d{2}):?(\d{2})$/.exec(s);
    if (offset && (Number(offset[2]) > 59 || Number(offset[1]) * 60 + Number(offset[2]) > 14 * 60)) {
      return { ok: false, message: `not a valid timestamp: "${s}" (a UTC offset is at most ±14:00)` };
    }
    const dt = DateTime.fromISO(s, { setZone: true });
    return dt.isValid ? { ok: true, iso: dt.toUTC().toISO() } : { ok: false, message: `not a valid timestamp: "${s}"` };
  }
  for (const fmt of LOCAL_FORMATS) {
    const dt = DateTime.fromFormat(s, fmt, { zone });
    if (!dt.isValid) {
      if (dt.invalidReason === 'unparsable') continue;
      // luxon's own explanation ("you specified 31 (of type number) as a day") is not for users.
      return { ok: false, message: `not a valid timestamp: "${s}" (no such date or time)` };
    }
    // The wall-clock reading must survive the round trip (it does not inside a DST gap) …
    const wall = DateTime.fromFormat(s, fmt);
    if (dt.toFormat(fmt) !== wall.toFormat(fmt)) {
      return { ok: false, message: `local time "${s}" does not exist in ${zone} (daylight-saving change); give an offset` };
    }
    // … and must be unique (it is not in the repeated hour when clocks go back).
    const other = dt.plus({ hours: 1 }).setZone(zone);
    const earlier = dt.minus({ hours: 1 }).setZone(zone);
    if (other.toFormat(fmt) === dt.toFormat(fmt) || earlier.toFormat(fmt) === dt.toFormat(fmt) || isAmbiguous(dt)) {
      return { ok: false, message: `local time "${s}" occurs twice in ${zone} (daylight-saving change); give an offset` };
    }
    return { ok: true, iso: dt.toUTC().toISO() };
  }
  return { ok: false, message: `not a timestamp: "${s}" (use ISO 8601, e.g. 2026-03-02T07:30:00+01:00 or 2026-03-02 07:30)` };
}

function isAmbiguous(dt: DateTime): boolean {
  // A wall time is ambiguous when the same local reading maps to two offsets, i.e. the offset
  // one hour later (in UTC) differs while the local clock shows a time in the repeated hour.
  const plus = dt.toUTC().plus({ hours: 1 }).setZone(dt.zone);
  return plus.offset !== dt.offset && plus.toFormat('yyyy-MM-dd HH') === dt.toFormat('yyyy-MM-dd HH');
}
