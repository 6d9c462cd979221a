import { Decimal } from 'decimal.js';
import { isDelivered } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { raise } from './rule.js';

/** The factor in millionths (the schema allows 6 decimals), so the comparison stays in integers. */
const scaled = new Map<string, number>();
const micro = (factor: string) => {
  let v = scaled.get(factor);
  if (v === undefined) scaled.set(factor, (v = new Decimal(factor).mul(1_000_000).toNumber()));
  return v;
};

/**
 * Visits far longer than granted are not paid silently (DOMAIN.md §4): registered minutes above
 * granted × factor (and at least minExtraMinutes over the grant) make the visit an exception.
 */
export const farLongerThanGranted: UnitRule = {
  stage: 'unit',
  name: 'far-longer-than-granted',
  enabled: (ctx) => ctx.model.exceptions?.farLongerThanGranted !== undefined,
  apply(u, ctx) {
    const rule = ctx.model.exceptions?.farLongerThanGranted;
    if (!rule || !u.grant || !isDelivered(u.visit.status)) return;
    if (u.registered - u.granted < (rule.minExtraMinutes ?? 1)) return;
    if (u.registered * 1_000_000 > u.granted * micro(rule.factor)) {
      raise(u, 'far_longer_than_granted', `${u.registered} minutes registered, ${u.granted} granted (limit ×${rule.factor})`, {
        registered: u.registered,
        granted: u.granted,
        factor: String(rule.factor),
      });
    }
  },
};
