import { Decimal } from 'decimal.js';
import { dateOf } from '../calendar/dates.js';
import { forEachOccurrence } from '../grant-expansion.js';
import type { BatchRule } from './rule.js';

/**
 * Grants that were never delivered are listed, not dropped (DOMAIN.md §4): a grant with planned
 * occurrences in the period on days the citizen had chosen this provider and was not away, and
 * not a single visit (of any status) by this provider for it. Nothing would have been paid, so
 * the amount is 0; the planned minutes say how much care is missing.
 */
export const grantNeverDelivered: BatchRule = {
  stage: 'batch',
  name: 'grant-never-delivered',
  enabled: (ctx) => ctx.model.exceptions?.grantNeverDelivered !== false,
  apply(units, ctx) {
    if (ctx.model.exceptions?.grantNeverDelivered === false) return;
    const seen = new Set<number>();
    for (const u of units) if (u.grant) seen.add(u.grant.id);
    const zero = new Decimal(0);
    const chosen = new Set<number>();
    for (const c of ctx.input.choices) if (c.providerId === ctx.provider.id) chosen.add(c.citizenId);
    for (const g of ctx.input.grants) {
      if (seen.has(g.id) || !chosen.has(g.citizenId)) continue;
      const service = ctx.input.services[g.serviceCode];
      const category = service?.category ?? g.category;
      if (service && ctx.rulesFor(g.serviceCode, category).basis.type === 'per_period') continue;
      let count = 0;
      let first: string | null = null;
      forEachOccurrence(g, ctx.fromDay, ctx.toDay, (d, n) => {
        const date = dateOf(d);
        if (ctx.choiceOn(g.citizenId, category, date)?.providerId !== ctx.provider.id || ctx.absenceOn(g.citizenId, date)) return;
        count += n;
        first ??= date;
      });
      if (count === 0) continue;
      ctx.exceptions.push({
        kind: 'grant_never_delivered',
        citizenId: g.citizenId,
        citizenRef: ctx.citizenRef(g.citizenId),
        serviceCode: g.serviceCode,
        category,
        date: first!,
        visitId: null,
        externalId: null,
        grantId: g.id,
        minutes: count * g.minutesPerOccurrence,
        amount: zero,
        message: `${count} planned occurrence(s) of ${g.serviceCode} in the period, no visit registered`,
        params: { count, service: g.serviceCode },
        reasonCodes: ['exception.grant_never_delivered'],
      });
    }
  },
};
