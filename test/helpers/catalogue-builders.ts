import type { ServiceInput } from '../../src/features/catalogue/catalogue-schemas.js';
import type { PriceRateInput } from '../../src/features/prices/prices-schemas.js';

let seq = 0;
const next = () => ++seq;

export function aService(over: Partial<ServiceInput> = {}): ServiceInput {
  const n = next();
  return {
    code: `S${n}`,
    name: `Service ${n}`,
    category: 'personal_care',
    priceGroup: 'PG1',
    standardMinutes: 15,
    billingUnit: 'per_minute',
    ...over,
  };
}

/** Request body for POST /api/catalogue-versions (validTo omitted unless given). */
export function aCatalogueVersion(over: { label?: string; validFrom?: string; validTo?: string | null; services?: ServiceInput[] } = {}) {
  const n = next();
  return { label: `Catalogue ${n}`, validFrom: '2026-01-01', services: [aService(), aService()], ...over };
}

export function aRate(over: Partial<PriceRateInput> = {}): PriceRateInput {
  return { priceGroup: 'PG1', timeBand: 'day', providerKind: 'private', unit: 'per_hour', rate: '450.25', ...over };
}

/** Request body for POST /api/price-lists (status defaults to proposed on the server). */
export function aPriceList(
  over: { label?: string; status?: string; validFrom?: string; validTo?: string | null; note?: string | null; rates?: unknown[] } = {},
) {
  const n = next();
  return {
    label: `Prices ${n}`,
    validFrom: '2026-01-01',
    rates: [aRate(), aRate({ timeBand: 'evening', rate: '506.70' })],
    ...over,
  };
}
