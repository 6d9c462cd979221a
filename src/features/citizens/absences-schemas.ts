import { z } from 'zod';
import { IsoDate, validityRefinement } from '../../http/common-schemas.js';

export const AbsenceKind = z.enum(['hospital', 'respite', 'holiday']);
const Note = z.string().max(500);

export const Absence = z
  .object({
    id: z.number().int(),
    citizenId: z.number().int(),
    kind: AbsenceKind,
    planned: z.boolean(),
    validFrom: IsoDate,
    /** Exclusive; null while the end (e.g. the discharge date) is not known. */
    validTo: IsoDate.nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Absence' });
export type Absence = z.infer<typeof Absence>;

export const AbsenceCreate = z
  .strictObject({
    citizenId: z.number().int().positive(),
    kind: AbsenceKind,
    planned: z.boolean().default(false),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
    note: Note.nullable().optional(),
  })
  .refine(validityRefinement, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .meta({ id: 'AbsenceCreate' });
export type AbsenceCreate = z.infer<typeof AbsenceCreate>;

export const AbsenceUpdate = z
  .strictObject({
    kind: AbsenceKind.optional(),
    planned: z.boolean().optional(),
    validTo: IsoDate.nullable().optional(),
    note: Note.nullable().optional(),
  })
  .meta({ id: 'AbsenceUpdate' });
export type AbsenceUpdate = z.infer<typeof AbsenceUpdate>;

export const AbsenceFilter = z.object({
  citizenId: z.coerce.number().int().positive().optional(),
  kind: AbsenceKind.optional(),
  /** Absences overlapping [from, to); either end may be left open. */
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});
export type AbsenceFilter = z.infer<typeof AbsenceFilter>;
export const windowRefinement = (v: { from?: string; to?: string }) => !v.from || !v.to || v.to > v.from;
