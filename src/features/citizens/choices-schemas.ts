import { z } from 'zod';
import { Category, IsoDate } from '../../http/common-schemas.js';

export const ChoiceReason = z.enum(['initial', 'choice', 'takeover']);

export const ProviderChoice = z
  .object({
    id: z.number().int(),
    citizenId: z.number().int(),
    category: Category,
    providerId: z.number().int(),
    validFrom: IsoDate,
    validTo: IsoDate.nullable(),
    requestedOn: IsoDate.nullable(),
    /** initial: first choice; choice: a change of provider; takeover: moved when a provider ceased. */
    reason: ChoiceReason,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ProviderChoice' });
export type ProviderChoice = z.infer<typeof ProviderChoice>;

export const ProviderChoiceCreate = z
  .strictObject({
    citizenId: z.number().int().positive(),
    category: Category,
    providerId: z.number().int().positive(),
    /** The day the citizen asked; the notice rule counts from it. Defaults to today (municipality time zone). */
    requestedOn: IsoDate.optional(),
    /** Required for an initial choice; for a change it overrides the notice rule (admin and finance only). */
    validFrom: IsoDate.optional(),
    /** Optional assertion: refused with 422 when the citizen's situation says otherwise. */
    reason: z.enum(['initial', 'choice']).optional(),
  })
  .meta({ id: 'ProviderChoiceCreate' });
export type ProviderChoiceCreate = z.infer<typeof ProviderChoiceCreate>;

export const ProviderTakeover = z
  .strictObject({
    fromProviderId: z.number().int().positive(),
    toProviderId: z.number().int().positive(),
    /** Usually the first of a month; the notice rule does not apply. */
    effectiveFrom: IsoDate,
    /** Only these categories; all when omitted. */
    categories: z.array(Category).min(1).optional(),
  })
  .refine((v) => v.fromProviderId !== v.toProviderId, { message: 'a provider cannot take over from itself', path: ['toProviderId'] })
  .meta({ id: 'ProviderTakeover' });
export type ProviderTakeover = z.infer<typeof ProviderTakeover>;

export const TakeoverResult = z
  .object({
    fromProviderId: z.number().int(),
    toProviderId: z.number().int(),
    effectiveFrom: IsoDate,
    /** Choices that now belong to the new provider from effectiveFrom. */
    moved: z.number().int(),
  })
  .meta({ id: 'TakeoverResult' });
export type TakeoverResult = z.infer<typeof TakeoverResult>;

export const ProviderChoiceFilter = z.object({
  citizenId: z.coerce.number().int().positive().optional(),
  providerId: z.coerce.number().int().positive().optional(),
  category: Category.optional(),
  /** Choices in force on this date. */
  activeOn: IsoDate.optional(),
});
export type ProviderChoiceFilter = z.infer<typeof ProviderChoiceFilter>;
