import type { Request, Response, Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { errorMessage } from '../../i18n/error-message.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { PeriodText } from '../settlements/settlement-period.js';
import type { ModelVersion } from '../models/models-schemas.js';
import type { Settlement, SettlementLine } from '../settlements/settlement-schemas.js';
import { html, query, type Html } from './html.js';
import { actorNames } from '../auth/actor-names.js';
import { exceptionText, explainReason } from '../settlements/reason-words.js';
import {
  actionButton,
  canWrite,
  csrfField,
  ctxOf,
  fmtOf,
  page,
  pager,
  requireRead,
  requireWrite,
  statusBadge,
  badge,
  type WebContext,
} from './web-layout.js';
import { backTo, Id, postAction, sendPage } from './web-respond.js';

const LINES_PER_PAGE = 200;
const EXCEPTIONS_PER_PAGE = 100;

const OverviewQuery = z.object({ period: PeriodText.optional() });
const DetailQuery = z.object({
  citizen: z.string().max(64).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  exceptions: z.enum(['open', 'all']).default('all'),
  eoffset: z.coerce.number().int().min(0).default(0),
});
const RunBody = z.object({ period: PeriodText });
const DecisionBody = z.object({ note: z.string().max(1000).optional(), back: z.string().optional() });

/** The month to show first: the latest with settlements, else last month in the municipality's time zone. */
async function defaultPeriod(services: Services, c: WebContext): Promise<string> {
  const latest = await services.settlements.list(c.who, {}, { limit: 1, offset: 0 });
  if (latest.items[0]) return latest.items[0].period;
  return DateTime.now().setZone(c.municipality.timeZone).minus({ months: 1 }).toFormat('yyyy-MM');
}

const kindText = (c: WebContext, s: Settlement) => (s.kind === 'regular' ? c.t.regular : `${c.t.correction} ${s.sequence}`);

async function providerNames(services: Services, c: WebContext): Promise<Map<number, string>> {
  const list = await services.providers.list(c.who, {}, { limit: 1000, offset: 0 });
  return new Map(list.items.map((p) => [p.id, p.name]));
}

async function overview(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  const q = OverviewQuery.parse(req.query);
  const period = q.period ?? (await defaultPeriod(services, c));
  const f = fmtOf(c);
  const [list, names, lock] = await Promise.all([
    services.settlements.list(c.who, { period }, { limit: 1000, offset: 0 }),
    providerNames(services, c),
    services.settlements.lockState(c.who, period),
  ]);
  // Open exceptions per settlement: one small count each (a month has one document per provider, plus corrections).
  const open = new Map<number, number>();
  await Promise.all(
    list.items.map(async (s) =>
      open.set(
        s.id,
        s.exceptionCount === 0
          ? 0
          : (await services.settlements.exceptions(c.who, s.id, { decision: 'open' }, { limit: 1, offset: 0 })).total,
      ),
    ),
  );
  const mayRun = canWrite(c, 'settlements');
  const mayInvoice = canWrite(c, 'invoices');
  const back = `/app/settlements${query({ period })}`;
  const body = html`
    <form method="get" action="/app/settlements" class="filters">
      <label>${c.t.month}<input type="month" name="period" value="${period}" required></label>
      <button type="submit" class="secondary">${c.t.show}</button>
    </form>
    ${lock.locked ? html`<p class="flash ok" role="status">${c.t.monthLocked}</p>` : ''}
    ${
      mayRun
        ? html`<form method="post" action="/app/settlements/run" class="filters" data-progress="run-progress">
          ${csrfField(c)}<input type="hidden" name="period" value="${period}">
          <button type="submit">${c.t.runMonth} ${period}</button>
          <span class="muted">${c.t.runHelp}</span>
        </form>
        <div id="run-progress" class="progress" hidden>
          <progress max="1" value="0" aria-label="${c.t.runMonth}"></progress>
          <span data-status data-working="${c.t.working}" role="status" aria-live="polite">${c.t.working}</span>
        </div>`
        : ''
    }
    ${
      list.items.length === 0
        ? html`<p>${c.t.settlementsNone}</p>`
        : html`<div class="table-wrap"><table>
      <caption>${c.t.settlementsTitle} ${period} (${c.municipality.currency})</caption>
      <thead><tr>
        <th scope="col">${c.t.provider}</th><th scope="col">${c.t.document}</th><th scope="col">${c.t.status}</th>
        <th scope="col" class="num">${c.t.totalExclVat}</th><th scope="col" class="num">${c.t.vat}</th><th scope="col" class="num">${c.t.totalInclVat}</th>
        <th scope="col" class="num">${c.t.lines}</th><th scope="col" class="num">${c.t.exceptions}</th><th scope="col">${c.t.actions}</th>
      </tr></thead>
      <tbody>${list.items.map(
        (s) => html`<tr>
          <th scope="row">${names.get(s.providerId) ?? s.providerRef} <span class="muted">${s.providerRef}</span></th>
          <td>#${s.id} ${kindText(c, s)}</td>
          <td>${statusBadge(c, s.status)}</td>
          <td class="num">${f.money(s.totalExclVat)}</td>
          <td class="num">${f.money(s.vat)}</td>
          <td class="num">${f.money(s.totalInclVat)}</td>
          <td class="num">${s.lineCount}</td>
          <td class="num">${s.exceptionCount}${(open.get(s.id) ?? 0) > 0 ? html` <span class="badge open">${open.get(s.id)} ${c.t.openExceptions}</span>` : ''}</td>
          <td class="actions">
            <a href="/app/settlements/${s.id}" aria-label="${c.t.details}: ${s.providerRef} #${s.id}">${c.t.details}</a>
            ${mayRun && s.status === 'draft' ? actionButton(c, `/app/settlements/${s.id}/approve`, c.t.approve, { back, name: `${c.t.approve} ${s.providerRef} #${s.id}` }) : ''}
            ${mayInvoice && s.status === 'approved' ? actionButton(c, `/app/settlements/${s.id}/invoice`, c.t.issueInvoice, { back, name: `${c.t.issueInvoice} ${s.providerRef} #${s.id}` }) : ''}
          </td>
        </tr>`,
      )}</tbody>
    </table></div>`
    }
    ${
      mayRun
        ? html`<p>${
            lock.locked
              ? actionButton(c, `/app/periods/${period}/unlock`, `${c.t.unlockMonth} ${period}`, { back, secondary: true })
              : actionButton(c, `/app/periods/${period}/lock`, `${c.t.lockMonth} ${period}`, { back, secondary: true })
          }</p>`
        : ''
    }`;
  sendPage(res, page(c, { title: `${c.t.settlementsTitle} ${period}`, current: '/app/settlements', body }));
}

/** Consecutive lines of one citizen (lines come in line order, which is by citizen). */
function byCitizen(lines: SettlementLine[]): { citizenRef: string; lines: SettlementLine[] }[] {
  const groups: { citizenRef: string; lines: SettlementLine[] }[] = [];
  for (const l of lines) {
    const last = groups[groups.length - 1];
    if (last && last.citizenRef === l.citizenRef) last.lines.push(l);
    else groups.push({ citizenRef: l.citizenRef, lines: [l] });
  }
  return groups;
}

const quantityText = (c: WebContext, l: SettlementLine) => {
  const f = fmtOf(c);
  if (l.unit === 'per_hour') return `${f.hoursOfMinutes(l.minutes)} ${c.t.hours.toLowerCase()}`;
  // A level line counts days whatever its price is per (per_day, per_week, per_month).
  if (l.kind === 'level_day') return `${f.number(l.quantity, 0)} ${c.t.days.toLowerCase()}`;
  return `${f.number(l.quantity, 0)} × ${l.unit === 'per_visit' ? c.t.visits.toLowerCase() : c.t.month.toLowerCase()}`;
};

async function detail(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  const id = Id.parse(req.params.id);
  const q = DetailQuery.parse(req.query);
  const f = fmtOf(c);
  const s = await services.settlements.get(c.who, id);
  const [lines, exceptions, names] = await Promise.all([
    services.settlements.lines(c.who, id, q.citizen ? { citizenRef: q.citizen } : {}, {
      limit: LINES_PER_PAGE,
      offset: q.offset,
      count: true,
    }),
    services.settlements.exceptions(c.who, id, q.exceptions === 'open' ? { decision: 'open' } : {}, {
      limit: EXCEPTIONS_PER_PAGE,
      offset: q.eoffset,
    }),
    providerNames(services, c),
  ]);
  const by = await actorNames(
    services.db,
    c.who.principal.municipalityId,
    [s.computedBy, s.approvedBy, ...exceptions.items.map((e) => e.decision?.decidedBy)],
    c.lang,
  );
  const self = (over: Record<string, string | number | undefined>) =>
    `/app/settlements/${id}${query({ citizen: q.citizen, offset: q.offset || undefined, exceptions: q.exceptions === 'open' ? 'open' : undefined, eoffset: q.eoffset || undefined, ...over })}`;
  const back = self({});
  const mayDecide = canWrite(c, 'settlements');
  const reasons = (codes: string[]) =>
    html`<ul class="reasons">${codes.map((code) => html`<li data-code="${code}">${explainReason(code, c.lang)}</li>`)}</ul>`;
  const body = html`
    <dl class="facts">
      <dt>${c.t.provider}</dt><dd>${names.get(s.providerId) ?? s.providerRef} (${s.providerRef})</dd>
      <dt>${c.t.period}</dt><dd>${s.period} · ${s.kind === 'regular' ? c.t.regular : `${c.t.correction} ${s.sequence}`}</dd>
      <dt>${c.t.status}</dt><dd>${statusBadge(c, s.status)}</dd>
      <dt>${c.t.model}</dt><dd>${s.model.name}@${s.model.version}</dd>
      <dt>${c.t.priceList}</dt><dd>${s.priceList.label}</dd>
      <dt>${c.t.computed}</dt><dd>${f.instant(s.computedAt)} ${c.t.by} ${by(s.computedBy)}</dd>
      ${s.approvedAt ? html`<dt>${c.t.approved}</dt><dd>${f.instant(s.approvedAt)} ${c.t.by} ${by(s.approvedBy)}</dd>` : ''}
    </dl>
    <div class="cards">
      <div class="card"><div class="label">${c.t.totalExclVat}</div><div class="value">${f.money(s.totalExclVat)}</div></div>
      <div class="card"><div class="label">${c.t.vat}</div><div class="value">${f.money(s.vat)}</div></div>
      <div class="card"><div class="label">${c.t.totalInclVat}</div><div class="value">${f.money(s.totalInclVat)}</div></div>
      <div class="card"><div class="label">${c.t.exceptions}</div><div class="value">${s.exceptionCount}</div></div>
    </div>
    <p>
      ${mayDecide && s.status === 'draft' ? actionButton(c, `/app/settlements/${id}/approve`, c.t.approve, { back }) : ''}
      ${canWrite(c, 'invoices') && s.status === 'approved' ? actionButton(c, `/app/settlements/${id}/invoice`, c.t.issueInvoice, { back }) : ''}
      <a href="/app/settlements/${id}/lines.csv">${c.t.downloadCsv}</a>
    </p>
    <div class="grid2">
      <table>
        <caption>${c.t.totalsByCategory}</caption>
        <thead><tr><th scope="col">${c.t.category}</th><th scope="col" class="num">${c.t.hours}</th><th scope="col" class="num">${c.t.amount}</th></tr></thead>
        <tbody>${s.totalsByCategory.map((x) => html`<tr><th scope="row">${f.category(x.category)}</th><td class="num">${f.hours(x.hours)}</td><td class="num">${f.money(x.amount)}</td></tr>`)}</tbody>
      </table>
      <table>
        <caption>${c.t.totalsByBand}</caption>
        <thead><tr><th scope="col">${c.t.band}</th><th scope="col" class="num">${c.t.hours}</th><th scope="col" class="num">${c.t.amount}</th></tr></thead>
        <tbody>${s.totalsByBand.map((x) => html`<tr><th scope="row">${x.band === null ? c.t.none : f.band(x.band)}</th><td class="num">${f.hours(x.hours)}</td><td class="num">${f.money(x.amount)}</td></tr>`)}</tbody>
      </table>
    </div>
    <table>
      <caption>${c.t.vatGroups}</caption>
      <thead><tr><th scope="col">${c.t.vatPercent}</th><th scope="col" class="num">${c.t.base}</th><th scope="col" class="num">${c.t.vat}</th></tr></thead>
      <tbody>${s.vatGroups.map((g) => html`<tr><th scope="row">${f.number(g.percent, 0)} %${g.exemptionReason ? html` <span class="muted">${g.exemptionReason}</span>` : ''}</th><td class="num">${f.money(g.base)}</td><td class="num">${f.money(g.vat)}</td></tr>`)}</tbody>
    </table>

    <h2 id="lines">${c.t.linesTitle}</h2>
    <p class="help">${c.t.linesHelp}</p>
    <form method="get" action="/app/settlements/${id}#lines" class="filters">
      <label>${c.t.filterCitizen}<input type="text" name="citizen" value="${q.citizen ?? ''}"></label>
      <button type="submit" class="secondary">${c.t.filter}</button>
    </form>
    ${pager(c, (o) => `${self({ offset: o || undefined })}#lines`, q.offset, LINES_PER_PAGE, lines.total ?? q.offset + lines.items.length)}
    <div class="table-wrap"><table class="lines">
      <thead><tr>
        <th scope="col">${c.t.service}</th><th scope="col">${c.t.kind}</th><th scope="col">${c.t.band}</th>
        <th scope="col" class="num">${c.t.visits}</th><th scope="col" class="num">${c.t.hours}</th><th scope="col" class="num">${c.t.rate}</th>
        <th scope="col" class="num">${c.t.factor}</th><th scope="col" class="num">${c.t.amount}</th><th scope="col">${c.t.why}</th>
      </tr></thead>
      ${byCitizen(lines.items).map(
        (g) => html`<tbody>
          <tr><th scope="rowgroup" colspan="9">${c.t.citizen} ${g.citizenRef}</th></tr>
          ${g.lines.map(
            (l) => html`<tr>
              <td>${l.serviceCode} <span class="muted">${f.category(l.category)}</span></td>
              <td>${f.lineKind(l.kind)}</td>
              <td>${l.band === null ? c.t.none : f.band(l.band)}</td>
              <td class="num">${l.visits}</td>
              <td class="num">${quantityText(c, l)}</td>
              <td class="num">${f.money(l.rate)}</td>
              <td class="num">${f.number(l.factor, 4)}</td>
              <td class="num">${f.money(l.amount)}</td>
              <td>${reasons(l.reasonCodes)}</td>
            </tr>`,
          )}
        </tbody>`,
      )}
    </table></div>

    <h2 id="exceptions">${c.t.exceptionsTitle} (${exceptions.total})</h2>
    <p class="help">${c.t.exceptionsHelp}</p>
    <form method="get" action="/app/settlements/${id}#exceptions" class="filters">
      ${q.citizen ? html`<input type="hidden" name="citizen" value="${q.citizen}">` : ''}
      <label>${c.t.decision}<select name="exceptions">
        <option value="all"${q.exceptions === 'all' ? html` selected` : ''}>${c.t.exceptions}</option>
        <option value="open"${q.exceptions === 'open' ? html` selected` : ''}>${c.t.onlyOpen}</option>
      </select></label>
      <button type="submit" class="secondary">${c.t.filter}</button>
    </form>
    ${
      exceptions.total === 0
        ? html`<p>${c.t.exceptionsNone}</p>`
        : html`${pager(c, (o) => `${self({ eoffset: o || undefined })}#exceptions`, q.eoffset, EXCEPTIONS_PER_PAGE, exceptions.total)}
      <div class="table-wrap"><table class="exceptions">
        <thead><tr>
          <th scope="col">${c.t.date}</th><th scope="col">${c.t.citizen}</th><th scope="col">${c.t.service}</th>
          <th scope="col">${c.t.message}</th><th scope="col" class="num">${c.t.hours}</th><th scope="col" class="num">${c.t.wouldPay}</th>
          <th scope="col">${c.t.decision}</th>
        </tr></thead>
        <tbody>${exceptions.items.map(
          (e) => html`<tr>
            <td>${f.date(e.date)}</td>
            <td>${e.citizenRef}</td>
            <td>${e.serviceCode}</td>
            <td>${reasons(e.reasonCodes)}<span class="muted">${exceptionText(e, c.lang)}</span></td>
            <td class="num">${f.hoursOfMinutes(e.minutes)}</td>
            <td class="num">${f.money(e.amount)}</td>
            <td>
              ${
                e.decision
                  ? html`${badge(e.decision.decision, c.t[e.decision.decision])} <span class="muted">${by(e.decision.decidedBy)}${e.decision.note ? html`: ${e.decision.note}` : ''}</span>`
                  : badge('open', c.t.undecided)
              }
              ${
                mayDecide
                  ? html`<form method="post" action="/app/exceptions/${e.id}/decide" class="decide" data-busy>
                    ${csrfField(c)}<input type="hidden" name="back" value="${back}#exceptions">
                    <label class="visually-hidden" for="note-${e.id}">${c.t.note}</label>
                    <input type="text" id="note-${e.id}" name="note" placeholder="${c.t.note}" maxlength="1000" size="14">
                    <button type="submit" name="decision" value="accepted" aria-label="${c.t.accept} ${e.citizenRef} ${e.date}">${c.t.accept}</button>
                    <button type="submit" name="decision" value="rejected" class="secondary" aria-label="${c.t.reject} ${e.citizenRef} ${e.date}">${c.t.reject}</button>
                  </form>`
                  : ''
              }
            </td>
          </tr>`,
        )}</tbody>
      </table></div>`
    }`;
  sendPage(res, page(c, { title: `${c.t.settlementTitle} #${s.id} · ${s.providerRef} · ${s.period}`, current: '/app/settlements', body }));
}

/** Runs a month. With `x-carepay-progress: 1` (the page's script) it streams one JSON line per provider, then where to go. */
async function run(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  requireWrite(c, 'settlements');
  const { period } = RunBody.parse(req.body);
  const target = `/app/settlements${query({ period })}`;
  const streaming = req.get('x-carepay-progress') === '1';
  if (streaming) {
    res.status(200).type('application/x-ndjson').set('cache-control', 'no-store');
    res.write(`${JSON.stringify({ done: 0, total: 0, text: c.t.working })}\n`);
  }
  try {
    const result = await services.settlements.run(c.who, { period }, (p) => {
      if (streaming)
        res.write(
          `${JSON.stringify({ done: p.done, total: p.total, text: `${p.done}/${p.total} · ${p.provider.ref}: ${c.t[`outcome_${p.outcome}`]}` })}\n`,
        );
    });
    const summary = result.outcomes.map((o) => `${o.providerRef} ${c.t[`outcome_${o.outcome}`]}`).join(', ');
    await services.webSessions.setFlash(c.session.id, { kind: 'ok', text: `${c.t.runDone} (${period}): ${summary || '–'}` });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    await services.webSessions.setFlash(c.session.id, { kind: 'error', text: errorMessage(err, c.lang) });
  }
  if (streaming) res.end(`${JSON.stringify({ redirect: target })}\n`);
  else res.redirect(303, target);
}

export function mountSettlementPages(r: Router, services: Services): void {
  r.get('/settlements', (req, res) => overview(services, req, res));
  r.get('/settlements/:id', (req, res) => detail(services, req, res));
  r.get('/settlements/:id/lines.csv', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, null);
    const id = Id.parse(req.params.id);
    const csv = await services.invoices.settlementCsv(c.who, id);
    res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="settlement-${id}.csv"`).send(csv);
  });
  r.post('/settlements/run', (req, res) => run(services, req, res));
  postAction(r, services, '/settlements/:id/approve', 'settlements', async (c, req) => {
    const id = Id.parse(req.params.id);
    const s = await services.settlements.approve(c.who, id);
    return {
      message: `${c.t.approvedMsg}: #${s.id} ${s.providerRef} ${s.period}, ${fmtOf(c).money(s.totalInclVat)}`,
      next: backTo(req, `/app/settlements/${id}`),
    };
  });
  postAction(r, services, '/settlements/:id/invoice', 'invoices', async (c, req) => {
    const { invoice } = await services.invoices.issueForSettlement(c.who, Id.parse(req.params.id));
    return {
      message: `${c.t.invoiceIssued}: ${invoice.number} (${invoice.providerRef}, ${fmtOf(c).money(invoice.totalInclVat)})`,
      next: `/app/invoices${query({ period: invoice.period })}`,
    };
  });
  postAction(r, services, '/periods/:period/lock', 'settlements', async (c, req) => {
    const period = PeriodText.parse(req.params.period);
    await services.settlements.lock(c.who, period);
    return { message: c.t.monthLocked, next: backTo(req, `/app/settlements${query({ period })}`) };
  });
  postAction(r, services, '/periods/:period/unlock', 'settlements', async (c, req) => {
    const period = PeriodText.parse(req.params.period);
    await services.settlements.unlock(c.who, period);
    return { message: `${c.t.unlockMonth}: ${period}`, next: backTo(req, `/app/settlements${query({ period })}`) };
  });
  postAction(r, services, '/exceptions/:id/decide', 'settlements', async (c, req) => {
    const decision = z.enum(['accepted', 'rejected']).parse(req.body?.decision);
    const body = DecisionBody.parse(req.body);
    await services.settlements.decide(c.who, Id.parse(req.params.id), decision, body.note?.trim() || null);
    return { message: c.t.decisionSaved, next: backTo(req, '/app/settlements') };
  });
  mountComparePage(r, services);
}

