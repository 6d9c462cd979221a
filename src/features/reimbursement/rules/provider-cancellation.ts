import { weekdayOf } from '../calendar/dates.js';
import { toEpochMinute } from '../calendar/time-bands.js';
import { pctLabel, type Unit } from '../engine-context.js';
import type { BatchRule } from './rule.js';
import { raise } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Cancelled by the provider (DOMAIN.md §4): 0 % (or the model's byProvider percent), unless a
 * replacement visit was delivered within N weekdays. With replacementWithinWeekdays set, a visit
 * with status "replacement" is paid only if it follows a provider-cancelled visit of the same
 * citizen and service no more than N weekdays earlier (each cancelled visit covers one
 * replacement, and may lie before the period); otherwise it is a replacement_without_cancellation
 * exception. Without the setting, replacement visits are paid like delivered ones.
 */
export const providerCancellation: BatchRule = {
  stage: 'batch',
  name: 'provider-cancellation',
  apply(units, ctx) {
    const byVisit = new Map<unknown, Unit>();
    for (const u of units) {
      if (u.visit.status !== 'cancelled_by_provider') continue;
      u.kind = 'cancellation';
      u.percent = u.rules.cancellation.byProvider ?? '0';
      addReason(u, `cancel.provider.${pctLabel(u.percent)}`);
      byVisit.set(`${String(u.visit.id)}|${u.code}`, u);
    }
    const within = ctx.model.cancellation?.replacementWithinWeekdays;
    const replacements = units.filter((u) => u.visit.status === 'replacement');
    if (replacements.length === 0) return;
    if (within === undefined) {
      for (const u of replacements) addReason(u, 'replacement');
      return;
    }
    // Every provider-cancelled visit of this provider, also those just before the period.
    const pool = new Map<string, { day: number; key: string; used: boolean }[]>();
    for (const v of ctx.input.visits) {
      if (v.providerId !== ctx.provider.id || v.status !== 'cancelled_by_provider') continue;
      const at = v.plannedStart ?? v.actualStart;
      if (at == null) continue;
      const day = ctx.calendar.dayAt(toEpochMinute(at)).day;
      for (const code of v.serviceCodes) {
        const k = `${v.citizenId}|${code}`;
        const entry = { day, key: `${String(v.id)}|${code}`, used: false };
        const list = pool.get(k);
        if (list) list.push(entry);
        else pool.set(k, [entry]);
      }
    }
    for (const list of pool.values()) list.sort((a, b) => a.day - b.day || (a.key < b.key ? -1 : 1));
    for (const u of replacements) {
      const original = (pool.get(`${u.visit.citizenId}|${u.code}`) ?? []).find((c) => !c.used && c.day <= u.day && weekdaysBetween(c.day, u.day) <= within);
      if (original) {
        original.used = true;
        const replaced = byVisit.get(original.key);
        if (replaced) addReason(replaced, 'cancel.provider.replaced');
        addReason(u, `replacement.within.${within}`);
      } else raise(u, 'replacement_without_cancellation', `no visit cancelled by the provider within ${within} weekdays before ${u.date}`);
    }
  },
};

/** Weekdays (Mon–Fri) in (from, to]. */
function weekdaysBetween(from: number, to: number): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (weekdayOf(d) <= 5) n++;
  return n;
}
