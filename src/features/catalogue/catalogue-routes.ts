import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import {
  CatalogueVersion,
  CatalogueVersionCreate,
  CatalogueVersionFilter,
  CatalogueVersionUpdate,
  CatalogueVersionWithServices,
  Service,
  ServiceFilter,
  ServiceInput,
  ServiceUpdate,
} from './catalogue-schemas.js';
import type { CatalogueService } from './catalogue-service.js';

/** The catalogue is readable by every role, provider tokens included: it is public to providers. */
export function catalogueRoutes(registry: OpenAPIRegistry, service: CatalogueService): Router {
  const r = Router();
  const tag = 'Catalogue';
  defineRoute(r, registry, {
    method: 'get',
    path: '/catalogue-versions',
    tag,
    summary: 'List catalogue versions (oldest first)',
    access: { read: null },
    query: Paging.extend(CatalogueVersionFilter.shape),
    response: listOf(CatalogueVersion, 'CatalogueVersionList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.listVersions({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/catalogue-versions/:id',
    tag,
    summary: 'Get a catalogue version with its services',
    access: { read: null },
    params: IdParam,
    response: CatalogueVersionWithServices,
    handler: ({ principal, requestId, params }) => service.getVersion({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/catalogue-versions',
    tag,
    summary: 'Create a catalogue version with its services (409 if it overlaps another version)',
    access: { write: 'catalogue' },
    body: CatalogueVersionCreate,
    response: CatalogueVersionWithServices,
    handler: ({ principal, requestId, body }) => service.createVersion({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/catalogue-versions/:id',
    tag,
    summary: 'Set or change the end date of a catalogue version, so that a new version can follow',
    access: { write: 'catalogue' },
    params: IdParam,
    body: CatalogueVersionUpdate,
    response: CatalogueVersionWithServices,
    handler: ({ principal, requestId, params, body }) => service.updateVersion({ principal, requestId }, params.id, body),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/catalogue-versions/:id/services',
    tag,
    summary: 'Add a service to a catalogue version',
    access: { write: 'catalogue' },
    params: IdParam,
    body: ServiceInput,
    response: Service,
    handler: ({ principal, requestId, params, body }) => service.addService({ principal, requestId }, params.id, body),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/services',
    tag,
    summary: 'List services across catalogue versions',
    access: { read: null },
    query: Paging.extend(ServiceFilter.shape),
    response: listOf(Service, 'ServiceList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.listServices({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/services/:id',
    tag,
    summary: 'Get a service',
    access: { read: null },
    params: IdParam,
    response: Service,
    handler: ({ principal, requestId, params }) => service.getService({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/services/:id',
    tag,
    summary: 'Change a service (code and category are fixed)',
    access: { write: 'catalogue' },
    params: IdParam,
    body: ServiceUpdate,
    response: Service,
    handler: ({ principal, requestId, params, body }) => service.updateService({ principal, requestId }, params.id, body),
  });
  return r;
}
