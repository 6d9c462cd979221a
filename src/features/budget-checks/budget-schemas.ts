import { z } from 'zod';
import { Category, Paging, Ref } from '../../http/common-schemas.js';
import { parseIsoWeek } from './iso-week.js';

/** Money in and out as a decimal string ("12500000.00"), never a JSON number. NUMERIC(16,2). */
export const Amount = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,2})?$/, 'a decimal string >= 0 with at most 14 digits before and 2 after the point, e.g. "12500000.00"')
  .meta({ id: 'Amount', example: '12500000.00' });
const Money = z.string().meta({ example: '240384.62', description: 'decimal string, 2 decimals' });
const Decimal4 = z.string().meta({ example: '451.3321', description: 'decimal string, up to 4 decimals' });
const Hours = z.string().meta({ example: '532.50', description: 'hours as a decimal string, 2 decimals' });
const Percent = z.string().meta({ example: '-1.25', description: 'decimal string, 2 decimals' });

const Area = Ref.meta({ description: 'e.g. urban / rural; null = all areas' });
const Year = z.coerce.number().int().min(2000).max(2100);

export const Budget = z
  .object({
    id: z.number().int(),
    year: z.number().int(),
    area: z.string().nullable(),
    category: Category.nullable(),
    amount: Money,
    note: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Budget' });
export type Budget = z.infer<typeof Budget>;

export const BudgetCreate = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    area: Area.nullable().optional(),
    category: Category.nullable().optional(),
    amount: Amount,
    note: z.string().max(500).nullable().optional(),
  })
  .meta({
    id: 'BudgetCreate',
    description: 'One budget line; area and category absent or null mean "all". One line per (year, area, category).',
  });
export type BudgetCreate = z.infer<typeof BudgetCreate>;

export const BudgetUpdate = z
  .strictObject({ amount: Amount.optional(), note: z.string().max(500).nullable().optional() })
  .meta({ id: 'BudgetUpdate', description: 'Year, area and category identify the line and cannot change.' });
export type BudgetUpdate = z.infer<typeof BudgetUpdate>;

export const BudgetFilter = z.object({ year: Year.optional(), area: Ref.optional(), category: Category.optional() });
export type BudgetFilter = z.infer<typeof BudgetFilter>;

export const BudgetCsvUpload = z.string().meta({
  description:
    'CSV with a header: year;area;category;amount[;note] (or the Danish/Swedish names år, område/område, kategori, beløb/belopp). Empty area or category = all.',
});

export const BudgetImportResult = z
  .object({ rows: z.number().int(), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })
  .meta({ id: 'BudgetImportResult' });
export type BudgetImportResult = z.infer<typeof BudgetImportResult>;

export const BudgetCheckSettings = z
  .object({
    watchAbovePercent: Percent,
    overAbovePercent: Percent,
    targetMinHours: Hours,
    targetMaxHours: Hours,
    defaultTimeBand: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({
    id: 'BudgetCheckSettings',
    description:
      'A line is "over" when granted hours exceed affordable hours by more than overAbovePercent, "watch" above watchAbovePercent, else "ok".',
  });
export type BudgetCheckSettings = z.infer<typeof BudgetCheckSettings>;

const SignedPercent = z.string().regex(/^-?\d{1,4}(\.\d{1,2})?$/, 'a decimal string such as "-2.5"');
const HoursInput = z.string().regex(/^\d{1,3}(\.\d{1,2})?$/, 'a decimal string such as "3.5"');
export const BudgetCheckSettingsUpdate = z
  .strictObject({
    watchAbovePercent: SignedPercent.optional(),
    overAbovePercent: SignedPercent.optional(),
    targetMinHours: HoursInput.optional(),
    targetMaxHours: HoursInput.optional(),
    defaultTimeBand: Ref.nullable().optional(),
  })
  .meta({ id: 'BudgetCheckSettingsUpdate' });
export type BudgetCheckSettingsUpdate = z.infer<typeof BudgetCheckSettingsUpdate>;

export const WeekParam = z.object({
  week: z
    .string()
    .refine((s) => parseIsoWeek(s) !== null, 'an ISO week YYYY-Www that exists, e.g. 2026-W10 (2026 has 53 weeks)')
    .meta({ example: '2026-W10' }),
});
export const YearParam = z.object({ year: Year });
export const MonthParam = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
    .meta({ example: '2026-04' }),
});

