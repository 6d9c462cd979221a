import { z } from 'zod';
import { IsoDate, Paging, ProviderKind, Ref } from '../../http/common-schemas.js';
import { InvoiceKindSchema, InvoiceNumber } from '../invoices/invoices-schemas.js';
import { COST_ELEMENTS, DRIVERS, LEVEL_UNITS, POLICIES } from './recalc-types.js';

/** Decimals travel as strings, never JSON numbers (src/shared/money.ts). */
const Money = z.string().meta({ example: '1250000.00', description: 'decimal string, 2 decimals' });
const Decimal4 = z.string().meta({ example: '452.1234', description: 'decimal string, 4 decimals' });
const SignedAmount = z
  .string()
  .regex(/^-?\d{1,14}(\.\d{1,2})?$/, 'a decimal string with at most 2 decimals, e.g. "1250000.00" (negative for a refund)')
  .meta({ example: '1250000.00' });
const HoursInput = z
  .string()
  .regex(/^\d{1,10}(\.\d{1,4})?$/, 'hours as a decimal string >= 0, at most 4 decimals')
  .meta({ example: '41250.5' });
const PercentInput = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, 'a percent as a decimal string, at most 4 decimals')
  .meta({ example: '60' });

export const YearParam = z.object({ year: z.coerce.number().int().min(2000).max(2999) });
/** Which statement of the year: the one whose span starts on `from` (default 1 January). */
export const SpanQuery = z.object({
  from: IsoDate.optional().meta({ description: 'the first day of the span (a 1st of a month); default 1 January' }),
});
const FirstOfMonth = IsoDate.refine((d) => d.endsWith('-01'), 'the 1st of a month (the settlements are monthly)');
export const SpanInput = z
  .strictObject({ from: FirstOfMonth, to: FirstOfMonth })
  .refine((s) => s.from < s.to, { message: 'to must be after from', path: ['to'] })
  .meta({
    id: 'RecalculationSpan',
    description:
      '[from, to) within the year, 1sts of months: the recalculation runs from a given date and its adjustment covers only this span',
  });
export const CostElement = z.enum(COST_ELEMENTS);
export const Policy = z.enum(POLICIES);

export const AllocationSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('shares'),
      shares: z.record(Ref, PercentInput).meta({ description: 'percent per category code; they add up to 100' }),
    }),
    z.strictObject({ type: z.literal('driver'), driver: z.enum(DRIVERS) }),
  ])
  .meta({
    id: 'CostAllocation',
    description: 'Documented shares per category, or a driver: the delivered hours or the entered staff hours of each category',
  });

export const PriceCategorySchema = z
  .strictObject({
    code: Ref,
    name: z.string().min(1).max(200),
    priceGroup: Ref.meta({ description: 'a level category: the level code' }),
    timeBands: z.array(Ref).max(20).meta({ description: 'at least one for an hourly category; none for a level category' }),
    level: z
      .strictObject({
        code: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a level code of the catalogue'),
        unit: z.enum(LEVEL_UNITS),
      })
      .nullable()
      .optional()
      .meta({ description: "a level's price per day, week or month (Ældreloven § 19), priced from the cost per delivered level-day" }),
    overheadPercent: PercentInput.nullable().optional().meta({
      description: "the overhead rate of the category's area (6.0 helhedspleje, 3.6 meal delivery, 6.3 friplejeboliger); null: the setting",
    }),
  })
  .refine((c) => (c.level ? c.timeBands.length === 0 && c.priceGroup === c.level.code : c.timeBands.length >= 1), {
    message: 'an hourly category needs time bands; a level category has none and its priceGroup is the level code',
    path: ['timeBands'],
  })
  .meta({
    id: 'PriceCategory',
    description: "One price group over one or more time bands that share one price, or one level's price per day, week or month",
  });

