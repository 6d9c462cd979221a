import { Decimal } from 'decimal.js';
import type { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { budgetLineLabel, chartTitle, seriesSvg } from '../budget-checks/series-chart.js';
import { parseIsoWeek } from '../budget-checks/iso-week.js';
import type { Budget, BudgetCheck, BudgetCheckSummary, FollowUp } from '../budget-checks/budget-schemas.js';
import { html, query, trusted, type Html } from './html.js';
import { badge, canWrite, csrfField, ctxOf, fmtOf, page, requireRead, type WebContext } from './web-layout.js';
import { backTo, postAction, sendPage } from './web-respond.js';
import { say } from './web-text.js';

const Week = z.string().refine((s) => parseIsoWeek(s) !== null, 'an ISO week YYYY-Www');
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const BudgetQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  week: Week.optional(),
  /** A budget line as "category|area" (empty parts = all); absent = the total. */
  line: z.string().max(100).optional(),
});

/** Fills the `{name}` placeholders of a text (the web-text convention). */
const fill = (text: string, vars: Record<string, string | number>) =>
  text
    .replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))
    // an amount that ends the sentence in "kr." needs no second full stop
    .replace(/\.\.$/, '.');

const yearStatus = (c: WebContext, forecastDeviation: string) =>
  new Decimal(forecastDeviation).gt(0) ? badge('over', c.t.year_over) : badge('ok', c.t.year_under);

const ratioPercent = (c: WebContext, v: string | null) => (v === null ? '–' : `${fmtOf(c).number(new Decimal(v).times(100), 1)} %`);

const checkStatus = (c: WebContext, s: string) => badge(s, c.t[`check_${s as 'ok' | 'watch' | 'over' | 'no_price' | 'no_budget'}`] ?? s);
const lineKey = (l: { category: string | null; area: string | null }) => `${l.category ?? ''}|${l.area ?? ''}`;

const lineLabel = (c: WebContext, l: { category: string | null; area: string | null }): string => budgetLineLabel(l, c.lang, c.areas);

async function chart(
  services: Services,
  c: WebContext,
  year: number,
  line: { category: string | null; area: string | null } | null,
): Promise<Html> {
  try {
    const series = await services.budgetChecks.series(
      c.who,
      year,
      line ? { ...(line.category ? { category: line.category as never } : {}), ...(line.area ? { area: line.area } : {}) } : {},
    );
    const title = chartTitle(year, line, c.lang, c.areas);
    // seriesSvg escapes every text it writes; the figures are ours.
    return html`<figure class="chart" aria-labelledby="chart-caption">
      ${trusted(seriesSvg(title, series.points, c.lang))}
      <figcaption id="chart-caption">${c.t.chartAlt}</figcaption>
    </figure>`;
  } catch (err) {
    if (err instanceof AppError && err.status === 422) return html`<p class="flash error" role="status">${err.message}</p>`;
    throw err;
  }
}

/** The week's and the year's verdict per line in words, with what each status compares. */
function explained(c: WebContext, r: BudgetCheck): Html {
  const f = fmtOf(c);
  const year = r.week.slice(0, 4);
  return html`<section class="explain" aria-labelledby="explain-title">
    <h2 id="explain-title">${c.t.statusExplainedTitle}</h2>
    <ul>${r.lines.map((l) => {
      const week = fill(l.weightedPrice === null && l.status !== 'no_price' ? c.t.lineWeekMoney : c.t.lineWeekSentence, {
        line: lineLabel(c, l),
        granted: f.money(l.grantedCost),
        share: f.money(l.weekBudget),
        percent: f.percent(l.deviationPercent),
        status: c.t[`check_${l.status}`],
      });
      const over = new Decimal(l.forecastDeviation).gt(0);
      const yearText = fill(over ? c.t.lineYearOver : c.t.lineYearUnder, {
        year,
        forecast: f.money(l.forecast),
        amount: f.money(new Decimal(l.forecastDeviation).abs()),
        budget: f.money(l.annualBudget),
      });
      return html`<li><p>${checkStatus(c, l.status)} ${week}</p><p>${yearStatus(c, l.forecastDeviation)} ${yearText}</p></li>`;
    })}</ul>
    <p class="muted">${c.t.explainWeek}</p>
    <p class="muted">${c.t.explainYear}</p>
  </section>`;
}

