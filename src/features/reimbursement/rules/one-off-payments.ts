import { Decimal } from 'decimal.js';
import { dayNumber } from '../calendar/dates.js';
import type { Category, ChoiceInput, EngineInput, GrantSpan } from '../engine-types.js';
import type { OneOffRule } from '../model-schema.js';
import type { BatchRule } from './rule.js';

/**
 * One-off payments on events (DOMAIN.md §4; Solna 2024 *(published)*: a new personal-care
 * customer is paid 4 hours once), configured per event and category in the model's `oneOff`.
 * Events are read from the citizen's history (all provider choices and grant spans up to the
 * period's end, `EngineInput.history`), so the same data always gives the same event on the same
 * date — never a counter of what was paid:
 *
 * - `new_customer`: the first day the citizen had both a grant of the category and a provider
 *   choice for it, in the municipality's data (the care of the category starts). Paid once, to
 *   the provider chosen that day.
 * - `takeover`: a provider choice for the category that follows a choice of another provider
 *   (the citizen changes provider), on its first day, while the citizen holds a grant of the
 *   category. Paid to the new provider; not paid on the day the citizen is a new customer.
 *
 * A level grant (helhedspleje, DOMAIN.md §4) is a grant of its level's category (the category
 * whose choice decides who is paid for its days, rule level-days): a citizen granted only a level
 * of personal care is a new personal-care customer on the first day of the level and the choice,
 * and a change of provider while the citizen holds the level is a takeover. The history carries
 * the level grants' spans among `grants` (HISTORY_SQL, each day by the catalogue version then in
 * force); without a history, the month's level grants count by the catalogue in force.
 *
 * An event is paid in the settlement of the month its date falls in, to that day's provider, and
 * nowhere else: a re-run or correction of the month gives the same line (so a correction shows no
 * difference), and a later month does not hold the date. Should the data move a new customer's
 * first day to another month after a settlement paying it was approved, the new month does not
 * pay it while an approved settlement of another month still does, net of its corrections
 * (`history.paidNewCustomers`): at no time is it paid twice. Events before the rule's
 * `notBefore` are not paid. Lines: kind `new_customer` / `takeover`, service code = the event, one per
 * citizen × event; hours at the price group's hourly rate in the rate band, or the fixed amount,
 * as configured (no cancellation, area, provider-kind or bonus factors). Reason codes
 * `one_off.<event>`, `one_off.date.<date>` and `one_off.hours.<h>` or `one_off.amount`.
 */
export const oneOffPayments: BatchRule = {
  stage: 'batch',
  name: 'one-off-payments',
  enabled: (ctx) => (ctx.model.oneOff?.length ?? 0) > 0,
  apply(_units, ctx) {
    const rules = ctx.model.oneOff ?? [];
    const history = ctx.input.history ?? { choices: ctx.input.choices, grants: [...ctx.input.grants, ...levelSpans(ctx.input)] };
    const byCitizen = new Map<string, { choices: ChoiceInput[]; grants: GrantSpan[] }>();
    const entry = (citizenId: number, category: Category) => {
      const k = `${citizenId}|${category}`;
      let e = byCitizen.get(k);
      if (!e) byCitizen.set(k, (e = { choices: [], grants: [] }));
      return e;
    };
    const categories = new Set(rules.map((r) => r.category));
    for (const c of history.choices) if (categories.has(c.category)) entry(c.citizenId, c.category).choices.push(c);
    for (const g of history.grants) if (categories.has(g.category)) entry(g.citizenId, g.category).grants.push(g);

    const paidElsewhere = new Set((ctx.input.history?.paidNewCustomers ?? []).map((p) => `${p.citizenId}|${p.category}`));
    const events: { rule: OneOffRule; citizenId: number; date: string }[] = [];
    const keys = [...byCitizen.keys()].sort();
    for (const k of keys) {
      const e = byCitizen.get(k)!;
      if (e.choices.length === 0 || e.grants.length === 0) continue;
      const { citizenId, category } = e.choices[0]!;
      e.choices.sort((a, b) => cmp(a.validFrom, b.validFrom) || a.providerId - b.providerId);
      const start = careStart(e.choices, e.grants);
      for (const rule of rules) {
        if (rule.category !== category) continue;
        if (rule.event === 'new_customer' && start && start.providerId === ctx.provider.id && !paidElsewhere.has(k))
          events.push({ rule, citizenId, date: start.date });
        if (rule.event === 'takeover')
          for (let i = 1; i < e.choices.length; i++) {
            const c = e.choices[i]!;
            if (c.providerId !== ctx.provider.id || e.choices[i - 1]!.providerId === c.providerId) continue;
            if (c.validFrom === start?.date || !e.grants.some((g) => covers(g, c.validFrom))) continue;
            events.push({ rule, citizenId, date: c.validFrom });
          }
      }
    }

    for (const { rule, citizenId, date } of events) {
      const day = dayNumber(date);
      if (day < ctx.fromDay || day >= ctx.toDay || (rule.notBefore !== undefined && date < rule.notBefore)) continue;
      const reasons = [`one_off.${rule.event}`, `one_off.date.${date}`];
      let rate: Decimal | null;
      if (rule.amount !== undefined) {
        rate = new Decimal(rule.amount);
        reasons.push('one_off.amount');
      } else {
        const area = ctx.model.area?.mode === 'rates' ? (ctx.citizens.get(citizenId)?.area ?? '') : '';
        const r = ctx.rate(rule.priceGroup!, rule.rateBand!, area, 'per_hour', false);
        rate = r?.rate ?? null;
        reasons.push(`one_off.hours.${new Decimal(rule.hours!).toString()}`);
        if (r?.area) reasons.push(`area.rate.${r.area}`);
      }
      if (!rate) continue; // a missing rate is an issue: the run fails, nothing is paid
      ctx.extraItems.push({
        citizenId,
        code: rule.event,
        category: rule.category,
        kind: rule.event,
        band: rule.amount !== undefined ? null : rule.rateBand!,
        unit: rule.amount !== undefined ? 'per_visit' : 'per_hour',
        minutes: rule.amount !== undefined ? 0 : new Decimal(rule.hours!).mul(60).toNumber(),
        quantity: new Decimal(1),
        rate,
        factor: ctx.pricing.factor(null, null, null),
        reasons,
        visits: 1,
      });
    }
  },
};

/** The month's level grants as grant spans of their level's category (a level unknown to the catalogue counts for none). */
function levelSpans(input: EngineInput): GrantSpan[] {
  const levels = input.levels ?? {};
  return (input.levelGrants ?? []).flatMap((g) => {
    const level = levels[g.level];
    return level ? [{ citizenId: g.citizenId, category: level.category, validFrom: g.validFrom, validTo: g.validTo }] : [];
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const covers = (r: { validFrom: string; validTo: string | null }, date: string) =>
  r.validFrom <= date && (r.validTo === null || date < r.validTo);

/** The first day with both a choice and a grant of the category, and the provider chosen that day. */
function careStart(choices: readonly ChoiceInput[], grants: readonly GrantSpan[]): { date: string; providerId: number } | null {
  let best: { date: string; providerId: number } | null = null;
  for (const c of choices)
    for (const g of grants) {
      const from = c.validFrom > g.validFrom ? c.validFrom : g.validFrom;
      if (!covers(c, from) || !covers(g, from)) continue;
      if (!best || from < best.date) best = { date: from, providerId: c.providerId };
    }
  return best;
}
