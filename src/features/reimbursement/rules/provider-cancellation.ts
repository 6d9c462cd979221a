import { pctLabel } from '../engine-context.js';
import { addReason } from '../reasons.js';
import type { BatchRule } from './rule.js';
import { cancellationKey } from './replacement-match.js';

/**
 * Cancelled by the provider (DOMAIN.md §4): 0 % (or the model's byProvider percent); a cancelled
 * visit that a replacement answered (replacement-match) is marked `cancel.provider.replaced`.
 * Without `replacementWithinWeekdays`, replacement visits are paid like delivered ones.
 */
export const providerCancellation: BatchRule = {
  stage: 'batch',
  name: 'provider-cancellation',
  apply(units, ctx) {
    const matched = ctx.model.cancellation?.replacementWithinWeekdays !== undefined;
    for (const u of units) {
      if (u.visit.status === 'replacement') {
        if (!matched) addReason(u, 'replacement');
        continue;
      }
      if (u.visit.status !== 'cancelled_by_provider') continue;
      u.kind = 'cancellation';
      u.percent = u.rules.cancellation.byProvider ?? '0';
      addReason(u, `cancel.provider.${pctLabel(u.percent)}`);
      if (matched && ctx.replacedCancellations.has(cancellationKey(u.visit.id, u.code))) addReason(u, 'cancel.provider.replaced');
    }
  },
};
