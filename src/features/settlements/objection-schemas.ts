import { z } from 'zod';
import { PeriodText } from './settlement-period.js';

/** A provider's comment or objection on one line or one exception of a draft settlement, and finance's answer. */
export const Objection = z
  .object({
    id: z.number().int(),
    providerId: z.number().int(),
    period: PeriodText,
    /** The draft it is on now (null once a run replaced that draft: the objection stays with the provider's month). */
    settlementId: z.number().int().nullable(),
    /** The draft it was raised on. */
    raisedOn: z.number().int(),
    target: z.enum(['line', 'exception']),
    lineNo: z.number().int().nullable(),
    exceptionKind: z.string().nullable(),
    subjectKey: z.string().nullable(),
    /** What it is about, as the provider saw it (citizen, service, date, amount). */
    subject: z.string(),
    kind: z.enum(['comment', 'objection']),
    text: z.string(),
    raisedBy: z.string(),
    raisedAt: z.string(),
    status: z.enum(['open', 'answered']),
    answer: z.string().nullable(),
    answeredBy: z.string().nullable(),
    answeredAt: z.string().nullable(),
  })
  .meta({ id: 'SettlementObjection' });
export type Objection = z.infer<typeof Objection>;

export const ObjectionCreate = z
  .strictObject({
    kind: z.enum(['comment', 'objection']),
    /** Exactly one of lineNo and exceptionId. */
    lineNo: z.number().int().positive().optional(),
    exceptionId: z.number().int().positive().optional(),
    text: z.string().trim().min(1).max(2000),
  })
  .refine((b) => (b.lineNo === undefined) !== (b.exceptionId === undefined), {
    message: 'name exactly one of lineNo and exceptionId',
    path: ['lineNo'],
  })
  .meta({ id: 'SettlementObjectionRequest' });
export type ObjectionCreate = z.infer<typeof ObjectionCreate>;

export const ObjectionAnswer = z.strictObject({ answer: z.string().trim().min(1).max(2000) }).meta({ id: 'SettlementObjectionAnswer' });

export const ObjectionFilter = z.object({ status: z.enum(['open', 'answered']).optional() });
export const ObjectionList = z.object({ items: z.array(Objection), open: z.number().int() }).meta({ id: 'SettlementObjectionList' });

/** Bulk decision: several exceptions of one settlement, one decision and one note (a rejection needs a note). */
export const BulkDecisionBody = z
  .strictObject({
    exceptionIds: z.array(z.number().int().positive()).min(1).max(1000),
    decision: z.enum(['accepted', 'rejected']),
    note: z.string().max(1000).nullable().optional(),
  })
  .meta({ id: 'ExceptionBulkDecisionRequest' });

export const ApproveBody = z
  .strictObject({
    /** Approve although exceptions are undecided or objections unanswered; recorded in the audit log. */
    confirmOpen: z.boolean().optional().meta({
      description:
        'true to approve although exceptions are undecided or comments and objections unanswered (recorded in the audit log); without it such a draft answers 409 open_items_unconfirmed',
    }),
  })
  .meta({ id: 'SettlementApproveRequest' });
