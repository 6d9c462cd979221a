import type { UnitRule } from './rule.js';
import { raise } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * DOMAIN.md §4 (exceptions): a visit is paid only if an active grant for the citizen and service
 * covered its date. Without one the visit becomes a visit_without_grant exception, priced as if
 * granted at the service's standard minutes so finance sees what it would have paid.
 */
export const matchGrant: UnitRule = {
  stage: 'unit',
  name: 'match-grant',
  apply(u, ctx) {
    u.grant = ctx.grantOn(u.visit.citizenId, u.code, u.date);
    if (u.grant) {
      u.granted = u.grant.minutesPerOccurrence;
      return;
    }
    u.granted = u.service.standardMinutes;
    addReason(u, 'grant.assumed_standard');
    raise(u, 'visit_without_grant', `no grant for ${u.code} on ${u.date}`, { service: u.code, date: u.date });
  },
};
