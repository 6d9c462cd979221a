import { z } from 'zod';
import { Code, IsoDate, Paging, validityRefinement } from '../../http/common-schemas.js';

/**
 * A citizen's level (niveau / nivå / forløb type, DOMAIN.md §4) for [validFrom, validTo). One level
 * a day: a change of level closes the current grant (validTo) and records the next one from that day.
 */
export const LevelGrant = z
  .object({
    id: z.number().int(),
    citizenId: z.number().int(),
    level: Code,
    validFrom: IsoDate,
    validTo: IsoDate.nullable().meta({ description: 'Exclusive end; null = open-ended' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LevelGrant' });
export type LevelGrant = z.infer<typeof LevelGrant>;

export const LevelGrantCreate = z
  .strictObject({
    citizenId: z.number().int().positive(),
    level: Code.meta({ description: 'a level of the catalogue in force on validFrom' }),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
  })
  .refine(validityRefinement, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .meta({ id: 'LevelGrantCreate' });
export type LevelGrantCreate = z.infer<typeof LevelGrantCreate>;

/** Only the end changes: a level grant's level and start are what was paid by. */
export const LevelGrantUpdate = z.strictObject({ validTo: IsoDate.nullable() }).meta({ id: 'LevelGrantUpdate' });
export type LevelGrantUpdate = z.infer<typeof LevelGrantUpdate>;

export const LevelGrantQuery = Paging.extend({
  citizenId: z.coerce.number().int().positive().optional(),
  level: Code.optional(),
  activeOn: IsoDate.optional(),
});
export type LevelGrantFilter = Omit<z.infer<typeof LevelGrantQuery>, 'limit' | 'offset'>;
