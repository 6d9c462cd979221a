import { actorNames } from '../auth/actor-names.js';
import { languageOf } from '../../i18n/i18n.js';
import { Router } from 'express';
import { z } from 'zod';
import { listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { listAudit } from '../audit/audit-store.js';
import type { Knex } from 'knex';
import { HolidayInput, Municipality, MunicipalityUpdate } from './municipalities-schemas.js';
import type { MunicipalitiesService } from './municipalities-service.js';

const AuditRecord = z
  .object({
    id: z.number().int(),
    occurredAt: z.string(),
    actor: z.string(),
    /** The actor by name: the token's or user's display name, or words for the command line and jobs (Accept-Language). */
    actorName: z.string(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    requestId: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditRecord' });

export function municipalitiesRoutes(registry: OpenAPIRegistry, service: MunicipalitiesService, db: Knex): Router {
  const r = Router();
  const tag = 'Municipality';
  defineRoute(r, registry, {
    method: 'get',
    path: '/municipality',
    tag,
    summary: 'The municipality your token belongs to',
    access: { read: null },
    response: Municipality,
    handler: ({ principal }) => service.get(principal.municipalityId),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/municipality',
    tag,
    summary: 'Change settings of your municipality (country, currency and time zone are fixed)',
    access: { write: 'municipality' },
    body: MunicipalityUpdate,
    response: Municipality,
    handler: ({ principal, requestId, body }) => service.update({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/municipality/holidays',
    tag,
    summary: 'Add a municipality-specific closed day to the holiday calendar',
    access: { write: 'municipality' },
    body: HolidayInput,
    response: Municipality,
    handler: ({ principal, requestId, body }) => service.addHoliday({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/audit',
    tag: 'Audit',
    summary: 'The append-only audit log of your municipality (admin and auditor)',
    access: { read: 'audit' },
    query: Paging.extend({ entity: z.string().max(64).optional(), entityId: z.string().max(64).optional() }),
    response: listOf(AuditRecord, 'AuditList'),
    handler: async ({ principal, query, req }) => {
      const page = await listAudit(db, principal.municipalityId, query);
      const by = await actorNames(
        db,
        principal.municipalityId,
        page.items.map((i) => i.actor),
        languageOf(req.get('accept-language')),
      );
      return { ...page, items: page.items.map((i) => ({ ...i, actorName: by(i.actor) })), limit: query.limit, offset: query.offset };
    },
  });
  return r;
}
