import { dateOf, mondayOf, monthOf } from '../calendar/dates.js';
import { type EngineContext, isDelivered, pctLabel, type Unit } from '../engine-context.js';
import { forEachOccurrence } from '../grant-expansion.js';
import type { Basis } from '../model-schema.js';
import { capLimit } from './cap-limit.js';
import type { BatchRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Delivered time capped relative to the grant per citizen and service (DOMAIN.md §4: "at most
 * P % of the granted minutes … per citizen per week/month, optionally only within the granted
 * weekly total"). The granted minutes of a week or month are the grant's occurrences in it (within
 * the period, absences left out); minutes over the cap are taken off the latest visits first.
 */
export const deliveredCaps: BatchRule = {
  stage: 'batch',
  name: 'delivered-caps',
  enabled: (ctx) => {
    const m = ctx.model;
    return [m.defaults, ...Object.values(m.categories ?? {}), ...Object.values(m.services ?? {})].some((r) => r?.basis && periodCaps(r.basis).length > 0);
  },
  apply(units, ctx) {
    const groups = new Map<string, { units: Unit[]; percent: string; code: string; from: number; to: number }>();
    for (const u of units) {
      const b = u.rules.basis;
      if (b.type !== 'delivered' || !u.grant || u.exception || !isDelivered(u.visit.status)) continue;
      for (const cap of periodCaps(b)) {
        let from: number;
        let to: number;
        if (cap.per === 'citizen_week') {
          from = mondayOf(u.day);
          to = from + 7;
        } else {
          const m = monthOf(u.day);
          from = m.first;
          to = m.first + m.days;
        }
        const key = `${u.grant.id}|${cap.code}|${from}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { units: [], percent: cap.percent, code: cap.code, from: Math.max(from, ctx.fromDay), to: Math.min(to, ctx.toDay) }));
        g.units.push(u);
      }
    }
    for (const g of groups.values()) {
      const granted = grantedMinutes(g.units[0]!, g.from, g.to, ctx);
      let left = capLimit(granted, g.percent);
      // Units arrive in time order; the cap bites on the latest visits.
      for (const u of g.units) {
        if (u.minutes > left) {
          u.minutes = left;
          addReason(u, g.code);
        }
        left -= u.minutes;
      }
    }
  },
};

interface PeriodCap {
  per: 'citizen_week' | 'citizen_month';
  percent: string;
  code: string;
}

const capsOf = new WeakMap<Basis, PeriodCap[]>();
/** The week and month caps of a basis (computed once per basis object). */
function periodCaps(b: Basis): PeriodCap[] {
  let caps = capsOf.get(b);
  if (!caps) {
    caps = [];
    if (b.type === 'delivered') {
      for (const c of b.caps ?? [])
        if (c.per !== 'visit') caps.push({ per: c.per, percent: c.percentOfGranted, code: `delivered.cap.${c.per === 'citizen_week' ? 'week' : 'month'}.${pctLabel(c.percentOfGranted)}` });
      if (b.onlyWithinGrantedWeeklyTotal) caps.push({ per: 'citizen_week', percent: '100', code: 'delivered.within_granted_week' });
    }
    capsOf.set(b, caps);
  }
  return caps;
}

function grantedMinutes(u: Unit, from: number, to: number, ctx: EngineContext): number {
  let n = 0;
  const citizen = u.visit.citizenId;
  forEachOccurrence(u.grant!, from, to, (d, count) => {
    if (!ctx.absenceOn(citizen, dateOf(d))) n += count;
  });
  return n * u.grant!.minutesPerOccurrence;
}
