import { Router } from 'express';
import { z } from 'zod';
import { IdParam } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { ROLES } from './auth-types.js';
import { isLinkable, type LinkSigner } from './signed-links.js';
import type { TokenService } from './token-service.js';
import { unprocessable } from '../../shared/errors.js';

const TokenInfo = z
  .object({
    id: z.number().int(),
    name: z.string(),
    displayName: z.string().meta({ description: 'Who acts with the token; shown wherever its actions are attributed' }),
    role: z.enum(ROLES),
    providerId: z.number().int().nullable(),
    prefix: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'TokenInfo' });

const TokenCreate = z
  .strictObject({
    name: z.string().min(1).max(200),
    displayName: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'The person or system acting with the token (default: the name)', example: 'Anna Holm' }),
    role: z.enum(ROLES),
    providerId: z.number().int().positive().nullable().default(null),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .meta({ id: 'TokenCreate' });

export function tokensRoutes(registry: OpenAPIRegistry, tokens: TokenService, links: LinkSigner): Router {
  const r = Router();
  const tag = 'Tokens';
  defineRoute(r, registry, {
    method: 'get',
    path: '/tokens',
    tag,
    summary: 'List the API tokens of your municipality (never their secrets)',
    access: { read: 'tokens' },
    response: z.object({ items: z.array(TokenInfo) }),
    handler: async ({ principal }) => ({ items: await tokens.list(principal.municipalityId) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/tokens',
    tag,
    summary: 'Create an API token; the secret is shown in this response only',
    access: { write: 'tokens' },
    body: TokenCreate,
    response: z.object({ token: z.string(), info: TokenInfo }).meta({ id: 'TokenCreated' }),
    handler: ({ principal, requestId, body }) =>
      tokens.create({ municipalityId: principal.municipalityId, actor: principal.actor, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/tokens/:id',
    tag,
    summary: 'Set the display name of an API token (who acts with it)',
    access: { write: 'tokens' },
    params: IdParam,
    body: z.strictObject({ displayName: z.string().trim().min(1).max(200) }).meta({ id: 'TokenUpdate' }),
    response: TokenInfo,
    handler: ({ principal, requestId, params, body }) =>
      tokens.setDisplayName({ municipalityId: principal.municipalityId, actor: principal.actor, requestId }, params.id, body.displayName),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/tokens/:id',
    tag,
    summary: 'Revoke an API token',
    access: { write: 'tokens' },
    params: IdParam,
    response: TokenInfo,
    handler: ({ principal, requestId, params }) =>
      tokens.revoke({ municipalityId: principal.municipalityId, actor: principal.actor, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/links',
    tag,
    summary: 'A signed link (valid 15 minutes) to open a document such as a chart in a browser, without a token header',
    description:
      'The link acts with your role and municipality, for exactly that path and query, and stops working when your token is revoked.',
    access: { read: null },
    body: z
      .strictObject({ path: z.string().min(2).max(500).meta({ example: '/budget-checks/years/2026/series.svg?area=urban' }) })
      .meta({ id: 'LinkRequest' }),
    response: z.object({ url: z.string(), expiresAt: z.string() }).meta({ id: 'SignedLink' }),
    handler: ({ principal, body }) => {
      const target = new URL(body.path.replace(/^\/api(?=\/)/, ''), 'http://x');
      if (!isLinkable(target.pathname))
        throw unprocessable('This path cannot be opened through a link', { field: 'path' }).localised('link.path_not_linkable');
      return Promise.resolve(links.create(principal, `${target.pathname}${target.search}`));
    },
  });
  return r;
}
