import { addDays, dayNumber, isoWeekOf, mondayOfIsoWeek } from '../reimbursement/calendar/dates.js';

/** An ISO week as the budget check uses it: 'YYYY-Www', its Monday and the following Monday (exclusive end). */
export interface IsoWeek {
  key: string;
  year: number;
  week: number;
  monday: string;
  end: string;
}

export const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** 52 or 53: a year has week 53 when 28 December falls in it. */
export const weeksInYear = (year: number): number => isoWeekOf(`${String(year).padStart(4, '0')}-12-28`).week;

const key = (year: number, week: number) => `${year}-W${String(week).padStart(2, '0')}`;

export function isoWeek(year: number, week: number): IsoWeek {
  if (!Number.isInteger(week) || week < 1 || week > weeksInYear(year)) throw new RangeError(`${key(year, week)} does not exist`);
  const monday = mondayOfIsoWeek(year, week);
  return { key: key(year, week), year, week, monday, end: addDays(monday, 7) };
}

/** Parses 'YYYY-Www'; null when malformed or when the year has no such week. */
export function parseIsoWeek(text: string): IsoWeek | null {
  const m = WEEK_PATTERN.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  return week >= 1 && week <= weeksInYear(year) ? isoWeek(year, week) : null;
}

/** The ISO week that contains a local date. */
export function weekOf(date: string): IsoWeek {
  const w = isoWeekOf(date);
  return isoWeek(w.year, w.week);
}

/** The ISO week before the one that contains `date` (what the Monday job checks). */
export const previousWeek = (date: string): IsoWeek => weekOf(addDays(date, -7));

/** Every ISO week of a year, in order. */
export const weeksOf = (year: number): IsoWeek[] => Array.from({ length: weeksInYear(year) }, (_, i) => isoWeek(year, i + 1));

export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);
