import { z } from 'zod';
import { IsoDate } from '../../http/common-schemas.js';

const Money = z.string().meta({ example: '1234.50' });
const Decimalish = z.string().meta({ example: '0.5' });
export const InvoiceNumber = z
  .string()
  .regex(/^I?\d{4}-\d{6}$/, 'an invoice number YYYY-NNNNNN, e.g. 2026-000123 (an internal statement: I2026-000123)')
  .meta({ example: '2026-000123' });
export const InvoiceKindSchema = z.enum(['invoice', 'supplementary_invoice', 'credit_note', 'internal_statement', 'internal_correction']);
const Profile = z.enum(['self_billing', 'billing', 'internal']).meta({
  description:
    'self_billing: Peppol self-billing (389/261); billing: ordinary Peppol invoice (380/381); internal: statement to the in-house provider, PDF only',
});

export const Invoice = z
  .object({
    id: z.number().int(),
    number: InvoiceNumber,
    kind: InvoiceKindSchema,
    profile: Profile,
    /** UNCL1001: 389 self-billed invoice, 261 self-billed credit note, 380/381 ordinary ones; null for an internal statement (no e-invoice). */
    typeCode: z.enum(['380', '381', '389', '261']).nullable(),
    settlementId: z.number().int().nullable().meta({ description: 'null for the document of a retro price adjustment' }),
    priceAdjustmentId: z.number().int().nullable().meta({ description: 'set for the document of a retro price adjustment' }),
    providerId: z.number().int(),
    providerRef: z.string(),
    providerName: z.string(),
    period: z.string().meta({ example: '2026-04', description: 'the month of a settlement, the year of a price adjustment' }),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    correctsNumber: InvoiceNumber.nullable(),
    issueDate: IsoDate,
    dueDate: IsoDate,
    currency: z.enum(['DKK', 'SEK']),
    /** Signed as the settlement: negative on a credit note. */
    totalExclVat: Money,
    vat: Money,
    totalInclVat: Money,
    lineCount: z.number().int(),
    issuedAt: z.string(),
    issuedBy: z.string(),
    links: z.object({
      pdf: z.string(),
      xml: z.string().nullable().meta({ description: 'null for an internal statement, which has no e-invoice' }),
    }),
  })
  .meta({ id: 'Invoice' });
export type Invoice = z.infer<typeof Invoice>;

const Party = z
  .object({
    name: z.string(),
    companyNumber: z.string().nullable(),
    vatId: z.string().nullable(),
    endpoint: z.object({ id: z.string(), scheme: z.string() }),
    address: z.string().nullable(),
    postal: z
      .object({
        streetName: z.string().nullable(),
        additionalStreetName: z.string().nullable(),
        cityName: z.string().nullable(),
        postalZone: z.string().nullable(),
      })
      .nullable()
      .optional(),
    country: z.enum(['DK', 'SE']),
    email: z.string().nullable(),
    bankAccount: z.string().nullable(),
    ref: z.string().nullable(),
  })
  .meta({ id: 'InvoiceParty' });

const VatCategory = z.enum(['S', 'E', 'O']).meta({ description: 'UNCL5305: S standard rate, E exempt, O not subject to VAT' });

export const InvoiceDocumentSchema = z
  .object({
    format: z.literal(1),
    kind: InvoiceKindSchema,
    profile: Profile.optional(),
    selfBillingAgreedOn: IsoDate.nullable().optional(),
    number: InvoiceNumber,
    issueDate: IsoDate,
    dueDate: IsoDate,
    paymentTermsDays: z.number().int(),
    currency: z.enum(['DKK', 'SEK']),
    language: z.enum(['da', 'sv', 'en']),
    period: z.object({ start: IsoDate, end: IsoDate }),
    settlement: z.object({ id: z.number().int(), kind: z.enum(['regular', 'correction']), sequence: z.number().int() }).nullable(),
    adjustment: z.object({ id: z.number().int(), recalculationId: z.number().int(), year: z.number().int() }).nullable().optional(),
    corrects: z.object({ number: InvoiceNumber, issueDate: IsoDate }).nullable(),
    buyerReference: z.string(),
    seller: Party,
    buyer: Party,
    lines: z.array(
      z.object({
        lineNo: z.number().int(),
        citizenRef: z.string(),
        serviceCode: z.string(),
        category: z.string(),
        kind: z.string(),
        band: z.string().nullable(),
        unit: z.enum(['per_hour', 'per_visit', 'per_day', 'per_week', 'per_month']),
        visits: z.number().int(),
        minutes: z.number().int(),
        quantity: Decimalish,
        rate: Decimalish,
        factor: Decimalish,
        amount: Money,
        vatPercent: Decimalish,
        vatCategory: VatCategory,
      }),
    ),
    vat: z.array(z.object({ category: VatCategory, percent: Decimalish, exemptionReason: z.string().nullable(), base: Money, vat: Money })),
    totals: z.object({ exclVat: Money, vat: Money, inclVat: Money }),
  })
  .meta({ id: 'InvoiceDocument', description: 'The frozen snapshot the PDF and UBL are rendered from' });

export const InvoiceDetail = Invoice.extend({ document: InvoiceDocumentSchema }).meta({ id: 'InvoiceDetail' });
export type InvoiceDetail = z.infer<typeof InvoiceDetail>;

export const InvoiceFilter = z.object({
  providerId: z.coerce.number().int().positive().optional(),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
    .optional(),
  kind: InvoiceKindSchema.optional(),
  year: z.coerce.number().int().min(2000).max(2999).optional(),
});
export type InvoiceFilter = z.infer<typeof InvoiceFilter>;

export const NumberParam = z.object({ number: InvoiceNumber });

export const InvoiceSettings = z.object({ paymentTermsDays: z.number().int() }).meta({ id: 'InvoiceSettings' });
export const InvoiceSettingsUpdate = z
  .strictObject({ paymentTermsDays: z.number().int().min(0).max(365) })
  .meta({ id: 'InvoiceSettingsUpdate' });
export type InvoiceSettingsUpdate = z.infer<typeof InvoiceSettingsUpdate>;
