import { createHash } from 'node:crypto';
import Busboy from 'busboy';
import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import { actorNames } from '../auth/actor-names.js';
import { controlWords, differenceText, reasonText } from '../invoice-control/control-words.js';
import { BasisReference } from '../invoice-control/invoice-control-schemas.js';
import type { ReceivedDocument } from '../invoice-control/invoice-control-schemas.js';
import type { ReceivedBody } from '../invoice-control/invoice-control-service.js';
import { html, query, type Html } from './html.js';
import { actionButton, badge, canWrite, csrfField, ctxOf, fmtOf, page, pager, requireRead, type WebContext } from './web-layout.js';
import { Id, postAction, sendPage } from './web-respond.js';

const PER_PAGE = 100;
const ListQuery = z.object({ offset: z.coerce.number().int().min(0).default(0) });
const DecisionForm = z.object({ decision: z.enum(['accepted', 'rejected']), note: z.string().trim().min(1).max(1000) });

const OUTCOME_BADGE = { matched: 'ok', accepted: 'ok', disputed: 'watch', rejected: 'over' } as const;
const outcomeBadge = (c: WebContext, d: ReceivedDocument) => badge(OUTCOME_BADGE[d.outcome], controlWords(c.lang).outcome[d.outcome]);

/**
 * The upload form is multipart (a file): parsed before the session check, which reads the CSRF
 * field from the body like every other form. The file is kept in memory up to the limit of a
 * received document; over it only its size and hash are kept, as the API does.
 */
export function receivedInvoiceUpload(services: Services) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    const max = services.invoiceControl.maxBytes;
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: req.headers, limits: { files: 1, fields: 5, fieldSize: 1024, fileSize: max * 16 } });
    } catch {
      next(new AppError(400, 'bad_request', 'The upload form could not be read'));
      return;
    }
    const fields: Record<string, string> = {};
    let upload: { filename: string; body: ReceivedBody } | null = null;
    let pending: Promise<void> = Promise.resolve();
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      pending = (async () => {
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          size += chunk.length;
          hash.update(chunk);
          if (size <= max) chunks.push(chunk);
        }
        upload = {
          filename: info.filename ?? 'upload.xml',
          body: size > max ? { tooLarge: { size, sha256: hash.digest('hex') } } : { bytes: Buffer.concat(chunks) },
        };
      })();
    });
    bb.on('error', () => next(new AppError(400, 'bad_request', 'The upload form could not be read')));
    bb.on('close', () => {
      pending.then(() => {
        req.body = fields;
        res.locals.upload = upload;
        next();
      }, next);
    });
    req.pipe(bb);
  };
}

function tabs(c: WebContext, current: 'bases' | 'received'): Html {
  const P = controlWords(c.lang).page;
  return html`<p class="filters">
    <a href="/app/payment-bases"${current === 'bases' ? html` aria-current="page"` : ''}>${P.basesTitle}</a>
    <a href="/app/received-invoices"${current === 'received' ? html` aria-current="page"` : ''}>${P.receivedTitle}</a>
  </p>`;
}

/**
 * Payment bases and received invoices: finance sees the municipality's, sends the bases due,
 * uploads an e-invoice and decides on disputed ones; a provider sees its own bases, its received
 * invoices with their verdicts and differences, and downloads its Invoice Responses (the service
 * scopes every list and download; another provider's document is 404).
 */
