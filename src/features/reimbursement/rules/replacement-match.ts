import { weekdayOf } from '../calendar/dates.js';
import { toEpochMinute } from '../calendar/time-bands.js';
import type { EngineContext } from '../engine-context.js';
import { addReason } from '../reasons.js';
import type { BatchRule } from './rule.js';
import { raise } from './rule.js';

/**
 * With `cancellation.replacementWithinWeekdays` = N, a visit with status "replacement" is paid
 * only if it follows a visit of the same citizen and service cancelled by this provider no more
 * than N weekdays earlier (each cancelled visit covers one replacement, and may lie before the
 * period when it was passed in); otherwise it is a replacement_without_cancellation exception.
 * This runs before the caps, so a replacement that is not paid does not use up a weekly or
 * monthly cap. The cancelled visits it answers are marked `cancel.provider.replaced` later, by
 * provider-cancellation (`replacedCancellations`).
 */
export const replacementMatch: BatchRule = {
  stage: 'batch',
  name: 'replacement-match',
  enabled: (ctx) => ctx.model.cancellation?.replacementWithinWeekdays !== undefined,
  apply(units, ctx) {
    const within = ctx.model.cancellation!.replacementWithinWeekdays!;
    const replacements = units.filter((u) => u.visit.status === 'replacement');
    if (replacements.length === 0) return;
    let pool = pools.get(ctx);
    if (!pool) pools.set(ctx, (pool = cancellationPool(ctx)));
    for (const u of replacements) {
      const original = (pool.get(`${u.visit.citizenId}|${u.code}`) ?? []).find(
        (c) => !c.used && c.day <= u.day && weekdaysBetween(c.day, u.day) <= within,
      );
      if (original) {
        original.used = true;
        ctx.replacedCancellations.add(original.key);
        addReason(u, `replacement.within.${within}`);
      } else
        raise(u, 'replacement_without_cancellation', `no visit cancelled by the provider within ${within} weekdays before ${u.date}`, {
          days: within,
          date: u.date,
        });
    }
  },
};

type Pool = Map<string, { day: number; key: string; used: boolean }[]>;
/** One pool per run: the period's first-week visits before it (ctx.earlierInWeek) use theirs up first. */
const pools = new WeakMap<EngineContext, Pool>();

/** Every provider-cancelled visit of this provider (also those just before the period) per citizen × service, in date order. */
function cancellationPool(ctx: EngineContext): Pool {
  const pool: Pool = new Map();
  for (const v of ctx.input.visits) {
    if (v.providerId !== ctx.provider.id || v.status !== 'cancelled_by_provider') continue;
    const at = v.plannedStart ?? v.actualStart;
    if (at == null) continue;
    const day = ctx.calendar.dayAt(toEpochMinute(at)).day;
    for (const code of v.serviceCodes) {
      const k = `${v.citizenId}|${code}`;
      const entry = { day, key: cancellationKey(v.id, code), used: false };
      const list = pool.get(k);
      if (list) list.push(entry);
      else pool.set(k, [entry]);
    }
  }
  for (const list of pool.values()) list.sort((a, b) => a.day - b.day || (a.key < b.key ? -1 : 1));
  return pool;
}

/** How a cancelled visit's service is named in `replacedCancellations`. */
export const cancellationKey = (visitId: unknown, code: string): string => `${String(visitId)}|${code}`;

/** Weekdays (Mon–Fri) in (from, to]. */
function weekdaysBetween(from: number, to: number): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (weekdayOf(d) <= 5) n++;
  return n;
}
