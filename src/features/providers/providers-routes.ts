import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { Provider, ProviderCreate, ProviderFilter, ProviderUpdate } from './providers-schemas.js';
import type { ProvidersService } from './providers-service.js';

export function providersRoutes(registry: OpenAPIRegistry, service: ProvidersService): Router {
  const r = Router();
  const tag = 'Providers';
  defineRoute(r, registry, {
    method: 'get',
    path: '/providers',
    tag,
    summary: 'List providers (a provider token sees only itself)',
    access: { read: null },
    query: Paging.extend(ProviderFilter.shape),
    response: listOf(Provider, 'ProviderList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/providers/:id',
    tag,
    summary: 'Get a provider',
    access: { read: null },
    params: IdParam,
    response: Provider,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/providers',
    tag,
    summary: 'Register a provider',
    access: { write: 'providers' },
    body: ProviderCreate,
    response: Provider,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/providers/:id',
    tag,
    summary: "Change a provider's details (ref and kind are fixed)",
    access: { write: 'providers' },
    params: IdParam,
    body: ProviderUpdate,
    response: Provider,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  return r;
}
