import { signed } from '../engine-context.js';
import type { ReimbursementModel } from '../model-schema.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * The model's percent for a provider kind: `kinds.<code>`, or the older keys `private` and
 * `municipal` (the codes every municipality's first two kinds keep). Undefined: no adjustment.
 */
export function kindPercentOf(model: ReimbursementModel, kind: string): string | undefined {
  const adj = model.providerKindAdjustment;
  if (!adj) return undefined;
  if (adj.kinds && Object.hasOwn(adj.kinds, kind)) return adj.kinds[kind];
  return kind === 'private' ? adj.private : kind === 'municipal' ? adj.municipal : undefined;
}

/**
 * Percentage supplement or deduction by provider kind (DOMAIN.md §4, Tyresö 2021 *(published)*:
 * private providers +1.5 % as VAT compensation, the municipal provider −1.5 %). Any kind of the
 * municipality's own list can have its percent (Stockholm 2023 prices kommunal regi, entreprenad
 * and övrig privat regi apart *(published)*).
 */
export const providerKindAdjustment: UnitRule = {
  stage: 'unit',
  name: 'provider-kind-adjustment',
  enabled: (ctx) => kindPercentOf(ctx.model, ctx.provider.kind) !== undefined,
  apply(u, ctx) {
    const adj = ctx.model.providerKindAdjustment;
    const percent = kindPercentOf(ctx.model, ctx.provider.kind);
    if (!adj || percent === undefined || (adj.categories && !adj.categories.includes(u.category))) return;
    u.kindPercent = percent;
    addReason(u, `kind.${ctx.provider.kind}${signed(percent)}`);
  },
};
