import type { NextFunction, Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { Principal, Resource } from '../features/auth/auth-types.js';
import { mayRead, mayWrite, ROLES, type Role } from '../features/auth/auth-types.js';
import { badRequest, forbidden, unauthorized } from '../shared/errors.js';
import { ErrorSchema, type OpenAPIRegistry } from './openapi.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HandlerContext<P, Q, B> {
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  requestId: string;
  req: Request;
  res: Response;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Express-style path below /api, e.g. `/providers/:id`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Access rule: read (any role may read; `resource` narrows it) or write (roles that may write `resource`). */
  access: { read: Resource | 'audit' | null } | { write: Resource };
  params?: P;
  query?: Q;
  body?: B;
  /** Response body schema for JSON responses; null when the handler writes the response itself. */
  response: ZodType | null;
  /** For responses written by the handler: the content types it produces. */
  produces?: Record<string, { schema: ZodType }>;
  /** For bodies read by the handler as a stream (uploads): the content types it accepts. */
  consumes?: Record<string, { schema: ZodType }>;
  status?: number;
  /** What an error status means for this route, where the generic description says too little (e.g. the 409s it answers). */
  errors?: Partial<Record<400 | 403 | 404 | 409 | 422, string>>;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

/** A 403 that says which roles may do what was refused, so the caller knows which token to ask for. */
const refused = (role: Role, access: 'read' | 'write', resource: string, allowedRoles: Role[]) =>
  forbidden(`Your role (${role}) may not ${access} ${resource}`, { role, access, resource, allowedRoles }).localised(
    `forbidden.${access}`,
    {
      role,
      resource,
    },
  );

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

function parseOr400<T extends ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw badRequest(`Invalid ${where}`, {
      issues: r.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message, code: i.code })),
    }).localised(`invalid.${where}`);
  }
  return r.data;
}

/**
 * Mounts a route and registers the same schemas in the OpenAPI document, so the document cannot
 * drift from what the handler validates. Authentication has run before; access is checked here.
 */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<P, Q, B>,
): void {
  const status = spec.status ?? (spec.method === 'post' ? 201 : 200);
  const responses: Record<number, unknown> = {
    [status]: spec.response
      ? { description: 'OK', content: { 'application/json': { schema: spec.response } } }
      : { description: 'OK', ...(spec.produces ? { content: spec.produces } : {}) },
  };
  for (const [code, description] of [
    [400, 'Invalid request'],
    [401, 'Missing or invalid token'],
    [403, 'The role may not do this'],
    [404, 'Not found in your municipality'],
    [429, 'Too many failed authentications from this address; the Retry-After header says how many seconds to wait'],
  ] as const) {
    responses[code] = { description, content: { 'application/json': { schema: ErrorSchema } } };
  }
  if (spec.method !== 'get') {
    responses[409] = { description: 'Conflicts with existing data', content: { 'application/json': { schema: ErrorSchema } } };
    responses[422] = { description: 'Breaks a business rule', content: { 'application/json': { schema: ErrorSchema } } };
  }
  for (const [code, description] of Object.entries(spec.errors ?? {}))
    responses[Number(code)] = { description, content: { 'application/json': { schema: ErrorSchema } } };
  registry.registerPath({
    method: spec.method,
    path: toOpenApiPath(spec.path),
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    request: {
      ...(spec.params ? { params: spec.params as any } : {}),
      ...(spec.query ? { query: spec.query as any } : {}),
      ...(spec.body
        ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
        : spec.consumes
          ? { body: { required: true, content: spec.consumes } }
          : {}),
    },
    responses: responses as any,
  });

  router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
    const principal = req.principal;
    if (!principal) throw unauthorized();
    if ('write' in spec.access) {
      const resource = spec.access.write;
      if (!mayWrite(principal.role, resource))
        throw refused(
          principal.role,
          'write',
          resource,
          ROLES.filter((r) => mayWrite(r, resource)),
        );
    } else if (spec.access.read !== null && !mayRead(principal.role, spec.access.read)) {
      const resource = spec.access.read;
      throw refused(
        principal.role,
        'read',
        resource,
        ROLES.filter((r) => mayRead(r, resource)),
      );
    }
    const params = spec.params ? parseOr400(spec.params, req.params, 'path') : (undefined as z.output<P>);
    const query = spec.query ? parseOr400(spec.query, req.query, 'query') : (undefined as z.output<Q>);
    const body = spec.body ? parseOr400(spec.body, req.body ?? {}, 'body') : (undefined as z.output<B>);
    const result = await spec.handler({ principal, params, query, body, requestId: req.requestId, req, res });
    if (spec.response) res.status(status).json(result);
    else if (!res.headersSent) next();
  });
}
