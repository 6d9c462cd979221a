import { Decimal } from 'decimal.js';
import { isDelivered } from '../engine-context.js';
import type { BatchRule } from './rule.js';

/**
 * Quality bonus per delivered hour (DOMAIN.md §4): the registered minutes of the visits paid to
 * the provider (not of cancellations or exceptions) × the bonus per hour, one line per citizen
 * and service, for the categories and provider kinds the model names.
 */
export const qualityBonus: BatchRule = {
  stage: 'batch',
  name: 'quality-bonus',
  enabled: (ctx) => ctx.model.qualityBonus !== undefined,
  apply(units, ctx) {
    const q = ctx.model.qualityBonus;
    if (!q || (q.providerKinds && !q.providerKinds.includes(ctx.provider.kind))) return;
    const rate = new Decimal(q.perHour);
    const sums = new Map<string, { citizenId: number; code: string; category: (typeof units)[number]['category']; minutes: number }>();
    for (const u of units) {
      if (u.exception || u.included || !isDelivered(u.visit.status) || (q.categories && !q.categories.includes(u.category))) continue;
      const key = `${u.visit.citizenId}|${u.code}`;
      const s = sums.get(key);
      if (s) s.minutes += u.registered;
      else sums.set(key, { citizenId: u.visit.citizenId, code: u.code, category: u.category, minutes: u.registered });
    }
    for (const s of sums.values()) {
      if (s.minutes === 0) continue;
      ctx.extraItems.push({
        ...s,
        kind: 'quality_bonus',
        band: null,
        unit: 'per_hour',
        quantity: new Decimal(s.minutes).div(60),
        rate,
        factor: ctx.pricing.factor(null, null, null),
        reasons: ['bonus.quality'],
      });
    }
  },
};
