import { allocate } from '../calendar/time-bands.js';
import type { Unit } from '../engine-context.js';
import type { BatchRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * A visit that delivers several services: its registered (or planned) minutes are shared between
 * the services in proportion to their granted minutes, so the shares add up to the visit. A
 * cancelled visit without a planned end is taken to last its granted minutes.
 */
export const serviceShares: BatchRule = {
  stage: 'batch',
  name: 'service-shares',
  apply(units) {
    for (let i = 0; i < units.length;) {
      let j = i + 1;
      while (j < units.length && units[j]!.visit === units[i]!.visit) j++;
      const group = units.slice(i, i + (j - i));
      const first = group[0]!;
      if (first.end < 0) {
        // No planned end: the visit lasts the sum of the granted minutes.
        const total = group.reduce((s, u) => s + u.granted, 0);
        for (const u of group) u.end = u.start + total;
      }
      const total = first.end - first.start;
      if (group.length === 1) first.registered = total;
      else {
        const out = new Array<number>(group.length).fill(0);
        allocate(
          total,
          group.map((u: Unit) => u.granted),
          0,
          out,
        );
        group.forEach((u, k) => {
          u.registered = out[k]!;
          addReason(u, 'visit.shared');
        });
      }
      i = j;
    }
  },
};
