import type { ProviderCreate } from '../../src/features/providers/providers-schemas.js';

let seq = 0;
const next = () => ++seq;

export function aProvider(over: Partial<ProviderCreate> = {}): ProviderCreate {
  const n = next();
  return {
    ref: `P${n}`,
    name: `Provider ${n}`,
    kind: 'private',
    vatStatus: 'registered',
    approvedFrom: '2026-01-01',
    companyNumber: '12345678',
    electronicAddress: '5790000000001',
    electronicAddressScheme: '0088',
    ...over,
  };
}
