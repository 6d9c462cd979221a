import { Router } from 'express';
import { z } from 'zod';
import { IdParam, listOf, Paging } from '../../http/common-schemas.js';
import type { OpenAPIRegistry } from '../../http/openapi.js';
import { defineRoute } from '../../http/route.js';
import { readCsvBody } from '../../http/csv-body.js';
import type { BudgetChecksService } from './budget-checks-service.js';
import {
  Budget,
  BudgetCheck,
  BudgetCheckRun,
  BudgetCheckSettings,
  BudgetCheckSettingsUpdate,
  BudgetCheckSummary,
  BudgetCreate,
  BudgetCsvUpload,
  BudgetFilter,
  BudgetImportResult,
  BudgetUpdate,
  ContributorList,
  ContributorsQuery,
  FollowUp,
  FollowUpQuery,
  MonthParam,
  SeriesQuery,
  WeekParam,
  YearParam,
} from './budget-schemas.js';

export function budgetRoutes(registry: OpenAPIRegistry, service: BudgetChecksService): Router {
  const r = Router();
  const tag = 'Budget checks';
  const read = { read: 'budgets' } as const;
  const write = { write: 'budgets' } as const;

  defineRoute(r, registry, {
    method: 'get',
    path: '/budgets',
    tag,
    summary: 'List budget lines (per year, optionally per area and/or category)',
    access: read,
    query: Paging.extend(BudgetFilter.shape),
    response: listOf(Budget, 'BudgetList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, ...filter } = query;
      return { ...(await service.listBudgets({ principal, requestId }, filter, { limit, offset })), limit, offset };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/budgets/import',
    tag,
    summary: 'Import budget lines from a CSV file (all or nothing)',
    description:
      'Header year;area;category;amount[;note] (Danish/Swedish names accepted). Existing lines (same year, area, category) are ' +
      'updated, new ones created. Any bad row refuses the whole file: 422 with details.rejected = [{ row, field, message }].',
    access: write,
    consumes: { 'text/csv': { schema: BudgetCsvUpload } },
    response: BudgetImportResult,
    status: 200,
    handler: async ({ principal, requestId, req }) => service.importBudgets({ principal, requestId }, await readCsvBody(req, 'budget')),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/budgets/:id',
    tag,
    summary: 'Get a budget line',
    access: read,
    params: IdParam,
    response: Budget,
    handler: ({ principal, requestId, params }) => service.getBudget({ principal, requestId }, params.id),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/budgets',
    tag,
    summary: 'Add a budget line',
    access: write,
    body: BudgetCreate,
    response: Budget,
    handler: ({ principal, requestId, body }) => service.createBudget({ principal, requestId }, body),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/budgets/:id',
    tag,
    summary: "Change a budget line's amount or note",
    access: write,
    params: IdParam,
    body: BudgetUpdate,
    response: Budget,
    handler: ({ principal, requestId, params, body }) => service.updateBudget({ principal, requestId }, params.id, body),
  });

  defineRoute(r, registry, {
    method: 'get',
    path: '/budget-check-settings',
    tag,
    summary: 'Thresholds, target band and default time band of the weekly check',
    access: read,
    response: BudgetCheckSettings,
    handler: ({ principal, requestId }) => service.getSettings({ principal, requestId }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/budget-check-settings',
    tag,
    summary: 'Change the settings of the weekly check (absent fields keep their value)',
    access: write,
    body: BudgetCheckSettingsUpdate,
    response: BudgetCheckSettings,
    handler: ({ principal, requestId, body }) => service.updateSettings({ principal, requestId }, body),
  });

  defineRoute(r, registry, {
    method: 'get',
    path: '/budget-checks',
    tag,
    summary: 'The stored weekly checks (latest result per week), oldest week first',
    access: read,
    query: z.object({ year: YearParam.shape.year.optional() }),
    response: z.object({ items: z.array(BudgetCheckSummary) }).meta({ id: 'BudgetCheckList' }),
    handler: async ({ principal, requestId, query }) => ({ items: await service.listResults({ principal, requestId }, query.year) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/budget-checks/runs',
    tag,
    summary: 'History of every run (scheduled, manual, demo; succeeded or failed), newest first',
    access: read,
    query: Paging.extend({ week: WeekParam.shape.week.optional() }),
    response: listOf(BudgetCheckRun, 'BudgetCheckRunList'),
    handler: async ({ principal, requestId, query }) => {
      const { limit, offset, week } = query;
      return { ...(await service.listRuns({ principal, requestId }, week, { limit, offset })), limit, offset };
    },
  });
  for (const format of ['csv', 'svg'] as const) {
    defineRoute(r, registry, {
      method: 'get',
      path: `/budget-checks/years/:year/series.${format}`,
      tag,
      summary: format === 'csv' ? "The year's weekly series as CSV" : "The year's weekly series as an SVG chart (open it in a browser)",
      description:
        'Granted versus affordable hours per ISO week with the threshold band, for one budget line (area, category; both absent = ' +
        'the total line, or the sum of the lines when they do not overlap). Weeks without a stored check are empty.',
      access: read,
      params: YearParam,
      query: SeriesQuery,
      response: null,
      produces: format === 'csv' ? { 'text/csv': { schema: z.string() } } : { 'image/svg+xml': { schema: z.string() } },
      handler: async ({ principal, requestId, params, query, res }) => {
        const who = { principal, requestId };
        if (format === 'csv') {
          const csv = await service.seriesCsv(who, params.year, query);
          res.type('text/csv; charset=utf-8').set('content-disposition', `inline; filename="budget-series-${params.year}.csv"`).send(csv);
        } else {
          res.type('image/svg+xml; charset=utf-8').send(await service.seriesSvg(who, params.year, query));
        }
      },
    });
  }
  defineRoute(r, registry, {
    method: 'get',
    path: '/budget-checks/:week',
    tag,
    summary: "The stored result of a week's check",
    access: read,
    params: WeekParam,
    response: BudgetCheck,
    handler: ({ principal, requestId, params }) => service.getResult({ principal, requestId }, params.week),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/budget-checks/:week/run',
    tag,
    summary:
      "Run or re-run the check for a week: hourly services in hours, levels and other non-hourly services in money and equivalent hours (replaces the week's result; the run history is kept)",
    access: write,
    params: WeekParam,
    response: BudgetCheck,
    status: 200,
    handler: ({ principal, requestId, params }) => service.runWeek({ principal, requestId }, params.week),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/budget-checks/:week/grants',
    tag,
    summary: "The grants that made the week's granted hours, largest first (traceability; hourly grants only)",
    access: read,
    params: WeekParam,
    query: ContributorsQuery,
    response: ContributorList,
    handler: ({ principal, requestId, params, query }) => service.contributors({ principal, requestId }, params.week, query),
  });

  defineRoute(r, registry, {
    method: 'get',
    path: '/budget-follow-ups/:month',
    tag,
    summary:
      "Monthly follow-up: granted versus delivered hours per provider and category, the largest deviations, and per provider and level the level's expected hours against the hours registered",
    access: read,
    params: MonthParam,
    query: FollowUpQuery,
    response: FollowUp,
    handler: ({ principal, requestId, params, query }) => service.followUp({ principal, requestId }, params.month, query.top),
  });
  return r;
}