export const CostLineInput = z
  .strictObject({
    element: CostElement,
    description: z.string().max(500).default(''),
    amount: SignedAmount,
    costType: z.enum(['direct', 'indirect']),
    assessmentUnit: z.boolean().default(false),
    allocation: AllocationSchema,
  })
  .meta({ id: 'CostLineInput' });

export const EnteredHoursSchema = z
  .strictObject({
    categoryCode: Ref,
    deliveredHours: HoursInput.nullable().optional().meta({ description: 'required for every category when hoursSource is entered' }),
    deliveredDays: HoursInput.nullable()
      .optional()
      .meta({ description: "a level category's delivered level-days; default: from the in-house provider's approved settlements" }),
    staffHours: HoursInput.nullable().optional(),
    method: z.string().max(500).nullable().optional().meta({ example: 'attendance 52 000 h × 62 % time with citizens' }),
  })
  .meta({ id: 'EnteredHours' });

export const CostStatementPut = z
  .strictObject({
    providerId: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'the municipal provider; default: the only municipal provider' }),
    hoursSource: z.enum(['visits', 'entered']).default('visits'),
    note: z.string().max(2000).nullable().optional(),
    span: SpanInput.nullable()
      .optional()
      .meta({ description: 'a span of the year (several per year, never overlapping); default the whole year' }),
    categories: z.array(PriceCategorySchema).min(1).max(100).optional().meta({
      description:
        'default: from the price list in force on 1 January (bands of a price group with the same municipal rate form one category)',
    }),
    lines: z.array(CostLineInput).max(5000),
    hours: z.array(EnteredHoursSchema).max(100).default([]),
  })
  .meta({ id: 'CostStatementPut' });
export type CostStatementPut = z.infer<typeof CostStatementPut>;

export const CostLineSchema = z
  .object({
    lineNo: z.number().int(),
    element: CostElement,
    description: z.string(),
    amount: Money,
    costType: z.enum(['direct', 'indirect']),
    assessmentUnit: z.boolean(),
    allocation: AllocationSchema,
  })
  .meta({ id: 'CostLine' });

export const CostStatement = z
  .object({
    id: z.number().int(),
    year: z.number().int(),
    periodFrom: IsoDate,
    periodTo: IsoDate.meta({ description: 'exclusive' }),
    providerId: z.number().int(),
    providerRef: z.string(),
    hoursSource: z.enum(['visits', 'entered']),
    note: z.string().nullable(),
    categories: z.array(PriceCategorySchema),
    lines: z.array(CostLineSchema),
    hours: z.array(
      z.object({
        categoryCode: z.string(),
        deliveredHours: Decimal4.nullable(),
        deliveredDays: Decimal4.nullable(),
        staffHours: Decimal4.nullable(),
        method: z.string().nullable(),
      }),
    ),
    totals: z.object({ amount: Money, assessmentUnit: Money, lines: z.number().int() }),
    frozenAt: z.string().nullable().meta({ description: 'set when an approved recalculation used it; from then on it cannot change' }),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: 'CostStatement' });
export type CostStatement = z.infer<typeof CostStatement>;

export const CsvUpload = z.string().meta({
  description:
    'CSV with a header row; `;`, `,` or tab; decimal comma or point; Danish/Swedish names accepted (docs/price-recalculation.md)',
});

export const RecalcSettingsSchema = z
  .object({
    policy: Policy.meta({
      description: 'none, upward_only (pay when the recalculated price is higher) or symmetric (providers also repay)',
    }),
    overheadPercent: z
      .string()
      .nullable()
      .meta({ example: '6', description: 'fixed overhead rate added once to the cost per hour; null = none' }),
    priceDecimals: z.number().int().min(0).max(4),
    rounding: z.enum(['half_up', 'up']),
    publishedVatPercent: z.string().meta({ example: '25' }),
    kindPolicies: z
      .record(ProviderKind, Policy)
      .optional()
      .meta({ description: 'the policy for providers of a kind where it differs from policy, e.g. { "privat": "upward_only" }' }),
  })
  .meta({ id: 'PriceRecalculationSettings' });

