import { Decimal } from 'decimal.js';
import { dateOf, dayNumber } from '../calendar/dates.js';
import type { EngineContext } from '../engine-context.js';
import { pctLabel, signed } from '../engine-context.js';
import type { Category, RateUnit } from '../engine-types.js';
import { forEachOccurrence } from '../grant-expansion.js';
import type { BatchRule } from './rule.js';
import { kindPercentOf } from './provider-kind-adjustment.js';

/**
 * Planned care derived from the grant during an unplanned hospital stay (DOMAIN.md §4 "planned
 * care"; Solna 2024 *(published)*: "75 % of the planned visits" on day 1 of the stay, 25 % on
 * days 2–5). The percentages apply to the visits the grant planned on the days of the stay
 * (its frequency, weekdays and minutes), whether or not the time registration holds them. The
 * rule `hospital-stay` pays the visits that were registered (cancelled or not at home); this rule
 * pays the grant's remaining occurrences of each day: planned occurrences − visits of the service
 * the provider registered for the citizen that day, so a registered cancellation of a planned
 * visit is never paid twice. Enabled by `hospital.plannedFromGrant`.
 *
 * A derived visit is paid to the provider the citizen had chosen that day for the grant's
 * category, at the hourly rate of the grant's time band when it names a band of the model, else
 * of `plannedFromGrant.rateBand` (a derived visit has no time of day to split by): the
 * grant's minutes (standard minutes for `per_service`; × staff count when double staffing is on
 * and the grant is for two), or the per-visit amount/rate for `per_visit`. Days paying 0 % and
 * `per_period` services give no line. Lines: kind `hospital`, reason codes `hospital.planned`
 * and `hospital.dayN.P`, one line per citizen × service × percent × rate, apart from the lines
 * of registered visits.
 */
