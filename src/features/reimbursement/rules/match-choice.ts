import type { UnitRule } from './rule.js';
import { raise } from './rule.js';

/**
 * Free choice of provider (DOMAIN.md §3–4): a provider is paid for a visit only if the citizen had
 * chosen that provider for the service's category on the visit's date; otherwise the visit is a
 * provider_not_chosen exception.
 */
export const matchChoice: UnitRule = {
  stage: 'unit',
  name: 'match-choice',
  apply(u, ctx) {
    const choice = ctx.choiceOn(u.visit.citizenId, u.category, u.date);
    if (choice?.providerId === ctx.provider.id) return;
    raise(
      u,
      'provider_not_chosen',
      choice ? `citizen had chosen another provider for ${u.category} on ${u.date}` : `no provider choice for ${u.category} on ${u.date}`,
      { choice: choice ? 'other' : 'none', category: u.category, date: u.date },
    );
  },
};
