import { dayNumber } from '../calendar/dates.js';
import { pctLabel } from '../engine-context.js';
import type { UnitRule } from './rule.js';
import { addReason } from '../reasons.js';

/**
 * Unplanned hospital stay (DOMAIN.md §4, Solna 2024 *(published)*: 75 % of the planned visits on
 * day 1 of the stay, 25 % on days 2–5, then nothing). Applies to visits planned on a day of a
 * matching absence that did not take place because the citizen was away (cancelled by the
 * citizen or not at home); day 1 is the absence's first day. Days not listed pay 0 %.
 */
export const hospitalStay: UnitRule = {
  stage: 'unit',
  name: 'hospital-stay',
  enabled: (ctx) => ctx.model.hospital !== undefined && ctx.input.absences.length > 0,
  apply(u, ctx) {
    const h = ctx.model.hospital;
    const s = u.visit.status;
    if (!h || (s !== 'cancelled_by_citizen' && s !== 'no_show')) return;
    if (h.categories && !h.categories.includes(u.category)) return;
    const a = ctx.absenceOn(u.visit.citizenId, u.date);
    if (!a || !(h.absenceKinds ?? ['hospital']).includes(a.kind) || (a.planned && !h.includePlannedAbsences)) return;
    const n = u.day - dayNumber(a.validFrom) + 1;
    const percent = h.days.find((d) => d.from <= n && n <= d.to)?.percent ?? '0';
    u.kind = 'hospital';
    u.percent = percent;
    addReason(u, `hospital.day${n}.${pctLabel(percent)}`);
  },
};
