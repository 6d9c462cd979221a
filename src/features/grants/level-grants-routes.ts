import { Router } from 'express';
import { IdParam, listOf } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { LevelGrant, LevelGrantCreate, LevelGrantQuery, LevelGrantUpdate } from './level-grants-schemas.js';
import type { LevelGrantsService } from './level-grants-service.js';

export function levelGrantsRoutes(registry: OpenAPIRegistry, service: LevelGrantsService): Router {
  const r = Router();
  const tag = 'Grants';
  defineRoute(r, registry, {
    method: 'get',
    path: '/level-grants',
    tag,
    summary: "List citizens' levels (helhedspleje forløb, nivå)",
    description: 'A provider token sees the level grants of citizens who chose it during the grant.',
    access: { read: null },
    query: LevelGrantQuery,
    response: listOf(LevelGrant, 'LevelGrantList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/level-grants/:id',
    tag,
    summary: 'Get one level grant',
    access: { read: null },
    params: IdParam,
    response: LevelGrant,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/level-grants',
    tag,
    summary: 'Grant a citizen a level from a date',
    description:
      'The level must be in the catalogue in force on validFrom (422 otherwise). A citizen has one level a day: a grant overlapping another answers 409 naming it; to change level, close the current grant (PATCH validTo) and grant the new level from that day.',
    access: { write: 'grants' },
    body: LevelGrantCreate,
    response: LevelGrant,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/level-grants/:id',
    tag,
    summary: "Set or clear a level grant's end",
    access: { write: 'grants' },
    params: IdParam,
    body: LevelGrantUpdate,
    response: LevelGrant,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  return r;
}
