import { z } from 'zod';
import { Category, IsoDate, KeysetPaging, Paging } from '../../http/common-schemas.js';
import { PeriodText } from './settlement-period.js';

const Money = z.string().meta({ example: '1234.50', description: 'decimal string, 2 decimals' });

export const Settlement = z
  .object({
    id: z.number().int(),
    providerId: z.number().int(),
    providerRef: z.string(),
    period: PeriodText,
    periodStart: IsoDate,
    periodEnd: IsoDate,
    kind: z.enum(['regular', 'correction']),
    /** 0 for the regular settlement, 1, 2, … for corrections. */
    sequence: z.number().int(),
    /** For a correction: the regular settlement it corrects. */
    correctsId: z.number().int().nullable(),
    status: z.enum(['draft', 'approved', 'invoiced']),
    model: z.object({ id: z.number().int(), name: z.string(), version: z.number().int() }),
    priceList: z.object({ id: z.number().int(), label: z.string() }),
    /** sha256 of the inputs (visits, grants, choices, absences, citizens, catalogue, rates, model, decisions). */
    fingerprint: z.string(),
    currency: z.string(),
    totalExclVat: Money,
    vat: Money,
    totalInclVat: Money,
    lineCount: z.number().int(),
    exceptionCount: z.number().int(),
    computedAt: z.string(),
    computedBy: z.string(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    invoicedAt: z.string().nullable(),
  })
  .meta({ id: 'Settlement' });
export type Settlement = z.infer<typeof Settlement>;

const Total = z.object({ minutes: z.number().int(), hours: z.string(), amount: Money });
export const SettlementDetail = Settlement.extend({
  totalsByCategory: z.array(Total.extend({ category: z.string() })),
  totalsByBand: z.array(Total.extend({ band: z.string().nullable() })),
  vatGroups: z.array(z.object({ percent: z.string(), exemptionReason: z.string().nullable(), base: Money, vat: Money })),
}).meta({ id: 'SettlementDetail' });
export type SettlementDetail = z.infer<typeof SettlementDetail>;

export const SettlementLine = z
  .object({
    lineNo: z.number().int(),
    citizenId: z.number().int(),
    citizenRef: z.string(),
    serviceCode: z.string(),
    category: z.string(),
    /** visit, cancellation, hospital, per_period, quality_bonus, level_day, new_customer, takeover (one-off payments), accepted_exception. */
    kind: z.string(),
    band: z.string().nullable(),
    unit: z.enum(['per_hour', 'per_visit', 'per_day', 'per_week', 'per_month']),
    visits: z.number().int(),
    minutes: z.number().int(),
    quantity: z.string(),
    rate: z.string(),
    factor: z.string(),
    amount: Money,
    vatPercent: z.string(),
    /** Why this amount: one code per rule that touched the line (docs/reimbursement-model.md). */
    reasonCodes: z.array(z.string()),
    /** The reason codes in words, one per code, when the request asks for a `language`. */
    reasons: z.array(z.string()).optional(),
  })
  .meta({ id: 'SettlementLine' });
export type SettlementLine = z.infer<typeof SettlementLine>;

export const ExceptionDecision = z.object({
  decision: z.enum(['accepted', 'rejected']),
  note: z.string().nullable(),
  decidedBy: z.string(),
  decidedAt: z.string(),
});

export const SettlementException = z
  .object({
    id: z.number().int(),
    settlementId: z.number().int(),
    kind: z.string(),
    /** What the exception is about, e.g. visit:phoniro/V123#PP01 or grant:visitation/G9; decisions are kept by it. */
    subjectKey: z.string(),
    citizenId: z.number().int(),
    citizenRef: z.string(),
    serviceCode: z.string(),
    category: z.string().nullable(),
    date: IsoDate,
    visitId: z.number().int().nullable(),
    externalId: z.string().nullable(),
    grantId: z.number().int().nullable(),
    minutes: z.number().int(),
    /** What it would have paid. */
    amount: Money,
    /** What happened, in English (see `text`). */
    message: z.string(),
    /** The facts of the message by name (e.g. registered and granted minutes); `{}` for exceptions computed before they were kept. */
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    reasonCodes: z.array(z.string()),
    /** The reason codes in words, one per code, when the request asks for a `language`. */
    reasons: z.array(z.string()).optional(),
    /** The message in that `language`. */
    text: z.string().optional(),
    decision: ExceptionDecision.nullable(),
  })
  .meta({ id: 'SettlementException' });
export type SettlementException = z.infer<typeof SettlementException>;

export const SettlementFilter = z.object({
  period: PeriodText.optional(),
  providerId: z.coerce.number().int().positive().optional(),
  status: z.enum(['draft', 'approved', 'invoiced']).optional(),
  kind: z.enum(['regular', 'correction']).optional(),
});
export type SettlementFilter = z.infer<typeof SettlementFilter>;

/** `language`: also give each line's reason codes in words, in Danish, Swedish or English. */
const Explain = z.object({ language: z.enum(['da', 'sv', 'en']).optional() });
export const LineFilter = KeysetPaging.extend({
  citizenRef: z.string().max(64).optional(),
  serviceCode: z.string().max(32).optional(),
  category: Category.optional(),
})
  .extend(Explain.shape)
  .refine((q) => q.after === undefined || q.offset === 0, { message: 'after and offset do not go together', path: ['offset'] });
export const ExceptionFilter = Paging.extend({
  kind: z.string().max(64).optional(),
  decision: z.enum(['accepted', 'rejected', 'open']).optional(),
}).extend(Explain.shape);

export const RunRequest = z
  .strictObject({ period: PeriodText, providerIds: z.array(z.number().int().positive()).min(1).max(10_000).optional() })
  .meta({ id: 'SettlementRunRequest' });
export type RunRequest = z.infer<typeof RunRequest>;

export const RunOutcome = z
  .object({
    providerId: z.number().int(),
    providerRef: z.string(),
    /** created/replaced/unchanged: the draft; no_difference: approved already and nothing changed since. */
    outcome: z.enum(['created', 'replaced', 'unchanged', 'no_difference']),
    settlement: Settlement.nullable(),
  })
  .meta({ id: 'SettlementRunOutcome' });
export type RunOutcome = z.infer<typeof RunOutcome>;

export const RunResult = z
  .object({ period: PeriodText, locked: z.boolean(), outcomes: z.array(RunOutcome) })
  .meta({ id: 'SettlementRunResult' });
export type RunResult = z.infer<typeof RunResult>;

export const DecisionBody = z.strictObject({ note: z.string().max(1000).nullable().optional() }).meta({ id: 'ExceptionDecisionRequest' });

export const PeriodParam = z.object({ period: PeriodText });
export const PeriodLock = z
  .object({ period: PeriodText, locked: z.boolean(), lockedAt: z.string().nullable(), lockedBy: z.string().nullable() })
  .meta({ id: 'PeriodLock' });

export const SettlementSettings = z.object({ fourEyes: z.boolean() }).meta({ id: 'SettlementSettings' });
export const SettlementSettingsUpdate = z.strictObject({ fourEyes: z.boolean() }).meta({ id: 'SettlementSettingsUpdate' });

const Side = z.object({ amount: Money, minutes: z.number().int(), hours: z.string() });
const Compared = z.object({ a: Side, b: Side, difference: z.object({ amount: Money, minutes: z.number().int(), hours: z.string() }) });
export const Comparison = z
  .object({
    period: PeriodText,
    priceList: z.object({ id: z.number().int(), label: z.string() }),
    decisionsApplied: z
      .literal(false)
      .meta({ description: "finance's exception decisions are not applied: both sides price the visits before any decision" }),
    models: z.object({
      a: z.object({ id: z.number().int(), name: z.string(), version: z.number().int() }),
      b: z.object({ id: z.number().int(), name: z.string(), version: z.number().int() }),
    }),
    providers: z.array(
      Compared.extend({
        providerId: z.number().int(),
        providerRef: z.string(),
        categories: z.array(Compared.extend({ category: z.string() })),
        exceptions: z.object({ a: z.number().int(), b: z.number().int() }),
      }),
    ),
    total: Compared,
  })
  .meta({ id: 'ModelComparison' });
export type Comparison = z.infer<typeof Comparison>;

export const CompareRequest = z
  .strictObject({
    period: PeriodText,
    modelA: z.string().min(1).max(80),
    modelB: z.string().min(1).max(80),
    providerIds: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
  })
  .meta({ id: 'CompareRequest' });
export type CompareRequest = z.infer<typeof CompareRequest>;
export const CompareQuery = z.object({
  period: PeriodText,
  modelA: z.string().min(1).max(80),
  modelB: z.string().min(1).max(80),
  providerId: z.coerce.number().int().positive().optional(),
});
