import { dateOf, mondayOf, monthOf } from '../calendar/dates.js';
import { type EngineContext, isDelivered, pctLabel, type Unit } from '../engine-context.js';
import { forEachOccurrence } from '../grant-expansion.js';
import type { Basis, ReimbursementModel } from '../model-schema.js';
import { capLimit } from './cap-limit.js';
import type { BatchRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Delivered time capped relative to the grant per citizen and service (DOMAIN.md §4: "at most
 * P % of the granted minutes … per citizen per week/month, optionally only within the granted
 * weekly total"). A week is a whole ISO week, also where it crosses the start or end of the period:
 * its granted minutes are the grant's occurrences Monday to Sunday (absence days, and days on which
 * the citizen had chosen another provider, left out), and the
 * week's visits before the period (`ctx.earlierInWeek`, as far as they were passed in) use them up
 * first, as they did in that period's own settlement. A month is the calendar month within the
 * period. Minutes over a cap are taken off the latest visits: a visit's pay never depends on a
 * later one, so a month settled before the next one stays right.
 */
export const deliveredCaps: BatchRule = {
  stage: 'batch',
  name: 'delivered-caps',
  enabled: (ctx) => modelCaps(ctx.model).length > 0,
  apply(units, ctx) {
    const groups = new Map<string, { units: Unit[]; percent: string; code: string; from: number; to: number }>();
    const add = (u: Unit, earlier: boolean) => {
      const b = u.rules.basis;
      if (b.type !== 'delivered' || !u.grant || u.exception || !isDelivered(u.visit.status)) return;
      for (const cap of periodCaps(b)) {
        let from: number;
        let to: number;
        if (cap.per === 'citizen_week') {
          from = mondayOf(u.day);
          to = from + 7;
        } else {
          if (earlier) continue;
          const m = monthOf(u.day);
          from = Math.max(m.first, ctx.fromDay);
          to = Math.min(m.first + m.days, ctx.toDay);
        }
        const key = `${u.grant.id}|${cap.code}|${from}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { units: [], percent: cap.percent, code: cap.code, from, to }));
        g.units.push(u);
      }
    };
    // Earlier units first: both lists are in time order, so each group is too.
    for (const u of ctx.earlierInWeek) add(u, true);
    for (const u of units) add(u, false);
    for (const g of groups.values()) {
      const granted = grantedMinutes(g.units[0]!, g.from, g.to, ctx);
      let left = capLimit(granted, g.percent);
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

/** True when the model caps delivered time per ISO week somewhere (so a period's first week needs the visits before it). */
export const usesWeeklyCaps = (m: ReimbursementModel): boolean => modelCaps(m).some((c) => c.per === 'citizen_week');

function modelCaps(m: ReimbursementModel): PeriodCap[] {
  return [m.defaults, ...Object.values(m.categories ?? {}), ...Object.values(m.services ?? {})].flatMap((r) =>
    r?.basis ? periodCaps(r.basis) : [],
  );
}

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
        if (c.per !== 'visit')
          caps.push({
            per: c.per,
            percent: c.percentOfGranted,
            code: `delivered.cap.${c.per === 'citizen_week' ? 'week' : 'month'}.${pctLabel(c.percentOfGranted)}`,
          });
      if (b.onlyWithinGrantedWeeklyTotal) caps.push({ per: 'citizen_week', percent: '100', code: 'delivered.within_granted_week' });
    }
    capsOf.set(b, caps);
  }
  return caps;
}

/**
 * The grant's minutes in [from, to) on the days this provider was the citizen's choice for the
 * category and the citizen was not away: when the citizen changes provider within a week or month,
 * each provider's cap is its share of the grant, and the caps together are the grant.
 */
function grantedMinutes(u: Unit, from: number, to: number, ctx: EngineContext): number {
  let n = 0;
  const citizen = u.visit.citizenId;
  const provider = ctx.provider.id;
  forEachOccurrence(u.grant!, from, to, (d, count) => {
    const date = dateOf(d);
    if (ctx.choiceOn(citizen, u.category, date)?.providerId === provider && !ctx.absenceOn(citizen, date)) n += count;
  });
  return n * u.grant!.minutesPerOccurrence;
}
