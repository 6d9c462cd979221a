import { Router } from 'express';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { AreaCreate, AreaList, AreaOut, AreaParam, AreaUpdate } from './areas-schemas.js';
import type { AreasService } from './areas-service.js';

/** The municipality's own list of areas and their names (docs/areas.md). */
export function areasRoutes(registry: OpenAPIRegistry, service: AreasService): Router {
  const r = Router();
  const tag = 'Areas';
  defineRoute(r, registry, {
    method: 'get',
    path: '/areas',
    tag,
    summary: "List the municipality's areas with their names and what uses them",
    access: { read: null },
    response: AreaList,
    handler: ({ principal, requestId }) => service.list({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/areas/:code',
    tag,
    summary: 'Get an area',
    access: { read: null },
    params: AreaParam,
    response: AreaOut,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.code),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/areas',
    tag,
    summary: 'Add an area (its code never changes; 409 when it exists, 422 when it differs from one only in letter case)',
    access: { write: 'providers' },
    body: AreaCreate,
    response: AreaOut,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/areas/:code',
    tag,
    summary: 'Rename an area',
    access: { write: 'providers' },
    params: AreaParam,
    body: AreaUpdate,
    response: AreaOut,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.code, body),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/areas/:code',
    tag,
    summary: 'Delete an unused area (409 naming the citizens, visits, price lists, budgets and models that use it)',
    access: { write: 'providers' },
    params: AreaParam,
    response: null,
    status: 204,
    handler: async ({ principal, requestId, params, res }) => {
      await service.delete({ principal, requestId }, params.code);
      res.status(204).end();
    },
  });
  return r;
}
