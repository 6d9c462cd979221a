import type { Request, Response, Router } from 'express';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { errorMessage } from '../../i18n/error-message.js';
import { AppError, unprocessable } from '../../shared/errors.js';
import type { Objection } from '../settlements/objection-schemas.js';
import type { Services } from '../../services.js';
import { PeriodText } from '../settlements/settlement-period.js';
import type { ModelVersion } from '../models/models-schemas.js';
import type { Settlement, SettlementLine } from '../settlements/settlement-schemas.js';
import { html, query, type Html } from './html.js';
import { NOT_CHARGED } from '../reimbursement/vat-rate.js';
import type { T } from './web-text.js';
import { actorNames } from '../auth/actor-names.js';
import { exceptionText, explainReason } from '../settlements/reason-words.js';
import { labelsFor } from '../invoices/invoice-labels.js';
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
import { backTo, done, failed, Id, postAction, sendPage } from './web-respond.js';
import { safeNext } from './web-auth.js';
import { ownProviderDetails } from './provider-details.js';

const safeBack = (v: unknown, fallback: string) => safeNext(v, fallback);

/** The engine's own VAT reasons (vat-rate.ts) in the page's language; a model's reason is shown as the model words it. */
const vatReasonText = (t: T, reason: string) =>
  reason === NOT_CHARGED.not_registered.exemptionReason
    ? t.vatReasonNotRegistered
    : reason === NOT_CHARGED.exempt.exemptionReason
      ? t.vatReasonExempt
      : reason;

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
/** Checked boxes arrive as one value or several. */
const IdList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(Id).max(1000));
const BulkBody = z.object({ ids: IdList, decision: z.enum(['accepted', 'rejected']), note: z.string().max(1000).optional() });
const ObjectQuery = z.object({ line: Id.optional(), exception: Id.optional() });
const ObjectBody = z.object({
  line: Id.optional(),
  exception: Id.optional(),
  kind: z.enum(['comment', 'objection']),
  text: z.string().max(2000),
});
const AnswerBody = z.object({ answer: z.string().max(2000) });

/** A text with `{name}` placeholders filled in. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (all, k: string) => (k in values ? String(values[k]) : all));

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

/**
 * Providers whose settlements the municipality cannot invoice: those on payment basis invoice it
 * themselves (docs/invoices.md), so "issue invoice" would only be refused; the page does not offer it.
 */
async function invoicesThemselves(services: Services, c: WebContext): Promise<Set<number>> {
  const [list, m] = await Promise.all([
    services.providers.list(c.who, {}, { limit: 1000, offset: 0 }),
    services.municipalities.get(c.municipality.id),
  ]);
  return new Set(
    list.items
      .filter((p) => !(p.kind === 'municipal' && !m.invoiceInHouseProvider) && (p.invoicingMode ?? m.invoicingMode) === 'payment_basis')
      .map((p) => p.id),
  );
}

