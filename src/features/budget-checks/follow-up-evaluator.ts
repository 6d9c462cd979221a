import { Decimal } from 'decimal.js';
import { CATEGORIES, type Category } from '../../http/common-schemas.js';
import { dayNumber } from '../reimbursement/calendar/dates.js';
import { forEachOccurrence } from '../reimbursement/grant-expansion.js';
import type { CheckAbsence, CheckGrant, CheckLevelGrant } from './budget-check-evaluator.js';
import type { FollowUp } from './budget-schemas.js';

/**
 * The monthly follow-up (granted versus delivered), pure. Granted staff minutes of hourly
 * services are expanded day by day over the month, minus absences, and attributed to the provider
 * the citizen had chosen for the category on that day (none chosen → "no provider"). Delivered
 * staff minutes come from the visits of the month (replacement visits included). The delivery
 * ratio is delivered ÷ granted; the largest deviations are the citizen × category pairs with the
 * largest absolute difference, per provider.
 *
 * What a level buys (issue 18 item 7): each day of a level grant is attributed to the provider the
 * citizen had chosen for the level's category that day; its expected time is the level's hours per
 * week ÷ 7 (absent days expect nothing), against the staff minutes registered by that provider
 * for that citizen on the level's days in the level's category. A level paid but not delivered
 * shows as a low ratio; a level without a time frame shows its days and registered time only.
 */

export interface FollowUpChoice {
  citizenId: number;
  category: Category;
  providerId: number;
  validFrom: string;
  validTo: string | null;
}

export interface FollowUpDelivered {
  providerId: number;
  citizenId: number;
  category: Category;
  /** The level the citizen held that day in this category: the time belongs to the level. */
  level: string | null;
  minutes: Decimal;
}

export interface FollowUpLevel {
  name: string;
  category: Category;
  expectedHoursPerWeek: Decimal | null;
}

export interface FollowUpInput {
  month: string;
  from: string;
  to: string;
  grants: readonly CheckGrant[];
  levelGrants?: readonly Pick<CheckLevelGrant, 'id' | 'citizenId' | 'level' | 'validFrom' | 'validTo'>[];
  levels?: ReadonlyMap<string, FollowUpLevel>;
  absences: readonly CheckAbsence[];
  choices: readonly FollowUpChoice[];
  delivered: readonly FollowUpDelivered[];
  providers: ReadonlyMap<number, { ref: string; name: string }>;
  citizenRefs: ReadonlyMap<number, string>;
  top: number;
}

interface Pair {
  providerId: number | null;
  citizenId: number;
  category: Category;
  granted: number;
  delivered: Decimal;
}

interface LevelCell {
  providerId: number | null;
  level: string;
  citizens: Set<number>;
  days: number;
  /** Σ hours per week over the days present: expected hours × 7. */
  expectedWeekHours: Decimal;
  registered: Decimal;
}

const hours = (m: Decimal.Value) => new Decimal(m).div(60).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
const ratio = (delivered: Decimal, granted: number) =>
  granted === 0 ? null : delivered.div(granted).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);

