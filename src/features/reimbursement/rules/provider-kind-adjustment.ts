import { signed } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Percentage supplement or deduction by provider kind (DOMAIN.md §4, Tyresö 2021 *(published)*:
 * private providers +1.5 % as VAT compensation, the municipal provider −1.5 %).
 */
export const providerKindAdjustment: UnitRule = {
  stage: 'unit',
  name: 'provider-kind-adjustment',
  enabled: (ctx) => ctx.model.providerKindAdjustment?.[ctx.provider.kind] !== undefined,
  apply(u, ctx) {
    const adj = ctx.model.providerKindAdjustment;
    const percent = adj?.[ctx.provider.kind];
    if (!adj || percent === undefined || (adj.categories && !adj.categories.includes(u.category))) return;
    u.kindPercent = percent;
    addReason(u, `kind.${ctx.provider.kind}${signed(percent)}`);
  },
};
