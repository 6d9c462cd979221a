import { z } from 'zod';
import { Code, IsoDate, ProviderKind, Ref, validityRefinement } from '../../http/common-schemas.js';

export const PRICE_LIST_STATUSES = ['proposed', 'adopted', 'recalculated'] as const;
export const PriceListStatus = z.enum(PRICE_LIST_STATUSES);
export type PriceListStatus = z.infer<typeof PriceListStatus>;
export const RateUnit = z.enum(['per_hour', 'per_visit', 'per_month']);
export type RateUnit = z.infer<typeof RateUnit>;

/**
 * A rate as a decimal string: never a JSON number, so no float ever touches it. NUMERIC(14,4) in
 * the database: up to 10 digits before the point and 4 after, not negative. Each failure gets its
 * own message so the caller sees what to fix.
 */
export const RateInput = z
  .string()
  .superRefine((s, ctx) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (!m) return fail('must be a decimal string such as "450.25"');
    if (m[1]) return fail('must not be negative');
    if (m[2]!.length > 10) return fail('must have at most 10 digits before the decimal point');
    if ((m[3]?.length ?? 0) > 4) return fail('must have at most 4 decimals');
  })
  .meta({ id: 'RateInput', example: '450.25', description: 'Decimal string, >= 0, at most 4 decimals' });

/**
 * A rate as returned: canonical form of formatRate (src/shared/money.ts), i.e. 4 decimals with
 * trailing zeros trimmed down to 2: "414.8" → "414.80", "506.7000" → "506.70", "1.2345" stays.
 */
export const Rate = z.string().meta({ id: 'Rate', example: '450.25' });

const Area = Ref.meta({ description: 'e.g. urban / rural; absent or null = any area' });

export const PriceRateInput = z
  .strictObject({
    priceGroup: Ref,
    timeBand: Ref,
    providerKind: ProviderKind,
    area: Area.nullable().optional(),
    unit: RateUnit,
    rate: RateInput,
  })
  .meta({ id: 'PriceRateInput' });
export type PriceRateInput = z.infer<typeof PriceRateInput>;

export const PriceRate = z
  .object({
    priceGroup: z.string(),
    timeBand: z.string(),
    providerKind: ProviderKind,
    area: z.string().nullable(),
    unit: RateUnit,
    rate: Rate,
  })
  .meta({ id: 'PriceRate' });
export type PriceRate = z.infer<typeof PriceRate>;

export const LevelRateUnit = z.enum(['per_day', 'per_week', 'per_month']);
export type LevelRateUnit = z.infer<typeof LevelRateUnit>;

/**
 * A level price (DOMAIN.md §4): per level × provider kind × area, per day, week or month. A weekly
 * price is paid 1/7 a day, a monthly price 1/(days of the month) a day (docs/reimbursement-model.md).
 */
export const LevelRateInput = z
  .strictObject({
    level: Code.meta({ description: 'a level code of the catalogue' }),
    providerKind: ProviderKind,
    area: Area.nullable().optional(),
    unit: LevelRateUnit,
    rate: RateInput,
  })
  .meta({ id: 'LevelRateInput' });
export type LevelRateInput = z.infer<typeof LevelRateInput>;

export const LevelRate = z
  .object({ level: z.string(), providerKind: ProviderKind, area: z.string().nullable(), unit: LevelRateUnit, rate: Rate })
  .meta({ id: 'LevelRate' });
export type LevelRate = z.infer<typeof LevelRate>;

export const PriceList = z
  .object({
    id: z.number().int(),
    label: z.string(),
    status: PriceListStatus,
    validFrom: IsoDate,
    validTo: IsoDate.nullable().meta({ description: 'Exclusive end; null = open-ended' }),
    usedAt: z.string().nullable().meta({ description: 'When a settlement first used it; from then on it is frozen' }),
    note: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PriceList' });
export type PriceList = z.infer<typeof PriceList>;

export const PriceListWithRates = PriceList.extend({ rates: z.array(PriceRate), levelRates: z.array(LevelRate) }).meta({
  id: 'PriceListWithRates',
});
export type PriceListWithRates = z.infer<typeof PriceListWithRates>;

const Label = z.string().min(1).max(100);
const Note = z.string().max(2000);
const Rates = z.array(PriceRateInput).max(5000);
const LevelRates = z.array(LevelRateInput).max(5000);

export const PriceListCreate = z
  .strictObject({
    label: Label,
    status: PriceListStatus.default('proposed'),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
    note: Note.nullable().optional(),
    rates: Rates,
    levelRates: LevelRates.default([]),
  })
  .refine(validityRefinement, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .meta({ id: 'PriceListCreate' });
export type PriceListCreate = z.infer<typeof PriceListCreate>;

/** `rates` replaces all rates, `levelRates` all level prices. Once the list is used, only an open validTo may be set. */
export const PriceListUpdate = z
  .strictObject({
    label: Label.optional(),
    note: Note.nullable().optional(),
    validTo: IsoDate.nullable().optional(),
    rates: Rates.optional(),
    levelRates: LevelRates.optional(),
  })
  .meta({ id: 'PriceListUpdate' });
export type PriceListUpdate = z.infer<typeof PriceListUpdate>;

export const PriceListFilter = z.object({
  status: PriceListStatus.optional(),
  /** Lists whose validity contains this date (proposals included unless status is given). */
  activeOn: IsoDate.optional(),
});
export type PriceListFilter = z.infer<typeof PriceListFilter>;
