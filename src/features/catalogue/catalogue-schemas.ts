import { z } from 'zod';
import { Category, Code, IsoDate, Ref, validityRefinement } from '../../http/common-schemas.js';

export const BillingUnit = z.enum(['per_minute', 'per_visit', 'per_month']);
export type BillingUnit = z.infer<typeof BillingUnit>;
/** Links a service to the rates of a price list (price_rates.price_group). */
export const PriceGroup = Ref;

const Label = z.string().min(1).max(100);

/** A Fælles Sprog III intervention code: classic (H1.1) or UUID. */
export const FsiiiCode = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an FSIII intervention code such as "H1.1" (letters, digits, _ . -, 1–64)')
  .meta({ example: 'H1.1' });

export const ServiceInput = z
  .strictObject({
    code: Code,
    name: z.string().min(1).max(200),
    category: Category.optional().meta({
      description:
        'Required unless fsiiiCode is an FSIII home-care intervention: then derived from it (docs/import-formats.md, "FSIII codes")',
    }),
    fsiiiCode: FsiiiCode.nullable().optional().meta({ description: 'The Fælles Sprog III intervention code of the service, if any' }),
    priceGroup: PriceGroup,
    standardMinutes: z.number().int().min(0).max(1440),
    billingUnit: BillingUnit,
  })
  .meta({ id: 'ServiceInput' });
export type ServiceInput = z.infer<typeof ServiceInput>;

export const Service = z
  .object({
    id: z.number().int(),
    catalogueVersionId: z.number().int(),
    code: Code,
    name: z.string(),
    category: Category,
    fsiiiCode: z.string().nullable(),
    priceGroup: PriceGroup,
    standardMinutes: z.number().int(),
    billingUnit: BillingUnit,
    createdAt: z.string(),
  })
  .meta({ id: 'Service' });
export type Service = z.infer<typeof Service>;

/**
 * A level (niveau / nivå / forløb type, DOMAIN.md §4): care granted as a whole and paid per day,
 * week or month from the price list's level prices. Its category decides whose provider choice
 * is paid for a day and which VAT rate applies.
 */
export const LevelInput = z
  .strictObject({
    code: Code,
    name: z.string().min(1).max(200),
    category: Category,
    expectedHoursPerWeek: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a decimal string such as "7.5" (hours per week)')
      .refine((s) => Number(s) <= 168, 'at most 168 hours a week')
      .nullable()
      .optional()
      .meta({ description: 'The expected time frame in hours per week (informative)' }),
  })
  .meta({ id: 'LevelInput' });
export type LevelInput = z.infer<typeof LevelInput>;

export const Level = z
  .object({
    id: z.number().int(),
    catalogueVersionId: z.number().int(),
    code: Code,
    name: z.string(),
    category: Category,
    expectedHoursPerWeek: z.string().nullable(),
  })
  .meta({ id: 'Level' });
export type Level = z.infer<typeof Level>;

export const ServiceUpdate = z
  .strictObject({
    name: ServiceInput.shape.name.optional(),
    priceGroup: PriceGroup.optional(),
    standardMinutes: ServiceInput.shape.standardMinutes.optional(),
    billingUnit: BillingUnit.optional(),
    fsiiiCode: FsiiiCode.nullable()
      .optional()
      .meta({ description: 'Tag the service with its FSIII code (null removes it); the category stays' }),
  })
  .meta({ id: 'ServiceUpdate' });
export type ServiceUpdate = z.infer<typeof ServiceUpdate>;

export const ServiceFilter = z.object({
  code: Code.optional(),
  category: Category.optional(),
  /** Services of the catalogue version in force on this date. */
  activeOn: IsoDate.optional(),
  catalogueVersionId: z.coerce.number().int().positive().optional(),
});
export type ServiceFilter = z.infer<typeof ServiceFilter>;

export const CatalogueVersion = z
  .object({
    id: z.number().int(),
    label: z.string(),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().meta({ description: 'Exclusive end; null = open-ended' }),
    serviceCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'CatalogueVersion' });
export type CatalogueVersion = z.infer<typeof CatalogueVersion>;

export const CatalogueVersionWithServices = CatalogueVersion.extend({ services: z.array(Service), levels: z.array(Level) }).meta({
  id: 'CatalogueVersionWithServices',
});
export type CatalogueVersionWithServices = z.infer<typeof CatalogueVersionWithServices>;

export const CatalogueVersionCreate = z
  .strictObject({
    label: Label,
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
    services: z.array(ServiceInput).max(5000).default([]),
    levels: z.array(LevelInput).max(500).default([]),
  })
  .refine(validityRefinement, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .meta({ id: 'CatalogueVersionCreate' });
export type CatalogueVersionCreate = z.infer<typeof CatalogueVersionCreate>;

/** Only the end date of a version can change: closing it lets a new version follow. */
export const CatalogueVersionUpdate = z.strictObject({ validTo: IsoDate.nullable() }).meta({ id: 'CatalogueVersionUpdate' });
export type CatalogueVersionUpdate = z.infer<typeof CatalogueVersionUpdate>;

export const CatalogueVersionFilter = z.object({
  /** The version in force on this date. */
  activeOn: IsoDate.optional(),
});
export type CatalogueVersionFilter = z.infer<typeof CatalogueVersionFilter>;
