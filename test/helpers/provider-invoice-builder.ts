import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import type { BasisDocument } from '../../src/features/invoice-control/invoice-control-types.js';
import {
  buildProviderInvoice,
  type ProviderInvoiceOptions,
  type ProviderParty,
} from '../../src/features/invoice-control/provider-invoice.js';
import { aToken, type TestApp } from './app.js';
import { anApprovedSettlement, anInvoiceWorld, asFinance, type InvoiceWorld, type SettlementSpec } from './invoice-builders.js';

/**
 * Invoices as providers' systems build them (xmlbuilder2, Peppol BIS Billing 3.0), from the
 * payment basis carepay sent, and the mistakes they make: a wrong VAT rate, minutes invoiced that
 * were not paid, the reference left out.
 */

/** The parties of the invoice world (test/helpers/invoice-builders.ts) as the provider's system knows them. */
const PARTIES: Record<'DK' | 'SE', Record<string, ProviderParty>> = {
  DK: {
    municipality: {
      name: 'Municipality',
      endpoint: { id: '5798000000001', scheme: '0088' },
      companyId: null,
      vatId: null,
      address: { street: 'Rådhustorvet 1', city: 'Aabenraa', postalZone: '6200' },
      country: 'DK',
    },
    OMSORG: {
      name: 'Omsorg Ærø & Søby ApS',
      endpoint: { id: '5790001234560', scheme: '0088' },
      companyId: { id: 'DK31554411', scheme: '0184' },
      vatId: 'DK31554411',
      address: { street: 'Søndergade 4', city: 'Ærøskøbing', postalZone: '5970' },
      country: 'DK',
      iban: 'DK5000400440116243',
    },
    HJEM: {
      name: 'Hjemmehjælp Øst A/S',
      endpoint: { id: 'DK29189919', scheme: '0184' },
      companyId: { id: 'DK29189919', scheme: '0184' },
      vatId: 'DK29189919',
      address: { street: 'Østergade 2', city: 'Aarhus C', postalZone: '8000' },
      country: 'DK',
    },
  },
  SE: {
    municipality: {
      name: 'Municipality',
      endpoint: { id: '2120000142', scheme: '0007' },
      companyId: null,
      vatId: null,
      address: { street: 'Stadshuset', city: 'Stockholm', postalZone: '10535' },
      country: 'SE',
    },
    OMSORG: {
      name: 'Omsorg i Västerås & Sköndal AB',
      endpoint: { id: '7365560360791', scheme: '0088' },
      companyId: { id: '5560360793', scheme: '0007' },
      vatId: 'SE556036079301',
      address: { street: 'Storgatan 1', city: 'Stockholm', postalZone: '11455' },
      country: 'SE',
      iban: 'SE4550000000058398257466',
    },
    HJEM: {
      name: 'Hemtjänst Åkersberga AB',
      endpoint: { id: '5567037485', scheme: '0007' },
      companyId: { id: '5567037485', scheme: '0007' },
      vatId: 'SE556703748501',
      address: { street: 'Åkersbergavägen 3', city: 'Åkersberga', postalZone: '18430' },
      country: 'SE',
    },
  },
};

export const partyOf = (w: InvoiceWorld, who: 'municipality' | 'OMSORG' | 'HJEM'): ProviderParty => PARTIES[w.country][who]!;

export interface ControlWorld extends InvoiceWorld {
  finance: string;
  /** Provider tokens by ref. */
  providerTokens: Record<string, string>;
}

/** The invoice world with both providers in payment-basis mode, a finance token and a token per provider. */
export async function aPaymentBasisWorld(db: Knex, app: TestApp, code: string, country: 'DK' | 'SE' = 'DK'): Promise<ControlWorld> {
  const w = await anInvoiceWorld(db, app.services, code, country);
  await db('providers').where({ municipality_id: w.municipalityId }).update({ invoicing_mode: 'payment_basis' });
  const finance = await aToken(app.services, w.municipalityId, 'finance');
  const providerTokens: Record<string, string> = {};
  for (const [ref, id] of Object.entries(w.providers)) providerTokens[ref] = await aToken(app.services, w.municipalityId, 'provider', id);
  return { ...w, finance, providerTokens };
}

/** An approved settlement and its payment basis (frozen document included). */
export async function aBasis(
  db: Knex,
  app: TestApp,
  w: InvoiceWorld,
  spec: SettlementSpec,
): Promise<BasisDocument & { settlementId: number }> {
  const s = await anApprovedSettlement(db, w, spec);
  const { basis } = await app.services.invoiceControl.issueBasis(asFinance(w.municipalityId), s.id);
  const full = await app.services.invoiceControl.basis(asFinance(w.municipalityId), basis.reference);
  return { ...full.document, settlementId: s.id };
}

export interface Mistakes {
  /** The provider charges this VAT rate instead of the basis's. */
  vatPercent?: string;
  /** Minutes added to the first hourly row (an hour invoiced that was not paid). */
  extraMinutes?: number;
  /** Leave the reference out (BT-13 and BT-10 carry something else). */
  noReference?: boolean;
  /** Leave out the basis's rounding rows (a system that computes quantity × price and stops there). */
  dropRounding?: boolean;
  /** Quote this reference instead of the basis's. */
  reference?: string;
}

/** A provider's invoice (credit note for a negative basis) of `basis`, sent by `seller`, with the mistakes asked for. */
export function aProviderInvoice(
  w: InvoiceWorld,
  basis: BasisDocument,
  o: Partial<ProviderInvoiceOptions> & { from?: 'OMSORG' | 'HJEM'; mistakes?: Mistakes } = {},
): string {
  let b: BasisDocument = structuredClone(basis);
  const m = o.mistakes ?? {};
  if (m.vatPercent !== undefined) {
    b.rows = b.rows.map((r) => ({ ...r, vatPercent: m.vatPercent! }));
    b.vat = [{ percent: m.vatPercent, base: b.totals.exclVat, vat: '0', exemptionReason: null }];
  }
  if (m.extraMinutes) {
    const i = b.rows.findIndex((r) => r.unitCode === 'MIN');
    const r = b.rows[i]!;
    const minutes = new Decimal(r.quantity).plus(m.extraMinutes);
    b.rows[i] = {
      ...r,
      quantity: minutes.toFixed(),
      amount: minutes.mul(r.price).div(60).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    };
  }
  if (m.dropRounding) b.rows = b.rows.filter((r) => r.kind !== 'rounding');
  if (m.noReference) b = { ...b, reference: 'our order 4711', buyerReference: 'Kommunen' };
  if (m.reference) b = { ...b, reference: m.reference };
  const { from, mistakes: _m, ...options } = o;
  return buildProviderInvoice(b, {
    number: 'F-1001',
    issueDate: '2026-05-04',
    seller: partyOf(w, from ?? 'OMSORG'),
    buyer: partyOf(w, 'municipality'),
    ...options,
  });
}
