import { isDelivered } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { raise } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * An absence (hospital, respite, holiday) suspends the citizen's grants (DOMAIN.md §3). A visit
 * delivered on a later day of an absence is a visit_during_absence exception; the first day is
 * paid normally, because the citizen usually leaves during that day.
 */
export const absenceSuspendsGrant: UnitRule = {
  stage: 'unit',
  name: 'absence-suspends-grant',
  enabled: (ctx) => ctx.input.absences.length > 0,
  apply(u, ctx) {
    if (!isDelivered(u.visit.status)) return;
    const a = ctx.absenceOn(u.visit.citizenId, u.date);
    if (!a) return;
    if (a.validFrom === u.date) {
      addReason(u, 'absence.first_day');
      return;
    }
    raise(u, 'visit_during_absence', `delivered on ${u.date} during a ${a.kind} absence from ${a.validFrom}`, {
      date: u.date,
      absence: a.kind,
      from: a.validFrom,
    });
  },
};
