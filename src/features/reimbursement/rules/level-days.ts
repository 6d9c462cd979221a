import { Decimal } from 'decimal.js';
import { dateOf, dayNumber, monthOf } from '../calendar/dates.js';
import type { EngineContext } from '../engine-context.js';
import { pctLabel, signed } from '../engine-context.js';
import type { LevelGrantInput, LevelRate, LevelRateUnit } from '../engine-types.js';
import { kindPercentOf } from './provider-kind-adjustment.js';
import type { BatchRule } from './rule.js';

/**
 * Level-based care paid per day (DOMAIN.md §4, levels and period prices): Danish helhedspleje
 * under the Ældreloven (LOV nr 1651 af 30/12/2024, § 18 free choice, § 19 prices from the average
 * long-run costs) *(published)*, and Stockholm 2023's LSS servicebostad paid per dygn and nivå
 * *(published)*. Each calendar day of a citizen's level grant is paid to the provider the citizen
 * had chosen on that day for the level's category, at that provider kind's price for the level
 * (the citizen's area, else any area): a daily price once, a weekly price 1/7, a monthly price
 * 1/(days of that month). A day of absence pays the model's percent for its kind and day of
 * absence (`levels.absences`; kinds listed nowhere pay in full, days not listed 0 %), and the
 * model's percentage for the provider's kind (`providerKindAdjustment`) when its categories allow.
 *
 * One line per citizen × level × price × percent: quantity = days, rate = the price as published,
 * factor = percent/100 ÷ (1, 7 or the days of the month), so a reader multiplies
 * days × price × percent and divides by the unit's days; rounded once per line (divided last).
 */
export const levelDays: BatchRule = {
  stage: 'batch',
  name: 'level-days',
  enabled: (ctx) => (ctx.input.levelGrants?.length ?? 0) > 0,
  apply(_units, ctx) {
    const { input } = ctx;
    const levels = input.levels ?? {};
    const rates = ratesOf(input.levelRates ?? [], ctx.provider.kind);
    const lines = new Map<
      string,
      { citizenId: number; level: string; rate: LevelRate; percent: string | null; divisor: number; days: number; reasons: Set<string> }
    >();
    const missing = new Map<string, { level: string; area: string | null; days: string[] }>();
    const grants = [...(input.levelGrants ?? [])].sort(
      (a, b) => a.citizenId - b.citizenId || (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : a.id - b.id),
    );
    checkOverlaps(grants, ctx);
    const reductions = ctx.model.levels?.absences ?? [];

    for (const g of grants) {
      const level = levels[g.level];
      if (!level) {
        ctx.issues.push({
          code: 'unknown_level',
          message: `level ${g.level} (level grant ${g.id}) is not in the catalogue in force`,
          details: { level: g.level, levelGrantId: g.id },
        });
        continue;
      }
      const area = ctx.citizens.get(g.citizenId)?.area ?? '';
      const from = Math.max(ctx.fromDay, dayNumber(g.validFrom));
      const to = g.validTo === null ? ctx.toDay : Math.min(ctx.toDay, dayNumber(g.validTo));
      for (let d = from; d < to; d++) {
        const date = dateOf(d);
        if (ctx.choiceOn(g.citizenId, level.category, date)?.providerId !== ctx.provider.id) continue;
        const rate = (area ? rates.get(`${g.level}|${area}`) : undefined) ?? rates.get(`${g.level}|`);
        if (!rate) {
          const key = `${g.level}|${area}`;
          const m = missing.get(key) ?? { level: g.level, area: area || null, days: [] };
          m.days.push(date);
          missing.set(key, m);
          continue;
        }
        const reasons = [`level.${g.level}`, `level.${rate.unit}`];
        if (rate.area) reasons.push(`area.rate.${rate.area}`);
        let percent: string | null = null;
        const a = ctx.absenceOn(g.citizenId, date);
        const rule = a && reductions.find((r) => r.kinds.includes(a.kind) && (!a.planned || r.includePlanned));
        if (a && rule) {
          const n = d - dayNumber(a.validFrom) + 1;
          percent = rule.days.find((x) => x.from <= n && n <= x.to)?.percent ?? '0';
          reasons.push(`level.absence.${a.kind}.day${n}.${pctLabel(percent)}`);
        }
        const divisor = divisorOf(rate.unit, d);
        const key = `${g.citizenId}|${g.level}|${rate.unit}|${rate.area ?? ''}|${percent}|${divisor}`;
        let line = lines.get(key);
        if (!line) lines.set(key, (line = { citizenId: g.citizenId, level: g.level, rate, percent, divisor, days: 0, reasons: new Set() }));
        line.days++;
        for (const r of reasons) line.reasons.add(r);
      }
    }
    for (const m of missing.values()) {
      const kind = ctx.provider.kind;
      ctx.issues.push({
        code: 'missing_level_rate',
        message: `no price for level ${m.level}, ${kind} provider${m.area ? `, area ${m.area}` : ''} (needed on ${m.days.length} day(s): ${m.days[0]}${m.days.length > 1 ? ` – ${m.days[m.days.length - 1]}` : ''})`,
        details: { level: m.level, providerKind: kind, area: m.area, from: m.days[0], to: m.days[m.days.length - 1], days: m.days.length },
      });
    }
    const adj = ctx.model.providerKindAdjustment;
    const kindPercent = kindPercentOf(ctx.model, ctx.provider.kind);
    for (const l of lines.values()) {
      const category = levels[l.level]!.category;
      const kp = adj && kindPercent !== undefined && (!adj.categories || adj.categories.includes(category)) ? kindPercent : null;
      if (kp !== null) l.reasons.add(`kind.${ctx.provider.kind}${signed(kp)}`);
      const base = ctx.pricing.factor(l.percent, null, kp);
      ctx.extraItems.push({
        citizenId: l.citizenId,
        code: l.level,
        category: levels[l.level]!.category,
        kind: 'level_day',
        band: null,
        unit: l.rate.unit,
        minutes: 0,
        quantity: new Decimal(l.days),
        rate: l.rate.rate,
        factor: l.divisor === 1 ? base : ctx.pricing.scaled(base, 1, l.divisor),
        reasons: [...l.reasons],
      });
    }
  },
};

/** How many days one price pays for: 1, 7, or the days of the month the day falls in. */
export const divisorOf = (unit: LevelRateUnit, day: number): number =>
  unit === 'per_day' ? 1 : unit === 'per_week' ? 7 : monthOf(day).days;

function ratesOf(list: readonly LevelRate[], kind: LevelRate['providerKind']): Map<string, LevelRate> {
  const m = new Map<string, LevelRate>();
  for (const r of list) if (r.providerKind === kind) m.set(`${r.level}|${r.area ?? ''}`, r);
  return m;
}

/** A citizen has one level a day; the database refuses overlaps, a scenario file or direct call might not. */
function checkOverlaps(sorted: readonly LevelGrantInput[], ctx: EngineContext) {
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.citizenId === b.citizenId && (a.validTo === null || b.validFrom < a.validTo))
      ctx.issues.push({
        code: 'overlapping_level_grants',
        message: `citizen ${ctx.citizenRef(a.citizenId)} has two levels on ${b.validFrom} (level grants ${a.id} ${a.level} and ${b.id} ${b.level})`,
        details: { citizenRef: ctx.citizenRef(a.citizenId), levelGrants: [a.id, b.id], date: b.validFrom },
      });
  }
}
