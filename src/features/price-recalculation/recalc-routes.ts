import { councilReport } from './recalc-council-report.js';
import { recalcReport } from './recalc-report.js';
import type { Knex } from 'knex';
import { Router } from 'express';
import { z } from 'zod';
import { IdParam, listOf } from '../../http/common-schemas.js';
import { readCsvBody } from '../../http/csv-body.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import {
  Adjustment,
  AdjustmentFilter,
  CostStatement,
  CostStatementPut,
  CsvUpload,
  IssuedDocuments,
  RecalcFilter,
  Recalculation,
  RecalculationSummary,
  RecalcSettingsPut,
  RecalcSettingsSchema,
  RecalcReportSchema,
  RunBody,
  SpanQuery,
  RunResult,
  YearParam,
} from './recalc-schemas.js';
import type { PriceRecalculationService } from './recalc-service.js';

/** The annual recalculation of hourly prices (docs/price-recalculation.md). */
export function recalcRoutes(registry: OpenAPIRegistry, service: PriceRecalculationService, db: Knex): Router {
  const r = Router();
  const tag = 'Price recalculation';
  const write = { write: 'recalculations' } as const;
  const read = { read: null } as const;

  defineRoute(r, registry, {
    method: 'get',
    path: '/price-recalculation-settings',
    tag,
    summary: 'Settlement policy, overhead rate, price rounding and VAT of published prices',
    access: read,
    response: RecalcSettingsSchema,
    handler: ({ principal, requestId }) => service.getSettings({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/price-recalculation-settings',
    tag,
    summary: 'Change the recalculation settings (admin, finance)',
    access: write,
    body: RecalcSettingsPut,
    response: RecalcSettingsSchema,
    handler: ({ principal, requestId, body }) => service.putSettings({ principal, requestId }, body),
  });

  defineRoute(r, registry, {
    method: 'get',
    path: '/cost-statements/:year',
    tag,
    summary: "The municipal provider's cost statement of a year: categories, cost lines with allocation keys, entered hours",
    access: read,
    params: YearParam,
    query: SpanQuery,
    response: CostStatement,
    handler: ({ principal, requestId, params, query }) => service.getStatement({ principal, requestId }, params.year, query.from),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/cost-statements/:year',
    tag,
    summary: 'Write the whole cost statement of a year (all or nothing)',
    description:
      'Refused (409) once an approved recalculation used it. Without `categories` they come from the price list in force on 1 January.',
    access: write,
    params: YearParam,
    body: CostStatementPut,
    response: CostStatement,
    status: 200,
    handler: ({ principal, requestId, params, body }) => service.putStatement({ principal, requestId }, params.year, body),
  });
  for (const [part, summary, call] of [
    ['lines', 'Replace the cost lines from a CSV file: element;description;amount;type;assessment;allocation', 'importLinesCsv'],
    ['hours', 'Replace the entered hours from a CSV file: category;delivered_hours;staff_hours;method', 'importHoursCsv'],
  ] as const) {
    defineRoute(r, registry, {
      method: 'post',
      path: `/cost-statements/:year/${part}`,
      tag,
      summary,
      description:
        'All or nothing; Danish/Swedish column names accepted. Any bad row refuses the file: 422 with details.rejected = [{ row, field, message }].',
      access: write,
      params: YearParam,
      query: SpanQuery,
      consumes: { 'text/csv': { schema: CsvUpload } },
      response: CostStatement,
      status: 200,
      handler: async ({ principal, requestId, params, query, req }) =>
        service[call]({ principal, requestId }, params.year, await readCsvBody(req, part === 'lines' ? 'cost' : 'hours'), query.from),
    });
  }
  defineRoute(r, registry, {
    method: 'get',
    path: '/cost-statements/:year/lines.csv',
    tag,
    summary: 'The cost lines as CSV (the import format)',
    access: read,
    params: YearParam,
    response: null,
    produces: { 'text/csv': { schema: z.string() } },
    handler: async ({ principal, requestId, params, res }) => {
      const csv = await service.statementCsv({ principal, requestId }, params.year);
      res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="costs-${params.year}.csv"`).send(csv);
    },
  });

  defineRoute(r, registry, {
    method: 'post',
    path: '/price-recalculations/run',
    tag,
    summary: 'Compute (or recompute) the draft recalculation of a year',
    description: 'Same inputs, same figures: an unchanged draft is not written again (outcome unchanged). An approved year answers 409.',
    access: write,
    body: RunBody,
    response: RunResult,
    status: 200,
    handler: ({ principal, requestId, body }) => service.run({ principal, requestId }, body.year, body.from),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-recalculations',
    tag,
    summary: 'List recalculations (a provider token sees none: only its own adjustments)',
    access: read,
    query: RecalcFilter,
    response: listOf(RecalculationSummary, 'PriceRecalculationList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.list({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-recalculations/:id',
    tag,
    summary: 'A recalculation: costs per category and element, allocations, hours, prices, comparison, adjustments',
    access: read,
    params: IdParam,
    response: Recalculation,
    handler: ({ principal, requestId, params }) => service.get({ principal, requestId }, params.id),
  });
  for (const [action, summary, call] of [
    [
      'approve',
      'Approve a draft (finance): figures and cost statement frozen; the prices become a proposed price list for next year',
      'approve',
    ],
    [
      'adopt-prices',
      'Adopt the proposed price list of an approved recalculation (status recalculated; an open-ended list in force is closed)',
      'adoptPrices',
    ],
  ] as const) {
    defineRoute(r, registry, {
      method: 'post',
      path: `/price-recalculations/:id/${action}`,
      tag,
      summary,
      access: write,
      params: IdParam,
      response: Recalculation,
      status: 200,
      handler: ({ principal, requestId, params }) => service[call]({ principal, requestId }, params.id),
    });
  }
  defineRoute(r, registry, {
    method: 'post',
    path: '/price-recalculations/:id/documents',
    tag,
    summary: "Issue each provider's supplementary invoice or credit note (approved recalculations; idempotent)",
    access: write,
    params: IdParam,
    response: IssuedDocuments,
    status: 200,
    handler: ({ principal, requestId, params }) => service.issueDocuments({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-recalculations/:id/report.json',
    tag,
    summary: 'The report for the council as JSON',
    access: read,
    params: IdParam,
    response: RecalcReportSchema,
    handler: async ({ principal, requestId, params }) =>
      recalcReport(await service.get({ principal, requestId }, params.id), await service.municipalityOf({ principal, requestId })),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-recalculations/:id/report.pdf',
    tag,
    summary: "The report for the council as PDF (in the municipality's language)",
    access: read,
    params: IdParam,
    response: null,
    produces: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
    handler: async ({ principal, requestId, params, res }) => {
      const { report, pdf } = councilReport(
        db,
        principal.municipalityId,
        await service.get({ principal, requestId }, params.id),
        await service.municipalityOf({ principal, requestId }),
      );
      res
        .type('application/pdf')
        .set('content-disposition', `inline; filename="price-recalculation-${report.year}.pdf"`)
        .send(await pdf());
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/price-adjustments',
    tag,
    summary: 'Retro adjustments per provider and year (a provider token sees its own only)',
    access: read,
    query: AdjustmentFilter,
    response: listOf(Adjustment, 'PriceAdjustmentList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.adjustments({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  return r;
}