export function mountReceivedInvoicePages(r: Router, services: Services): void {
  r.get('/payment-bases', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, null);
    const q = ListQuery.parse(req.query);
    const P = controlWords(c.lang).page;
    const f = fmtOf(c);
    const list = await services.invoiceControl.listBases(c.who, {}, { limit: PER_PAGE, offset: q.offset });
    const body = html`${tabs(c, 'bases')}
      ${canWrite(c, 'invoices') ? html`<p>${actionButton(c, '/app/payment-bases/issue-due', P.issueDue, { back: '/app/payment-bases' })}</p>` : ''}
      ${
        list.total === 0
          ? html`<p>${P.basesNone}</p>`
          : html`${pager(c, (o) => `/app/payment-bases${query({ offset: o || undefined })}`, q.offset, PER_PAGE, list.total)}
        <div class="table-wrap"><table>
          <caption>${P.basesTitle} (${list.total})</caption>
          <thead><tr><th scope="col">${P.reference}</th><th scope="col">${c.t.provider}</th><th scope="col">${c.t.period}</th>
            <th scope="col" class="num">${c.t.totalExclVat}</th><th scope="col" class="num">${c.t.totalInclVat}</th><th scope="col">${c.t.download}</th></tr></thead>
          <tbody>${list.items.map(
            (b) => html`<tr>
              <th scope="row">${b.reference}</th>
              <td>${b.providerName} <span class="muted">${b.providerRef}</span></td>
              <td>${b.period}${b.priceAdjustmentId ? html` <span class="muted">${P.basisOfAdjustment}</span>` : ''}</td>
              <td class="num">${f.money(b.totalExclVat)}</td>
              <td class="num">${f.money(b.totalInclVat)}</td>
              <td class="actions">
                <a href="/app/payment-bases/${b.reference}.pdf" download="${b.reference}.pdf" aria-label="PDF ${b.reference}">PDF</a>
                <a href="/app/payment-bases/${b.reference}.csv" download="${b.reference}.csv" aria-label="CSV ${b.reference}">CSV</a>
              </td>
            </tr>`,
          )}</tbody>
        </table></div>`
      }`;
    sendPage(res, page(c, { title: P.basesTitle, current: '/app/payment-bases', body }));
  });
  postAction(r, services, '/payment-bases/issue-due', 'invoices', async (c) => {
    const issued = await services.invoiceControl.issueDue(c.who);
    return { message: `${controlWords(c.lang).page.basesTitle}: ${issued.filter((x) => x.created).length}`, next: '/app/payment-bases' };
  });
  for (const format of ['pdf', 'csv'] as const) {
    r.get(`/payment-bases/:reference.${format}`, async (req, res) => {
      const c = ctxOf(res);
      const ref = BasisReference.parse(req.params.reference);
      const headers = { 'content-disposition': `attachment; filename="${ref}.${format}"`, 'cache-control': 'no-store' };
      if (format === 'pdf')
        res
          .type('application/pdf')
          .set(headers)
          .send((await services.invoiceControl.basisPdf(c.who, ref)).pdf);
      else
        res
          .type('text/csv; charset=utf-8')
          .set(headers)
          .send((await services.invoiceControl.basisCsv(c.who, ref)).csv);
    });
  }

  r.get('/received-invoices', async (req, res) => {
    const c = ctxOf(res);
    requireRead(c, null);
    const q = ListQuery.parse(req.query);
    const P = controlWords(c.lang).page;
    const f = fmtOf(c);
    const list = await services.invoiceControl.listReceived(c.who, {}, { limit: PER_PAGE, offset: q.offset });
    const body = html`${tabs(c, 'received')}
      ${
        canWrite(c, 'invoices')
          ? html`<form method="post" action="/app/received-invoices" enctype="multipart/form-data" class="filters" data-busy>
            ${csrfField(c)}
            <label>${P.upload}<input type="file" name="file" accept=".xml,application/xml,text/xml" required></label>
            <button type="submit">${P.uploadButton}</button>
          </form>`
          : ''
      }
      ${
        list.total === 0
          ? html`<p>${P.receivedNone}</p>`
          : html`${pager(c, (o) => `/app/received-invoices${query({ offset: o || undefined })}`, q.offset, PER_PAGE, list.total)}
        <div class="table-wrap"><table>
          <caption>${P.receivedTitle} (${list.total})</caption>
          <thead><tr><th scope="col">#</th><th scope="col">${P.received}</th><th scope="col">${P.seller}</th><th scope="col">${P.number}</th>
            <th scope="col">${P.reference}</th><th scope="col" class="num">${c.t.totalInclVat}</th><th scope="col">${P.verdict}</th></tr></thead>
          <tbody>${list.items.map(
            (d) => html`<tr>
              <th scope="row"><a href="/app/received-invoices/${d.id}">${d.id}</a></th>
              <td>${f.instant(d.receivedAt)}</td>
              <td>${d.providerRef ?? d.sellerName ?? P.unknown}</td>
              <td>${d.number ?? '–'}</td>
              <td>${d.paymentBasisReference ?? d.quotedReference ?? '–'}</td>
              <td class="num">${d.payable ? f.money(d.payable) : '–'}</td>
              <td>${outcomeBadge(c, d)}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      }`;
    sendPage(res, page(c, { title: P.receivedTitle, current: '/app/payment-bases', body }));
  });

  r.post('/received-invoices', async (req, res) => {
    const c = ctxOf(res);
    const upload = res.locals.upload as { filename: string; body: ReceivedBody } | null | undefined;
    if (!upload) throw new AppError(400, 'bad_request', 'Choose a file to upload');
    const d = await services.invoiceControl.receive(c.who, upload.body, { source: 'web', filename: upload.filename });
    await services.webSessions.setFlash(c.session.id, {
      kind: d.outcome === 'rejected' ? 'error' : 'ok',
      text: `#${d.id}: ${controlWords(c.lang).outcome[d.outcome]}`,
    });
    res.redirect(303, `/app/received-invoices/${d.id}`);
  });

  r.get('/received-invoices/:id', async (req, res) => {
    const c = ctxOf(res);
    const id = Id.parse(req.params.id);
    const P = controlWords(c.lang).page;
    const f = fmtOf(c);
    const d = await services.invoiceControl.getReceived(c.who, id);
    const responses = await services.invoiceControl.responses(c.who, id);
    const by = await actorNames(services.db, c.who.principal.municipalityId, [d.decision?.by], c.lang);
    const facts: [string, Html | string][] = [
      [P.verdict, outcomeBadge(c, d)],
      [P.seller, `${d.providerRef ?? ''} ${d.sellerName ?? P.unknown} ${d.sellerEndpoint ?? ''}`.trim()],
      [P.number, d.number ?? '–'],
      [P.reference, d.paymentBasisReference ?? d.quotedReference ?? '–'],
      [c.t.period, d.periodStart ? `${d.periodStart} – ${d.periodEnd ?? ''}` : '–'],
      [c.t.totalExclVat, d.totalExclVat ? f.money(d.totalExclVat) : '–'],
      [c.t.vat, d.vat ? f.money(d.vat) : '–'],
      [c.t.totalInclVat, d.payable ? f.money(d.payable) : '–'],
      [P.received, `${f.instant(d.receivedAt)} (${d.source}${d.filename ? `, ${d.filename}` : ''})`],
      ...(d.decision ? ([[P.decided, `${by(d.decision.by)}, ${f.instant(d.decision.at)}: ${d.decision.note}`]] as [string, string][]) : []),
    ];
    const body = html`${tabs(c, 'received')}
      <dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
      ${d.reasons.length ? html`<h2>${P.reasons}</h2><ul>${d.reasons.map((x) => html`<li>${reasonText(x, c.lang)}</li>`)}</ul>` : ''}
      ${
        d.differences.length
          ? html`<div class="table-wrap"><table>
          <caption>${P.differences} (${d.differences.length})</caption>
          <tbody>${d.differences.map((x) => html`<tr><td>${differenceText(x, c.lang)}</td></tr>`)}</tbody>
        </table></div>`
          : ''
      }
      <p class="actions">
        ${responses.length ? html`<a href="/app/received-invoices/${d.id}/response.xml" download="invoice-response-${d.id}.xml">${P.response} (${responses.at(-1)!.response_code})</a>` : ''}
        ${d.sizeBytes > 0 && !(d.reasons[0]?.code === 'too_large') ? html`<a href="/app/received-invoices/${d.id}/original" download="received-${d.id}.xml">${P.original}</a>` : ''}
      </p>
      ${
        canWrite(c, 'invoices') && !d.decision && d.verdict !== 'rejected'
          ? html`<form method="post" action="/app/received-invoices/${d.id}/decision" class="stack" data-busy>
            <h2>${P.decide}</h2>
            ${csrfField(c)}<input type="hidden" name="back" value="/app/received-invoices/${d.id}">
            <label>${P.note}<textarea name="note" required maxlength="1000" rows="2"></textarea></label>
            <div>
              ${d.verdict === 'disputed' ? html`<button type="submit" name="decision" value="accepted">${P.accept}</button>` : ''}
              <button type="submit" name="decision" value="rejected" class="secondary">${P.reject}</button>
            </div>
          </form>`
          : ''
      }`;
    sendPage(res, page(c, { title: `${P.documentTitle} #${d.id}`, current: '/app/payment-bases', body }));
  });
  postAction(r, services, '/received-invoices/:id/decision', 'invoices', async (c, req) => {
    const id = Id.parse(req.params.id);
    const form = DecisionForm.parse(req.body);
    const d = await services.invoiceControl.decide(c.who, id, form);
    return { message: `#${d.id}: ${controlWords(c.lang).outcome[d.outcome]}`, next: `/app/received-invoices/${d.id}` };
  });
  r.get('/received-invoices/:id/response.xml', async (req, res) => {
    const c = ctxOf(res);
    const id = Id.parse(req.params.id);
    const { xml, sequence } = await services.invoiceControl.response(c.who, id);
    res
      .type('application/xml; charset=utf-8')
      .set({ 'content-disposition': `attachment; filename="invoice-response-${id}-${sequence}.xml"`, 'cache-control': 'no-store' })
      .send(xml);
  });
  r.get('/received-invoices/:id/original', async (req, res) => {
    const c = ctxOf(res);
    const id = Id.parse(req.params.id);
    const { content } = await services.invoiceControl.original(c.who, id);
    res
      .type('application/octet-stream')
      .set({
        'content-disposition': `attachment; filename="received-${id}.xml"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      })
      .send(content);
  });
}
