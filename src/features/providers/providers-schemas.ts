import { z } from 'zod';
import { IsoDate, ProviderKind, Ref, validityRefinement } from '../../http/common-schemas.js';

const CompanyNumber = z
  .string()
  .regex(/^(\d{8}|\d{6}-?\d{4})$/, 'a Danish CVR number (8 digits) or a Swedish organisationsnummer (NNNNNN-NNNN)');
const ElectronicAddress = z.string().min(1).max(100);
/** Peppol EAS code, e.g. 0184 (DK CVR), 0088 (GLN/EAN), 0007 (SE organisationsnummer). */
const EasScheme = z.string().regex(/^\d{4}$/, 'a four-digit Peppol EAS code such as 0184, 0088 or 0007');

const InvoicingMode = z.enum(['self_billing', 'payment_basis']).meta({
  description:
    "self_billing: the municipality issues the provider's invoice (with its agreement); payment_basis: the provider invoices itself from the payment basis",
});

/** A postal address in parts, as the e-invoice needs it; `address` is the same on one line. */
export const addressFields = {
  streetName: z.string().min(1).max(200).nullable().optional(),
  additionalStreetName: z.string().min(1).max(200).nullable().optional(),
  cityName: z.string().min(1).max(100).nullable().optional(),
  postalZone: z
    .string()
    .regex(/^(\d{4}|\d{3} ?\d{2})$/, 'a Danish postcode (4 digits) or a Swedish one (NNN NN)')
    .nullable()
    .optional(),
};
export const addressOutput = {
  streetName: z.string().nullable(),
  additionalStreetName: z.string().nullable(),
  cityName: z.string().nullable(),
  postalZone: z.string().nullable(),
};

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
    ...addressOutput,
    email: z.string().nullable(),
    invoicingMode: InvoicingMode.nullable().meta({ description: "null: the municipality's invoicing mode" }),
    selfBillingAgreedOn: IsoDate.nullable().meta({
      description: 'the date the provider signed its self-billing agreement; nothing is self-billed without it',
    }),
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
  /** One line, "street, postcode city": split into the parts when they are not given. */
  address: z.string().max(500).nullable().optional(),
  ...addressFields,
  email: z.email().nullable().optional(),
  invoicingMode: InvoicingMode.nullable().optional(),
  selfBillingAgreedOn: IsoDate.nullable().optional(),
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
