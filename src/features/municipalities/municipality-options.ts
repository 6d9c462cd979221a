import { badRequest } from '../../shared/errors.js';
import { MunicipalityCreate } from './municipalities-schemas.js';

/** The options of `municipality create` (and the municipality of a scenario file loaded with `carepay load`). */
export interface MunicipalityCreateOptions {
  code: string;
  name: string;
  country: 'DK' | 'SE';
  language?: 'da' | 'sv' | 'en';
  companyNumber?: string;
  electronicAddress?: string;
  electronicAddressScheme?: string;
  street?: string;
  additionalStreet?: string;
  postalZone?: string;
  city?: string;
  invoicingMode?: 'self_billing' | 'payment_basis';
  buyerReference?: string;
}

/** Every setting invoicing needs, from the command line's names to the service's; absent ones stay unset. */
export function municipalityCreateInput(o: MunicipalityCreateOptions): MunicipalityCreate {
  const input = {
    code: o.code,
    name: o.name,
    country: o.country,
    ...(o.language ? { language: o.language } : {}),
    ...(o.companyNumber ? { companyNumber: o.companyNumber } : {}),
    ...(o.electronicAddress ? { electronicAddress: o.electronicAddress } : {}),
    // A GLN is the usual address of a Danish or Swedish public buyer.
    ...(o.electronicAddressScheme
      ? { electronicAddressScheme: o.electronicAddressScheme }
      : o.electronicAddress
        ? { electronicAddressScheme: '0088' }
        : {}),
    ...(o.street ? { streetName: o.street } : {}),
    ...(o.additionalStreet ? { additionalStreetName: o.additionalStreet } : {}),
    ...(o.postalZone ? { postalZone: o.postalZone } : {}),
    ...(o.city ? { cityName: o.city } : {}),
    ...(o.invoicingMode ? { invoicingMode: o.invoicingMode } : {}),
    ...(o.buyerReference ? { buyerReference: o.buyerReference } : {}),
  };
  const r = MunicipalityCreate.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map(
    (i) =>
      `${OPTION[String(i.path[0])] ?? String(i.path[0])}: ${i.code === 'invalid_format' || i.code === 'custom' ? i.message : 'is not valid'}`,
  );
  throw badRequest(`The municipality was refused: ${problems.join('; ')}`, { issues: problems });
}

const OPTION: Record<string, string> = {
  code: '--code',
  name: '--name',
  companyNumber: '--company-number',
  electronicAddress: '--electronic-address',
  electronicAddressScheme: '--electronic-address-scheme',
  streetName: '--street',
  additionalStreetName: '--additional-street',
  postalZone: '--postal-zone',
  cityName: '--city',
  buyerReference: '--buyer-reference',
};
