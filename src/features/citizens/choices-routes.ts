import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { ProviderChoice, ProviderChoiceCreate, ProviderChoiceFilter, ProviderTakeover, TakeoverResult } from './choices-schemas.js';
import type { ChoicesService } from './choices-service.js';

export function choicesRoutes(registry: OpenAPIRegistry, service: ChoicesService): Router {
  const r = Router();
  const tag = 'Provider choices';
  defineRoute(r, registry, {
    method: 'get',
    path: '/provider-choices',
    tag,
    summary: 'List provider choices (a provider token sees only its own)',
    access: { read: null },
    query: Paging.extend(ProviderChoiceFilter.shape),
    response: listOf(ProviderChoice, 'ProviderChoiceList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/provider-choices/:id',
    tag,
    summary: 'Get a provider choice',
    access: { read: null },
    params: IdParam,
    response: ProviderChoice,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/provider-choices',
    tag,
    summary: "Record a citizen's choice of provider for a category",
    description:
      'Without a current choice in the category this is an initial choice from validFrom (required). Otherwise it is a ' +
      "change: it takes effect under the municipality's notice rule counted from requestedOn (default today), or on " +
      'validFrom when admin/finance give it, and the previous choice ends that day. The provider must be approved then.',
    access: { write: 'choices' },
    body: ProviderChoiceCreate,
    response: ProviderChoice,
    handler: ({ principal, requestId, body }) => service.choose({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/provider-choices/takeover',
    tag,
    summary: 'Move all citizens of a ceasing provider to another from a date (no notice period)',
    access: { write: 'choices' },
    body: ProviderTakeover,
    response: TakeoverResult,
    status: 200,
    handler: ({ principal, requestId, body }) => service.takeover({ principal, requestId }, body),
  });
  return r;
}