async function overview(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  const q = OverviewQuery.parse(req.query);
  const period = q.period ?? (await defaultPeriod(services, c));
  const f = fmtOf(c);
  const [list, names, lock, objections, selfInvoicing] = await Promise.all([
    services.settlements.list(c.who, { period }, { limit: 1000, offset: 0 }),
    providerNames(services, c),
    services.settlements.lockState(c.who, period),
    services.settlements.openObjections(c.who, period),
    invoicesThemselves(services, c),
  ]);
  const sum = (pick: (s: Settlement) => string) => list.items.reduce((t, s) => t.plus(pick(s)), new Decimal(0));
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
  const openTotal = [...open.values()].reduce((t, n) => t + n, 0);
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
          <progress max="1" aria-label="${c.t.runMonth}"></progress>
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
          <td class="num">${s.exceptionCount}${(open.get(s.id) ?? 0) > 0 ? html` <span class="badge open">${open.get(s.id)} ${c.t.openExceptions}</span>` : ''}${
            s.status === 'draft' && (objections.get(s.providerId) ?? 0) > 0
              ? html` <span class="badge open">${fill(c.t.openObjections, { n: objections.get(s.providerId) ?? 0 })}</span>`
              : ''
          }</td>
          <td class="actions">
            <a href="/app/settlements/${s.id}" aria-label="${c.t.details}: ${s.providerRef} #${s.id}">${c.t.details}</a>
            ${mayRun && s.status === 'draft' ? actionButton(c, `/app/settlements/${s.id}/approve`, c.t.approve, { back, name: `${c.t.approve} ${s.providerRef} #${s.id}` }) : ''}
            ${mayInvoice && s.status === 'approved' && !selfInvoicing.has(s.providerId) ? actionButton(c, `/app/settlements/${s.id}/invoice`, c.t.issueInvoice, { back, name: `${c.t.issueInvoice} ${s.providerRef} #${s.id}` }) : ''}
          </td>
        </tr>`,
      )}</tbody>
      <tfoot><tr>
        <th scope="row" colspan="3">${c.t.monthTotal}</th>
        <td class="num">${f.money(sum((s) => s.totalExclVat))}</td>
        <td class="num">${f.money(sum((s) => s.vat))}</td>
        <td class="num">${f.money(sum((s) => s.totalInclVat))}</td>
        <td class="num">${list.items.reduce((t, s) => t + s.lineCount, 0)}</td>
        <td class="num">${list.items.reduce((t, s) => t + s.exceptionCount, 0)}${openTotal > 0 ? html` <span class="badge open">${openTotal} ${c.t.openExceptions}</span>` : ''}</td>
        <td></td>
      </tr></tfoot>
    </table></div>`
    }
    ${list.items.some((s) => s.status !== 'draft') && c.who.principal.role !== 'provider' ? html`<p><a href="/app/posting-files/${period}" download>${c.t.postingFile} ${period}</a></p>` : ''}
    ${
      mayRun
        ? html`<p>${
            lock.locked
              ? actionButton(c, `/app/periods/${period}/unlock`, `${c.t.unlockMonth} ${period}`, { back, secondary: true })
              : actionButton(c, `/app/periods/${period}/lock`, `${c.t.lockMonth} ${period}`, { back, secondary: true })
          }</p>`
        : ''
    }
    ${await ownProviderDetails(services, c)}`;
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
  // A one-off payment (new customer, takeover) is one payment, as on the invoice.
  if (l.kind === 'new_customer' || l.kind === 'takeover') return `${f.number(l.quantity, 0)} ${labelsFor(c.lang).paymentsUnit}`;
  return `${f.number(l.quantity, 0)} × ${l.unit === 'per_visit' ? c.t.visits.toLowerCase() : c.t.month.toLowerCase()}`;
};

async function detail(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  const id = Id.parse(req.params.id);
  const q = DetailQuery.parse(req.query);
  const f = fmtOf(c);
  const s = await services.settlements.get(c.who, id);
  const [lines, exceptions, names, objections, openItems] = await Promise.all([
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
    services.settlements.objections(c.who, id, {}),
    services.settlements.openForApproval(c.who, id),
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
  const mayObject = canWrite(c, 'objections') && s.status === 'draft';
  const objectLink = (target: string, what: string) =>
    html`<a href="/app/settlements/${id}/object?${target}" aria-label="${fill(c.t.objectActionFor, { what })}">${c.t.objectAction}</a>`;
  const reasons = (codes: string[]) =>
    html`<ul class="reasons">${codes.map((code) => html`<li data-code="${code}">${explainReason(code, c.lang, c.areas)}</li>`)}</ul>`;
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
    ${
      s.status === 'draft' && openItems.exceptions + openItems.objections > 0
        ? html`<p class="flash error" role="note">${fill(c.t.openItems, openItems)}</p>`
        : ''
    }
    <p>
      ${mayDecide && s.status === 'draft' ? actionButton(c, `/app/settlements/${id}/approve`, c.t.approve, { back }) : ''}
      ${canWrite(c, 'invoices') && s.status === 'approved' && !(await invoicesThemselves(services, c)).has(s.providerId) ? actionButton(c, `/app/settlements/${id}/invoice`, c.t.issueInvoice, { back }) : ''}
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
      <tbody>${s.vatGroups.map((g) => html`<tr><th scope="row">${f.number(g.percent, 0)} %${g.exemptionReason ? html` <span class="muted">${vatReasonText(c.t, g.exemptionReason)}</span>` : ''}</th><td class="num">${f.money(g.base)}</td><td class="num">${f.money(g.vat)}</td></tr>`)}</tbody>
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
        ${mayObject ? html`<th scope="col">${c.t.actions}</th>` : ''}
      </tr></thead>
      ${byCitizen(lines.items).map(
        (g) => html`<tbody>
          <tr><th scope="rowgroup" colspan="${mayObject ? 10 : 9}">${c.t.citizen} ${g.citizenRef}</th></tr>
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
              ${mayObject ? html`<td>${objectLink(`line=${l.lineNo}`, `${fill(c.t.objectionLine, { n: l.lineNo })} ${l.citizenRef} ${l.serviceCode}`)}</td>` : ''}
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
      ${mayDecide ? html`<form method="post" action="/app/settlements/${id}/exceptions/decide" id="decide" data-busy>${csrfField(c)}<input type="hidden" name="back" value="${back}#exceptions">` : ''}
      <div class="table-wrap"><table class="exceptions">
        <thead><tr>
          ${mayDecide ? html`<th scope="col"><label><input type="checkbox" data-select-all="ids"> <span class="visually-hidden">${c.t.selectAll}</span></label></th>` : ''}
          <th scope="col">${c.t.date}</th><th scope="col">${c.t.citizen}</th><th scope="col">${c.t.service}</th>
          <th scope="col">${c.t.message}</th><th scope="col" class="num">${c.t.hours}</th><th scope="col" class="num">${c.t.wouldPay}</th>
          <th scope="col">${c.t.decision}</th>
          ${mayObject ? html`<th scope="col">${c.t.actions}</th>` : ''}
        </tr></thead>
        <tbody>${exceptions.items.map(
          (e) => html`<tr>
            ${mayDecide ? html`<td><input type="checkbox" name="ids" value="${e.id}" id="pick-${e.id}" aria-label="${fill(c.t.selectException, { citizen: e.citizenRef, date: f.date(e.date) })}"></td>` : ''}
            <td>${f.date(e.date)}</td>
            <td>${e.citizenRef}</td>
            <td>${e.serviceCode}</td>
            <td>${reasons(e.reasonCodes)}<span class="muted">${exceptionText(e, c.lang)}</span></td>
            <td class="num">${f.hoursOfMinutes(e.minutes)}</td>
            <td class="num">${f.money(e.amount)}</td>
            <td>${
              e.decision
                ? html`${badge(e.decision.decision, c.t[e.decision.decision])} <span class="muted">${by(e.decision.decidedBy)}${e.decision.note ? html`: ${e.decision.note}` : ''}</span>`
                : badge('open', c.t.undecided)
            }</td>
            ${mayObject ? html`<td>${objectLink(`exception=${e.id}`, `${c.t.objectionException} ${e.citizenRef} ${f.date(e.date)}`)}</td>` : ''}
          </tr>`,
        )}</tbody>
      </table></div>
      ${
        mayDecide
          ? html`<div class="filters">
            <label>${c.t.bulkNote}<input type="text" name="note" maxlength="1000" size="40"></label>
            <button type="submit" name="decision" value="accepted">${c.t.acceptSelected}</button>
            <button type="submit" name="decision" value="rejected" class="secondary">${c.t.rejectSelected}</button>
            <span data-status data-working="${c.t.working}" role="status" aria-live="polite"></span>
          </div></form>`
          : ''
      }`
    }
    ${objectionsSection(c, objections.items, mayDecide, back)}`;
  sendPage(res, page(c, { title: `${c.t.settlementTitle} #${s.id} · ${s.providerRef} · ${s.period}`, current: '/app/settlements', body }));
}