export const BudgetCheckLine = z
  .object({
    budgetId: z.number().int(),
    area: z.string().nullable(),
    category: Category.nullable(),
    annualBudget: Money,
    weekBudget: Money,
    grantedHours: Hours.meta({ description: 'Staff hours of hourly services.' }),
    grantedCost: Money.meta({ description: 'The whole granted cost: hourly services plus level-based and other non-hourly ones.' }),
    nonHourlyCost: Money.meta({
      description: 'The part of grantedCost from level-days × level price, per-visit and per-month services.',
    }),
    equivalentHours: Hours.nullable().meta({
      description: "nonHourlyCost ÷ weightedPrice: the hours the same money buys at the line's hourly prices (null: no price).",
    }),
    levelDays: z.number().int().meta({ description: 'Granted level-days in the week (absent days not counted).' }),
    weightedPrice: Decimal4.nullable(),
    affordableHours: Hours.nullable(),
    deviationHours: Hours.nullable(),
    deviationPercent: Percent.nullable(),
    deviationMoney: Money,
    status: z.enum(['ok', 'watch', 'over', 'no_price']),
    recipients: z.number().int(),
    avgHoursPerRecipient: Hours.nullable(),
    deliveredHours: Hours,
    deliveryRatio: Decimal4.nullable(),
    spentSoFar: Money,
    forecast: Money,
    forecastDeviation: Money,
  })
  .meta({ id: 'BudgetCheckLine' });
export type BudgetCheckLine = z.infer<typeof BudgetCheckLine>;

export const BudgetCheck = z
  .object({
    week: z.string(),
    weekStart: z.string(),
    runId: z.number().int(),
    computedAt: z.string(),
    thresholds: z.object({ watchAbovePercent: Percent, overAbovePercent: Percent }),
    priceListIds: z.array(z.number().int()),
    grantedHours: Hours,
    recipients: z.number().int(),
    avgHoursPerRecipient: Hours.nullable(),
    target: z.object({ minHours: Hours, maxHours: Hours, status: z.enum(['below', 'within', 'above', 'no_recipients']) }),
    recipientsByBand: z.object({
      under2: z.number().int(),
      from2To8: z.number().int(),
      from8To20: z.number().int(),
      from20: z.number().int(),
    }),
    breakdown: z.array(z.object({ category: Category, area: z.string().nullable(), grantedHours: Hours, recipients: z.number().int() })),
    unbudgetedHours: Hours,
    excluded: z.object({ noService: z.number().int(), noPrice: z.number().int() }).meta({
      description: 'Grants (and level grants) left out: service or level not in the catalogue; no price on a day of the week.',
    }),
    nonHourly: z
      .object({ grants: z.number().int(), levelGrants: z.number().int(), levelDays: z.number().int(), cost: Money })
      .nullable()
      .meta({ description: 'Level-based and other non-hourly services counted in money (null: a result stored before they were).' }),
    contributingGrants: z.number().int(),
    lines: z.array(BudgetCheckLine),
  })
  .meta({ id: 'BudgetCheck' });
export type BudgetCheck = z.infer<typeof BudgetCheck>;

export const BudgetCheckSummary = z
  .object({
    week: z.string(),
    weekStart: z.string(),
    runId: z.number().int(),
    computedAt: z.string(),
    grantedHours: Hours,
    recipients: z.number().int(),
    worstStatus: z.enum(['ok', 'watch', 'over', 'no_price', 'no_budget']),
    lines: z.array(
      BudgetCheckLine.pick({
        budgetId: true,
        area: true,
        category: true,
        grantedHours: true,
        equivalentHours: true,
        affordableHours: true,
        deviationPercent: true,
        status: true,
      }),
    ),
  })
  .meta({ id: 'BudgetCheckSummary' });
