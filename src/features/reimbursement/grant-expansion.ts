import { clampRange, dateOf, dayNumber, isoWeekOf, mondayOf, mondayOfIsoWeek, monthOf, weekdayOf } from './calendar/dates.js';

/**
 * Expands a grant's frequency into the local dates it occurs on. Used by the settlement engine
 * (never-delivered grants, caps relative to the grant) and by the weekly budget check. Dates are
 * local calendar dates, so no time zone is involved.
 *
 * Where occurrences fall, per frequency type (count = N):
 * - daily: N on every day;
 * - weekdays: N on each listed ISO weekday;
 * - weekly: N per ISO week, spread evenly from Monday (occurrence i on weekday 1 + ⌊7·i/N⌋:
 *   N=1 Monday, N=2 Monday+Thursday, N=3 Monday+Wednesday+Friday, N=14 twice a day);
 * - biweekly: as weekly, in every second ISO week counted from the week of validFrom;
 * - monthly: N per calendar month, occurrence i on day 1 + ⌊days·i/N⌋.
 * An occurrence counts only if its date lies in [validFrom, validTo) and in the asked range, so a
 * partial week or month gets the occurrences whose fixed day falls inside it.
 */
export type FrequencyType = 'daily' | 'weekly' | 'biweekly' | 'monthly' | 'weekdays';

export interface GrantFrequency {
  type: FrequencyType;
  count: number;
  weekdays?: readonly number[] | null;
}

export interface ExpandableGrant {
  frequency: GrantFrequency;
  validFrom: string;
  validTo: string | null;
  minutesPerOccurrence: number;
  staffCount?: number;
}

export interface DateRange {
  validFrom: string;
  validTo: string | null;
}

export interface Occurrence {
  date: string;
  count: number;
}

/** Calls `emit(day, count)` for each day in [fromDay, toDay) with occurrences, in date order. */
export function forEachOccurrence(
  grant: ExpandableGrant,
  fromDay: number,
  toDay: number,
  emit: (day: number, count: number) => void,
): void {
  const [a, b] = clampRange(fromDay, toDay, grant.validFrom, grant.validTo);
  if (a >= b) return;
  const { type, count } = grant.frequency;
  switch (type) {
    case 'daily':
      for (let d = a; d < b; d++) emit(d, count);
      return;
    case 'weekdays': {
      const set = new Set(grant.frequency.weekdays ?? []);
      for (let d = a; d < b; d++) if (set.has(weekdayOf(d))) emit(d, count);
      return;
    }
    case 'weekly':
    case 'biweekly': {
      const perDay = spread(count, 7);
      const anchor = mondayOf(dayNumber(grant.validFrom));
      for (let d = a; d < b; d++) {
        const monday = mondayOf(d);
        if (type === 'biweekly' && ((monday - anchor) / 7) % 2 !== 0) {
          d = monday + 6; // skip the off week
          continue;
        }
        const n = perDay[d - monday]!;
        if (n > 0) emit(d, n);
      }
      return;
    }
    case 'monthly': {
      let month = monthOf(a);
      let perDay = spread(count, month.days);
      for (let d = a; d < b; d++) {
        if (d >= month.first + month.days) {
          month = monthOf(d);
          perDay = spread(count, month.days);
        }
        const n = perDay[d - month.first]!;
        if (n > 0) emit(d, n);
      }
      return;
    }
  }
}

/** How many of `count` occurrences fall on each of `slots` days (occurrence i on slot ⌊slots·i/count⌋). */
function spread(count: number, slots: number): number[] {
  const out = new Array<number>(slots).fill(0);
  for (let i = 0; i < count; i++) out[Math.floor((slots * i) / count)]! += 1;
  return out;
}

/** Occurrences of a grant on local dates in [from, to). */
export function expandGrant(grant: ExpandableGrant, from: string, to: string): Occurrence[] {
  const out: Occurrence[] = [];
  forEachOccurrence(grant, dayNumber(from), dayNumber(to), (d, count) => out.push({ date: dateOf(d), count }));
  return out;
}

/** True when `date` lies in one of the ranges [validFrom, validTo). */
export const inAnyRange = (date: string, ranges: readonly DateRange[]): boolean =>
  ranges.some((r) => r.validFrom <= date && (r.validTo === null || date < r.validTo));

/** Drops occurrences on days when the citizen was away (absences suspend grants). */
export function withoutAbsences(occurrences: readonly Occurrence[], absences: readonly DateRange[]): Occurrence[] {
  return absences.length === 0 ? [...occurrences] : occurrences.filter((o) => !inAnyRange(o.date, absences));
}

export const occurrenceCount = (occurrences: readonly Occurrence[]): number => occurrences.reduce((s, o) => s + o.count, 0);

/**
 * Planned minutes of a grant in one ISO week (given as its Monday 'YYYY-MM-DD' or as 'YYYY-Www'),
 * after absences; with multiplyByStaff, double-staffed grants count twice.
 */
export function plannedMinutesPerWeek(
  grant: ExpandableGrant,
  week: string,
  options: { absences?: readonly DateRange[]; multiplyByStaff?: boolean } = {},
): number {
  const w = /^(\d{4})-W(\d{2})$/.exec(week);
  const monday = w ? mondayOfIsoWeek(Number(w[1]), Number(w[2])) : week;
  if (!w && isoWeekOf(monday).monday !== monday) throw new RangeError(`${week} is not a Monday`);
  const start = dayNumber(monday);
  let n = 0;
  const absences = options.absences ?? [];
  forEachOccurrence(grant, start, start + 7, (d, count) => {
    if (absences.length === 0 || !inAnyRange(dateOf(d), absences)) n += count;
  });
  return n * grant.minutesPerOccurrence * (options.multiplyByStaff ? (grant.staffCount ?? 1) : 1);
}