/** The provider's comments and objections on the month, with finance's answers (and a form for each open one). */
function objectionsSection(c: WebContext, items: Objection[], mayAnswer: boolean, back: string): Html {
  const f = fmtOf(c);
  return html`<section aria-labelledby="objections-title">
    <h2 id="objections-title">${c.t.objectionsTitle} (${items.filter((o) => o.status === 'open').length} ${c.t.objectionStatus_open})</h2>
    <p class="help">${c.t.objectionsHelp}</p>
    ${
      items.length === 0
        ? html`<p>${c.t.objectionsNone}</p>`
        : html`<div class="table-wrap"><table class="objections">
      <thead><tr>
        <th scope="col">${c.t.kind}</th><th scope="col">${c.t.objectionAbout}</th><th scope="col">${c.t.objectionBy}</th>
        <th scope="col">${c.t.message}</th><th scope="col">${c.t.status}</th><th scope="col">${c.t.answer}</th>
      </tr></thead>
      <tbody>${items.map(
        (o) => html`<tr>
          <th scope="row">${c.t[`objectionKind_${o.kind}`]}</th>
          <td>${o.target === 'line' ? fill(c.t.objectionLine, { n: o.lineNo ?? '' }) : c.t.objectionException}: ${o.subject}
            <span class="muted">${fill(c.t.objectionRaisedOn, { id: o.raisedOn })}</span></td>
          <td>${o.raisedBy} <span class="muted">${f.instant(o.raisedAt)}</span></td>
          <td>${o.text}</td>
          <td>${badge(o.status === 'open' ? 'open' : 'approved', c.t[`objectionStatus_${o.status}`])}</td>
          <td>${
            o.status === 'answered'
              ? html`${o.answer} <span class="muted">${o.answeredBy} ${f.instant(o.answeredAt)}</span>`
              : mayAnswer
                ? html`<form method="post" action="/app/objections/${o.id}/answer" class="decide" data-busy>
                    ${csrfField(c)}<input type="hidden" name="back" value="${back}#objections-title">
                    <label class="visually-hidden" for="answer-${o.id}">${c.t.answer}: ${o.subject}</label>
                    <input type="text" id="answer-${o.id}" name="answer" maxlength="2000" size="24" required>
                    <button type="submit" aria-label="${c.t.answerSend}: ${o.subject}">${c.t.answerSend}</button>
                  </form>`
                : ''
          }</td>
        </tr>`,
      )}</tbody>
    </table></div>`
    }
  </section>`;
}

