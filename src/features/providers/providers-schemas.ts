import { z } from 'zod';
import { IsoDate, ProviderKind, Ref, validityRefinement } from '../../http/common-schemas.js';

const CompanyNumber = z
  .string()
  .regex(/^(\d{8}|\d{6}-?\d{4})$/, 'a Danish CVR number (8 digits) or a Swedish organisationsnummer (NNNNNN-NNNN)');
const ElectronicAddress = z.string().min(1).max(100);
/** Peppol EAS code, e.g. 0184 (DK CVR), 0088 (GLN/EAN), 0007 (SE organisationsnummer). */
const EasScheme = z.string().regex(/^\d{4}$/, 'a four-digit Peppol EAS code such as 0184, 0088 or 0007');

export const Provider = z
  .object({
    id: z.number().int(),
    ref: Ref,
    name: z.string(),
    kind: ProviderKind,
    companyNumber: z.string().nullable(),
    electronicAddress: z.string().nullable(),
    electronicAddressScheme: z.string().nullable(),
    vatStatus: z.enum(['registered', 'exempt', 'not_registered']),
    bankAccount: z.string().nullable(),
    address: z.string().nullable(),
    email: z.string().nullable(),
    approvedFrom: IsoDate,
    approvedTo: IsoDate.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Provider' });
export type Provider = z.infer<typeof Provider>;

const editable = {
  name: z.string().min(1).max(200),
  companyNumber: CompanyNumber.nullable().optional(),
  electronicAddress: ElectronicAddress.nullable().optional(),
  electronicAddressScheme: EasScheme.nullable().optional(),
  vatStatus: z.enum(['registered', 'exempt', 'not_registered']),
  bankAccount: z.string().max(64).nullable().optional(),
  address: z.string().max(500).nullable().optional(),
  email: z.email().nullable().optional(),
  approvedTo: IsoDate.nullable().optional(),
};

export const ProviderCreate = z
  .strictObject({ ref: Ref, kind: ProviderKind, approvedFrom: IsoDate, ...editable })
  .refine((v) => validityRefinement({ validFrom: v.approvedFrom, validTo: v.approvedTo }), {
    message: 'approvedTo must be after approvedFrom',
    path: ['approvedTo'],
  })
  .meta({ id: 'ProviderCreate' });
export type ProviderCreate = z.infer<typeof ProviderCreate>;

export const ProviderUpdate = z
  .strictObject({ ...editable, name: editable.name.optional(), vatStatus: editable.vatStatus.optional() })
  .meta({ id: 'ProviderUpdate' });
export type ProviderUpdate = z.infer<typeof ProviderUpdate>;

export const ProviderFilter = z.object({
  kind: ProviderKind.optional(),
  ref: Ref.optional(),
  /** Providers approved on this date. */
  approvedOn: IsoDate.optional(),
});
export type ProviderFilter = z.infer<typeof ProviderFilter>;