export const RecalcSettingsPut = z
  .strictObject({
    policy: Policy,
    overheadPercent: PercentInput.nullable(),
    priceDecimals: z.number().int().min(0).max(4),
    rounding: z.enum(['half_up', 'up']),
    publishedVatPercent: PercentInput,
    kindPolicies: z
      .record(ProviderKind, Policy)
      .optional()
      .meta({ description: "kind code → policy, for the municipality's provider kinds whose policy differs; default none" }),
  })
  .meta({ id: 'PriceRecalculationSettingsPut' });
export type RecalcSettingsPut = z.infer<typeof RecalcSettingsPut>;

const Hours = z.object({
  code: z.string(),
  deliveredHours: z.string(),
  byBand: z.record(z.string(), z.string()),
  source: z.enum(['visits', 'entered']),
  staffHours: z.string().nullable(),
  method: z.string().nullable(),
  deliveredDays: z.string().nullable().optional(),
});

export const CategoryResultSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    priceGroup: z.string(),
    timeBands: z.array(z.string()),
    costs: z.object({ byElement: z.record(z.string(), Money), direct: Money, indirect: Money, total: Money }),
    hours: Hours,
    costPerHour: Decimal4.meta({ description: 'a level category: the cost per level-day' }),
    level: z
      .object({ code: z.string(), unit: z.enum(LEVEL_UNITS), costPerDay: Decimal4, daysPerUnit: z.string() })
      .nullable()
      .optional()
      .meta({ description: 'a level category: price = cost per level-day × (1 + overhead) × days per unit (1, 7 or days of the year/12)' }),
    overheadPercent: z.string().nullable(),
    priceBeforeRounding: Decimal4,
    price: z.string().meta({ example: '452.50', description: 'the recalculated hourly price excl. VAT' }),
    publishedPriceInclVat: Money,
    paid: z.array(z.object({ rate: Money, hours: Decimal4, difference: Decimal4, settled: Decimal4 })),
  })
  .meta({ id: 'RecalculatedCategory' });

export const AdjustmentLineSchema = z
  .object({
    lineNo: z.number().int(),
    unit: z
      .enum(['per_hour', ...LEVEL_UNITS])
      .meta({ description: 'per_hour; or a level price unit: minutes are then level-days and hours the paid days, weeks or months' }),
    categoryCode: z.string(),
    priceGroup: z.string(),
    band: z.string(),
    paidRate: Money,
    newPrice: Money,
    difference: Decimal4,
    minutes: z.number().int(),
    hours: z.string(),
    amount: Money,
    vatPercent: z.string(),
  })
  .meta({ id: 'PriceAdjustmentLine' });

export const Adjustment = z
  .object({
    id: z.number().int(),
    recalculationId: z.number().int(),
    year: z.number().int(),
    status: z.enum(['draft', 'approved']),
    providerId: z.number().int(),
    providerRef: z.string(),
    providerName: z.string(),
    currency: z.string(),
    totalExclVat: Money,
    vat: Money,
    totalInclVat: Money,
    lines: z.array(AdjustmentLineSchema),
    invoice: z.object({ number: InvoiceNumber, kind: InvoiceKindSchema, issueDate: z.string() }).nullable(),
    paymentBasis: z
      .string()
      .nullable()
      .meta({ description: 'the payment basis sent for this adjustment, when the provider invoices itself (docs/invoices.md)' }),
  })
  .meta({ id: 'PriceAdjustment' });
export type Adjustment = z.infer<typeof Adjustment>;

