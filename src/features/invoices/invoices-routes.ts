import { Router } from 'express';
import { z } from 'zod';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { Invoice, InvoiceDetail, InvoiceFilter, InvoiceSettings, InvoiceSettingsUpdate, NumberParam } from './invoices-schemas.js';
import type { InvoicesService } from './invoices-service.js';

export function invoicesRoutes(registry: OpenAPIRegistry, service: InvoicesService): Router {
  const r = Router();
  const tag = 'Invoices';
  defineRoute(r, registry, {
    method: 'get',
    path: '/invoices',
    tag,
    summary: 'List invoices and credit notes (a provider token sees its own only)',
    access: { read: null },
    query: Paging.extend(InvoiceFilter.shape),
    response: listOf(Invoice, 'InvoiceList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.list({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/invoice-settings',
    tag,
    summary: 'Invoice settings of the municipality (payment terms)',
    access: { read: null },
    response: InvoiceSettings,
    handler: ({ principal, requestId }) => service.getSettings({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/invoice-settings',
    tag,
    summary: 'Change the payment terms of invoices issued from now on',
    access: { write: 'invoices' },
    body: InvoiceSettingsUpdate,
    response: InvoiceSettings,
    handler: ({ principal, requestId, body }) => service.updateSettings({ principal, requestId }, body),
  });
  // The .pdf and .xml routes come before /invoices/:number, which would otherwise take "N.pdf" as a number.
  defineRoute(r, registry, {
    method: 'get',
    path: '/invoices/:number.pdf',
    tag,
    summary: "The invoice as PDF in the municipality's document language",
    description: 'Can be opened through a signed link (POST /api/links).',
    access: { read: null },
    params: NumberParam,
    response: null,
    produces: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
    handler: async ({ principal, requestId, params, res }) => {
      const { pdf } = await service.pdf({ principal, requestId }, params.number);
      res.type('application/pdf').set('content-disposition', `inline; filename="${params.number}.pdf"`).send(pdf);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/invoices/:number.xml',
    tag,
    summary: 'The invoice as UBL 2.1 (Peppol BIS Billing 3.0): Invoice 380 or CreditNote 381',
    description: 'Can be opened through a signed link (POST /api/links).',
    access: { read: null },
    params: NumberParam,
    response: null,
    produces: { 'application/xml': { schema: z.string() } },
    handler: async ({ principal, requestId, params, res }) => {
      const { xml } = await service.ubl({ principal, requestId }, params.number);
      res.type('application/xml; charset=utf-8').set('content-disposition', `inline; filename="${params.number}.xml"`).send(xml);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/invoices/:number',
    tag,
    summary: 'An invoice with its frozen document (parties, lines, VAT, totals)',
    access: { read: null },
    params: NumberParam,
    response: InvoiceDetail,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.number),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlements/:id/invoice',
    tag,
    summary: 'Issue the invoice (or credit note) of an approved settlement',
    description:
      'Idempotent: issuing a settlement that already has its invoice returns that invoice (200) instead of creating one (201). ' +
      'A correction with a negative total becomes a credit note, a positive one a supplementary invoice; both refer to the ' +
      'invoice of the settlement they correct, which must be issued first.',
    access: { write: 'invoices' },
    params: IdParam,
    response: null,
    produces: { 'application/json': { schema: Invoice } },
    handler: async ({ principal, requestId, params, res }) => {
      const { invoice, created } = await service.issueForSettlement({ principal, requestId }, params.id);
      res.status(created ? 201 : 200).json(invoice);
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements/:id/lines.csv',
    tag,
    summary: 'A settlement and its lines as CSV for the accounting system',
    description: 'Semicolon-separated, decimal point, UTF-8, one row per line with the settlement and invoice number on every row.',
    access: { read: null },
    params: IdParam,
    response: null,
    produces: { 'text/csv': { schema: z.string() } },
    handler: async ({ principal, requestId, params, res }) => {
      const csv = await service.settlementCsv({ principal, requestId }, params.id);
      res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="settlement-${params.id}.csv"`).send(csv);
    },
  });
  return r;
}
