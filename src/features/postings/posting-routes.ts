import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { PeriodText } from '../settlements/settlement-period.js';
import { PostingAccounts } from './posting-schemas.js';
import type { PostingService } from './posting-service.js';

export function postingRoutes(registry: OpenAPIRegistry, service: PostingService): Router {
  const r = Router();
  const tag = 'Postings';
  defineRoute(r, registry, {
    method: 'get',
    path: '/posting-accounts',
    tag,
    summary: 'The account strings of the posting file, per category (or "vat") and provider kind',
    access: { read: 'settlements' },
    response: PostingAccounts,
    handler: ({ principal, requestId }) => service.accounts({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/posting-accounts',
    tag,
    summary: 'Set the account strings of the posting file (replaces the list)',
    description: 'One account per (category, provider kind); category "vat" is the account of the VAT on providers\' settlements.',
    access: { write: 'settlements' },
    body: PostingAccounts,
    response: PostingAccounts,
    handler: ({ principal, requestId, body }) => service.setAccounts({ principal, requestId }, body.accounts),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/posting-files/:period',
    tag,
    summary: 'The approved month as an accounting posting file (CSV): one line per provider and category, and its VAT',
    description:
      'Sums of the lines of the approved and invoiced settlements of the month (corrections included); the lines add up to ' +
      "the settlements' totals to the øre. 422 when no settlement of the month is approved or an account is missing " +
      '(details.missing names category and provider kind). Format: docs/settlements.md, "Posting file".',
    access: { read: 'settlements' },
    params: z.object({ period: PeriodText }),
    response: null,
    produces: { 'text/csv': { schema: z.string() } },
    handler: async ({ principal, requestId, params, res }) => {
      const file = await service.postingFile({ principal, requestId }, params.period);
      res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="posting-${file.period}.csv"`).send(file.csv);
    },
  });
  return r;
}
