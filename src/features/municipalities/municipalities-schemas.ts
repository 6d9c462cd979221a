import { z } from 'zod';
import { Code, IsoDate } from '../../http/common-schemas.js';
import { addressFields, addressOutput } from '../providers/providers-schemas.js';

export const NOTICE_RULES = ['immediate', 'next_month_start', 'rest_of_month_plus_one_month', 'days'] as const;

export const Municipality = z
  .object({
    id: z.number().int(),
    code: Code,
    name: z.string(),
    country: z.enum(['DK', 'SE']),
    currency: z.enum(['DKK', 'SEK']),
    timeZone: z.enum(['Europe/Copenhagen', 'Europe/Stockholm']),
    language: z.enum(['da', 'sv', 'en']),
    companyNumber: z.string().nullable(),
    electronicAddress: z.string().nullable(),
    electronicAddressScheme: z.string().nullable(),
    address: z.string().nullable(),
    ...addressOutput,
    invoicingMode: z
      .enum(['self_billing', 'payment_basis'])
      .meta({ description: "how providers are paid unless a provider's own mode says otherwise" }),
    invoiceInHouseProvider: z
      .boolean()
      .meta({ description: 'false: the in-house provider gets an internal settlement statement, not an invoice' }),
    buyerReference: z.string().nullable().meta({ description: "the municipality's own reference on every invoice (BT-10)" }),
    receivedInvoiceTolerance: z
      .string()
      .meta({ example: '0.00', description: 'the most a received invoice may differ from its payment basis, per amount compared' }),
    choiceNoticeRule: z.enum(NOTICE_RULES),
    choiceNoticeDays: z.number().int(),
    extraHolidays: z.array(z.object({ date: IsoDate, name: z.string() })),
  })
  .meta({ id: 'Municipality' });
export type Municipality = z.infer<typeof Municipality>;

const editable = {
  name: z.string().min(1).max(200),
  language: z.enum(['da', 'sv', 'en']),
  companyNumber: z.string().max(20).nullable().optional(),
  electronicAddress: z.string().max(100).nullable().optional(),
  electronicAddressScheme: z
    .string()
    .regex(/^\d{4}$/)
    .nullable()
    .optional(),
  address: z.string().max(500).nullable().optional(),
  ...addressFields,
  invoicingMode: z.enum(['self_billing', 'payment_basis']).optional(),
  invoiceInHouseProvider: z.boolean().optional(),
  buyerReference: z.string().min(1).max(200).nullable().optional(),
  receivedInvoiceTolerance: z
    .string()
    .regex(/^\d{1,10}(\.\d{1,2})?$/, 'an amount ≥ 0 with at most 2 decimals, e.g. "1.00"')
    .optional(),
  choiceNoticeRule: z.enum(NOTICE_RULES).optional(),
  choiceNoticeDays: z.number().int().min(0).max(365).optional(),
};

export const MunicipalityCreate = z
  .strictObject({
    code: Code,
    country: z.enum(['DK', 'SE']),
    ...editable,
    /** Defaults follow the country: DKK / Europe/Copenhagen / da for DK, SEK / Europe/Stockholm / sv for SE. */
    language: editable.language.optional(),
  })
  .meta({ id: 'MunicipalityCreate' });
export type MunicipalityCreate = z.infer<typeof MunicipalityCreate>;

export const MunicipalityUpdate = z
  .strictObject({ ...editable, name: editable.name.optional(), language: editable.language.optional() })
  .meta({ id: 'MunicipalityUpdate' });
export type MunicipalityUpdate = z.infer<typeof MunicipalityUpdate>;

export const HolidayInput = z.strictObject({ date: IsoDate, name: z.string().min(1).max(100) }).meta({ id: 'HolidayInput' });
