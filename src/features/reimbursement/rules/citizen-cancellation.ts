import { minutesOf } from '../model-schema.js';
import { type EngineContext, pctLabel, type Unit } from '../engine-context.js';
import { weekdayOf } from '../calendar/dates.js';
import { toEpochMinute } from '../calendar/time-bands.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Citizen cancellations and no-shows (DOMAIN.md §4): a cancellation before the deadline (e.g.
 * before noon on the previous weekday, or N hours before the planned start) pays the "timely"
 * percent (usually 0 %); a late cancellation or a citizen not at home pays P % of what the visit
 * would have paid (Solna 2024 *(published)*: 50 % personal care, 75 % cleaning, 55 % other
 * practical help). A cancellation without a registered time, or under a model without a
 * deadline, counts as late.
 */
export const citizenCancellation: UnitRule = {
  stage: 'unit',
  name: 'citizen-cancellation',
  apply(u, ctx) {
    const s = u.visit.status;
    if ((s !== 'cancelled_by_citizen' && s !== 'no_show') || u.kind === 'hospital') return;
    u.kind = 'cancellation';
    const pct = u.rules.cancellation;
    if (s === 'no_show') {
      u.percent = pct.noShow ?? '0';
      addReason(u, `cancel.noshow.${pctLabel(u.percent)}`);
      return;
    }
    const timely = isTimely(u, ctx);
    if (timely === null) addReason(u, ctx.model.cancellation ? 'cancel.time_unknown' : 'cancel.no_deadline');
    u.percent = (timely ? pct.timely : pct.late) ?? '0';
    addReason(u, `cancel.${timely ? 'timely' : 'late'}.${pctLabel(u.percent)}`);
  },
};

/** Whether the citizen cancelled before the model's deadline; null when the time is unknown. */
export function isTimely(u: Unit, ctx: EngineContext): boolean | null {
  const deadline = ctx.model.cancellation?.deadline;
  if (u.visit.cancelledAt == null || !deadline) return null;
  const at = toEpochMinute(u.visit.cancelledAt);
  if (deadline.type === 'hours_before') return at <= u.start - deadline.hours * 60;
  const cal = ctx.calendar;
  let d = u.day - 1;
  while (weekdayOf(d) > 5 || (deadline.skipHolidays !== false && cal.localDay(d).holiday)) d--;
  return at < cal.epochOfLocal(d, minutesOf(deadline.time));
}
