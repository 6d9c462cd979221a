import { DateTime } from 'luxon';
import { z } from 'zod';
import { badRequest } from '../../shared/errors.js';

/** A settlement period: a calendar month 'YYYY-MM', as local dates [from, to). */
export interface Period {
  period: string;
  from: string;
  to: string;
}

export const PeriodText = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
  .meta({ example: '2026-03' });

export function parsePeriod(text: string): Period {
  if (!PeriodText.safeParse(text).success)
    throw badRequest(`"${text}" is not a month YYYY-MM`, { field: 'period' }).localised('period.not_month', { text });
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { period: text, from: `${text}-01`, to: `${next}-01` };
}

export const periodOfStart = (date: string): string => date.slice(0, 7);

/** The UTC instants of local midnight at the start of `from` and `to` in `zone` (the month's visits lie in between). */
export function instantsOf(p: Period, zone: string): { start: string; end: string } {
  const at = (d: string) => DateTime.fromISO(d, { zone }).toUTC().toISO()!;
  return { start: at(p.from), end: at(p.to) };
}
