import { Router } from 'express';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { ProviderKindCreate, ProviderKindList, ProviderKindOut, ProviderKindParam, ProviderKindUpdate } from './provider-kinds-schemas.js';
import type { ProviderKindsService } from './provider-kinds-service.js';

/** The municipality's own list of provider kinds (docs/provider-kinds.md). */
export function providerKindsRoutes(registry: OpenAPIRegistry, service: ProviderKindsService): Router {
  const r = Router();
  const tag = 'Providers';
  defineRoute(r, registry, {
    method: 'get',
    path: '/provider-kinds',
    tag,
    summary: "List the municipality's provider kinds with their names and what uses them",
    access: { read: null },
    response: ProviderKindList,
    handler: ({ principal, requestId }) => service.list({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/provider-kinds/:code',
    tag,
    summary: 'Get a provider kind',
    access: { read: null },
    params: ProviderKindParam,
    response: ProviderKindOut,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.code),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/provider-kinds',
    tag,
    summary: 'Add a provider kind (its code never changes; 409 when it exists)',
    access: { write: 'providers' },
    body: ProviderKindCreate,
    response: ProviderKindOut,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/provider-kinds/:code',
    tag,
    summary: "Rename a provider kind or mark it as the municipality's own provision (in-house)",
    access: { write: 'providers' },
    params: ProviderKindParam,
    body: ProviderKindUpdate,
    response: ProviderKindOut,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.code, body),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/provider-kinds/:code',
    tag,
    summary: 'Delete an unused provider kind (409 naming the providers, price lists and models that use it)',
    access: { write: 'providers' },
    params: ProviderKindParam,
    response: null,
    status: 204,
    handler: async ({ principal, requestId, params, res }) => {
      await service.delete({ principal, requestId }, params.code);
      res.status(204).end();
    },
  });
  return r;
}