const CompareQuery = z.object({
  period: PeriodText.optional(),
  modelA: z.string().max(80).optional(),
  modelB: z.string().max(80).optional(),
});

/** The model versions and their assignments (which model is in force for whom, when), below the comparison. */
async function modelsInForce(services: Services, c: WebContext, models: readonly ModelVersion[]): Promise<Html> {
  const f = fmtOf(c);
  const assignments = (await services.models.listAssignments(c.who, {}, { limit: 500, offset: 0 })).items;
  const refs = new Map((await services.providers.list(c.who, {}, { limit: 1000, offset: 0 })).items.map((p) => [p.id, p.ref]));
  // validTo is the first day no longer in force; the page shows the last day that is.
  const lastDay = (validTo: string) => DateTime.fromISO(validTo).minus({ days: 1 }).toISODate()!;
  return html`<section aria-labelledby="models-title">
    <h2 id="models-title">${c.t.modelsTitle}</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">${c.t.model}</th><th scope="col">${c.t.modelTitle}</th><th scope="col">${c.t.modelUsed}</th></tr></thead>
      <tbody>${models.map((m) => html`<tr><th scope="row">${m.name}@${m.version}</th><td>${m.title}</td><td>${m.usedAt ? f.instant(m.usedAt) : c.t.modelNotUsed}</td></tr>`)}</tbody>
    </table></div>
    <p class="help">${c.t.assignmentsHelp}</p>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">${c.t.model}</th><th scope="col">${c.t.assignedTo}</th><th scope="col">${c.t.validFromTo}</th></tr></thead>
      <tbody>${assignments.map(
        (a) =>
          html`<tr><th scope="row">${a.modelName}@${a.modelVersion}</th><td>${a.providerId === null ? c.t.allProviders : (refs.get(a.providerId) ?? String(a.providerId))}</td><td>${f.date(a.validFrom)} – ${a.validTo ? f.date(lastDay(a.validTo)) : c.t.openEnded}</td></tr>`,
      )}</tbody>
    </table></div>
  </section>`;
}

