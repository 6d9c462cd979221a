import { Decimal } from 'decimal.js';
import { dateOf, monthOf } from '../calendar/dates.js';
import { signed } from '../engine-context.js';
import { kindPercentOf } from './provider-kind-adjustment.js';
import type { BatchRule } from './rule.js';

/**
 * Per-period payment (DOMAIN.md §4, Stockholm 2024 *(published)*: alarm customers 197 kr per
 * month for private providers): one line per citizen, service and calendar month in which the
 * citizen had the grant and had chosen this provider for its category on at least one day. With
 * prorate "days" the amount is scaled by those days ÷ the days of the month.
 */
export const perPeriod: BatchRule = {
  stage: 'batch',
  name: 'per-period',
  apply(_units, ctx) {
    const months = new Map<string, { citizenId: number; code: string; first: number; days: number; covered: Set<number> }>();
    for (const g of ctx.input.grants) {
      const service = ctx.input.services[g.serviceCode];
      if (!service || ctx.rulesFor(g.serviceCode, service.category).basis.type !== 'per_period') continue;
      for (let d = ctx.fromDay; d < ctx.toDay; d++) {
        const date = dateOf(d);
        if (date < g.validFrom || (g.validTo !== null && date >= g.validTo)) continue;
        if (ctx.choiceOn(g.citizenId, service.category, date)?.providerId !== ctx.provider.id) continue;
        const m = monthOf(d);
        const key = `${g.citizenId}|${g.serviceCode}|${m.first}`;
        let e = months.get(key);
        if (!e) months.set(key, (e = { citizenId: g.citizenId, code: g.serviceCode, first: m.first, days: m.days, covered: new Set() }));
        e.covered.add(d);
      }
    }
    const model = ctx.model;
    for (const e of months.values()) {
      const service = ctx.input.services[e.code]!;
      const basis = ctx.rulesFor(e.code, service.category).basis;
      if (basis.type !== 'per_period') continue;
      const reasons = ['basis.per_period'];
      const citizen = ctx.citizens.get(e.citizenId);
      const area = model.area && model.area.mode !== 'none' ? (citizen?.area ?? '') : '';
      let rate: Decimal | null;
      if (basis.amount !== undefined) rate = new Decimal(basis.amount);
      else {
        const r = ctx.rate(service.priceGroup, basis.rateBand!, model.area?.mode === 'rates' ? area : '', 'per_month', false);
        rate = r?.rate ?? null;
        if (r?.area) reasons.push(`area.rate.${r.area}`);
      }
      if (!rate) continue;
      let areaPercent: string | null = null;
      const sup = model.area?.mode === 'supplement' ? model.area.supplements[area] : undefined;
      if (sup && 'percent' in sup) {
        areaPercent = sup.percent;
        reasons.push(`area.supplement.${area}${signed(sup.percent)}%`);
      }
      const adj = model.providerKindAdjustment;
      let kindPercent: string | null = null;
      const kp = kindPercentOf(model, ctx.provider.kind);
      if (adj && kp !== undefined && (!adj.categories || adj.categories.includes(service.category))) {
        kindPercent = kp;
        reasons.push(`kind.${ctx.provider.kind}${signed(kindPercent)}`);
      }
      let factor = ctx.pricing.factor(null, areaPercent, kindPercent);
      if (basis.prorate === 'days' && e.covered.size < e.days) {
        factor = ctx.pricing.scaled(factor, e.covered.size, e.days);
        reasons.push(`per_period.days.${e.covered.size}/${e.days}`);
      }
      ctx.extraItems.push({
        citizenId: e.citizenId,
        code: e.code,
        category: service.category,
        kind: 'per_period',
        band: basis.rateBand ?? null,
        unit: 'per_month',
        minutes: 0,
        quantity: new Decimal(1),
        rate,
        factor,
        reasons,
      });
    }
  },
};
