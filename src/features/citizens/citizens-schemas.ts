import { z } from 'zod';
import { Ref } from '../../http/common-schemas.js';

/** Shape only; the date part and check digit depend on the municipality's country and are checked by the service. */
const NationalId = z
  .string()
  .regex(/^\d{6}(\d{2})?[-+]?\d{4}$/, 'a CPR number (DDMMYY-XXXX) or a personnummer (YYYYMMDD-XXXX or YYMMDD-XXXX)')
  .meta({ description: 'Stored only as a keyed hash (and a mask that shows nothing of it); never returned.', example: '010150-1234' });

export const Citizen = z
  .object({
    id: z.number().int(),
    ref: Ref,
    area: z.string().nullable(),
    nationalIdMasked: z.string().nullable().meta({
      description:
        'Whether a national id is on file, and nothing of it: ******-**** (CPR) or ********-**** (personnummer); null when none is.',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Citizen' });
export type Citizen = z.infer<typeof Citizen>;

export const CitizenCreate = z
  .strictObject({ ref: Ref, area: Ref.nullable().optional(), nationalId: NationalId.optional() })
  .meta({ id: 'CitizenCreate' });
export type CitizenCreate = z.infer<typeof CitizenCreate>;

export const CitizenUpdate = z
  .strictObject({
    area: Ref.nullable().optional(),
    /** null removes the national id. */
    nationalId: NationalId.nullable().optional(),
  })
  .meta({ id: 'CitizenUpdate' });
export type CitizenUpdate = z.infer<typeof CitizenUpdate>;

export const CitizenFilter = z.object({
  ref: Ref.optional(),
  area: Ref.optional(),
  /** Finds the citizen by the keyed hash of the national id. */
  nationalId: NationalId.optional(),
});
export type CitizenFilter = z.infer<typeof CitizenFilter>;
