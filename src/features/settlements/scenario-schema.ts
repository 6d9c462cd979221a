import { z } from 'zod';
import { Category, Code, IsoDate, ProviderKind, Ref } from '../../http/common-schemas.js';
import { ReimbursementModel } from '../reimbursement/model-schema.js';
import { PeriodText } from './settlement-period.js';

/**
 * A self-contained scenario: one municipality's master data and one month of facts, settled in a
 * throwaway database by `carepay scenario run FILE`. docs/scenario-format.md explains it;
 * docs/scenario.schema.json is generated from this schema (see test/scenarios).
 */

const Time = z
  .string()
  .min(10)
  .max(40)
  .describe('local time "YYYY-MM-DD HH:mm" in the municipality\'s time zone, or ISO 8601 with an offset');
const DecimalText = z.string().regex(/^\d{1,10}(\.\d{1,4})?$/, 'a decimal string such as "450.00"');

const Provider = z.strictObject({
  ref: Ref,
  name: z.string().min(1).max(200).optional(),
  kind: ProviderKind,
  vatStatus: z.enum(['registered', 'exempt', 'not_registered']).default('registered'),
  approvedFrom: IsoDate.default('2000-01-01'),
});

const KindName = z.string().min(1).max(100);
const ProviderKindEntry = z.strictObject({
  code: ProviderKind,
  names: z.strictObject({ da: KindName, sv: KindName, en: KindName }),
  ownName: KindName.optional().describe("the municipality's own name, shown in every language"),
  inHouse: z.boolean().default(false).describe("the municipality's own provision (kommunal regi); at most one"),
});

const AreaEntry = z.strictObject({
  code: Ref.describe('the code citizens, visits, rates, budgets and models name'),
  name: z.string().trim().min(1).max(100).describe("the area's name in the municipality's own words, shown instead of the code"),
});

const Service = z.strictObject({
  code: Code,
  name: z.string().min(1).max(200).optional(),
  category: Category,
  priceGroup: Ref,
  standardMinutes: z.number().int().min(0).max(1440),
  billingUnit: z.enum(['per_minute', 'per_visit', 'per_month']).default('per_minute'),
});

const Level = z.strictObject({
  code: Code,
  name: z.string().min(1).max(200).optional(),
  category: Category.describe('whose provider choice is paid for a day of the level, and whose VAT rate applies'),
  expectedHoursPerWeek: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a decimal string such as "7.5"')
    .optional()
    .describe('informative: the expected time frame in hours per week'),
});

const LevelRate = z.strictObject({
  level: Code,
  providerKind: ProviderKind,
  area: Ref.optional(),
  unit: z
    .enum(['per_day', 'per_week', 'per_month'])
    .describe('a weekly price is paid 1/7 a day, a monthly price 1/(days of the month) a day'),
  rate: DecimalText,
});

const Rate = z.strictObject({
  priceGroup: Ref,
  timeBand: Ref,
  providerKind: ProviderKind,
  area: Ref.optional(),
  unit: z.enum(['per_hour', 'per_visit', 'per_month']).default('per_hour'),
  rate: DecimalText,
});

const Model = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)'),
  document: ReimbursementModel.describe('the reimbursement model (docs/reimbursement-model.md)'),
  providers: z.array(Ref).min(1).optional().describe('provider refs this model is assigned to; all providers when omitted'),
  validFrom: IsoDate.default('2000-01-01').describe('the assignment starts on this date'),
});

const Frequency = z.strictObject({
  type: z.enum(['daily', 'weekly', 'biweekly', 'monthly', 'weekdays']),
  count: z.number().int().min(1).max(100).default(1),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
});

const Grant = z.strictObject({
  id: z.string().min(1).max(128).optional().describe('external id; default G1, G2, … by position'),
  citizen: Ref,
  service: Code,
  minutes: z.number().int().min(0).max(1440).optional().describe("minutes per occurrence; default the service's standard minutes"),
  frequency: Frequency,
  staffCount: z.union([z.literal(1), z.literal(2)]).default(1),
  validFrom: IsoDate.default('2000-01-01'),
  validTo: IsoDate.optional(),
});

const Visit = z.strictObject({
  id: z.string().min(1).max(128).optional().describe('external id; default V1, V2, … by position'),
  provider: Ref,
  citizen: Ref,
  services: z.array(Code).min(1).max(20),
  start: Time.describe('when the visit took place (delivered, replacement) or was planned (cancelled, no-show); local time or ISO 8601'),
  end: Time.describe('end of the visit, as start'),
  plannedStart: Time.optional().describe('the planned slot, when it differs from start/end'),
  plannedEnd: Time.optional().describe('the planned slot, when it differs from start/end'),
  status: z.enum(['delivered', 'cancelled_by_citizen', 'no_show', 'cancelled_by_provider', 'replacement']).default('delivered'),
  staffCount: z.number().int().min(1).max(4).default(1),
  cancelledAt: Time.optional().describe('when the citizen cancelled (status cancelled_by_citizen)'),
  area: Ref.optional(),
});

export const Scenario = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    period: PeriodText.describe('the month to settle, YYYY-MM'),
    municipality: z.strictObject({
      code: Code.default('scenario'),
      name: z.string().min(1).max(200).optional(),
      country: z.enum(['DK', 'SE']),
      extraHolidays: z.array(z.strictObject({ date: IsoDate, name: z.string().min(1).max(100) })).default([]),
    }),
    providerKinds: z
      .array(ProviderKindEntry)
      .min(1)
      .optional()
      .describe("the municipality's own list of provider kinds; when omitted: municipal (in-house) and private"),
    areas: z
      .array(AreaEntry)
      .optional()
      .describe("the municipality's areas and their names (docs/areas.md); an area not listed is shown by its code"),
    providers: z.array(Provider).min(1),
    catalogue: z.strictObject({
      validFrom: IsoDate.default('2000-01-01'),
      services: z.array(Service).default([]),
      levels: z.array(Level).default([]),
    }),
    prices: z.strictObject({
      validFrom: IsoDate.default('2000-01-01'),
      rates: z.array(Rate).default([]),
      levelRates: z.array(LevelRate).default([]),
    }),
    models: z.array(Model).min(1),
    citizens: z.array(z.strictObject({ ref: Ref, area: Ref.optional() })).default([]),
    choices: z
      .array(z.strictObject({ citizen: Ref, category: Category, provider: Ref, validFrom: IsoDate.default('2000-01-01') }))
      .default([]),
    grants: z.array(Grant).default([]),
    levelGrants: z
      .array(z.strictObject({ citizen: Ref, level: Code, validFrom: IsoDate.default('2000-01-01'), validTo: IsoDate.optional() }))
      .default([])
      .describe("citizens' levels; one level a day per citizen"),
    absences: z
      .array(
        z.strictObject({
          citizen: Ref,
          kind: z.enum(['hospital', 'respite', 'holiday']),
          planned: z.boolean().default(false),
          validFrom: IsoDate,
          validTo: IsoDate.optional(),
        }),
      )
      .default([]),
    visits: z.array(Visit).default([]),
  })
  .meta({ id: 'Scenario', title: 'carepay scenario', description: 'A self-contained settlement scenario (docs/scenario-format.md)' });
export type Scenario = z.output<typeof Scenario>;

/** The JSON Schema of the scenario format (what docs/scenario.schema.json holds). */
export const scenarioJsonSchema = () => z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' });