function verdict(c: WebContext, r: BudgetCheck): Html {
  const f = fmtOf(c);
  const b = r.recipientsByBand;
  const year = r.week.slice(0, 4);
  const signedHours = (v: string | null) => (v === null ? '–' : `${v.startsWith('-') ? '' : '+'}${f.hours(v)}`);
  return html`
    <div class="cards">
      <div class="card"><div class="label">${c.t.grantedHours}</div><div class="value">${f.hours(r.grantedHours)}</div></div>
      <div class="card"><div class="label">${c.t.recipients}</div><div class="value">${r.recipients}</div></div>
      <div class="card"><div class="label">${c.t.avgPerRecipient}</div><div class="value">${f.hours(r.avgHoursPerRecipient)}</div>
        <div class="label">${c.t.target} ${f.hours(r.target.minHours)}–${f.hours(r.target.maxHours)}: ${c.t[`target_${r.target.status}`]}</div></div>
      <div class="card"><div class="label">${c.t.unbudgeted}</div><div class="value">${f.hours(r.unbudgetedHours)}</div></div>
    </div>
    ${explained(c, r)}
    <div class="table-wrap"><table class="verdict">
      <caption>${c.t.verdictTitle} ${r.week} (${f.date(r.weekStart)})</caption>
      <thead><tr>
        <th scope="col">${c.t.category}</th><th scope="col">${c.t.area}</th><th scope="col">${c.t.weekStatus}</th>
        <th scope="col" class="num">${c.t.grantedHours}</th><th scope="col" class="num">${c.t.equivalentHours}</th>
        <th scope="col" class="num">${c.t.affordableHours}</th>
        <th scope="col" class="num">${c.t.deviation} (${c.t.hours.toLowerCase()})</th><th scope="col" class="num">${c.t.deviation} %</th>
        <th scope="col" class="num">${c.t.deviationMoney}</th><th scope="col" class="num">${c.t.nonHourlyCost}</th>
        <th scope="col" class="num">${c.t.levelDays}</th><th scope="col" class="num">${c.t.recipients}</th>
        <th scope="col" class="num">${c.t.avgShort}</th>
      </tr></thead>
      <tbody>${r.lines.map(
        (l) => html`<tr>
          <th scope="row">${l.category ? f.category(l.category) : c.t.allCategories}</th>
          <td>${l.area ? f.area(l.area) : c.t.allAreas}</td>
          <td>${checkStatus(c, l.status)}</td>
          <td class="num">${f.hours(l.grantedHours)}</td>
          <td class="num">${f.hours(l.equivalentHours)}</td>
          <td class="num">${f.hours(l.affordableHours)}</td>
          <td class="num">${signedHours(l.deviationHours)}</td>
          <td class="num">${f.percent(l.deviationPercent)}</td>
          <td class="num">${f.money(l.deviationMoney)}</td>
          <td class="num">${f.money(l.nonHourlyCost)}</td>
          <td class="num">${l.levelDays}</td>
          <td class="num">${l.recipients}</td>
          <td class="num">${f.hours(l.avgHoursPerRecipient)}</td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${
      r.nonHourly && (r.nonHourly.levelGrants > 0 || r.nonHourly.grants > 0)
        ? html`<p>${fill(c.t.nonHourlySummary, {
            grants: r.nonHourly.levelGrants,
            days: r.nonHourly.levelDays,
            other: r.nonHourly.grants,
            amount: f.money(r.nonHourly.cost),
          })}</p>`
        : ''
    }
    <div class="table-wrap"><table class="year">
      <caption>${fill(c.t.yearTitle, { year, week: r.week })}</caption>
      <thead><tr>
        <th scope="col">${c.t.budgetLine}</th><th scope="col">${c.t.yearStatus}</th>
        <th scope="col" class="num">${c.t.annualBudget}</th><th scope="col" class="num">${c.t.spentSoFar}</th>
        <th scope="col" class="num">${c.t.forecast}</th><th scope="col" class="num">${c.t.forecastVsBudget}</th>
      </tr></thead>
      <tbody>${r.lines.map(
        (l) => html`<tr>
          <th scope="row">${lineLabel(c, l)}</th>
          <td>${yearStatus(c, l.forecastDeviation)}</td>
          <td class="num">${f.money(l.annualBudget)}</td>
          <td class="num">${f.money(l.spentSoFar)}</td>
          <td class="num">${f.money(l.forecast)}</td>
          <td class="num">${f.money(l.forecastDeviation)}</td>
        </tr>`,
      )}</tbody>
    </table></div>
    <div class="grid2">
      <table class="delivered">
        <caption>${fill(c.t.deliveredTitle, { week: r.week })}</caption>
        <thead><tr><th scope="col">${c.t.budgetLine}</th><th scope="col" class="num">${c.t.grantedHours}</th><th scope="col" class="num">${c.t.deliveredHours}</th><th scope="col" class="num">${c.t.deliveredVsGranted}</th></tr></thead>
        <tbody>${r.lines.map(
          (l) =>
            html`<tr><th scope="row">${lineLabel(c, l)}</th><td class="num">${f.hours(l.grantedHours)}</td><td class="num">${f.hours(l.deliveredHours)}</td><td class="num">${ratioPercent(c, l.deliveryRatio)}</td></tr>`,
        )}</tbody>
      </table>
      <table>
        <caption>${c.t.recipientsByBand}</caption>
        <thead><tr><th scope="col">${c.t.hours}</th><th scope="col" class="num">${c.t.recipients}</th></tr></thead>
        <tbody>
          <tr><th scope="row">&lt; 2</th><td class="num">${b.under2}</td></tr>
          <tr><th scope="row">2–8</th><td class="num">${b.from2To8}</td></tr>
          <tr><th scope="row">8–20</th><td class="num">${b.from8To20}</td></tr>
          <tr><th scope="row">≥ 20</th><td class="num">${b.from20}</td></tr>
        </tbody>
      </table>
      <table>
        <caption>${c.t.breakdown}</caption>
        <thead><tr><th scope="col">${c.t.category}</th><th scope="col">${c.t.area}</th><th scope="col" class="num">${c.t.grantedHours}</th><th scope="col" class="num">${c.t.recipients}</th></tr></thead>
        <tbody>${r.breakdown.map((x) => html`<tr><th scope="row">${f.category(x.category)}</th><td>${x.area ? f.area(x.area) : c.t.none}</td><td class="num">${f.hours(x.grantedHours)}</td><td class="num">${x.recipients}</td></tr>`)}</tbody>
      </table>
    </div>`;
}

/** The year's budget lines when no week of it is shown (nothing checked yet, or a week not checked). */
function yearBudgets(c: WebContext, year: number, lines: Budget[]): Html {
  const f = fmtOf(c);
  if (lines.length === 0) return html`<p>${fill(c.t.noBudgetLines, { year })}</p>`;
  return html`<table class="year-budgets">
    <caption>${fill(c.t.yearBudgetsTitle, { year })}</caption>
    <thead><tr><th scope="col">${c.t.budgetLine}</th><th scope="col" class="num">${c.t.annualBudget}</th></tr></thead>
    <tbody>${lines.map((l) => html`<tr><th scope="row">${lineLabel(c, l)}</th><td class="num">${f.money(l.amount)}</td></tr>`)}</tbody>
  </table>`;
}

function weeksTable(c: WebContext, year: number, weeks: BudgetCheckSummary[], current: string | undefined, line: string | undefined): Html {
  const f = fmtOf(c);
  return html`<table class="weeks">
    <caption>${c.t.weeksTitle} ${year}</caption>
    <thead><tr><th scope="col">${c.t.week}</th><th scope="col">${c.t.status}</th><th scope="col" class="num">${c.t.grantedHours}</th><th scope="col" class="num">${c.t.recipients}</th></tr></thead>
    <tbody>${[...weeks].reverse().map(
      (w) => html`<tr>
        <th scope="row"><a href="/app/budget${query({ year, week: w.week, line })}"${w.week === current ? html` aria-current="true"` : ''}>${w.week}</a> <span class="muted">${f.date(w.weekStart)}</span></th>
        <td>${checkStatus(c, w.worstStatus)}</td>
        <td class="num">${f.hours(w.grantedHours)}</td>
        <td class="num">${w.recipients}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

/** Per provider and level: the level's expected time frame against the time registered (issue 18 item 7). */
function levelsTable(c: WebContext, fu: FollowUp): Html {
  const f = fmtOf(c);
  const rows = fu.providers.flatMap((p) => p.levels.map((l) => ({ p, l })));
  if (rows.length === 0) return html``;
  return html`<div class="table-wrap"><table class="levels">
    <caption>${c.t.levelsTitle} · ${fu.month}</caption>
    <thead><tr>
      <th scope="col">${c.t.provider}</th><th scope="col">${c.t.level}</th><th scope="col" class="num">${c.t.recipients}</th>
      <th scope="col" class="num">${c.t.levelDays}</th><th scope="col" class="num">${c.t.expectedHours}</th>
      <th scope="col" class="num">${c.t.registeredHours}</th><th scope="col" class="num">${c.t.registeredVsExpected}</th>
    </tr></thead>
    <tbody>${rows.map(
      ({ p, l }) => html`<tr>
        <th scope="row">${p.providerName ?? c.t.noProvider}</th>
        <td>${l.levelName} <span class="muted">(${f.category(l.category)}, ${l.expectedHoursPerWeek === null ? c.t.noTimeFrame : fill(c.t.levelPerWeek, { hours: f.hours(l.expectedHoursPerWeek) })})</span></td>
        <td class="num">${l.citizens}</td>
        <td class="num">${l.levelDays}</td>
        <td class="num">${l.expectedHours === null ? c.t.noTimeFrame : f.hours(l.expectedHours)}</td>
        <td class="num">${f.hours(l.registeredHours)}</td>
        <td class="num">${ratioPercent(c, l.deliveryRatio)}</td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}

export function mountBudgetPages(r: Router, services: Services): void {
  r.get('/budget', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, 'budgets');
    const q = BudgetQuery.parse(req.query);
    const latest = (await services.budgetChecks.listResults(c.who, undefined)).at(-1);
    const year =
      q.year ??
      (q.week
        ? parseIsoWeek(q.week)!.year
        : latest
          ? Number(latest.week.slice(0, 4))
          : DateTime.now().setZone(c.municipality.timeZone).year);
    const weeks = await services.budgetChecks.listResults(c.who, year);
    // a week of another year than the one asked for gives way to the year's latest checked week
    const week = q.week && (q.year === undefined || parseIsoWeek(q.week)!.year === q.year) ? q.week : weeks.at(-1)?.week;
    const result = week
      ? await services.budgetChecks
          .getResult(c.who, week)
          .catch((e) => (e instanceof AppError && e.status === 404 ? null : Promise.reject(e as Error)))
      : null;
    const lineChoices = new Map<string, { category: string | null; area: string | null }>();
    for (const w of weeks) for (const l of w.lines) lineChoices.set(lineKey(l), { category: l.category, area: l.area });
    const selected = q.line ? (lineChoices.get(q.line) ?? null) : null;
    const budgetLines = result ? [] : (await services.budgetChecks.listBudgets(c.who, { year }, { limit: 1000, offset: 0 })).items;
    const runForm = (w: string) => html`<form method="post" action="/app/budget/${w}/run" class="inline" data-busy>
        ${csrfField(c)}<input type="hidden" name="back" value="/app/budget${query({ week: w, line: q.line })}">
        <button type="submit"${result ? html` class="secondary"` : ''}>${fill(c.t.runChosenWeek, { week: w })}</button>
        <span data-status data-working="${c.t.working}" role="status" aria-live="polite"></span>
      </form>`;
    const body = html`
      <form method="get" action="/app/budget" class="filters">
        <label>${c.t.year}<input type="number" name="year" value="${year}" min="2000" max="2100" required></label>
        ${week ? html`<input type="hidden" name="week" value="${week}">` : ''}
        <label>${c.t.budgetLine}<select name="line">
          <option value="">${c.t.allLines}</option>
          ${[...lineChoices].map(([k, l]) => html`<option value="${k}"${q.line === k ? html` selected` : ''}>${lineLabel(c, l)}</option>`)}
        </select></label>
        <button type="submit" class="secondary">${c.t.show}</button>
      </form>
      <form method="get" action="/app/budget" class="filters">
        <label>${c.t.weekPicker}<input type="week" name="week" value="${week ?? ''}" min="2000-W01" max="2100-W52" required pattern="[0-9]{4}-W[0-9]{2}" placeholder="2026-W10"></label>
        ${q.line ? html`<input type="hidden" name="line" value="${q.line}">` : ''}
        <button type="submit" class="secondary">${c.t.showWeek}</button>
      </form>
      ${weeks.length === 0 ? html`<p>${c.t.noChecks}</p>` : await chart(services, c, year, selected)}
      ${
        week && !result
          ? html`<p class="flash" role="status">${fill(c.t.weekNotChecked, { week })} ${canWrite(c, 'budgets') ? c.t.weekNotCheckedRun : c.t.weekNotCheckedAsk}</p>`
          : ''
      }
      ${week && canWrite(c, 'budgets') ? runForm(week) : ''}
      ${result ? verdict(c, result) : yearBudgets(c, year, budgetLines)}
      ${weeks.length > 0 ? weeksTable(c, year, weeks, week, q.line) : ''}`;
    sendPage(res, page(c, { title: `${c.t.budgetTitle}${week ? ` · ${week}` : ''}`, current: '/app/budget', body }));
  });

  postAction(r, services, '/budget/:week/run', 'budgets', async (c, req) => {
    const week = Week.parse(req.params.week);
    const result = await services.budgetChecks.runWeek(c.who, week);
    return {
      message: `${c.t.weekRun}: ${result.week}, ${fmtOf(c).hours(result.grantedHours)} ${c.t.hours.toLowerCase()}`,
      next: backTo(req, `/app/budget${query({ week })}`),
    };
  });

  r.get('/follow-up', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, 'budgets');
    const f = fmtOf(c);
    const latest = (await services.budgetChecks.listResults(c.who, undefined)).at(-1);
    const month =
      Month.optional().parse(req.query.month || undefined) ??
      (latest ? latest.weekStart.slice(0, 7) : DateTime.now().setZone(c.municipality.timeZone).minus({ months: 1 }).toFormat('yyyy-MM'));
    const fu = await services.budgetChecks.followUp(c.who, month, 5);
    const ratio = (v: string | null) => (v === null ? '–' : `${f.number(new Decimal(v).times(100), 1)} %`);
    const body = html`
      <form method="get" action="/app/follow-up" class="filters">
        <label>${c.t.month}<input type="month" name="month" value="${month}" required></label>
        <button type="submit" class="secondary">${c.t.show}</button>
      </form>
      <div class="table-wrap"><table class="follow-up">
        <caption>${c.t.followUpTitle} · ${month}</caption>
        <thead><tr><th scope="col">${c.t.provider} / ${c.t.category}</th><th scope="col" class="num">${c.t.grantedHours}</th><th scope="col" class="num">${c.t.deliveredHours}</th><th scope="col" class="num">${c.t.deliveryRatio}</th></tr></thead>
        ${fu.providers.map(
          (p) => html`<tbody>
            <tr><th scope="row">${p.providerName ?? c.t.noProvider}${p.providerRef ? html` <span class="muted">${p.providerRef}</span>` : ''}</th>
              <td class="num">${f.hours(p.grantedHours)}</td><td class="num">${f.hours(p.deliveredHours)}</td><td class="num">${ratio(p.deliveryRatio)}</td></tr>
            ${p.categories.map(
              (
                x,
              ) => html`<tr><td>&nbsp;&nbsp;${f.category(x.category)} <span class="muted">(${say(c.lang, 'citizenCount', { count: x.citizens })})</span></td>
              <td class="num">${f.hours(x.grantedHours)}</td><td class="num">${f.hours(x.deliveredHours)}</td><td class="num">${ratio(x.deliveryRatio)}</td></tr>`,
            )}
            ${
              p.largestDeviations.length > 0
                ? html`<tr><td colspan="4" class="muted">${c.t.largestDeviations}: ${p.largestDeviations.map((d, i) => `${i > 0 ? '; ' : ''}${d.citizenRef} ${f.category(d.category)} ${d.deviationHours.startsWith('-') ? '' : '+'}${f.hoursWithUnit(d.deviationHours)}`)}</td></tr>`
                : ''
            }
          </tbody>`,
        )}
      </table></div>
      ${levelsTable(c, fu)}`;
    sendPage(res, page(c, { title: `${c.t.navFollowUp} ${month}`, current: '/app/follow-up', body }));
  });
}