/** The provider's form for a comment or an objection on one line or one exception of its draft. */
async function objectPage(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  requireWrite(c, 'objections');
  const id = Id.parse(req.params.id);
  const q = ObjectQuery.parse(req.query);
  const f = fmtOf(c);
  const s = await services.settlements.get(c.who, id);
  let what: Html;
  if (q.line !== undefined) {
    const l = (await services.settlements.lines(c.who, id, {}, { limit: 1, offset: 0, after: q.line - 1, count: false })).items[0];
    if (!l || l.lineNo !== q.line) throw new AppError(404, 'not_found', `${c.t.objectionLine.replace('{n}', String(q.line))}`);
    what = html`${fill(c.t.objectionLine, { n: l.lineNo })}: ${c.t.citizen} ${l.citizenRef} · ${l.serviceCode} ${f.category(l.category)} ·
      ${l.band === null ? c.t.none : f.band(l.band)} · ${quantityText(c, l)} × ${f.money(l.rate)} = ${f.money(l.amount)}`;
  } else if (q.exception !== undefined) {
    const e = (await services.settlements.exceptions(c.who, id, {}, { limit: 1000, offset: 0 })).items.find((x) => x.id === q.exception);
    if (!e) throw new AppError(404, 'not_found', c.t.objectionException);
    what = html`${c.t.objectionException}: ${f.date(e.date)} · ${c.t.citizen} ${e.citizenRef} · ${e.serviceCode} ·
      ${explainReason(e.reasonCodes[0] ?? '', c.lang, c.areas)} · ${f.money(e.amount)}`;
  } else throw new AppError(400, 'bad_request', c.t.objectionAbout);
  const body = html`
    <p class="help">${c.t.objectHelp}</p>
    <p><strong>${c.t.objectionAbout}:</strong> ${what}</p>
    ${
      s.status !== 'draft'
        ? html`<p class="flash error" role="alert">${statusBadge(c, s.status)}</p>`
        : html`<form method="post" action="/app/settlements/${id}/object" class="stack" data-busy>
      ${csrfField(c)}
      ${q.line !== undefined ? html`<input type="hidden" name="line" value="${q.line}">` : html`<input type="hidden" name="exception" value="${q.exception}">`}
      <fieldset><legend>${c.t.objectKind}</legend>
        <label><input type="radio" name="kind" value="objection" checked> ${c.t.objectionKind_objection}</label>
        <label><input type="radio" name="kind" value="comment"> ${c.t.objectionKind_comment}</label>
      </fieldset>
      <label>${c.t.objectText}<textarea name="text" rows="4" cols="60" maxlength="2000" required></textarea></label>
      <p><button type="submit">${c.t.objectSend}</button> <a href="/app/settlements/${id}">${c.t.cancel}</a>
      <span data-status data-working="${c.t.working}" role="status" aria-live="polite"></span></p>
    </form>`
    }`;
  sendPage(res, page(c, { title: fill(c.t.objectTitle, { id }), current: '/app/settlements', body }));
}

