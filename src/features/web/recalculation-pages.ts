import { councilReport } from '../price-recalculation/recalc-council-report.js';
import type { Request, Response, Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { priceCategoryLabel, priceGroupCategories } from '../price-recalculation/recalc-labels.js';
import { actorNames } from '../auth/actor-names.js';
import type { Adjustment, Recalculation } from '../price-recalculation/recalc-schemas.js';
import { titleOf } from '../invoices/invoice-labels.js';
import { html, query, type Html } from './html.js';
import { ownProviderDetails } from './provider-details.js';
import { actionButton, badge, canWrite, ctxOf, fmtOf, page, type WebContext } from './web-layout.js';
import { backTo, Id, postAction, sendPage } from './web-respond.js';

const Year = z.coerce.number().int().min(2000).max(2999);

/**
 * The annual recalculation of hourly prices (docs/price-recalculation.md) on the service of its
 * feature: the recalculated prices against what was paid, and each provider's retro adjustment.
 * Finance runs, approves, adopts and issues; a provider sees only its own adjustments (the
 * service answers 404 for the rest).
 */
function adjustmentsTable(c: WebContext, adjustments: Adjustment[], groups: ReadonlyMap<string, string> = new Map()): Html {
  const f = fmtOf(c);
  if (adjustments.length === 0) return html`<p>${c.t.adjustmentsNone}</p>`;
  const years = [...new Set(adjustments.map((a) => a.year))];
  return html`<p class="help">${c.t.adjustmentsHoursHelp}</p><div class="table-wrap"><table class="adjustments">
    <caption>${years.length === 1 ? c.t.adjustmentsYear.replace('{year}', String(years[0])) : c.t.adjustmentsTitle}</caption>
    <thead><tr>
      <th scope="col">${c.t.provider} / ${c.t.category}</th><th scope="col">${c.t.band}</th><th scope="col" class="num">${c.t.paidRate}</th>
      <th scope="col" class="num">${c.t.newPrice}</th><th scope="col" class="num">${c.t.difference.replace(/ B − A$/, '')}</th>
      <th scope="col" class="num">${c.t.paidHours}</th><th scope="col" class="num">${c.t.amount}</th>
    </tr></thead>
    ${adjustments.map(
      (a) => html`<tbody>
        <tr>
          <th scope="rowgroup" colspan="5">${a.year} · ${a.providerName} <span class="muted">${a.providerRef}</span> ${badge(a.status === 'approved' ? 'approved' : 'draft', a.status === 'approved' ? c.t.approved.toLowerCase() : c.t.status_draft)}
            ${
              a.invoice
                ? html` · ${titleOf(a.invoice.kind, c.lang)} <a href="/app/invoices/${a.invoice.number}.pdf" download="${a.invoice.number}.pdf">${a.invoice.number}</a>`
                : ''
            }</th>
          <td class="num" colspan="2"><strong>${f.money(a.totalExclVat)}</strong> <span class="muted">+ ${c.t.vat.toLowerCase()} ${f.money(a.vat)} = ${f.money(a.totalInclVat)}</span></td>
        </tr>
        ${a.lines.map(
          (l) => html`<tr>
            <td>&nbsp;&nbsp;${priceCategoryLabel({ code: l.categoryCode, name: l.categoryCode, priceGroup: l.priceGroup, timeBands: [l.band] }, groups, c.lang)}</td>
            <td>${f.band(l.band)}</td>
            <td class="num">${f.money(l.paidRate)}</td>
            <td class="num">${f.money(l.newPrice)}</td>
            <td class="num">${f.number(l.difference, 2)}</td>
            <td class="num">${f.hours(l.hours)}</td>
            <td class="num">${f.money(l.amount)}</td>
          </tr>`,
        )}
      </tbody>`,
    )}
  </table></div>`;
}

function pricesTable(c: WebContext, r: Recalculation, groups: ReadonlyMap<string, string> = new Map()): Html {
  const f = fmtOf(c);
  return html`<div class="table-wrap"><table class="prices">
    <caption>${c.t.pricesTitle} ${r.year}</caption>
    <thead><tr>
      <th scope="col">${c.t.category}</th><th scope="col" class="num">${c.t.costs}</th><th scope="col" class="num">${c.t.deliveredHours}</th>
      <th scope="col" class="num">${c.t.costPerHour}</th><th scope="col" class="num">${c.t.newPrice}</th><th scope="col" class="num">${c.t.publishedPrice}</th>
      <th scope="col" class="num">${c.t.paidRate}</th><th scope="col" class="num">${c.t.paidHours}</th><th scope="col" class="num">${c.t.settled}</th>
    </tr></thead>
    ${r.categories.map((x) => {
      const paid = x.paid.length > 0 ? x.paid : [null];
      return html`<tbody>${paid.map(
        (p, i) => html`<tr>
          ${
            i === 0
              ? html`<th scope="row" rowspan="${paid.length}">${priceCategoryLabel(x, groups, c.lang)}</th>
              <td class="num" rowspan="${paid.length}">${f.money(x.costs.total)}</td>
              <td class="num" rowspan="${paid.length}">${f.hours(x.hours.deliveredHours)}</td>
              <td class="num" rowspan="${paid.length}">${f.money(x.costPerHour)}</td>
              <td class="num" rowspan="${paid.length}"><strong>${f.money(x.price)}</strong></td>
              <td class="num" rowspan="${paid.length}">${f.money(x.publishedPriceInclVat)}</td>`
              : ''
          }
          <td class="num">${p ? f.money(p.rate) : c.t.none}</td>
          <td class="num">${p ? f.hours(p.hours) : c.t.none}</td>
          <td class="num">${p ? f.number(p.settled, 2) : c.t.none}</td>
        </tr>`,
      )}</tbody>`;
    })}
  </table></div>`;
}

async function recalculationPage(services: Services, req: Request, res: Response) {
  const c = ctxOf(res);
  const f = fmtOf(c);
  const rs = services.priceRecalculation;
  const year = Year.optional().parse(req.query.year || undefined);
  if (c.who.principal.providerId !== null) {
    // A provider: its own adjustments only.
    const own = await rs.adjustments(c.who, year ? { year } : {}, { limit: 100, offset: 0 });
    const groups = await priceGroupCategories(services.db, c.who.principal.municipalityId);
    const body = html`${adjustmentsTable(c, own.items, groups)}${await ownProviderDetails(services, c)}`;
    sendPage(res, page(c, { title: c.t.adjustmentsTitle, current: '/app/recalculation', body }));
    return;
  }
  const all = await rs.list(c.who, {}, { limit: 100, offset: 0 });
  const shown = year ?? all.items[0]?.year ?? DateTime.now().setZone(c.municipality.timeZone).year - 1;
  const summary = all.items.find((x) => x.year === shown);
  const r = summary ? await rs.get(c.who, summary.id) : null;
  const mayWrite = canWrite(c, 'recalculations');
  const back = `/app/recalculation${query({ year: shown })}`;
  const groups = await priceGroupCategories(services.db, c.who.principal.municipalityId);
  const by = await actorNames(services.db, c.who.principal.municipalityId, r ? [r.computedBy, r.approvedBy, r.adoptedBy] : [], c.lang);
  const body = html`
    <p class="help">${c.t.recalcHelp}</p>
    <form method="get" action="/app/recalculation" class="filters">
      <label>${c.t.year}<input type="number" name="year" value="${shown}" min="2000" max="2999" required></label>
      <button type="submit" class="secondary">${c.t.show}</button>
      ${all.items.length > 0 ? html`<span>${c.t.recalculations}: ${all.items.map((x, i) => html`${i > 0 ? ', ' : ''}<a href="/app/recalculation?year=${x.year}">${x.year}</a>`)}</span>` : ''}
    </form>
    ${
      r === null
        ? html`<p>${c.t.recalcNone}</p>${mayWrite ? actionButton(c, `/app/recalculation/${shown}/run`, `${c.t.runYear} ${shown}`, { back }) : ''}`
        : html`
        <dl class="facts">
          <dt>${c.t.status}</dt><dd>${badge(r.status === 'approved' ? 'approved' : 'draft', r.status === 'approved' ? c.t.approved.toLowerCase() : c.t.status_draft)}${r.adoptedAt ? html` ${badge('invoiced', c.t.adopted.toLowerCase())}` : ''}</dd>
          <dt>${c.t.computed}</dt><dd>${f.instant(r.computedAt)} ${c.t.by} ${by(r.computedBy)}</dd>
          ${r.approvedAt ? html`<dt>${c.t.approved}</dt><dd>${f.instant(r.approvedAt)} ${c.t.by} ${by(r.approvedBy)}</dd>` : ''}
          ${r.adoptedAt ? html`<dt>${c.t.adopted}</dt><dd>${f.instant(r.adoptedAt)} ${c.t.by} ${by(r.adoptedBy)}</dd>` : ''}
          <dt>${c.t.policy}</dt><dd>${c.t[`policy_${r.settings.policy}`]}</dd>
          <dt>${c.t.overhead}</dt><dd>${r.settings.overheadPercent === null ? c.t.none : `${f.number(r.settings.overheadPercent, 2)} %`}</dd>
          <dt>${c.t.publishedVat}</dt><dd>${f.number(r.settings.publishedVatPercent, 2)} %</dd>
        </dl>
        <div class="cards">
          <div class="card"><div class="label">${c.t.statementTotal}</div><div class="value">${f.money(r.totals.statement)}</div></div>
          <div class="card"><div class="label">${c.t.excludedTitle}</div><div class="value">${f.money(r.totals.excluded)}</div></div>
          <div class="card"><div class="label">${c.t.allocated}</div><div class="value">${f.money(r.totals.allocated)}</div></div>
          <div class="card"><div class="label">${c.t.adjustmentsTitle}</div><div class="value">${f.money(r.totals.adjustmentsExclVat)}</div></div>
        </div>
        <p>
          ${mayWrite && r.status === 'draft' ? html`${actionButton(c, `/app/recalculation/${r.year}/run`, `${c.t.runYear} ${r.year}`, { back, secondary: true })} ${actionButton(c, `/app/recalculation/${r.id}/approve`, c.t.approve, { back })}` : ''}
          ${
            // Only while some adjustment has neither its document nor its payment basis: issuing twice does nothing.
            mayWrite && r.status === 'approved' && r.adjustments.some((a) => a.invoice === null && a.paymentBasis === null)
              ? actionButton(c, `/app/recalculation/${r.id}/documents`, c.t.issueDocuments, { back })
              : ''
          }
          ${mayWrite && r.status === 'approved' && r.adoptedAt === null && r.proposedPriceListId !== null ? actionButton(c, `/app/recalculation/${r.id}/adopt`, c.t.adoptPrices, { back, secondary: true }) : ''}
          <a href="/app/recalculation/${r.id}/report.pdf" download="price-recalculation-${r.year}.pdf">${c.t.reportPdf}</a>
        </p>
        ${pricesTable(c, r, groups)}
        ${adjustmentsTable(c, r.adjustments, groups)}
        ${
          r.excluded.length > 0
            ? html`<table><caption>${c.t.excludedTitle}</caption>
              <tbody>${r.excluded.map((x) => html`<tr><th scope="row">${x.description || x.element}</th><td class="num">${f.money(x.amount)}</td></tr>`)}</tbody></table>`
            : ''
        }`
    }`;
  sendPage(res, page(c, { title: `${c.t.recalcTitle} ${shown}`, current: '/app/recalculation', body }));
}

export function mountRecalculationPages(r: Router, services: Services): void {
  const rs = services.priceRecalculation;
  r.get('/recalculation', (req, res) => recalculationPage(services, req, res));
  r.get('/recalculation/:id/report.pdf', async (req, res) => {
    const c = ctxOf(res);
    const recalc = await rs.get(c.who, Id.parse(req.params.id));
    const { report, pdf } = councilReport(services.db, c.who.principal.municipalityId, recalc, await rs.municipalityOf(c.who));
    res
      .type('application/pdf')
      .set({ 'content-disposition': `attachment; filename="price-recalculation-${report.year}.pdf"`, 'cache-control': 'no-store' })
      .send(await pdf());
  });
  const back = (req: Request, year?: number) => backTo(req, `/app/recalculation${query({ year })}`);
  postAction(r, services, '/recalculation/:year/run', 'recalculations', async (c, req) => {
    const year = Year.parse(req.params.year);
    const out = await rs.run(c.who, year);
    return { message: `${c.t.recalcRun} (${year}): ${c.t[`outcome_${out.outcome}`]}`, next: back(req, year) };
  });
  postAction(r, services, '/recalculation/:id/approve', 'recalculations', async (c, req) => {
    await rs.approve(c.who, Id.parse(req.params.id));
    return { message: c.t.recalcApproved, next: back(req) };
  });
  postAction(r, services, '/recalculation/:id/adopt', 'recalculations', async (c, req) => {
    await rs.adoptPrices(c.who, Id.parse(req.params.id));
    return { message: c.t.pricesAdopted, next: back(req) };
  });
  postAction(r, services, '/recalculation/:id/documents', 'recalculations', async (c, req) => {
    const issued = await rs.issueDocuments(c.who, Id.parse(req.params.id));
    return {
      message: `${c.t.documentsIssued}: ${issued.items.map((i) => `${i.providerRef} ${i.number ?? i.paymentBasis ?? c.t.none}`).join(', ') || c.t.none}`,
      next: back(req),
    };
  });
}
