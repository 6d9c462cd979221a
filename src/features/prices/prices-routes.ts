import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { PriceList, PriceListCreate, PriceListFilter, PriceListUpdate, PriceListWithRates } from './prices-schemas.js';
import type { PricesService } from './prices-service.js';

/** Rates travel as decimal strings both ways; see Rate in prices-schemas.ts for the canonical output form. */
export function pricesRoutes(registry: OpenAPIRegistry, service: PricesService): Router {
  const r = Router();
  const tag = 'Price lists';
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-lists',
    tag,
    summary: 'List price lists (by validFrom)',
    access: { read: null },
    query: Paging.extend(PriceListFilter.shape),
    response: listOf(PriceList, 'PriceListList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.list({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-lists/:id',
    tag,
    summary: 'Get a price list with its rates',
    access: { read: null },
    params: IdParam,
    response: PriceListWithRates,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/price-lists',
    tag,
    summary: 'Create a price list with its rates (status proposed unless given)',
    description: 'Proposals may overlap; an adopted or recalculated list that overlaps another one answers 409.',
    access: { write: 'prices' },
    body: PriceListCreate,
    response: PriceListWithRates,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/price-lists/:id',
    tag,
    summary: 'Change a price list; `rates` replaces all rates',
    description: 'Once a settlement has used the list, only an open validTo may be set (anything else answers 409).',
    access: { write: 'prices' },
    params: IdParam,
    body: PriceListUpdate,
    response: PriceListWithRates,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/price-lists/:id/adopt',
    tag,
    summary: 'Adopt a proposed price list (409 if it overlaps an adopted one)',
    access: { write: 'prices' },
    params: IdParam,
    response: PriceListWithRates,
    status: 200,
    handler: ({ principal, requestId, params }) => service.adopt({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/price-lists/:id',
    tag,
    summary: 'Delete a price list that no settlement has used',
    access: { write: 'prices' },
    params: IdParam,
    response: null,
    status: 204,
    handler: async ({ principal, requestId, params, res }) => {
      await service.delete({ principal, requestId }, params.id);
      res.status(204).end();
    },
  });
  return r;
}
