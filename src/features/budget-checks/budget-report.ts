import type { BudgetCheck, FollowUp } from './budget-schemas.js';
import { parseIsoWeek } from './iso-week.js';

/** Printable verdicts of a week's check (CLI and demo). */

const num = (s: string | null, unit = '') =>
  s === null ? '–' : `${Number(s).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${unit}`;
const signed = (s: string | null, unit = '') => (s === null ? '–' : `${Number(s) > 0 ? '+' : ''}${num(s, unit)}`);
const VERDICT: Record<string, string> = { ok: 'OK', watch: 'WATCH', over: 'OVER', no_price: 'NO PRICE' };

export function verdictLines(r: BudgetCheck): string[] {
  const w = parseIsoWeek(r.week)!;
  const lines = [
    `Week ${r.week} (${w.monday} – ${w.end} excl.): ${num(r.grantedHours, ' h')} granted to ${r.recipients} recipients, ` +
      `average ${num(r.avgHoursPerRecipient, ' h')} per recipient (target ${num(r.target.minHours)}–${num(r.target.maxHours)}: ${r.target.status})`,
    `  recipients by hours/week: <2: ${r.recipientsByBand.under2}, 2–8: ${r.recipientsByBand.from2To8}, ` +
      `8–20: ${r.recipientsByBand.from8To20}, ≥20: ${r.recipientsByBand.from20}; ${r.contributingGrants} grants contribute` +
      (Number(r.unbudgetedHours) > 0 ? `; ${num(r.unbudgetedHours, ' h')} without a budget line` : ''),
  ];
  if (r.lines.length === 0) lines.push('  no budget for this year: nothing to compare with (add budget lines, then re-run)');
  for (const l of r.lines) {
    const scope = `${l.category ?? 'all categories'} / ${l.area ?? 'all areas'}`;
    lines.push(
      `  ${(VERDICT[l.status] ?? l.status).padEnd(8)} ${scope.padEnd(32)} granted ${num(l.grantedHours, ' h').padStart(11)}  ` +
        `affordable ${num(l.affordableHours, ' h').padStart(11)}  deviation ${signed(l.deviationHours, ' h')} (${signed(l.deviationPercent, ' %')}, ${signed(l.deviationMoney)})  ` +
        `delivered/granted ${l.deliveryRatio ?? '–'}  year-end forecast ${num(l.forecast)} vs budget ${num(l.annualBudget)} (${signed(l.forecastDeviation)})`,
    );
    if (Number(l.nonHourlyCost) !== 0)
      lines.push(
        `           of which levels and other non-hourly services ${num(l.nonHourlyCost)}` +
          (l.equivalentHours === null ? ' (no hourly price: judged in money)' : ` = ${num(l.equivalentHours, ' h')} equivalent`) +
          (l.levelDays > 0 ? `, ${l.levelDays} level-days` : ''),
      );
  }
  if (r.nonHourly && (r.nonHourly.grants > 0 || r.nonHourly.levelGrants > 0))
    lines.push(
      `  non-hourly: ${r.nonHourly.levelGrants} level grants (${r.nonHourly.levelDays} level-days) and ${r.nonHourly.grants} per-visit/per-month grants, ${num(r.nonHourly.cost)} this week`,
    );
  return lines;
}

export function followUpLines(f: FollowUp): string[] {
  const out = [`Follow-up ${f.month}: granted versus delivered hours per provider`];
  for (const p of f.providers) {
    out.push(
      `  ${(p.providerRef ?? '(no provider chosen)').padEnd(14)} granted ${num(p.grantedHours, ' h').padStart(11)}  delivered ${num(p.deliveredHours, ' h').padStart(11)}  ratio ${p.deliveryRatio ?? '–'}`,
    );
    for (const l of p.levels)
      out.push(
        `    level ${l.levelName} (${l.level}): ${l.citizens} citizens, ${l.levelDays} level-days, expected ${num(l.expectedHours, ' h')}, registered ${num(l.registeredHours, ' h')}, ratio ${l.deliveryRatio ?? '–'}`,
      );
    const worst = p.largestDeviations[0];
    if (worst)
      out.push(
        `    largest deviation: ${worst.citizenRef} ${worst.category} granted ${num(worst.grantedHours, ' h')}, delivered ${num(worst.deliveredHours, ' h')}`,
      );
  }
  return out;
}
