import { isHourly } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Minute rounding per visit (DOMAIN.md §4: none, or to 1/5/15 minutes up or to the nearest,
 * halves up). Applies to hourly bases only.
 */
export const minuteRounding: UnitRule = {
  stage: 'unit',
  name: 'minute-rounding',
  enabled: (ctx) => (ctx.model.rounding?.mode ?? 'none') !== 'none',
  apply(u, ctx) {
    const r = ctx.model.rounding;
    if (!r || r.mode === 'none' || !isHourly(u.rules.basis)) return;
    const step = r.toMinutes;
    const rounded = r.mode === 'up' ? Math.ceil(u.minutes / step) * step : Math.floor((u.minutes + step / 2) / step) * step;
    if (rounded !== u.minutes) {
      u.minutes = rounded;
      addReason(u, `round.${step}.${r.mode}`);
    }
  },
};
