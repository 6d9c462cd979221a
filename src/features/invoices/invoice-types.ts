import type { PostalAddress } from '../providers/postal-address.js';

export type { PostalAddress };

/**
 * The frozen document of an issued invoice or credit note: everything the PDF and the UBL are
 * rendered from, stored as JSON with the invoice. Decimals are strings (as in the API), so the
 * snapshot reads back exactly as it was written.
 */

export type InvoiceKind = 'invoice' | 'supplementary_invoice' | 'credit_note' | 'internal_statement' | 'internal_correction';
/** An internal settlement statement (the in-house provider) or its correction: no VAT, no Peppol document. */
export const isInternal = (kind: InvoiceKind) => kind === 'internal_statement' || kind === 'internal_correction';

/**
 * How the document reaches the provider: `self_billing` is a Peppol self-billing document issued
 * by the municipality on the provider's behalf (389 / 261); `billing` an ordinary Peppol invoice
 * (380 / 381: documents issued before self-billing was recorded, and an in-house provider the
 * municipality chooses to invoice); `internal` an internal statement (PDF only).
 */
export type DocumentProfile = 'self_billing' | 'billing' | 'internal';

/** A retro price adjustment the document settles (docs/price-recalculation.md). */
export interface AdjustmentSource {
  id: number;
  recalculationId: number;
  year: number;
}
export type Language = 'da' | 'sv' | 'en';
export type Country = 'DK' | 'SE';
/** UNCL5305 VAT category codes used here: S standard rate, E exempt, O outside the scope of VAT. */
export type VatCategory = 'S' | 'E' | 'O';

export interface Party {
  name: string;
  /** CVR (DK) or organisationsnummer (SE). */
  companyNumber: string | null;
  /** VAT identifier with country prefix (DK12345678, SE556677889901), when registered for VAT. */
  vatId: string | null;
  /** Peppol participant id and its EAS scheme (0088 GLN, 0184 DK CVR, 0007 SE orgnr). */
  endpoint: { id: string; scheme: string };
  /** The address on one line, as printed. */
  address: string | null;
  /** The address in parts, as the e-invoice needs it (absent on documents issued before 2026-12). */
  postal?: PostalAddress | null;
  country: Country;
  email: string | null;
  bankAccount: string | null;
  /** The provider's reference in carepay (seller only). */
  ref: string | null;
}

export interface InvoiceLine {
  lineNo: number;
  citizenRef: string;
  serviceCode: string;
  category: string;
  kind: string;
  band: string | null;
  unit: 'per_hour' | 'per_visit' | 'per_day' | 'per_week' | 'per_month';
  visits: number;
  minutes: number;
  quantity: string;
  rate: string;
  factor: string;
  /** Signed as in the settlement. */
  amount: string;
  vatPercent: string;
  vatCategory: VatCategory;
}

export interface VatBreakdown {
  category: VatCategory;
  percent: string;
  exemptionReason: string | null;
  base: string;
  vat: string;
}

export interface InvoiceDocument {
  format: 1;
  kind: InvoiceKind;
  /** Absent on documents issued before the profile was recorded: those are `billing`. */
  profile?: DocumentProfile;
  /** The date of the provider's self-billing agreement (self-billing documents). */
  selfBillingAgreedOn?: string | null;
  number: string;
  issueDate: string;
  dueDate: string;
  paymentTermsDays: number;
  currency: 'DKK' | 'SEK';
  language: Language;
  /** [start, end) as the settlement's period; the UBL period ends the day before `end`. */
  period: { start: string; end: string };
  /** The settlement the document was issued from; null for a retro price adjustment. */
  settlement: { id: number; kind: 'regular' | 'correction'; sequence: number } | null;
  /** The retro price adjustment the document was issued from (absent on documents issued before adjustments existed). */
  adjustment?: AdjustmentSource | null;
  /** The invoice a credit note or supplementary invoice refers to. */
  corrects: { number: string; issueDate: string } | null;
  buyerReference: string;
  /** The provider: it supplies the care and is paid. */
  seller: Party;
  /** The municipality: it buys the care and issues the document on the provider's behalf (self-billing). */
  buyer: Party;
  lines: InvoiceLine[];
  vat: VatBreakdown[];
  /** Signed as the settlement (negative on a credit note). */
  totals: { exclVat: string; vat: string; inclVat: string };
}
