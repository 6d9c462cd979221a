import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import { addressColumns, composeAddress } from './postal-address.js';
import type { Provider, ProviderCreate, ProviderFilter, ProviderUpdate } from './providers-schemas.js';

const toProvider = (r: Record<string, any>): Provider => ({
  id: r.id,
  ref: r.ref,
  name: r.name,
  kind: r.kind,
  companyNumber: r.company_number,
  electronicAddress: r.electronic_address,
  electronicAddressScheme: r.electronic_address_scheme,
  vatStatus: r.vat_status,
  bankAccount: r.bank_account,
  address: r.address,
  streetName: r.street_name,
  additionalStreetName: r.additional_street_name,
  cityName: r.city_name,
  postalZone: r.postal_zone,
  email: r.email,
  invoicingMode: r.invoicing_mode,
  selfBillingAgreedOn: r.self_billing_agreed_on,
  approvedFrom: r.approved_from,
  approvedTo: r.approved_to,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const toColumns = (p: Partial<ProviderCreate & ProviderUpdate>) => {
  const cols: Record<string, unknown> = {
    ref: p.ref,
    name: p.name,
    kind: p.kind,
    company_number: p.companyNumber,
    electronic_address: p.electronicAddress,
    electronic_address_scheme: p.electronicAddressScheme,
    vat_status: p.vatStatus,
    bank_account: p.bankAccount,
    ...addressColumns(p),
    email: p.email,
    invoicing_mode: p.invoicingMode,
    self_billing_agreed_on: p.selfBillingAgreedOn,
    approved_from: p.approvedFrom,
    approved_to: p.approvedTo,
  };
  return Object.fromEntries(Object.entries(cols).filter(([, v]) => v !== undefined));
};

/** A provider token sees its own provider only; everyone else the whole municipality. */
const scoped = (db: Knex | Knex.Transaction, scope: Scope) => {
  const q = db('providers').where('municipality_id', scope.municipalityId);
  if (scope.providerId !== null) q.andWhere('id', scope.providerId);
  return q;
};

export const providersStore = {
  async list(db: Knex, scope: Scope, f: ProviderFilter, page: { limit: number; offset: number }) {
    const q = scoped(db, scope);
    if (f.kind) q.andWhere('kind', f.kind);
    if (f.ref) q.andWhere('ref', f.ref);
    if (f.approvedOn) {
      q.andWhere('approved_from', '<=', f.approvedOn).andWhere((w) => {
        w.whereNull('approved_to').orWhere('approved_to', '>', f.approvedOn!);
      });
    }
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.orderBy('id').limit(page.limit).offset(page.offset);
    return { items: rows.map(toProvider), total: Number(count) };
  },

  async get(db: Knex | Knex.Transaction, scope: Scope, id: number): Promise<Provider | undefined> {
    const row = await scoped(db, scope).andWhere('id', id).first();
    return row ? toProvider(row) : undefined;
  },

  async getByRef(db: Knex | Knex.Transaction, scope: Scope, ref: string): Promise<Provider | undefined> {
    const row = await scoped(db, scope).andWhere('ref', ref).first();
    return row ? toProvider(row) : undefined;
  },

  async insert(tx: Knex.Transaction, municipalityId: number, p: ProviderCreate): Promise<Provider> {
    const [row] = await tx('providers')
      .insert({ municipality_id: municipalityId, ...toColumns(p) })
      .returning('*');
    return toProvider(await composeAddress(tx, 'providers', row));
  },

  async update(tx: Knex.Transaction, municipalityId: number, id: number, p: ProviderUpdate): Promise<Provider | undefined> {
    const [row] = await tx('providers')
      .where({ municipality_id: municipalityId, id })
      .update({ ...toColumns(p), updated_at: tx.fn.now() })
      .returning('*');
    return row ? toProvider(await composeAddress(tx, 'providers', row)) : undefined;
  },
};
