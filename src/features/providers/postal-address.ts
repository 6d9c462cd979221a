import type { Knex } from 'knex';

/**
 * Postal addresses in parts (street, additional street, postcode, city), as the e-invoice needs
 * them, and on one line ("street, additional, postcode city") as people write them. The parts are
 * what is kept; the one line follows them. Given only the one line (older clients, imports), the
 * parts are read from it when it has the form "street[, more], postcode city".
 */
export interface PostalAddress {
  streetName: string | null;
  additionalStreetName: string | null;
  cityName: string | null;
  postalZone: string | null;
}

export function formatAddress(p: PostalAddress | null | undefined): string | null {
  if (!p) return null;
  const place = [p.postalZone, p.cityName].filter(Boolean).join(' ');
  const parts = [p.streetName, p.additionalStreetName, place].filter((x): x is string => !!x);
  return parts.length ? parts.join(', ') : null;
}

/** The parts of "street[, more], postcode city" (a Danish 4-digit or Swedish "NNN NN" postcode); null for any other form. */
export function parseAddress(text: string | null | undefined): PostalAddress | null {
  const parts = (text ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (parts.length < 2) return null;
  const place = parts[parts.length - 1]!.match(/^(\d{4}|\d{3} ?\d{2})\s+(\S.*)$/);
  if (!place) return null;
  return { streetName: parts[0]!, additionalStreetName: parts.slice(1, -1).join(', ') || null, cityName: place[2]!, postalZone: place[1]! };
}

type AddressInput = Partial<PostalAddress> & { address?: string | null };

/** The columns to write for an address given in parts, or else on one line. */
export function addressColumns(p: AddressInput): Record<string, string | null | undefined> {
  const partsGiven = [p.streetName, p.additionalStreetName, p.cityName, p.postalZone].some((v) => v !== undefined);
  if (!partsGiven) {
    if (p.address === undefined) return {};
    const parsed = parseAddress(p.address);
    return {
      address: p.address,
      street_name: parsed?.streetName ?? null,
      additional_street_name: parsed?.additionalStreetName ?? null,
      city_name: parsed?.cityName ?? null,
      postal_zone: parsed?.postalZone ?? null,
    };
  }
  return { street_name: p.streetName, additional_street_name: p.additionalStreetName, city_name: p.cityName, postal_zone: p.postalZone };
}

export const addressOfRow = (r: Record<string, any>): PostalAddress => ({
  streetName: r.street_name ?? null,
  additionalStreetName: r.additional_street_name ?? null,
  cityName: r.city_name ?? null,
  postalZone: r.postal_zone ?? null,
});

/** Keeps the one-line address in step with the parts of a written row; returns the row as stored. */
export async function composeAddress<R extends Record<string, any>>(
  tx: Knex.Transaction,
  table: 'providers' | 'municipalities',
  row: R,
): Promise<R> {
  const text = formatAddress(addressOfRow(row));
  if (text === null || text === row.address) return row;
  await tx(table).where({ id: row.id }).update({ address: text });
  return { ...row, address: text };
}
