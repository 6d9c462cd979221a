import { Decimal } from 'decimal.js';
import { categoryLabel, formatNumber } from '../invoices/invoice-labels.js';
import type { Language } from '../invoices/invoice-types.js';
import { bundle, tr, type KeyOf } from '../../i18n/i18n.js';
import type { BudgetCheck, FollowUp } from './budget-schemas.js';
import { parseIsoWeek } from './iso-week.js';
import { areaName, type AreaNames } from '../areas/area-names.js';

/**
 * Printable verdicts of a week's check and of a month's follow-up (CLI and demo), in the CLI's
 * language (`--lang`, else the municipality's); the words are in the catalogue's `cli` namespace,
 * the categories and number formats are the pages' and documents' (invoice-labels.ts).
 */

const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

function wordsFor(lang: Language) {
  const t = bundle(lang, 'cli');
  /** A count with its noun in the language's plural form, e.g. "1 modtager", "3 modtagere". */
  const n = (key: KeyOf<'cli'>, count: number) => tr(lang, 'cli', key, { count });
  const num = (s: string | null) => (s === null ? '–' : formatNumber(s, 2, lang));
  const sign = (s: string) => (Number(s) > 0 ? '+' : '');
  const hours = (s: string | null) => (s === null ? '–' : fill(t.cliHours, { hours: num(s) }));
  return {
    t,
    n,
    num,
    hours,
    signed: (s: string | null) => (s === null ? '–' : `${sign(s)}${num(s)}`),
    signedHours: (s: string | null) => (s === null ? '–' : `${sign(s)}${hours(s)}`),
    signedPercent: (s: string | null) => (s === null ? '–' : `${sign(s)}${num(s)} %`),
    category: (c: string | null) => (c === null ? t.cliAllCategories : categoryLabel(c, lang)),
    /** A ratio (0.9500) as a percent in the language's digits (95,0 %). */
    ratio: (s: string | null) => (s === null ? '–' : `${formatNumber(new Decimal(s).times(100), 1, lang)} %`),
  };
}

/** `areas`: the municipality's area names (docs/areas.md), shown instead of the codes. */
export function verdictLines(r: BudgetCheck, lang: Language = 'en', areas?: AreaNames): string[] {
  const { t, n, num, hours, signed, signedHours, signedPercent, category, ratio } = wordsFor(lang);
  const w = parseIsoWeek(r.week)!;
  const lines = [
    fill(t.cliWeekHead, {
      week: r.week,
      from: w.monday,
      to: w.end,
      hours: hours(r.grantedHours),
      recipients: n('cliRecipients', r.recipients),
      avg: hours(r.avgHoursPerRecipient),
      min: num(r.target.minHours),
      max: num(r.target.maxHours),
      target: t[`cliTarget_${r.target.status}`],
    }),
    '  ' +
      tr(lang, 'cli', 'cliBands', {
        a: r.recipientsByBand.under2,
        b: r.recipientsByBand.from2To8,
        c: r.recipientsByBand.from8To20,
        d: r.recipientsByBand.from20,
        count: r.contributingGrants,
      }) +
      (Number(r.unbudgetedHours) > 0 ? fill(t.cliUnbudgeted, { hours: hours(r.unbudgetedHours) }) : ''),
  ];
  if (r.lines.length === 0) lines.push(`  ${t.cliNoBudget}`);
  for (const l of r.lines) {
    const scope = `${category(l.category)} / ${l.area === null ? t.cliAllAreas : areaName(areas, l.area)}`;
    lines.push(
      `  ${t[`cliVerdict_${l.status}`].padEnd(8)} ${scope.padEnd(32)} ${t.cliGranted} ${hours(l.grantedHours).padStart(11)}  ` +
        `${t.cliAffordable} ${hours(l.affordableHours).padStart(11)}  ${t.cliDeviation} ${signedHours(l.deviationHours)} (${signedPercent(l.deviationPercent)}, ${signed(l.deviationMoney)})  ` +
        `${t.cliDeliveredGranted} ${ratio(l.deliveryRatio)}  ${t.cliForecast} ${num(l.forecast)} ${t.cliVsBudget} ${num(l.annualBudget)} (${signed(l.forecastDeviation)})`,
    );
    if (Number(l.nonHourlyCost) !== 0)
      lines.push(
        `           ${fill(t.cliNonHourly, { amount: num(l.nonHourlyCost) })}` +
          (l.equivalentHours === null ? t.cliMoneyOnly : fill(t.cliEquivalent, { hours: hours(l.equivalentHours) })) +
          (l.levelDays > 0 ? `, ${n('cliLevelDayCount', l.levelDays)}` : ''),
      );
  }
  if (r.nonHourly && (r.nonHourly.grants > 0 || r.nonHourly.levelGrants > 0))
    lines.push(
      '  ' +
        fill(t.cliNonHourlySummary, {
          levels: n('cliLevelGrants', r.nonHourly.levelGrants),
          days: n('cliLevelDayCount', r.nonHourly.levelDays),
          grants: n('cliOtherGrants', r.nonHourly.grants),
          amount: num(r.nonHourly.cost),
        }),
    );
  return lines;
}

export function followUpLines(f: FollowUp, lang: Language = 'en'): string[] {
  const { t, n, hours, category, ratio } = wordsFor(lang);
  const out = [fill(t.cliFollowUpHead, { month: f.month })];
  for (const p of f.providers) {
    out.push(
      `  ${(p.providerRef ?? t.cliNoProvider).padEnd(14)} ${t.cliGranted} ${hours(p.grantedHours).padStart(11)}  ${t.cliDelivered} ${hours(p.deliveredHours).padStart(11)}  ${t.cliRatio} ${ratio(p.deliveryRatio)}`,
    );
    for (const l of p.levels)
      out.push(
        '    ' +
          fill(t.cliLevel, {
            name: l.levelName,
            citizens: n('cliCitizenCount', l.citizens),
            days: n('cliLevelDayCount', l.levelDays),
            expected: hours(l.expectedHours),
            registered: hours(l.registeredHours),
            ratio: ratio(l.deliveryRatio),
          }),
      );
    const worst = p.largestDeviations[0];
    if (worst)
      out.push(
        '    ' +
          fill(t.cliLargest, {
            citizen: worst.citizenRef,
            category: category(worst.category),
            granted: hours(worst.grantedHours),
            delivered: hours(worst.deliveredHours),
          }),
      );
  }
  return out;
}
