import { Decimal } from 'decimal.js';
import type { Acting } from '../auth/auth-types.js';
import type { Services } from '../../services.js';
import { evaluateWeek, weekShare } from './budget-check-evaluator.js';
import { loadWeekInputs } from './budget-check-store.js';
import { checkSettingsOf } from './budgets-store.js';
import { tr } from '../../i18n/i18n.js';
import type { Language } from '../invoices/invoice-types.js';
import { categoryLabel, formatNumber } from '../invoices/invoice-labels.js';
import { followUpLines, verdictLines } from './budget-report.js';
import { isoWeek, weeksOf } from './iso-week.js';
import { areaName } from '../areas/area-names.js';

/** The ISO weeks that overlap April 2026, the demo month. */
export const DEMO_WEEKS = weeksOf(2026)
  .filter((w) => w.end > '2026-04-01' && w.monday < '2026-05-01')
  .map((w) => w.key);

/**
 * The demo's budget lines and how far each is set from the granted cost of a full April week, so
 * the demo shows every verdict: a budget 3 % above the granted cost is "ok", 1 % above is "watch"
 * (within the default 2 % margin), 3 % below is "over".
 */
const DEMO_LINES = [
  { category: 'personal_care', area: 'urban', factor: '1.03' },
  { category: 'personal_care', area: 'rural', factor: '0.97' },
  { category: 'practical_help', area: 'urban', factor: '1.01' },
  { category: 'practical_help', area: 'rural', factor: '1.06' },
] as const;

/**
 * Runs the weekly check for the demo weeks and the April follow-up, and returns printable lines
 * in `language`, else the municipality's.
 * The demo data has no budget: on the first run, 2026 budget lines are derived from the granted
 * cost of week 15 (see DEMO_LINES), rounded to whole thousands, and written through the service
 * (audited like any budget). Later runs re-run the weeks, which replaces their results and
 * adds to the run history.
 */
export async function runDemoBudgetChecks(
  services: Services,
  municipalityCode: string,
  /**
   * The demo's area codes for urban / rural, the note kept with each budget (in the municipality's
   * language), and the language of the printed lines (else the municipality's).
   */
  o: { areas?: { urban: string; rural: string }; note?: (factor: string) => string; language?: Language | undefined } = {},
): Promise<string[]> {
  const areaOf = (a: 'urban' | 'rural') => o.areas?.[a] ?? a;
  const m = await services.municipalities.getByCode(municipalityCode);
  const who: Acting = {
    principal: { municipalityId: m.id, role: 'admin', providerId: null, actor: 'demo', tokenId: null },
    requestId: null,
  };
  const out: string[] = [];
  const areas = await services.areas.names(who);
  const lang = o.language ?? m.language;
  const existing = await services.budgetChecks.listBudgets(who, { year: 2026 }, { limit: 1, offset: 0 });
  if (existing.total === 0) {
    // The granted cost per line in the reference week: the evaluator with provisional (zero) budgets.
    const reference = isoWeek(2026, 15);
    const inputs = await loadWeekInputs(services.db, m.id, reference);
    const probe = evaluateWeek({
      week: reference,
      ...inputs,
      budgets: DEMO_LINES.map((l, i) => ({ id: i, category: l.category, area: areaOf(l.area), amount: new Decimal(0) })),
      settings: checkSettingsOf(await services.budgetChecks.getSettings(who)),
    });
    for (const [i, l] of DEMO_LINES.entries()) {
      const amount = probe.lines[i]!.grantedCost.div(weekShare(reference)).times(l.factor).div(1000).round().times(1000);
      await services.budgetChecks.createBudget(who, {
        year: 2026,
        category: l.category,
        area: areaOf(l.area),
        amount: amount.toFixed(2),
        note: o.note ? o.note(l.factor) : `demo: ${l.factor} × the granted cost of 2026-W15, annualised`,
      });
    }
    const hours = tr(lang, 'cli', 'cliHours', { hours: formatNumber(new Decimal(probe.grantedMinutes).div(60), 2, lang) });
    out.push(tr(lang, 'cli', 'budgetDemoCreated', { hours }));
    out.push(
      ...DEMO_LINES.map(
        (l, i) =>
          `  ${tr(lang, 'cli', 'budgetDemoLine', {
            category: categoryLabel(l.category, lang),
            area: areaName(areas, areaOf(l.area)),
            factor: formatNumber(l.factor, 2, lang),
            cost: formatNumber(probe.lines[i]!.grantedCost, 2, lang),
          })}`,
      ),
    );
  }
  for (const week of DEMO_WEEKS) {
    out.push(...verdictLines(await services.budgetChecks.runWeek(who, week, 'demo'), lang, areas));
  }
  out.push(...followUpLines(await services.budgetChecks.followUp(who, '2026-04', 3), lang));
  return out;
}
