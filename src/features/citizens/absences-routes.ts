import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { Absence, AbsenceCreate, AbsenceFilter, AbsenceUpdate, windowRefinement } from './absences-schemas.js';
import type { AbsencesService } from './absences-service.js';

export function absencesRoutes(registry: OpenAPIRegistry, service: AbsencesService): Router {
  const r = Router();
  const tag = 'Absences';
  defineRoute(r, registry, {
    method: 'get',
    path: '/absences',
    tag,
    summary: 'List absences (a provider token sees those of citizens it served during the absence)',
    access: { read: null },
    query: Paging.extend(AbsenceFilter.shape).refine(windowRefinement, { message: 'to must be after from', path: ['to'] }),
    response: listOf(Absence, 'AbsenceList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      const page = await service.list({ principal, requestId }, filter, { limit, offset });
      return { ...page, limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/absences/:id',
    tag,
    summary: 'Get an absence',
    access: { read: null },
    params: IdParam,
    response: Absence,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/absences',
    tag,
    summary: 'Register an absence (hospital, respite, holiday); overlapping absences of a citizen are refused (409)',
    access: { write: 'absences' },
    body: AbsenceCreate,
    response: Absence,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/absences/:id',
    tag,
    summary: 'Set the end (e.g. the discharge date), kind, planned flag or note of an absence',
    access: { write: 'absences' },
    params: IdParam,
    body: AbsenceUpdate,
    response: Absence,
    handler: ({ principal, requestId, params, body }) => service.update({ principal, requestId }, params.id, body),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/absences/:id',
    tag,
    summary: 'Delete an absence registered by mistake (kept in the audit log)',
    access: { write: 'absences' },
    params: IdParam,
    response: null,
    status: 204,
    handler: async ({ principal, requestId, params, res }) => {
      await service.remove({ principal, requestId }, params.id);
      res.status(204).end();
    },
  });
  return r;
}
