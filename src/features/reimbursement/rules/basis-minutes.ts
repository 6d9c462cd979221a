import { pctLabel } from '../engine-context.js';
import { capLimit } from './cap-limit.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Payment basis (DOMAIN.md §4): granted minutes (Danish *betaling efter visiteret tid*),
 * delivered minutes (Swedish *utförd tid*) with an optional cap per visit at P % of the granted
 * minutes and a floor per visit, a fixed amount per visit (Stockholm 2024 night visits), the
 * service's standard minutes (Solna 2024 practical help), or a per-period amount (the visit
 * itself is then included in the monthly line).
 */
export const basisMinutes: UnitRule = {
  stage: 'unit',
  name: 'basis-minutes',
  apply(u) {
    const b = u.rules.basis;
    switch (b.type) {
      case 'granted':
        u.minutes = u.granted;
        addReason(u, 'basis.granted');
        return;
      case 'per_service':
        u.minutes = u.service.standardMinutes;
        addReason(u, 'basis.per_service');
        return;
      case 'per_visit':
        u.minutes = u.registered;
        addReason(u, 'basis.per_visit');
        return;
      case 'per_period':
        u.minutes = 0;
        u.included = true;
        addReason(u, 'basis.per_period.included');
        return;
      case 'delivered': {
        u.minutes = u.registered;
        addReason(u, 'basis.delivered');
        for (const cap of b.caps ?? []) {
          if (cap.per !== 'visit') continue;
          const limit = capLimit(u.granted, cap.percentOfGranted);
          if (u.minutes > limit) {
            u.minutes = limit;
            addReason(u, `delivered.cap.visit.${pctLabel(cap.percentOfGranted)}`);
          }
        }
        if (b.floorMinutes !== undefined && u.minutes < b.floorMinutes) {
          u.minutes = b.floorMinutes;
          addReason(u, `delivered.floor.${b.floorMinutes}`);
        }
        return;
      }
    }
  },
};
