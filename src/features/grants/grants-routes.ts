import { Router } from 'express';
import { z } from 'zod';
import { IdParam, listOf } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { Grant, GrantCreate, GrantQuery, GrantUpdate } from './grants-schemas.js';
import type { GrantsService } from './grants-service.js';

export function grantsRoutes(registry: OpenAPIRegistry, service: GrantsService): Router {
  const r = Router();
  const tag = 'Grants';
  defineRoute(r, registry, {
    method: 'get',
    path: '/grants',
    tag,
    summary: 'List grants (current versions unless includeHistory=true)',
    description: "A provider token sees grants of citizens who chose it for the grant's category during the grant's validity.",
    access: { read: null },
    query: GrantQuery,
    response: listOf(Grant, 'GrantList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/grants/:id',
    tag,
    summary: 'Get one version of a grant',
    access: { read: null },
    params: IdParam,
    response: Grant,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/grants/:id/versions',
    tag,
    summary: 'All versions of the grant, oldest first',
    access: { read: null },
    params: IdParam,
    response: z.array(Grant).meta({ id: 'GrantVersions' }),
    handler: ({ principal, requestId, params }) => service.versions({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/grants',
    tag,
    summary: 'Record a grant (version 1)',
    description: 'The service must be in the catalogue in force on validFrom; its category is copied onto the grant.',
    access: { write: 'grants' },
    body: GrantCreate,
    response: Grant,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/grants/:id',
    tag,
    summary: 'Change the current version of a grant; returns the new version',
    description: 'Addressing a superseded version answers 409. A patch that changes nothing returns the current version.',
    access: { write: 'grants' },
    params: IdParam,
    body: GrantUpdate,
    response: Grant,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  return r;
}