export function evaluateFollowUp(input: FollowUpInput): FollowUp {
  const from = dayNumber(input.from);
  const to = dayNumber(input.to);
  const choices = new Map<string, Array<{ from: number; to: number; providerId: number }>>();
  for (const c of input.choices) {
    const key = `${c.citizenId}|${c.category}`;
    const range = { from: dayNumber(c.validFrom), to: c.validTo === null ? Infinity : dayNumber(c.validTo), providerId: c.providerId };
    choices.set(key, [...(choices.get(key) ?? []), range]);
  }
  const away = new Map<number, Array<[number, number]>>();
  for (const a of input.absences) {
    away.set(a.citizenId, [
      ...(away.get(a.citizenId) ?? []),
      [dayNumber(a.validFrom), a.validTo === null ? Infinity : dayNumber(a.validTo)],
    ]);
  }

  const pairs = new Map<string, Pair>();
  const pair = (providerId: number | null, citizenId: number, category: Category) => {
    const key = `${providerId ?? ''}|${citizenId}|${category}`;
    let p = pairs.get(key);
    if (!p) {
      p = { providerId, citizenId, category, granted: 0, delivered: new Decimal(0) };
      pairs.set(key, p);
    }
    return p;
  };

  for (const g of input.grants) {
    if (g.billingUnit !== 'per_minute') continue;
    const ranges = choices.get(`${g.citizenId}|${g.category}`) ?? [];
    const absent = away.get(g.citizenId);
    const unit = g.minutesPerOccurrence * g.staffCount;
    forEachOccurrence(g, from, to, (d, count) => {
      if (absent?.some(([a, b]) => d >= a && d < b)) return;
      const providerId = ranges.find((r) => d >= r.from && d < r.to)?.providerId ?? null;
      pair(providerId, g.citizenId, g.category).granted += count * unit;
    });
  }
  const levels = input.levels ?? new Map<string, FollowUpLevel>();
  const levelCells = new Map<string, LevelCell>();
  const levelCell = (providerId: number | null, level: string) => {
    const key = `${providerId ?? ''}|${level}`;
    let c = levelCells.get(key);
    if (!c)
      levelCells.set(
        key,
        (c = { providerId, level, citizens: new Set(), days: 0, expectedWeekHours: new Decimal(0), registered: new Decimal(0) }),
      );
    return c;
  };
  for (const g of input.levelGrants ?? []) {
    const level = levels.get(g.level);
    if (!level) continue;
    const ranges = choices.get(`${g.citizenId}|${level.category}`) ?? [];
    const absent = away.get(g.citizenId);
    const a = Math.max(from, dayNumber(g.validFrom));
    const b = g.validTo === null ? to : Math.min(to, dayNumber(g.validTo));
    for (let d = a; d < b; d++) {
      const cell = levelCell(ranges.find((r) => d >= r.from && d < r.to)?.providerId ?? null, g.level);
      cell.citizens.add(g.citizenId);
      cell.days++;
      if (level.expectedHoursPerWeek && !absent?.some(([x, y]) => d >= x && d < y))
        cell.expectedWeekHours = cell.expectedWeekHours.plus(level.expectedHoursPerWeek);
    }
  }

  for (const d of input.delivered) {
    if (d.level !== null) {
      const cell = levelCell(d.providerId, d.level);
      cell.citizens.add(d.citizenId);
      cell.registered = cell.registered.plus(d.minutes);
      continue;
    }
    const p = pair(d.providerId, d.citizenId, d.category);
    p.delivered = p.delivered.plus(d.minutes);
  }

  const byProvider = new Map<number | null, Pair[]>();
  for (const p of pairs.values()) byProvider.set(p.providerId, [...(byProvider.get(p.providerId) ?? []), p]);
  const levelsOf = new Map<number | null, LevelCell[]>();
  for (const c of levelCells.values()) {
    levelsOf.set(c.providerId, [...(levelsOf.get(c.providerId) ?? []), c]);
    if (!byProvider.has(c.providerId)) byProvider.set(c.providerId, []);
  }
  const refOf = (id: number | null) => (id === null ? null : (input.providers.get(id)?.ref ?? String(id)));
  const providerIds = [...byProvider.keys()].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : (refOf(a) ?? '').localeCompare(refOf(b) ?? ''),
  );

  return {
    month: input.month,
    from: input.from,
    to: input.to,
    providers: providerIds.map((id) => {
      const own = byProvider.get(id)!;
      const granted = own.reduce((s, p) => s + p.granted, 0);
      const delivered = Decimal.sum(0, ...own.map((p) => p.delivered));
      const categories = CATEGORIES.flatMap((category) => {
        const inCat = own.filter((p) => p.category === category);
        if (inCat.length === 0) return [];
        const g = inCat.reduce((s, p) => s + p.granted, 0);
        const d = Decimal.sum(0, ...inCat.map((p) => p.delivered));
        return [
          {
            category,
            citizens: new Set(inCat.map((p) => p.citizenId)).size,
            grantedHours: hours(g),
            deliveredHours: hours(d),
            deliveryRatio: ratio(d, g),
          },
        ];
      });
      const largestDeviations = own
        .map((p) => ({ p, deviation: p.delivered.minus(p.granted) }))
        .filter((x) => !x.deviation.isZero())
        .sort(
          (a, b) => b.deviation.abs().cmp(a.deviation.abs()) || a.p.citizenId - b.p.citizenId || a.p.category.localeCompare(b.p.category),
        )
        .slice(0, input.top)
        .map(({ p, deviation }) => ({
          citizenId: p.citizenId,
          citizenRef: input.citizenRefs.get(p.citizenId) ?? String(p.citizenId),
          category: p.category,
          grantedHours: hours(p.granted),
          deliveredHours: hours(p.delivered),
          deliveryRatio: ratio(p.delivered, p.granted),
          deviationHours: hours(deviation),
        }));
      const provider = id === null ? undefined : input.providers.get(id);
      const ownLevels = (levelsOf.get(id) ?? [])
        .sort((a, b) => a.level.localeCompare(b.level))
        .map((c) => {
          const level = levels.get(c.level)!;
          // expected minutes = Σ hours per week × 60 ÷ 7, divided once
          const expected = level.expectedHoursPerWeek === null ? null : c.expectedWeekHours.times(60).div(7);
          return {
            level: c.level,
            levelName: level.name,
            category: level.category,
            citizens: c.citizens.size,
            levelDays: c.days,
            expectedHoursPerWeek: level.expectedHoursPerWeek === null ? null : level.expectedHoursPerWeek.toFixed(2),
            expectedHours: expected === null ? null : hours(expected),
            registeredHours: hours(c.registered),
            deliveryRatio:
              expected === null || expected.isZero()
                ? null
                : c.registered.div(expected).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
          };
        });
      return {
        providerId: id,
        providerRef: provider?.ref ?? null,
        providerName: provider?.name ?? null,
        grantedHours: hours(granted),
        deliveredHours: hours(delivered),
        deliveryRatio: ratio(delivered, granted),
        categories,
        largestDeviations,
        levels: ownLevels,
      };
    }),
  };
}
