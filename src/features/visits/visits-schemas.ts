import { z } from 'zod';
import { Code, IsoDate, IsoDateTime, KeysetPaging, Ref } from '../../http/common-schemas.js';
import { ExternalId, IncludeHistory, SourceSystem } from '../grants/grants-schemas.js';

export const VISIT_STATUSES = ['delivered', 'cancelled_by_citizen', 'no_show', 'cancelled_by_provider', 'replacement'] as const;
export const VisitStatus = z.enum(VISIT_STATUSES);
export type VisitStatus = z.infer<typeof VisitStatus>;

export const Visit = z
  .object({
    id: z.number().int(),
    sourceSystem: z.string(),
    externalId: z.string(),
    version: z.number().int(),
    /** Null for the current version. */
    supersededAt: z.string().nullable(),
    recordedAt: z.string(),
    importBatchId: z.number().int().nullable(),
    providerId: z.number().int(),
    citizenId: z.number().int(),
    serviceCodes: z.array(z.string()),
    plannedStart: z.string().nullable(),
    plannedEnd: z.string().nullable(),
    actualStart: z.string().nullable(),
    actualEnd: z.string().nullable(),
    status: VisitStatus,
    staffCount: z.number().int(),
    cancelledAt: z.string().nullable(),
    area: z.string().nullable(),
    /** actualStart, else plannedStart: the instant that places the visit in a day and a period. */
    occursAt: z.string(),
  })
  .meta({ id: 'Visit' });
export type Visit = z.infer<typeof Visit>;

const Instant = IsoDateTime.nullable().optional();
const fields = {
  providerId: z.number().int().positive(),
  citizenId: z.number().int().positive(),
  serviceCodes: z.array(Code).min(1).max(20),
  plannedStart: Instant,
  plannedEnd: Instant,
  actualStart: Instant,
  actualEnd: Instant,
  status: VisitStatus,
  staffCount: z.number().int().min(1).max(4),
  /** When the citizen cancelled; only for status cancelled_by_citizen. */
  cancelledAt: Instant,
  area: Ref.nullable().optional(),
};

export const VisitCreate = z
  .strictObject({
    ...fields,
    staffCount: fields.staffCount.default(1),
    sourceSystem: SourceSystem.default('api'),
    externalId: ExternalId,
  })
  .meta({ id: 'VisitCreate' });
export type VisitCreate = z.output<typeof VisitCreate>;

/** A correction: any field but the identity (sourceSystem, externalId); it becomes a new version. */
export const VisitUpdate = z
  .strictObject({
    ...fields,
    providerId: fields.providerId.optional(),
    citizenId: fields.citizenId.optional(),
    serviceCodes: fields.serviceCodes.optional(),
    status: fields.status.optional(),
    staffCount: fields.staffCount.optional(),
  })
  .meta({ id: 'VisitUpdate' });
export type VisitUpdate = z.output<typeof VisitUpdate>;

export const VisitFilter = z.object({
  providerId: z.coerce.number().int().positive().optional(),
  citizenId: z.coerce.number().int().positive().optional(),
  status: VisitStatus.optional(),
  /** First local date (municipality time zone) of occursAt, inclusive. */
  from: IsoDate.optional(),
  /** Local date after the last one, exclusive. */
  to: IsoDate.optional(),
  sourceSystem: SourceSystem.optional(),
  externalId: ExternalId.optional(),
  includeHistory: IncludeHistory,
});
export type VisitFilter = z.output<typeof VisitFilter>;

export const VisitQuery = KeysetPaging.extend(VisitFilter.shape)
  .refine((q) => !q.from || !q.to || q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.after === undefined || q.offset === 0, { message: 'after and offset do not go together', path: ['offset'] });
