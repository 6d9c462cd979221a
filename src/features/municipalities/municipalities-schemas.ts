import { z } from 'zod';
import { Code, IsoDate } from '../../http/common-schemas.js';

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
  electronicAddressScheme: z.string().regex(/^\d{4}$/).nullable().optional(),
  address: z.string().max(500).nullable().optional(),
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
