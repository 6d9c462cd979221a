import { z } from 'zod';
import { IsoDate } from '../../http/common-schemas.js';
import { DIFFERENCE_CODES, REASON_CODES } from './invoice-control-types.js';

const Money = z.string().meta({ example: '1234.50' });
export const BasisReference = z
  .string()
  .regex(
    /^([Aa][Gg]|[Ff][Uu]|[Pp][Bb])-\d{4}-[Rr]?\d{6,}$/,
    'a payment basis reference, e.g. AG-2026-000017 (a settlement) or AG-2025-R000004 (a retro price adjustment)',
  )
  .transform((s) => s.toUpperCase())
  .meta({ example: 'AG-2026-000017' });

export const PaymentBasis = z
  .object({
    id: z.number().int(),
    reference: z.string().meta({
      example: 'AG-2026-000017',
      description: 'the reference the provider quotes in its invoice (BT-13 order reference, or BT-10 buyer reference)',
    }),
    settlementId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'the settlement it pays; null on the basis of a retro price adjustment' }),
    priceAdjustmentId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'the retro price adjustment it pays (its period is the year); null on a settlement basis' }),
    providerId: z.number().int(),
    providerRef: z.string(),
    providerName: z.string(),
    period: z.string().meta({ example: '2026-04', description: 'the month of a settlement, the year (YYYY) of a price adjustment' }),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    currency: z.string(),
    totalExclVat: Money,
    vat: Money,
    totalInclVat: Money,
    issuedAt: z.string(),
    issuedBy: z.string(),
    links: z.object({ pdf: z.string(), csv: z.string() }),
  })
  .meta({ id: 'PaymentBasis' });
export type PaymentBasis = z.infer<typeof PaymentBasis>;

export const BasisFilter = z.object({
  providerId: z.coerce.number().int().positive().optional(),
  period: z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'a month YYYY-MM (settlements) or a year YYYY (price adjustments)')
    .optional(),
});

export const Language = z.enum(['da', 'sv', 'en']);

const ReasonSchema = z.object({
  code: z.enum(REASON_CODES),
  detail: z.string().optional(),
  text: z.string().optional().meta({ description: 'in words, when ?language= is given' }),
});
const DifferenceSchema = z.object({
  code: z.enum(DIFFERENCE_CODES),
  subject: z.string().nullable().meta({ description: 'a VAT rate, a basis row item id or an invoice line id' }),
  expected: z.string().nullable(),
  received: z.string().nullable(),
  difference: z.string().nullable().meta({ description: 'expected − received, signed as the basis' }),
  text: z.string().optional().meta({ description: 'in words, when ?language= is given' }),
});
export const Outcome = z.enum(['matched', 'disputed', 'rejected', 'accepted']);

export const ReceivedDocument = z
  .object({
    id: z.number().int(),
    source: z.enum(['api', 'web', 'cli', 'folder', 'demo']),
    filename: z.string().nullable(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    documentType: z.enum(['invoice', 'credit_note']).nullable(),
    typeCode: z.string().nullable(),
    number: z.string().nullable().meta({ description: "the seller's invoice number" }),
    issueDate: z.string().nullable(),
    sellerName: z.string().nullable(),
    sellerEndpoint: z.string().nullable().meta({ example: '0088:5798000000049' }),
    providerId: z.number().int().nullable(),
    providerRef: z.string().nullable(),
    paymentBasisReference: z.string().nullable(),
    quotedReference: z.string().nullable(),
    currency: z.string().nullable(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    totalExclVat: Money.nullable(),
    vat: Money.nullable(),
    payable: Money.nullable(),
    verdict: z.enum(['matched', 'disputed', 'rejected']).meta({ description: 'what the checks found' }),
    outcome: Outcome.meta({ description: 'the verdict after a decision of finance (accepted or rejected)' }),
    readyForPayment: z.boolean(),
    reasons: z.array(ReasonSchema).meta({ description: 'why a rejected document was refused' }),
    differences: z.array(DifferenceSchema).meta({ description: 'every difference against the payment basis' }),
    violations: z.array(z.object({ rule: z.string(), message: z.string() })).meta({ description: 'e-invoice rules the document breaks' }),
    decision: z.object({ decision: z.enum(['accepted', 'rejected']), note: z.string(), by: z.string(), at: z.string() }).nullable(),
    receivedAt: z.string(),
    receivedBy: z.string(),
    links: z.object({ original: z.string(), response: z.string() }),
  })
  .meta({ id: 'ReceivedDocument' });
export type ReceivedDocument = z.infer<typeof ReceivedDocument>;

export const ReceivedFilter = z.object({
  providerId: z.coerce.number().int().positive().optional(),
  outcome: Outcome.optional(),
  language: Language.optional(),
});

export const ReceiveQuery = z.object({
  filename: z.string().max(255).optional(),
  language: Language.optional(),
});

export const DecisionBody = z
  .strictObject({
    decision: z.enum(['accepted', 'rejected']),
    note: z.string().trim().min(1, 'a note is required').max(1000),
  })
  .meta({ id: 'ReceivedDocumentDecision' });
export type DecisionBody = z.infer<typeof DecisionBody>;
