import type { Country, Language } from '../invoices/invoice-types.js';

/**
 * The payment basis a provider in payment-basis mode is sent (frozen, like an issued invoice),
 * and what carepay keeps of a document a provider sends back. Decimals are strings, signed as the
 * settlement (a correction that pays back is negative).
 */

export type BasisUnit = 'per_hour' | 'per_visit' | 'per_day' | 'per_week' | 'per_month' | 'rounding';

/** One row of the basis: a category, time band and kind at one price. quantity × price = amount. */
export interface BasisRow {
  /** What the provider quotes as the item identifier of its invoice line, e.g. `personal_care.evening.visit`. */
  itemId: string;
  category: string;
  band: string | null;
  kind: string;
  unit: BasisUnit;
  visits: number;
  minutes: number;
  /** Minutes for hourly rows (price per 60), visits or months otherwise, 1 (or -1) for the rounding row. */
  quantity: string;
  /** UN/ECE rec. 20: MIN (minutes, price per 60 minutes), C62 (one), DAY, WEE (week, a level price's retro row), MON (month). */
  unitCode: 'MIN' | 'C62' | 'DAY' | 'WEE' | 'MON';
  /** Price per unit (per hour for MIN rows): the rate times its factor. */
  price: string;
  /** 60 for MIN rows (the price is per hour), else 1. */
  baseQuantity: number;
  amount: string;
  vatPercent: string;
  /** On an adjustment's row: the hourly rate paid during the year and the recalculated price (price = their difference). */
  paidRate?: string;
  newPrice?: string;
}

export interface BasisParty {
  name: string;
  ref: string | null;
  companyNumber: string | null;
  vatId: string | null;
  endpoint: { id: string; scheme: string } | null;
  address: string | null;
}

export interface BasisDocument {
  format: 1;
  reference: string;
  language: Language;
  country: Country;
  currency: string;
  issueDate: string;
  period: { start: string; end: string };
  /** The settlement it pays, or null for the basis of a retro price adjustment. */
  settlement: { id: number; kind: 'regular' | 'correction'; sequence: number; correctsReference: string | null } | null;
  /** The retro price adjustment it pays (the year is the period); absent on a settlement's basis. */
  adjustment?: { id: number; recalculationId: number; year: number };
  /** The municipality's own reference (BT-10) when it has one. */
  buyerReference: string | null;
  buyer: BasisParty;
  seller: BasisParty;
  rows: BasisRow[];
  vat: { percent: string; base: string; vat: string; exemptionReason: string | null }[];
  totals: { exclVat: string; vat: string; inclVat: string };
}

export type Verdict = 'matched' | 'disputed' | 'rejected';
/** The verdict after finance's decision, if any. */
export type Outcome = Verdict | 'accepted';

export const REASON_CODES = [
  'empty',
  'too_large',
  'not_xml',
  'unsafe_xml',
  'not_ubl',
  'not_peppol_billing',
  'rules_failed',
  'buyer_unknown',
  'buyer_other_municipality',
  'seller_unknown',
  'duplicate',
  'no_reference',
  'reference_other_seller',
  'already_invoiced',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];
/** Why a document was refused; `detail` is data (a rule id, a number), never a sentence. */
export interface Reason {
  code: ReasonCode;
  detail?: string;
}

export const DIFFERENCE_CODES = [
  'document_type',
  'period',
  'currency',
  'tax_exclusive',
  'vat_total',
  'vat_base',
  'vat_rate',
  'tax_inclusive',
  'payable',
  'line_amount',
  'line_quantity',
  'line_price',
  'line_missing',
  'line_extra',
] as const;
export type DifferenceCode = (typeof DIFFERENCE_CODES)[number];
/** One difference between the basis and the received document: expected − received, signed as the basis. */
export interface Difference {
  code: DifferenceCode;
  /** What it is about: a VAT rate, a basis row's item id or an invoice line's id. */
  subject: string | null;
  expected: string | null;
  received: string | null;
  difference: string | null;
}

/** What a document says, read at the edge (received-invoice.ts); amounts as written (positive on a credit note). */
export interface ReceivedInvoice {
  documentType: 'invoice' | 'credit_note';
  typeCode: string;
  customizationId: string | null;
  number: string | null;
  issueDate: string | null;
  currency: string | null;
  buyerReference: string | null;
  orderReference: string | null;
  period: { start: string | null; end: string | null } | null;
  seller: { name: string | null; endpoint: { id: string; scheme: string } | null; companyId: string | null; vatId: string | null };
  buyer: { endpoint: { id: string; scheme: string } | null; companyId: string | null };
  totals: {
    lineExtension: string | null;
    allowances: string | null;
    charges: string | null;
    taxExclusive: string | null;
    taxInclusive: string | null;
    prepaid: string | null;
    rounding: string | null;
    payable: string | null;
    vat: string | null;
  };
  vat: { category: string | null; percent: string | null; taxable: string | null; amount: string | null }[];
  lines: ReceivedLine[];
}

export interface ReceivedLine {
  id: string | null;
  itemIds: string[];
  quantity: string | null;
  unitCode: string | null;
  price: string | null;
  baseQuantity: string | null;
  amount: string | null;
  vatPercent: string | null;
}
