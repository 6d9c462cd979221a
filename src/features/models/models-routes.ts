import { Router } from 'express';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import {
  AssignmentFilter,
  ModelAssign,
  ModelAssignment,
  ModelAssignmentUpdate,
  ModelCreate,
  ModelFilter,
  ModelVersion,
  ModelVersionWithDocument,
} from './models-schemas.js';
import type { ModelsService } from './models-service.js';

export function modelsRoutes(registry: OpenAPIRegistry, service: ModelsService): Router {
  const r = Router();
  const tag = 'Reimbursement models';
  defineRoute(r, registry, {
    method: 'get',
    path: '/models',
    tag,
    summary: 'List reimbursement model versions (by name and version)',
    access: { read: null },
    query: Paging.extend(ModelFilter.shape),
    response: listOf(ModelVersion, 'ModelVersionList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.list({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/models/:id',
    tag,
    summary: 'Get a model version with its document',
    access: { read: null },
    params: IdParam,
    response: ModelVersionWithDocument,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/models',
    tag,
    summary: 'Add a model version (versions are never edited)',
    description:
      'The document is validated against the model schema; every wrong setting is listed in `details.issues` with its path (422).',
    access: { write: 'models' },
    body: ModelCreate,
    response: ModelVersionWithDocument,
    handler: ({ principal, requestId, body }) => service.create({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/models/:id/assign',
    tag,
    summary: 'Put a model version in force for all providers (providerId null) or one provider',
    description: 'Effective-dated [validFrom, validTo). An assignment of the same scope with overlapping dates answers 409.',
    access: { write: 'models' },
    params: IdParam,
    body: ModelAssign,
    response: ModelAssignment,
    handler: ({ principal, requestId, params, body }) => service.assign({ principal, requestId }, params.id, body),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/model-assignments',
    tag,
    summary: 'List model assignments (a provider token sees those that apply to it)',
    access: { read: null },
    query: AssignmentFilter,
    response: listOf(ModelAssignment, 'ModelAssignmentList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.listAssignments({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/model-assignments/:id',
    tag,
    summary: 'Set or clear the end date of an assignment (to move to another model from a date)',
    access: { write: 'models' },
    params: IdParam,
    body: ModelAssignmentUpdate,
    response: ModelAssignment,
    handler: ({ principal, requestId, params, body }) => service.updateAssignment({ principal, requestId }, params.id, body),
  });
  return r;
}
