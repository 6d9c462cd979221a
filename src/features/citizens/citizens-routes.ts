import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { Citizen, CitizenCreate, CitizenFilter, CitizenUpdate } from './citizens-schemas.js';
import type { CitizensService } from './citizens-service.js';

export function citizensRoutes(registry: OpenAPIRegistry, service: CitizensService): Router {
  const r = Router();
  const tag = 'Citizens';
  defineRoute(r, registry, {
    method: 'get',
    path: '/citizens',
    tag,
    summary: 'List citizens (a provider token sees only citizens it serves or has served)',
    access: { read: null },
    query: Paging.extend(CitizenFilter.shape),
    response: listOf(Citizen, 'CitizenList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/citizens/search',
    tag,
    summary: 'Find citizens with the filters in the body, so a national id never travels in a URL',
    description:
      'Same filters and paging as GET /citizens; prefer this whenever nationalId is used (URLs end up in proxy and browser logs).',
    access: { read: null },
    status: 200,
    body: Paging.extend(CitizenFilter.shape).strict().meta({ id: 'CitizenSearch' }),
    response: listOf(Citizen, 'CitizenList'),
    handler: async ({ principal, requestId, body }) => {
      const { limit, offset, ...filter } = body;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/citizens/:id',
    tag,
    summary: 'Get a citizen',
    access: { read: null },
    params: IdParam,
    response: Citizen,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/citizens',
    tag,
    summary: 'Register a citizen (the national id is kept only as a keyed hash and a masked form)',
    access: { write: 'citizens' },
    body: CitizenCreate,
    response: Citizen,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/citizens/:id',
    tag,
    summary: "Change a citizen's area or national id (null removes it); the ref is fixed",
    access: { write: 'citizens' },
    params: IdParam,
    body: CitizenUpdate,
    response: Citizen,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  return r;
}
