import { z } from 'zod';
import { Category, Code, IsoDate, Paging, validityRefinement } from '../../http/common-schemas.js';

export const FREQUENCY_TYPES = ['daily', 'weekly', 'biweekly', 'monthly', 'weekdays'] as const;
export type FrequencyType = (typeof FREQUENCY_TYPES)[number];

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const IsoWeekday = z.number().int().min(1).max(7);

/**
 * How often a granted service occurs. daily = N times every day; weekly = N per ISO week;
 * biweekly = N every second ISO week, counted from the week of the grant's validFrom;
 * monthly = N per calendar month; weekdays = N times on each listed weekday.
 */
export const Frequency = z
  .strictObject({
    type: z.enum(FREQUENCY_TYPES),
    count: z.number().int().min(1).max(100).default(1),
    weekdays: z.array(IsoWeekday).min(1).max(7).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.type === 'weekdays' && !f.weekdays?.length) {
      ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'required (ISO weekdays 1=Mon..7=Sun) for type weekdays' });
    }
    if (f.type !== 'weekdays' && f.weekdays !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'only allowed for type weekdays' });
    }
    if (f.weekdays && new Set(f.weekdays).size !== f.weekdays.length) {
      ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'each weekday at most once' });
    }
  })
  .meta({ id: 'Frequency' });
/** A parsed frequency (count filled in). */
export type Frequency = z.output<typeof Frequency>;
/** A frequency as clients may send it (count optional). */
export type FrequencyInput = z.input<typeof Frequency>;

export const SourceSystem = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)');
export const ExternalId = z.string().min(1).max(128);
export const DurationKind = z.enum(['temporary', 'permanent']);
export const PlannedTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM')
  .meta({ example: '08:30' });
/** Query flag: also return superseded versions. Documented as a boolean although it arrives as text. */
export const IncludeHistory = z.stringbool().default(false).meta({ type: 'boolean', default: false });
const TimeBand = z.string().min(1).max(64);
const StaffCount = z.number().int().min(1).max(2);
const Minutes = z.number().int().min(0).max(1440);

export const Grant = z
  .object({
    id: z.number().int(),
    sourceSystem: z.string(),
    externalId: z.string(),
    version: z.number().int(),
    /** Null for the current version. */
    supersededAt: z.string().nullable(),
    recordedAt: z.string(),
    importBatchId: z.number().int().nullable(),
    citizenId: z.number().int(),
    serviceCode: z.string(),
    category: Category,
    minutesPerOccurrence: z.number().int(),
    frequency: z.object({
      type: z.enum(FREQUENCY_TYPES),
      count: z.number().int(),
      weekdays: z.array(z.number().int()).optional(),
    }),
    staffCount: z.number().int(),
    validFrom: IsoDate,
    validTo: IsoDate.nullable(),
    durationKind: DurationKind,
    timeBand: z.string().nullable(),
    plannedTime: z.string().nullable(),
  })
  .meta({ id: 'Grant' });
export type Grant = z.infer<typeof Grant>;

export const GrantCreate = z
  .strictObject({
    citizenId: z.number().int().positive(),
    serviceCode: Code,
    /** Defaults to the service's standard minutes. */
    minutesPerOccurrence: Minutes.optional(),
    frequency: Frequency,
    staffCount: StaffCount.default(1),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
    durationKind: DurationKind.default('permanent'),
    timeBand: TimeBand.nullable().optional(),
    plannedTime: PlannedTime.nullable().optional(),
    sourceSystem: SourceSystem.default('api'),
    /** Defaults to a generated UUID. */
    externalId: ExternalId.optional(),
  })
  .refine(validityRefinement, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .meta({ id: 'GrantCreate' });
export type GrantCreate = z.output<typeof GrantCreate>;

/** What may change on a grant; every change becomes a new version. */
export const GrantUpdate = z
  .strictObject({
    validTo: IsoDate.nullable().optional(),
    minutesPerOccurrence: Minutes.optional(),
    frequency: Frequency.optional(),
    staffCount: StaffCount.optional(),
    timeBand: TimeBand.nullable().optional(),
    plannedTime: PlannedTime.nullable().optional(),
    durationKind: DurationKind.optional(),
  })
  .meta({ id: 'GrantUpdate' });
export type GrantUpdate = z.output<typeof GrantUpdate>;

export const GrantFilter = z.object({
  citizenId: z.coerce.number().int().positive().optional(),
  serviceCode: Code.optional(),
  category: Category.optional(),
  /** Grants whose validity contains this date. */
  activeOn: IsoDate.optional(),
  sourceSystem: SourceSystem.optional(),
  externalId: ExternalId.optional(),
  includeHistory: IncludeHistory,
});
export type GrantFilter = z.output<typeof GrantFilter>;

export const GrantQuery = Paging.extend(GrantFilter.shape);
