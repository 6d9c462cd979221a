import type { AreasService } from '../areas/areas-service.js';
import { Router } from 'express';
import { z } from 'zod';
import { IdParam, keysetListOf, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { explained, explainedExceptions } from './reason-words.js';
import {
  Comparison,
  CompareQuery,
  CompareRequest,
  DecisionBody,
  ExceptionFilter,
  LineFilter,
  PeriodLock,
  PeriodParam,
  RunRequest,
  RunResult,
  Settlement,
  SettlementDetail,
  SettlementException,
  SettlementFilter,
  SettlementLine,
  SettlementSettings,
  SettlementSettingsUpdate,
} from './settlement-schemas.js';
import type { SettlementsService } from './settlements-service.js';
import {
  ApproveBody,
  BulkDecisionBody,
  Objection,
  ObjectionAnswer,
  ObjectionCreate,
  ObjectionFilter,
  ObjectionList,
} from './objection-schemas.js';

export function settlementsRoutes(registry: OpenAPIRegistry, service: SettlementsService, areas: AreasService): Router {
  const r = Router();
  const tag = 'Settlements';
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlements/run',
    tag,
    summary: 'Compute the draft settlements of a month (or corrections where a settlement is approved)',
    description:
      'Without providerIds: every provider with visits or chosen citizens in the month. No price list, no model or a model ' +
      'that changes within the month answers 422, a locked month 409 — before anything is written. A provider whose ' +
      'regular settlement is approved gets a correction draft with the difference, or nothing if nothing changed.',
    access: { write: 'settlements' },
    body: RunRequest,
    response: RunResult,
    status: 200,
    handler: ({ principal, requestId, body }) => service.run({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements',
    tag,
    summary: 'List settlements (a provider token sees its own)',
    access: { read: null },
    query: Paging.extend(SettlementFilter.shape),
    response: listOf(Settlement, 'SettlementList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.list({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements/:id',
    tag,
    summary: 'Get a settlement with totals per category and band, VAT, model and price-list versions and fingerprint',
    access: { read: null },
    params: IdParam,
    response: SettlementDetail,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements/:id/lines',
    tag,
    summary: 'The lines of a settlement (paged, in line order)',
    description: 'Read on with after=<next> (the last lineNo of a page) or offset; total is counted only with count=true.',
    access: { read: null },
    params: IdParam,
    query: LineFilter,
    response: keysetListOf(SettlementLine, 'SettlementLineList'),
    handler: async ({ principal, requestId, params, query }) => {
      const { limit, offset, after, count, language, ...filter } = query;
      const page = await service.lines({ principal, requestId }, params.id, filter, { limit, offset, after, count });
      return {
        ...(language ? { ...page, items: explained(page.items, language, await areas.names(principal.municipalityId)) } : page),
        limit,
        offset,
      };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements/:id/exceptions',
    tag,
    summary: "The exceptions of a settlement with finance's decisions (decision=open for undecided ones)",
    access: { read: null },
    params: IdParam,
    query: ExceptionFilter,
    response: listOf(SettlementException, 'SettlementExceptionList'),
    handler: async ({ principal, requestId, params, query }) => {
      const { limit, offset, language, ...filter } = query;
      const page = await service.exceptions({ principal, requestId }, params.id, filter, { limit, offset });
      return {
        ...(language ? { ...page, items: explainedExceptions(page.items, language, await areas.names(principal.municipalityId)) } : page),
        limit,
        offset,
      };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlements/:id/approve',
    tag,
    summary: 'Approve a draft settlement (it can never change again)',
    description:
      'With the four-eyes setting the approver must differ from the one who computed it (403). Decisions taken after the draft was computed require a new run first (409). A draft that a run replaced while the approval waited answers 409 settlement_replaced with the new draft in details.replacedBy. ' +
      'Undecided exceptions or unanswered comments and objections must be confirmed: without {"confirmOpen": true} such a draft answers 409 open_items_unconfirmed ' +
      'with details.openExceptions and details.openObjections, and nothing is approved (with nothing open the flag is not needed). ' +
      'The audit entry records how many exceptions were undecided and objections unanswered, and whether the approver confirmed them (confirmedOpen); ' +
      'GET /settlements/{id}/open tells a client what to ask its user first.',
    access: { write: 'settlements' },
    params: IdParam,
    body: ApproveBody.optional(),
    response: SettlementDetail,
    status: 200,
    errors: {
      409:
        'open_items_unconfirmed: exceptions undecided or objections unanswered and confirmOpen not true (details.openExceptions, details.openObjections); ' +
        'settlement_replaced: a run replaced the draft (details.replacedBy); conflict: not a draft, or decisions taken since it was computed',
    },
    handler: ({ principal, requestId, params, body }) =>
      service.approve({ principal, requestId }, params.id, { confirmOpen: body?.confirmOpen === true }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements/:id/open',
    tag,
    summary: 'What approving would leave open: undecided exceptions and unanswered objections',
    access: { read: null },
    params: IdParam,
    response: z.object({ exceptions: z.number().int(), objections: z.number().int() }).meta({ id: 'SettlementOpenItems' }),
    handler: ({ principal, requestId, params }) => service.openForApproval({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlements/:id/exceptions/decide',
    tag,
    summary: 'Decide several exceptions of a settlement at once, with one note (a rejection needs a note: 422)',
    description: 'All or nothing: an id that is not an exception of this settlement answers 422 and nothing is recorded.',
    access: { write: 'settlements' },
    params: IdParam,
    body: BulkDecisionBody,
    response: z.object({ items: z.array(SettlementException), total: z.number().int() }).meta({ id: 'SettlementExceptionDecisions' }),
    status: 200,
    handler: ({ principal, requestId, params, body }) =>
      service.decideMany({ principal, requestId }, params.id, body.exceptionIds, body.decision, body.note ?? null),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlements/:id/objections',
    tag,
    summary: "Providers' comments and objections on the settlement's month (a provider sees its own)",
    access: { read: null },
    params: IdParam,
    query: ObjectionFilter,
    response: ObjectionList,
    handler: ({ principal, requestId, params, query }) => service.objections({ principal, requestId }, params.id, query),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlements/:id/objections',
    tag,
    summary: 'A provider comments on or objects to one line (lineNo) or one exception (exceptionId) of its draft settlement',
    description: 'Only a draft can be objected to (422 otherwise); a provider token reaches only its own settlements (404).',
    access: { write: 'objections' },
    params: IdParam,
    body: ObjectionCreate,
    response: Objection,
    status: 201,
    handler: ({ principal, requestId, params, body }) => service.object({ principal, requestId }, params.id, body),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/settlement-objections/:id/answer',
    tag,
    summary: "Finance answers a provider's comment or objection (once: a second answer is 409)",
    access: { write: 'settlements' },
    params: IdParam,
    body: ObjectionAnswer,
    response: Objection,
    status: 200,
    handler: ({ principal, requestId, params, body }) => service.answerObjection({ principal, requestId }, params.id, body.answer),
  });
  for (const decision of ['accept', 'reject'] as const) {
    defineRoute(r, registry, {
      method: 'post',
      path: `/settlement-exceptions/:id/${decision}`,
      tag,
      summary:
        decision === 'accept'
          ? 'Accept an exception: it is paid (as a line) from the next run of the month'
          : 'Reject an exception: it stays unpaid (a note saying why is required: 422 without one)',
      description:
        'An exception whose draft a run replaced while the decision waited answers 409 settlement_replaced with the new draft in details.replacedBy (nothing is recorded).',
      access: { write: 'settlements' },
      params: IdParam,
      body: DecisionBody,
      response: SettlementException,
      status: 200,
      handler: ({ principal, requestId, params, body }) =>
        service.decide({ principal, requestId }, params.id, decision === 'accept' ? 'accepted' : 'rejected', body.note ?? null),
    });
  }
  defineRoute(r, registry, {
    method: 'get',
    path: '/periods/locks',
    tag,
    summary: 'Locked months',
    access: { read: null },
    response: z.array(PeriodLock).meta({ id: 'PeriodLockList' }),
    handler: ({ principal, requestId }) => service.locks({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/periods/:period/lock',
    tag,
    summary: 'Whether a month is locked',
    access: { read: null },
    params: PeriodParam,
    response: PeriodLock,
    handler: ({ principal, requestId, params }) => service.lockState({ principal, requestId }, params.period),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/periods/:period/lock',
    tag,
    summary: 'Lock a month: no new regular settlements (corrections of approved ones still run)',
    access: { write: 'settlements' },
    params: PeriodParam,
    response: PeriodLock,
    handler: ({ principal, requestId, params }) => service.lock({ principal, requestId }, params.period),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/periods/:period/lock',
    tag,
    summary: 'Unlock a month',
    access: { write: 'settlements' },
    params: PeriodParam,
    response: PeriodLock,
    handler: ({ principal, requestId, params }) => service.unlock({ principal, requestId }, params.period),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/settlement-settings',
    tag,
    summary: 'Settlement settings of the municipality',
    access: { read: null },
    response: SettlementSettings,
    handler: ({ principal, requestId }) => service.settings({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/settlement-settings',
    tag,
    summary: 'Change settlement settings (fourEyes: the approver must differ from the one who computed)',
    access: { write: 'municipality' },
    body: SettlementSettingsUpdate,
    response: SettlementSettings,
    handler: ({ principal, requestId, body }) => service.updateSettings({ principal, requestId }, body),
  });
  const compareTag = 'What-if comparison';
  defineRoute(r, registry, {
    method: 'get',
    path: '/compare',
    tag: compareTag,
    summary: 'The same month under two models, per provider and category (nothing is stored)',
    description: 'modelA / modelB: a model id, name (latest version) or name@version. Differences are b − a.',
    access: { read: null },
    query: CompareQuery,
    response: Comparison,
    handler: ({ principal, requestId, query }) =>
      service.compare(
        { principal, requestId },
        {
          period: query.period,
          modelA: query.modelA,
          modelB: query.modelB,
          ...(query.providerId ? { providerIds: [query.providerId] } : {}),
        },
      ),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/compare',
    tag: compareTag,
    summary: 'The same month under two models for several providers (nothing is stored)',
    access: { read: null },
    body: CompareRequest,
    response: Comparison,
    status: 200,
    handler: ({ principal, requestId, body }) => service.compare({ principal, requestId }, body),
  });
  return r;
}