export const RecalculationSummary = z
  .object({
    id: z.number().int(),
    year: z.number().int(),
    periodFrom: IsoDate.meta({ description: 'the span its adjustments cover, [periodFrom, periodTo)' }),
    periodTo: IsoDate,
    status: z.enum(['draft', 'approved']),
    costStatementId: z.number().int(),
    currency: z.string(),
    fingerprint: z.string(),
    computedAt: z.string(),
    computedBy: z.string(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    proposedPriceListId: z.number().int().nullable(),
    adoptedAt: z.string().nullable(),
    adoptedBy: z.string().nullable(),
    settings: RecalcSettingsSchema,
    prices: z.array(z.object({ code: z.string(), name: z.string(), price: z.string(), publishedPriceInclVat: Money })),
    adjustmentsExclVat: Money,
  })
  .meta({ id: 'PriceRecalculationSummary' });
export type RecalculationSummary = z.infer<typeof RecalculationSummary>;

export const Recalculation = RecalculationSummary.extend({
  categories: z.array(CategoryResultSchema),
  allocations: z.array(
    z.object({
      lineNo: z.number().int(),
      element: CostElement,
      costType: z.enum(['direct', 'indirect']),
      categoryCode: z.string(),
      amount: Money,
      basis: z.string(),
    }),
  ),
  excluded: z.array(
    z.object({
      lineNo: z.number().int(),
      element: CostElement,
      description: z.string(),
      amount: Money,
      reason: z.literal('assessment_unit'),
    }),
  ),
  totals: z.object({ statement: Money, excluded: Money, allocated: Money, adjustmentsExclVat: Money }),
  adjustments: z.array(Adjustment),
}).meta({ id: 'PriceRecalculation' });
export type Recalculation = z.infer<typeof Recalculation>;

export const RunBody = z
  .strictObject({
    year: z.number().int().min(2000).max(2999),
    from: IsoDate.optional().meta({ description: 'the statement of the span starting on this date; default 1 January' }),
  })
  .meta({ id: 'PriceRecalculationRun' });
export const RunResult = z
  .object({ outcome: z.enum(['created', 'replaced', 'unchanged']), recalculation: Recalculation })
  .meta({ id: 'PriceRecalculationRunResult' });

export const RecalcFilter = Paging.extend({ year: z.coerce.number().int().min(2000).max(2999).optional() });
export const AdjustmentFilter = Paging.extend({
  year: z.coerce.number().int().min(2000).max(2999).optional(),
  providerId: z.coerce.number().int().positive().optional(),
});

export const IssuedDocuments = z
  .object({
    items: z.array(
      z.object({
        adjustmentId: z.number().int(),
        providerRef: z.string(),
        number: InvoiceNumber.nullable(),
        kind: InvoiceKindSchema.nullable(),
        paymentBasis: z.string().nullable().meta({
          description: 'the reference of the payment basis sent to a provider that invoices itself (AG-/FU-<year>-R…)',
          example: 'AG-2025-R000004',
        }),
        totalInclVat: Money,
        created: z.boolean(),
        note: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'PriceAdjustmentDocuments' });
export type IssuedDocuments = z.infer<typeof IssuedDocuments>;

const ReportTable = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string())) });
export const RecalcReportSchema = z
  .object({
    municipality: z.object({
      code: z.string(),
      name: z.string(),
      country: z.enum(['DK', 'SE']),
      currency: z.string(),
      language: z.enum(['da', 'sv', 'en']),
    }),
    recalculationId: z.number().int(),
    year: z.number().int(),
    status: z.enum(['draft', 'approved']),
    computedAt: z.string(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    fingerprint: z.string(),
    settings: RecalcSettingsSchema,
    costsByElement: ReportTable.meta({ description: 'rows: element, amount per category, total; last row the totals' }),
    excluded: z.array(z.object({ lineNo: z.number().int(), element: CostElement, description: z.string(), amount: Money })),
    totals: z.object({ statement: Money, excluded: Money, allocated: Money, adjustmentsExclVat: Money }),
    categories: z.array(CategoryResultSchema),
    adjustments: z.array(Adjustment),
    proposedPriceListId: z.number().int().nullable(),
    adoptedAt: z.string().nullable(),
  })
  .meta({ id: 'PriceRecalculationReport' });
export type RecalcReport = z.infer<typeof RecalcReportSchema>;
