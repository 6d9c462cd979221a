import { createHash } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { payloadTooLarge } from '../../shared/errors.js';
import {
  BasisFilter,
  BasisReference,
  DecisionBody,
  Language,
  PaymentBasis,
  ReceivedDocument,
  ReceivedFilter,
  ReceiveQuery,
} from './invoice-control-schemas.js';
import { explainReceived, type InvoiceControlService, type ReceivedBody } from './invoice-control-service.js';

const RefParam = z.object({ reference: BasisReference });

/**
 * Reads an uploaded document whole, hashing every byte; over `maxBytes` only the size and hash are
 * kept (the verdict says "too large"). A body many times the limit is cut off with a 413.
 */
export async function readReceivedBody(stream: AsyncIterable<Buffer>, maxBytes: number): Promise<ReceivedBody> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  const hardLimit = Math.max(maxBytes * 16, 64 * 1024 * 1024);
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > hardLimit) throw payloadTooLarge(hardLimit);
    hash.update(chunk);
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes ? { tooLarge: { size, sha256: hash.digest('hex') } } : { bytes: Buffer.concat(chunks) };
}

/** Payment bases and received invoices. Mounted before the JSON body parser: uploads are raw XML. */
export function invoiceControlRoutes(registry: OpenAPIRegistry, service: InvoiceControlService, maxJsonBytes: number): Router {
  const r = Router();
  const tag = 'Payment bases and received invoices';
  defineRoute(r, registry, {
    method: 'get',
    path: '/payment-bases',
    tag,
    summary: 'List payment bases (a provider token sees its own only)',
    access: { read: null },
    query: Paging.extend(BasisFilter.shape),
    response: listOf(PaymentBasis, 'PaymentBasisList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.listBases({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/payment-bases',
    tag,
    summary: 'Send the payment basis of every approved settlement of a provider in payment-basis mode that has none yet',
    access: { write: 'invoices' },
    response: z.object({ items: z.array(PaymentBasis.extend({ created: z.boolean() })) }).meta({ id: 'PaymentBasesIssued' }),
    status: 200,
    handler: async ({ principal, requestId }) => ({
      items: (await service.issueDue({ principal, requestId })).map((x) => ({ ...x.basis, created: x.created })),
    }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlements/:id/payment-basis',
    tag,
    summary: 'Send the payment basis of an approved settlement (provider in payment-basis mode)',
    description: 'Idempotent: a settlement that has its basis returns it (200) instead of creating one (201).',
    access: { write: 'invoices' },
    params: IdParam,
    response: null,
    produces: { 'application/json': { schema: PaymentBasis } },
    handler: async ({ principal, requestId, params, res }) => {
      const { basis, created } = await service.issueBasis({ principal, requestId }, params.id);
      res.status(created ? 201 : 200).json(basis);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/payment-bases/:reference.pdf',
    tag,
    summary: "The payment basis as PDF in the municipality's language",
    access: { read: null },
    params: RefParam,
    response: null,
    produces: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
    handler: async ({ principal, requestId, params, res }) => {
      const { pdf } = await service.basisPdf({ principal, requestId }, params.reference);
      res.type('application/pdf').set('content-disposition', `inline; filename="${params.reference}.pdf"`).send(pdf);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/payment-bases/:reference.csv',
    tag,
    summary: "The payment basis's rows as CSV for the provider's system",
    access: { read: null },
    params: RefParam,
    response: null,
    produces: { 'text/csv': { schema: z.string() } },
    handler: async ({ principal, requestId, params, res }) => {
      const { csv } = await service.basisCsv({ principal, requestId }, params.reference);
      res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="${params.reference}.csv"`).send(csv);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/payment-bases/:reference',
    tag,
    summary: 'A payment basis with its frozen document (rows, VAT, totals)',
    access: { read: null },
    params: RefParam,
    response: PaymentBasis.extend({ document: z.record(z.string(), z.unknown()) }).meta({ id: 'PaymentBasisDetail' }),
    handler: async ({ principal, requestId, params }) => {
      const b = await service.basis({ principal, requestId }, params.reference);
      return { ...b, document: b.document as unknown as Record<string, unknown> };
    },
  });

  defineRoute(r, registry, {
    method: 'post',
    path: '/received-invoices',
    tag,
    summary: "Receive a provider's e-invoice or credit note (Peppol BIS Billing 3.0 UBL) and check it against its payment basis",
    description:
      'The body is the document as received (any content type; application/xml expected). It is always stored, with its verdict: ' +
      '`matched` (ready for payment), `disputed` (every difference listed) or `rejected` (the reasons: unreadable, unsafe, too large, not UBL, ' +
      'rules broken, unknown seller, another municipality, a duplicate, no payment basis). A refusal is a verdict (201), not an error.',
    access: { write: 'invoices' },
    query: ReceiveQuery,
    response: ReceivedDocument,
    consumes: { 'application/xml': { schema: z.string() } },
    handler: async ({ principal, requestId, query, req, res }) => {
      const body = await readReceivedBody(req as Request & AsyncIterable<Buffer>, service.maxBytes);
      const d = await service.receive({ principal, requestId }, body, { source: 'api', filename: query.filename ?? null });
      res.set('location', `/api/received-invoices/${d.id}`);
      return explainReceived(d, query.language);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/received-invoices',
    tag,
    summary: 'List received invoices with their verdicts (a provider token sees those attributed to it)',
    access: { read: null },
    query: Paging.extend(ReceivedFilter.shape),
    response: listOf(ReceivedDocument, 'ReceivedDocumentList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, language, ...filter } = query;
      const page = await service.listReceived({ principal, requestId }, filter, { limit, offset });
      return { ...page, items: page.items.map((d) => explainReceived(d, language)), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/received-invoices/:id/original',
    tag,
    summary: 'The document exactly as it was received',
    access: { read: null },
    params: IdParam,
    response: null,
    produces: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
    handler: async ({ principal, requestId, params, res }) => {
      const { content } = await service.original({ principal, requestId }, params.id);
      // Served as bytes to download, never rendered: it is untrusted input.
      res
        .type('application/octet-stream')
        .set({ 'content-disposition': `attachment; filename="received-${params.id}.xml"`, 'x-content-type-options': 'nosniff' })
        .send(content);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/received-invoices/:id/response.xml',
    tag,
    summary: 'The latest Peppol Invoice Response (BIS Invoice Response 3) of a received document: AP accepted, RE rejected, UQ under query',
    access: { read: null },
    params: IdParam,
    response: null,
    produces: { 'application/xml': { schema: z.string() } },
    handler: async ({ principal, requestId, params, res }) => {
      const { xml, sequence } = await service.response({ principal, requestId }, params.id);
      res
        .type('application/xml; charset=utf-8')
        .set('content-disposition', `inline; filename="invoice-response-${params.id}-${sequence}.xml"`)
        .send(xml);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/received-invoices/:id',
    tag,
    summary: 'A received document: what was read, its verdict, reasons and differences, and the decision of finance',
    access: { read: null },
    params: IdParam,
    query: z.object({ language: Language.optional() }),
    response: ReceivedDocument,
    handler: async ({ principal, requestId, params, query }) =>
      explainReceived(await service.getReceived({ principal, requestId }, params.id), query.language),
  });
  r.use('/received-invoices/:id/decision', express.json({ limit: maxJsonBytes, strict: true }));
  defineRoute(r, registry, {
    method: 'post',
    path: '/received-invoices/:id/decision',
    tag,
    summary: 'Finance accepts a disputed document for payment, or rejects a document, with a note; a new Invoice Response is issued',
    access: { write: 'invoices' },
    params: IdParam,
    body: DecisionBody,
    response: ReceivedDocument,
    status: 200,
    handler: ({ principal, requestId, params, body }) => service.decide({ principal, requestId }, params.id, body),
  });
  return r;
}
