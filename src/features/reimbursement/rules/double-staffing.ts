import { isHourly } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Double staffing (DOMAIN.md §4): the minutes are multiplied by the staff count when the grant
 * allows two; two staff on a visit whose grant allows one are paid as one.
 */
export const doubleStaffing: UnitRule = {
  stage: 'unit',
  name: 'double-staffing',
  enabled: (ctx) => ctx.model.doubleStaffing?.enabled === true,
  apply(u, ctx) {
    if (!ctx.model.doubleStaffing?.enabled || !isHourly(u.rules.basis) || u.visit.staffCount < 2) return;
    const allowed = u.grant?.staffCount ?? 1;
    const staff = Math.min(u.visit.staffCount, allowed);
    if (staff >= 2) {
      u.minutes *= staff;
      addReason(u, 'staff.double');
    } else addReason(u, 'staff.double.not_granted');
  },
};