/** Asks before approving a settlement that leaves exceptions undecided or objections unanswered. */
async function approvePage(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  requireWrite(c, 'settlements');
  const id = Id.parse(req.params.id);
  const s = await services.settlements.get(c.who, id);
  const open = await services.settlements.openForApproval(c.who, id);
  const names = await providerNames(services, c);
  const back = safeBack(req.query.back, `/app/settlements/${id}`);
  const body = html`
    <p class="flash error" role="alert">${fill(c.t.approveConfirmText, {
      id,
      provider: names.get(s.providerId) ?? s.providerRef,
      period: s.period,
      exceptions: open.exceptions,
      objections: open.objections,
    })}</p>
    <p>
      <form method="post" action="/app/settlements/${id}/approve" class="inline" data-busy>
        ${csrfField(c)}<input type="hidden" name="confirm" value="1"><input type="hidden" name="back" value="${back}">
        <button type="submit">${c.t.approveAnyway}</button>
      </form>
      <a href="/app/settlements/${id}#exceptions">${c.t.cancel}</a>
    </p>`;
  sendPage(res, page(c, { title: fill(c.t.approveConfirmTitle, { id }), current: '/app/settlements', body }));
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
    const result = await services.settlements.run(
      c.who,
      { period },
      (p) => {
        if (streaming)
          res.write(
            `${JSON.stringify({
              done: p.done,
              total: p.total,
              text: fill(c.t.runProgress, {
                done: p.done,
                total: p.total,
                provider: p.provider.name,
                outcome: c.t[`outcome_${p.outcome}`],
              }),
            })}\n`,
          );
      },
      (total) => {
        if (streaming) res.write(`${JSON.stringify({ done: 0, total, text: fill(c.t.runStarting, { total }) })}\n`);
      },
    );
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
  r.get('/settlements/:id/approve', (req, res) => approvePage(services, req, res));
  r.get('/settlements/:id/object', (req, res) => objectPage(services, req, res));
  r.post('/settlements/:id/approve', async (req, res) => {
    const c = ctxOf(res);
    requireWrite(c, 'settlements');
    const id = Id.parse(req.params.id);
    const confirmed = req.body?.confirm === '1';
    await failed(services, req, res, async () => {
      const ask = () => res.redirect(303, `/app/settlements/${id}/approve${query({ back: backTo(req, `/app/settlements/${id}`) })}`);
      if (!confirmed) {
        // Exceptions undecided or objections unanswered: ask first (the page posts back with confirm=1).
        const open = await services.settlements.openForApproval(c.who, id);
        if (open.exceptions + open.objections > 0) return ask();
      }
      // The service checks again under the provider's lock: an objection raised since is asked about too.
      const s = await services.settlements.approve(c.who, id, { confirmOpen: confirmed }).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'open_items_unconfirmed') return null;
        throw err;
      });
      if (!s) return ask();
      await done(services, c, `${c.t.approvedMsg}: #${s.id} ${s.providerRef} ${s.period}, ${fmtOf(c).money(s.totalInclVat)}`);
      res.redirect(303, backTo(req, `/app/settlements/${id}`));
    });
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
    if (decision === 'rejected' && !body.note?.trim()) throw unprocessable(c.t.rejectNeedsNote, { field: 'note' });
    await services.settlements.decide(c.who, Id.parse(req.params.id), decision, body.note?.trim() || null);
    return { message: c.t.decisionSaved, next: backTo(req, '/app/settlements') };
  });
  postAction(r, services, '/settlements/:id/exceptions/decide', 'settlements', async (c, req) => {
    const id = Id.parse(req.params.id);
    const body = BulkBody.parse(req.body);
    if (body.ids.length === 0) throw unprocessable(c.t.noneSelected, { field: 'ids' });
    if (body.decision === 'rejected' && !body.note?.trim()) throw unprocessable(c.t.rejectNeedsNote, { field: 'note' });
    const out = await services.settlements.decideMany(c.who, id, body.ids, body.decision, body.note?.trim() || null);
    return { message: fill(c.t.decisionsSaved, { count: out.total }), next: backTo(req, `/app/settlements/${id}`) };
  });
  postAction(r, services, '/settlements/:id/object', 'objections', async (c, req) => {
    const id = Id.parse(req.params.id);
    const body = ObjectBody.parse(req.body);
    if (!body.text.trim()) throw unprocessable(c.t.objectText, { field: 'text' });
    await services.settlements.object(c.who, id, {
      kind: body.kind,
      text: body.text.trim(),
      ...(body.line !== undefined ? { lineNo: body.line } : { exceptionId: body.exception }),
    });
    return { message: c.t.objectSaved, next: `/app/settlements/${id}#objections-title` };
  });
  postAction(r, services, '/objections/:id/answer', 'settlements', async (c, req) => {
    const body = AnswerBody.parse(req.body);
    if (!body.answer.trim()) throw unprocessable(c.t.answer, { field: 'answer' });
    await services.settlements.answerObjection(c.who, Id.parse(req.params.id), body.answer.trim());
    return { message: c.t.answerSaved, next: backTo(req, '/app/settlements') };
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
    const keyOf = (m: ModelVersion) => `${m.name}@${m.version}`;
    // A model named as the API takes it (name@version, name = its latest version, or id) to the option that shows it.
    const chosen = (ref: string | undefined): string | undefined => {
      if (!ref) return undefined;
      const exact = models.find((m) => keyOf(m) === ref || String(m.id) === ref);
      if (exact) return keyOf(exact);
      const latest = models.filter((m) => m.name === ref).sort((a, b) => b.version - a.version)[0];
      return latest ? keyOf(latest) : ref;
    };
    // The empty page: A is the model in force for all providers in the month (else the first), B the latest other one.
    const inForce = q.modelA
      ? undefined
      : (await services.models.listAssignments(c.who, { activeOn: `${period}-01` }, { limit: 100, offset: 0 })).items.find(
          (a) => a.providerId === null,
        );
    const selectedA = chosen(q.modelA) ?? (inForce ? `${inForce.modelName}@${inForce.modelVersion}` : models[0] && keyOf(models[0]));
    const selectedB =
      chosen(q.modelB) ??
      [...models]
        .reverse()
        .map(keyOf)
        .find((k) => k !== selectedA && k.split('@')[0] !== selectedA?.split('@')[0]) ??
      [...models]
        .reverse()
        .map(keyOf)
        .find((k) => k !== selectedA) ??
      selectedA;
    const options = (selected: string | undefined) =>
      models.map((m) => {
        const key = keyOf(m);
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
      result = html`${cmp.models.a.id === cmp.models.b.id ? html`<p class="flash error" role="alert">${c.t.compareSameModel}</p>` : ''}
      <p class="help" id="compare-decisions">${c.t.compareDecisionsNote}</p>
      <div class="table-wrap"><table>
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
            <label>${c.t.modelA}<select name="modelA" required>${options(selectedA)}</select></label>
            <label>${c.t.modelB}<select name="modelB" required>${options(selectedB)}</select></label>
            <button type="submit">${c.t.compare}</button>
            <span data-status data-working="${c.t.working}" role="status" aria-live="polite"></span>
          </form>`
      }
      ${result}
      ${models.length === 0 ? '' : await modelsInForce(services, c, models)}`;
    sendPage(res, page(c, { title: c.t.compareTitle, current: '/app/compare', body }));
  });
}
