/**
 * Calendar dates ('YYYY-MM-DD') as integer day numbers (days since 1970-01-01). Local dates carry
 * no time zone, so plain integer arithmetic is exact here and far cheaper than date objects.
 */
const MS_PER_DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: "${date}"`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

const dateCache = new Map<number, string>();
export function dateOf(day: number): string {
  let s = dateCache.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (dateCache.size < 100_000) dateCache.set(day, s);
  }
  return s;
}

/** ISO weekday, 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

/** Day number of the Monday of the ISO week that contains `day`. */
export const mondayOf = (day: number): number => day - weekdayOf(day) + 1;

export const addDays = (date: string, n: number): string => dateOf(dayNumber(date) + n);

/** ISO week (year, week, Monday) of a date: the week belongs to the year of its Thursday. */
export function isoWeekOf(date: string): { year: number; week: number; monday: string } {
  const day = dayNumber(date);
  const thursday = mondayOf(day) + 3;
  const year = Number(dateOf(thursday).slice(0, 4));
  const jan4 = dayNumber(`${year}-01-04`);
  return { year, week: (thursday - (mondayOf(jan4) + 3)) / 7 + 1, monday: dateOf(mondayOf(day)) };
}

/** Monday of ISO week `week` of `year` (week 1 contains 4 January). */
export function mondayOfIsoWeek(year: number, week: number): string {
  const jan4 = dayNumber(`${String(year).padStart(4, '0')}-01-04`);
  return dateOf(mondayOf(jan4) + (week - 1) * 7);
}

/** First day of the month of `day` and the number of days in that month. */
export function monthOf(day: number): { first: number; days: number } {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const first = Date.UTC(y, m, 1) / MS_PER_DAY;
  return { first, days: Date.UTC(y, m + 1, 1) / MS_PER_DAY - first };
}

/** Intersection of half-open day ranges; `to` null means open-ended. Empty when from >= to. */
export function clampRange(from: number, to: number, validFrom: string, validTo: string | null): [number, number] {
  const a = Math.max(from, dayNumber(validFrom));
  const b = validTo === null ? to : Math.min(to, dayNumber(validTo));
  return [a, Math.max(a, b)];
}
