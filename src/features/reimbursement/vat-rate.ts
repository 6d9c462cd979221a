import { Decimal } from 'decimal.js';
import type { ReimbursementModel } from './model-schema.js';
import type { Category, VatStatus } from './engine-types.js';

export interface VatRate {
  percent: Decimal;
  /** Why no VAT is charged (an exempt or unregistered provider, or an exempt category); null when VAT is charged. */
  exemptionReason: string | null;
}

/** The engine's reasons (stored in English with the settlement; pages show them in their language). */
export const NOT_CHARGED: Record<Exclude<VatStatus, 'registered'>, VatRate> = {
  exempt: { percent: new Decimal(0), exemptionReason: 'The provider is exempt from VAT' },
  not_registered: { percent: new Decimal(0), exemptionReason: 'The provider is not registered for VAT' },
};

/**
 * The VAT rate of a line of the given category: the model's rate for the category (or its
 * default) for a VAT-registered provider, none for an exempt or unregistered one. The engine's
 * totals and the stored settlement document both take it from here.
 */
export function vatRateOf(model: ReimbursementModel, provider: { vatStatus: VatStatus }, category: string): VatRate {
  if (provider.vatStatus !== 'registered') return NOT_CHARGED[provider.vatStatus];
  const r = model.vat.categories?.[category as Category] ?? model.vat.default;
  const percent = new Decimal(r.percent);
  // A reason means something only where no VAT is charged; one group per charged rate.
  return { percent, exemptionReason: percent.isZero() ? (r.exemptionReason ?? null) : null };
}
