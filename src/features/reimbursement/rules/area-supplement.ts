import { Decimal } from 'decimal.js';
import { pctLabel, signed } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

const sums = new Map<string, Decimal>();
const plus = (rate: Decimal, add: string) => {
  const key = `${rate.toString()}+${add}`;
  let d = sums.get(key);
  if (!d) sums.set(key, (d = rate.plus(add)));
  return d;
};

/**
 * Area supplement (DOMAIN.md §4: a supplement for rural areas, as an alternative to separate
 * area rates): a percent of the amount, or an amount per hour added to hourly rates, for visits
 * in an area the model lists.
 */
export const areaSupplement: UnitRule = {
  stage: 'unit',
  name: 'area-supplement',
  enabled: (ctx) => ctx.model.area?.mode === 'supplement',
  apply(u, ctx) {
    const a = ctx.model.area;
    if (a?.mode !== 'supplement' || !u.area) return;
    const s = a.supplements[u.area];
    if (!s) return;
    if ('percent' in s) {
      u.areaPercent = s.percent;
      addReason(u, `area.supplement.${u.area}${signed(s.percent)}%`);
      return;
    }
    let applied = false;
    for (const p of u.parts) {
      if (p.unit !== 'per_hour' || !p.rate) continue;
      p.rate = plus(p.rate, s.perHour);
      applied = true;
    }
    if (applied) addReason(u, `area.supplement.${u.area}+${pctLabel(s.perHour)}/h`);
  },
};