function mountComparePage(r: Router, services: Services): void {
  r.get('/compare', async (req, res) => {
    const c = ctxOf(res);
    const q = CompareQuery.parse(req.query);
    const f = fmtOf(c);
    const period = q.period ?? (await defaultPeriod(services, c));
    const models = (await services.models.list(c.who, {}, { limit: 500, offset: 0 })).items;
    const options = (selected: string | undefined) =>
      models.map((m) => {
        const key = `${m.name}@${m.version}`;
        return html`<option value="${key}"${selected === key ? html` selected` : ''}>${key}</option>`;
      });
    let result: Html = html``;
    if (q.modelA && q.modelB) {
      const cmp = await services.settlements.compare(c.who, { period, modelA: q.modelA, modelB: q.modelB });
      const cells = (x: {
        a: { amount: string; hours: string };
        b: { amount: string; hours: string };
        difference: { amount: string; hours: string };
      }) =>
        html`<td class="num">${f.hours(x.a.hours)}</td><td class="num">${f.money(x.a.amount)}</td><td class="num">${f.hours(x.b.hours)}</td><td class="num">${f.money(x.b.amount)}</td><td class="num">${f.hours(x.difference.hours)}</td><td class="num">${f.money(x.difference.amount)}</td>`;
      result = html`<div class="table-wrap"><table>
        <caption>${period}: A = ${cmp.models.a.name}@${cmp.models.a.version}, B = ${cmp.models.b.name}@${cmp.models.b.version} · ${c.t.priceList} ${cmp.priceList.label}</caption>
        <thead>
          <tr><th scope="col" rowspan="2">${c.t.provider} / ${c.t.category}</th><th scope="colgroup" colspan="2">${c.t.modelA}</th><th scope="colgroup" colspan="2">${c.t.modelB}</th><th scope="colgroup" colspan="2">${c.t.difference}</th><th scope="col" rowspan="2" class="num">${c.t.exceptions} A / B</th></tr>
          <tr>${[0, 1, 2].map(() => html`<th scope="col" class="num">${c.t.hours}</th><th scope="col" class="num">${c.t.amount}</th>`)}</tr>
        </thead>
        ${cmp.providers.map(
          (p) => html`<tbody>
            <tr><th scope="row">${p.providerRef}</th>${cells(p)}<td class="num">${p.exceptions.a} / ${p.exceptions.b}</td></tr>
            ${p.categories.map((x) => html`<tr><td>&nbsp;&nbsp;${f.category(x.category)}</td>${cells(x)}<td></td></tr>`)}
          </tbody>`,
        )}
        <tfoot><tr><th scope="row">${c.t.total}</th>${cells(cmp.total)}<td></td></tr></tfoot>
      </table></div>`;
    }
    const body = html`
      <p class="help">${c.t.compareHelp}</p>
      ${
        models.length === 0
          ? html`<p>${c.t.noModels}</p>`
          : html`<form method="get" action="/app/compare" class="filters" data-busy>
            <label>${c.t.month}<input type="month" name="period" value="${period}" required></label>
            <label>${c.t.modelA}<select name="modelA" required>${options(q.modelA)}</select></label>
            <label>${c.t.modelB}<select name="modelB" required>${options(q.modelB ?? (models[1] ? `${models[1].name}@${models[1].version}` : undefined))}</select></label>
            <button type="submit">${c.t.compare}</button>
            <span data-status data-working="${c.t.working}" role="status" aria-live="polite"></span>
          </form>`
      }
      ${result}
      ${models.length === 0 ? '' : await modelsInForce(services, c, models)}`;
    sendPage(res, page(c, { title: c.t.compareTitle, current: '/app/compare', body }));
  });
}