export type BudgetCheckSummary = z.infer<typeof BudgetCheckSummary>;

export const BudgetCheckRun = z
  .object({
    id: z.number().int(),
    week: z.string(),
    trigger: z.enum(['schedule', 'manual', 'demo']),
    actor: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    status: z.enum(['succeeded', 'failed']),
    error: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'BudgetCheckRun' });
export type BudgetCheckRun = z.infer<typeof BudgetCheckRun>;

export const ContributorsQuery = Paging.extend({ category: Category.optional(), area: Ref.optional() });
export type ContributorsQuery = z.infer<typeof ContributorsQuery>;

export const Contributor = z
  .object({
    grantId: z.number().int(),
    sourceSystem: z.string(),
    externalId: z.string(),
    version: z.number().int(),
    citizenId: z.number().int(),
    citizenRef: z.string(),
    area: z.string().nullable(),
    serviceCode: z.string(),
    category: Category,
    frequency: z.object({ type: z.string(), count: z.number().int(), weekdays: z.array(z.number().int()).optional() }),
    minutesPerOccurrence: z.number().int(),
    staffCount: z.number().int(),
    grantedHours: Hours,
  })
  .meta({ id: 'BudgetCheckContributor' });
export type Contributor = z.infer<typeof Contributor>;

export const ContributorList = z
  .object({
    items: z.array(Contributor),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    /** Sum over all matching grants, not only this page. */
    grantedHours: Hours,
  })
  .meta({ id: 'BudgetCheckContributorList' });

export const SeriesQuery = z.object({ category: Category.optional(), area: Ref.optional() });
export type SeriesQuery = z.infer<typeof SeriesQuery>;

export const FollowUpQuery = z.object({ top: z.coerce.number().int().min(0).max(100).default(10) });

const FollowUpFigures = {
  grantedHours: Hours,
  deliveredHours: Hours,
  deliveryRatio: Decimal4.nullable(),
};
export const FollowUp = z
  .object({
    month: z.string(),
    from: z.string(),
    to: z.string(),
    providers: z.array(
      z.object({
        providerId: z.number().int().nullable(),
        providerRef: z.string().nullable(),
        providerName: z.string().nullable(),
        ...FollowUpFigures,
        categories: z.array(z.object({ category: Category, citizens: z.number().int(), ...FollowUpFigures })),
        largestDeviations: z.array(
          z.object({ citizenId: z.number().int(), citizenRef: z.string(), category: Category, ...FollowUpFigures, deviationHours: Hours }),
        ),
        levels: z
          .array(
            z.object({
              level: z.string(),
              levelName: z.string(),
              category: Category,
              citizens: z.number().int(),
              levelDays: z
                .number()
                .int()
                .meta({ description: "Days of the level attributed to the provider (the citizen's choice that day)." }),
              expectedHoursPerWeek: Hours.nullable(),
              expectedHours: Hours.nullable().meta({
                description: "The level's hours per week × days present ÷ 7 (null: the level has no time frame).",
              }),
              registeredHours: Hours.meta({
                description: "Staff hours registered by the provider for these citizens on the level's days in its category.",
              }),
              deliveryRatio: Decimal4.nullable().meta({ description: 'registeredHours ÷ expectedHours.' }),
            }),
          )
          .meta({ description: 'What each level buys against the time registered: a level paid but not delivered shows here.' }),
      }),
    ),
  })
  .meta({
    id: 'BudgetFollowUp',
    description:
      "Granted versus delivered staff hours of hourly services per provider and category for a month, and per provider and level the level's expected time frame against the time registered.",
  });
export type FollowUp = z.infer<typeof FollowUp>;
