import { z } from 'zod';
import { IsoDate, Paging, validityRefinement } from '../../http/common-schemas.js';

export const ModelName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)');

/** A reimbursement model version as stored; `document` is the model (docs/reimbursement-model.md). */
export const ModelVersion = z
  .object({
    id: z.number().int(),
    name: ModelName,
    version: z.number().int(),
    description: z.string().nullable(),
    /** The model's own title (document.name). */
    title: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    /** Set when an approved settlement used this version; from then on it cannot change. */
    usedAt: z.string().nullable(),
  })
  .meta({ id: 'ModelVersion' });
export type ModelVersion = z.infer<typeof ModelVersion>;

export const ModelVersionWithDocument = ModelVersion.extend({ document: z.record(z.string(), z.unknown()) }).meta({
  id: 'ModelVersionWithDocument',
});
export type ModelVersionWithDocument = z.infer<typeof ModelVersionWithDocument>;

export const ModelCreate = z
  .strictObject({
    name: ModelName,
    /** Defaults to the next version of `name` (1 for a new name). */
    version: z.number().int().min(1).max(100_000).optional(),
    description: z.string().max(2000).nullable().optional(),
    /** Validated against the model schema; a wrong setting answers 422 with its path in details.issues. */
    document: z
      .record(z.string(), z.unknown())
      .meta({ description: 'The reimbursement model (schemaVersion 1), see docs/reimbursement-model.md' }),
  })
  .meta({ id: 'ModelCreate' });
export type ModelCreate = z.infer<typeof ModelCreate>;

export const ModelFilter = z.object({ name: ModelName.optional() });
export type ModelFilter = z.infer<typeof ModelFilter>;

export const ModelAssignment = z
  .object({
    id: z.number().int(),
    modelId: z.number().int(),
    modelName: z.string(),
    modelVersion: z.number().int(),
    /** null: all providers of the municipality (a provider's own assignment wins). */
    providerId: z.number().int().nullable(),
    validFrom: IsoDate,
    validTo: IsoDate.nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'ModelAssignment' });
export type ModelAssignment = z.infer<typeof ModelAssignment>;

export const ModelAssign = z
  .strictObject({
    providerId: z.number().int().positive().nullable().optional(),
    validFrom: IsoDate,
    validTo: IsoDate.nullable().optional(),
  })
  .refine(validityRefinement, { message: 'validTo must be after validFrom', path: ['validTo'] })
  .meta({ id: 'ModelAssign' });
export type ModelAssign = z.infer<typeof ModelAssign>;

export const ModelAssignmentUpdate = z.strictObject({ validTo: IsoDate.nullable() }).meta({ id: 'ModelAssignmentUpdate' });
export type ModelAssignmentUpdate = z.infer<typeof ModelAssignmentUpdate>;

export const AssignmentFilter = Paging.extend({
  providerId: z.coerce.number().int().positive().optional(),
  modelId: z.coerce.number().int().positive().optional(),
  /** Assignments whose validity contains this date. */
  activeOn: IsoDate.optional(),
});
export type AssignmentFilter = z.infer<typeof AssignmentFilter>;
