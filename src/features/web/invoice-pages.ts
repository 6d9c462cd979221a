import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { titleOf } from '../invoices/invoice-labels.js';
import { InvoiceNumber } from '../invoices/invoices-schemas.js';
import { PeriodText } from '../settlements/settlement-period.js';
import { html, query } from './html.js';
import { ctxOf, fmtOf, page, pager, requireRead } from './web-layout.js';
import { sendPage } from './web-respond.js';

const PER_PAGE = 100;
const ListQuery = z.object({ period: z.union([PeriodText, z.literal('')]).optional(), offset: z.coerce.number().int().min(0).default(0) });

/**
 * Invoices and credit notes: finance sees the municipality's, a provider its own only (the
 * service scopes the list and every download; another provider's number is 404).
 */
export function mountInvoicePages(r: Router, services: Services): void {
  r.get('/invoices', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, null);
    const q = ListQuery.parse(req.query);
    const period = q.period || undefined;
    const f = fmtOf(c);
    const list = await services.invoices.list(c.who, period ? { period } : {}, { limit: PER_PAGE, offset: q.offset });
    const body = html`
      <form method="get" action="/app/invoices" class="filters">
        <label>${c.t.month}<input type="month" name="period" value="${period ?? ''}"></label>
        <button type="submit" class="secondary">${c.t.show}</button>
        ${period ? html`<a href="/app/invoices">${c.t.allMonths}</a>` : ''}
      </form>
      ${
        list.total === 0
          ? html`<p>${c.t.invoicesNone}</p>`
          : html`${pager(c, (o) => `/app/invoices${query({ period, offset: o || undefined })}`, q.offset, PER_PAGE, list.total)}
        <div class="table-wrap"><table class="invoices">
          <caption>${c.t.invoicesTitle}${period ? ` ${period}` : ''} (${list.total})</caption>
          <thead><tr>
            <th scope="col">${c.t.number}</th><th scope="col">${c.t.document}</th><th scope="col">${c.t.provider}</th><th scope="col">${c.t.period}</th>
            <th scope="col">${c.t.issueDate}</th><th scope="col">${c.t.dueDate}</th><th scope="col" class="num">${c.t.totalExclVat}</th>
            <th scope="col" class="num">${c.t.totalInclVat}</th><th scope="col">${c.t.download}</th>
          </tr></thead>
          <tbody>${list.items.map(
            (i) => html`<tr>
              <th scope="row">${i.number}</th>
              <td>${titleOf(i.kind, c.lang)}${i.correctsNumber ? html` <span class="muted">→ ${i.correctsNumber}</span>` : ''}</td>
              <td>${i.providerName} <span class="muted">${i.providerRef}</span></td>
              <td>${i.period}</td>
              <td>${f.date(i.issueDate)}</td>
              <td>${f.date(i.dueDate)}</td>
              <td class="num">${f.money(i.totalExclVat)}</td>
              <td class="num">${f.money(i.totalInclVat)}</td>
              <td class="actions">
                <a href="/app/invoices/${i.number}.pdf" download="${i.number}.pdf" aria-label="PDF ${i.number}">PDF</a>
                ${i.links.xml ? html`<a href="/app/invoices/${i.number}.xml" download="${i.number}.xml" aria-label="XML (Peppol UBL) ${i.number}">XML</a>` : ''}
              </td>
            </tr>`,
          )}</tbody>
        </table></div>`
      }`;
    sendPage(res, page(c, { title: c.t.invoicesTitle, current: '/app/invoices', body }));
  });

  r.get('/invoices/:number.pdf', async (req, res) => {
    const c = ctxOf(res);
    const number = InvoiceNumber.parse(req.params.number);
    const { pdf } = await services.invoices.pdf(c.who, number);
    res
      .type('application/pdf')
      .set({ 'content-disposition': `attachment; filename="${number}.pdf"`, 'cache-control': 'no-store' })
      .send(pdf);
  });
  r.get('/invoices/:number.xml', async (req, res) => {
    const c = ctxOf(res);
    const number = InvoiceNumber.parse(req.params.number);
    const { xml } = await services.invoices.ubl(c.who, number);
    res
      .type('application/xml; charset=utf-8')
      .set({ 'content-disposition': `attachment; filename="${number}.xml"`, 'cache-control': 'no-store' })
      .send(xml);
  });
}
