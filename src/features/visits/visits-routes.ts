import { Router } from 'express';
import { z } from 'zod';
import { IdParam, keysetListOf } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { Visit, VisitCreate, VisitQuery, VisitUpdate } from './visits-schemas.js';
import type { VisitsService } from './visits-service.js';

export function visitsRoutes(registry: OpenAPIRegistry, service: VisitsService): Router {
  const r = Router();
  const tag = 'Visits';
  defineRoute(r, registry, {
    method: 'get',
    path: '/visits',
    tag,
    summary: 'List visits by occursAt (current versions unless includeHistory=true)',
    description:
      "from/to are local dates in the municipality's time zone, half-open. A provider token sees its own visits only. " +
      'Read on with after=<next> (or offset); total is counted only with count=true.',
    access: { read: null },
    query: VisitQuery,
    response: keysetListOf(Visit, 'VisitList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, after, count, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset, after, count });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/visits/:id',
    tag,
    summary: 'Get one version of a visit',
    access: { read: null },
    params: IdParam,
    response: Visit,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/visits/:id/versions',
    tag,
    summary: 'All versions of the visit, oldest first',
    access: { read: null },
    params: IdParam,
    response: z.array(Visit).meta({ id: 'VisitVersions' }),
    handler: ({ principal, requestId, params }) => service.versions({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/visits',
    tag,
    summary: 'Record a visit (version 1)',
    description: "Every service code must be in the catalogue in force on the visit's local date (municipality time zone).",
    access: { write: 'visits' },
    body: VisitCreate,
    response: Visit,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/visits/:id',
    tag,
    summary: 'Correct the current version of a visit; returns the new version',
    description: 'Addressing a superseded version answers 409. A patch that changes nothing returns the current version.',
    access: { write: 'visits' },
    params: IdParam,
    body: VisitUpdate,
    response: Visit,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  return r;
}
