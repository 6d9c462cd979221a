import { Decimal } from 'decimal.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

const fixed = new Map<string, Decimal>();
const fixedAmount = (s: string) => {
  let d = fixed.get(s);
  if (!d) fixed.set(s, (d = new Decimal(s)));
  return d;
};

/**
 * Hourly prices (DOMAIN.md §3 price list): the rate per (price group × time band × provider kind
 * [× area]). With area mode "rates" the visit's (else the citizen's) area selects a separate
 * rate, falling back to the rate without area (Jönköping 2016: 414.80 urban vs 506.70 rural
 * kr/h). A fixed per-visit amount in the model needs no lookup. A rate missing for a paid visit
 * fails the run; for an exception it leaves the would-be amount at 0 with reason rate.missing.
 */
export const rateLookup: UnitRule = {
  stage: 'unit',
  name: 'rate-lookup',
  apply(u, ctx) {
    const area = ctx.model.area;
    if (area && area.mode !== 'none') {
      u.area = (area.from === 'citizen' ? u.citizen?.area : (u.visit.area ?? u.citizen?.area)) ?? '';
    }
    const b = u.rules.basis;
    const byArea = area?.mode === 'rates' ? u.area : '';
    for (const p of u.parts) {
      if (b.type === 'per_visit' && b.amount !== undefined) {
        p.rate = fixedAmount(b.amount);
        continue;
      }
      const r = ctx.rate(u.service.priceGroup, p.band, byArea, p.unit, u.exception !== null);
      if (!r) {
        if (u.exception !== null && !u.reasons.includes('rate.missing')) addReason(u, 'rate.missing');
        continue;
      }
      p.rate = r.rate;
      if (r.area) {
        const code = `area.rate.${r.area}`;
        if (!u.reasons.includes(code)) addReason(u, code);
      }
    }
  },
};
