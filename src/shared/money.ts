import { Decimal } from 'decimal.js';

/**
 * Money is Decimal, never a JS number. The one rounding rule of carepay (DOMAIN.md §5):
 * amounts are rounded half-up (away from zero on .5) to 2 decimals at line level; totals are
 * sums of rounded lines; VAT is computed on the total per rate and rounded the same way.
 * Rates keep up to 4 decimals (NUMERIC(14,4)).
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = Decimal;

export const roundMoney = (d: Decimal.Value): Decimal => new Decimal(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/**
 * The exact value of (product of `factors`) ÷ `divisor`, the one division last. Minutes ÷ 60 and
 * days ÷ days of the month are repeating decimals: divided first, they are cut to the working
 * precision, and an amount that is exactly x.xx5 (136/60 × 687.50 × 0.333 = 518.925) comes out a
 * hair below the half and rounds down. The products of decimals are exact, and a quotient that
 * is a tie is a finite decimal, so divided last the one rounding sees the tie.
 */
export const exactQuotient = (factors: readonly Decimal.Value[], divisor: Decimal.Value = 1): Decimal =>
  factors.reduce<Decimal>((product, f) => product.mul(f), new Money(1)).div(divisor);

/** roundMoney(product of `factors` ÷ `divisor`): computed exactly first (exactQuotient), rounded once. */
export const roundedQuotient = (factors: readonly Decimal.Value[], divisor: Decimal.Value = 1): Decimal =>
  roundMoney(exactQuotient(factors, divisor));

/** A decimal string as stored in NUMERIC and sent in JSON, e.g. "412.50". */
export const DECIMAL_PATTERN = /^-?\d{1,12}(\.\d{1,4})?$/;

export const toDecimal = (s: string | number | Decimal): Decimal => new Decimal(s);

/** Canonical string of a rate (4 decimals trimmed to at least 2), so "450" and "450.00" compare equal. */
export const formatRate = (d: Decimal.Value): string => {
  const s = new Decimal(d).toFixed(4);
  return s.replace(/(\.\d\d\d*?)0+$/, '$1');
};

export const formatMoney = (d: Decimal.Value): string => roundMoney(d).toFixed(2);