export const hospitalPlannedCare: BatchRule = {
  stage: 'batch',
  name: 'hospital-planned-care',
  enabled: (ctx) => ctx.model.hospital?.plannedFromGrant !== undefined && ctx.input.absences.length > 0,
  apply(units, ctx) {
    const h = ctx.model.hospital;
    if (!h?.plannedFromGrant) return;
    const kinds = h.absenceKinds ?? ['hospital'];
    // Visits the provider registered per citizen × service × day (any status): they stand for planned occurrences.
    const registered = new Map<string, number>();
    for (const u of units) {
      const k = `${u.visit.citizenId}|${u.code}|${u.date}`;
      registered.set(k, (registered.get(k) ?? 0) + 1);
    }
    const bands = new Set(ctx.model.timeBands.bands.map((b) => b.name));
    if (ctx.model.timeBands.holidayBand) bands.add(ctx.model.timeBands.holidayBand);
    const lines = new Map<string, Derived>();
    for (const g of ctx.input.grants) {
      if (!ctx.absences.has(g.citizenId)) continue;
      const service = ctx.input.services[g.serviceCode];
      if (!service) continue;
      const category = service.category;
      if (h.categories && !h.categories.includes(category)) continue;
      const basis = ctx.rulesFor(g.serviceCode, category).basis;
      if (basis.type === 'per_period') continue;
      forEachOccurrence(g, ctx.fromDay, ctx.toDay, (d, count) => {
        const date = dateOf(d);
        const a = ctx.absenceOn(g.citizenId, date);
        if (!a || !kinds.includes(a.kind) || (a.planned && !h.includePlannedAbsences)) return;
        if (ctx.grantOn(g.citizenId, g.serviceCode, date)?.id !== g.id) return; // a later grant for the service decides the day
        if (ctx.choiceOn(g.citizenId, category, date)?.providerId !== ctx.provider.id) return;
        const key = `${g.citizenId}|${g.serviceCode}|${date}`;
        const seen = registered.get(key) ?? 0;
        const missing = count - seen;
        registered.set(key, Math.max(0, seen - count));
        if (missing <= 0) return;
        const n = d - dayNumber(a.validFrom) + 1;
        const percent = h.days.find((x) => x.from <= n && n <= x.to)?.percent ?? '0';
        if (new Decimal(percent).isZero()) return;
        const double = ctx.model.doubleStaffing?.enabled === true && g.staffCount > 1;
        const per =
          basis.type === 'per_service'
            ? service.standardMinutes
            : (g.minutesPerOccurrence || service.standardMinutes) * (double ? g.staffCount : 1);
        const band = g.timeBand && bands.has(g.timeBand) ? g.timeBand : h.plannedFromGrant!.rateBand;
        const lk = `${g.citizenId}|${g.serviceCode}|${percent}|${band}`;
        let l = lines.get(lk);
        if (!l)
          lines.set(
            lk,
            (l = {
              citizenId: g.citizenId,
              code: g.serviceCode,
              category,
              priceGroup: service.priceGroup,
              band,
              percent,
              visits: 0,
              minutes: 0,
              reasons: new Set(),
            }),
          );
        l.visits += missing;
        l.minutes += missing * per;
        l.reasons.add(`basis.${basis.type}`);
        if (double) l.reasons.add('staff.double');
        l.reasons.add('hospital.planned');
        l.reasons.add(`hospital.day${n}.${pctLabel(percent)}`);
      });
    }
    for (const l of lines.values()) {
      const band = l.band;
      const basis = ctx.rulesFor(l.code, l.category).basis;
      const perVisit = basis.type === 'per_visit';
      const unit: RateUnit = perVisit ? 'per_visit' : 'per_hour';
      const reasons = [...l.reasons];
      const adj = adjustments(ctx, l.citizenId, l.category, reasons);
      let rate: Decimal | null;
      if (perVisit && basis.amount !== undefined) rate = new Decimal(basis.amount);
      else {
        const r = ctx.rate(l.priceGroup, perVisit ? (basis.rateBand ?? band) : band, adj.byArea, unit, false);
        rate = r?.rate ?? null;
        if (r?.area) reasons.push(`area.rate.${r.area}`);
      }
      if (!rate) continue; // the missing rate is an issue: the run fails
      if (adj.perHour && unit === 'per_hour') rate = rate.plus(adj.perHour);
      const factor = ctx.pricing.tagged(ctx.pricing.factor(l.percent, adj.areaPercent, adj.kindPercent), 'planned');
      ctx.extraItems.push({
        citizenId: l.citizenId,
        code: l.code,
        category: l.category,
        kind: 'hospital',
        band: perVisit ? (basis.rateBand ?? band) : band,
        unit,
        minutes: perVisit ? 0 : l.minutes,
        quantity: new Decimal(l.visits),
        rate,
        factor,
        reasons,
        visits: l.visits,
      });
    }
  },
};

interface Derived {
  citizenId: number;
  code: string;
  category: Category;
  priceGroup: string;
  band: string;
  percent: string;
  visits: number;
  minutes: number;
  reasons: Set<string>;
}

/** The citizen's area rate, area supplement and provider-kind adjustment, as the unit rules give them to a visit (reasons added). */
export function adjustments(ctx: EngineContext, citizenId: number, category: Category, reasons: string[]) {
  const model = ctx.model;
  const area = model.area && model.area.mode !== 'none' ? (ctx.citizens.get(citizenId)?.area ?? '') : '';
  let areaPercent: string | null = null;
  let perHour: string | null = null;
  const sup = model.area?.mode === 'supplement' && area ? model.area.supplements[area] : undefined;
  if (sup && 'percent' in sup) {
    areaPercent = sup.percent;
    reasons.push(`area.supplement.${area}${signed(sup.percent)}%`);
  } else if (sup) {
    perHour = sup.perHour;
    reasons.push(`area.supplement.${area}+${pctLabel(sup.perHour)}/h`);
  }
  const adj = model.providerKindAdjustment;
  const percent = kindPercentOf(model, ctx.provider.kind);
  let kindPercent: string | null = null;
  if (adj && percent !== undefined && (!adj.categories || adj.categories.includes(category))) {
    kindPercent = percent;
    reasons.push(`kind.${ctx.provider.kind}${signed(percent)}`);
  }
  return { byArea: model.area?.mode === 'rates' ? area : '', areaPercent, kindPercent, perHour };
}
