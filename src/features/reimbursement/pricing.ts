import type { Decimal } from 'decimal.js';
import { exactQuotient, Money, roundMoney } from '../../shared/money.js';
import type { RateUnit } from './engine-types.js';

/**
 * A factor with a short key, so lines can be grouped without printing decimals. `value` is what a
 * line shows; amounts use numerator ÷ denominator, exactly (a proration n/d repeats).
 */
export interface Factor {
  key: string;
  value: Decimal;
  numerator: Decimal;
  denominator: number;
}

/**
 * The one pricing formula: amount = round₂(quantity × rate × factor), half-up at line level
 * (src/shared/money.ts), where quantity is minutes / 60 for hourly rates, the number of visits
 * for per-visit rates and months for per-month rates, and
 * factor = percent/100 × (1 + area percent/100) × (1 + provider-kind percent/100) [× days/month].
 * Values are cached: a month has few distinct (rate, factor, minutes) combinations.
 */
export class Pricing {
  private readonly factors = new Map<string, Factor>();
  private readonly amounts = new Map<string, Decimal>();
  private readonly rateIds = new WeakMap<Decimal, number>();

  factor(percent: string | null, areaPercent: string | null, kindPercent: string | null): Factor {
    const key = `${percent}|${areaPercent}|${kindPercent}`;
    let f = this.factors.get(key);
    if (!f) {
      let value = new Money(percent ?? 100).div(100);
      if (areaPercent !== null) value = value.mul(new Money(areaPercent).div(100).plus(1));
      if (kindPercent !== null) value = value.mul(new Money(kindPercent).div(100).plus(1));
      f = { key, value, numerator: value, denominator: 1 };
      this.factors.set(key, f);
    }
    return f;
  }

  /** A factor scaled by n/d (proration), with its own key. */
  scaled(f: Factor, n: number, d: number): Factor {
    const key = `${f.key}*${n}/${d}`;
    let s = this.factors.get(key);
    if (!s) {
      const numerator = f.numerator.mul(n);
      const denominator = f.denominator * d;
      this.factors.set(key, (s = { key, value: numerator.div(denominator), numerator, denominator }));
    }
    return s;
  }

  /** The same factor under another key, so its items form lines of their own (e.g. planned care derived from the grant). */
  tagged(f: Factor, tag: string): Factor {
    const key = `${f.key}#${tag}`;
    let t = this.factors.get(key);
    if (!t) this.factors.set(key, (t = { ...f, key }));
    return t;
  }

  /** A small number per distinct rate value (rates are shared objects, so this is usually one lookup). */
  rateId(rate: Decimal): number {
    let id = this.rateIds.get(rate);
    if (id === undefined) {
      const text = rate.toString();
      id = this.rateValueIds.get(text);
      if (id === undefined) this.rateValueIds.set(text, (id = this.rateValueIds.size + 1));
      this.rateIds.set(rate, id);
    }
    return id;
  }
  private readonly rateValueIds = new Map<string, number>();

  /** Exact (unrounded) quantity × rate × factor: minutes × rate × factor ÷ 60 for hourly rates, divided last. */
  exact(unit: RateUnit, minutesOrCount: number | Decimal, rate: Decimal, factor: Factor): Decimal {
    return exactQuotient([minutesOrCount, rate, factor.numerator], (unit === 'per_hour' ? 60 : 1) * factor.denominator);
  }

  /** Rounded amount, cached by its inputs. */
  amount(unit: RateUnit, minutesOrCount: number, rate: Decimal, factor: Factor): Decimal {
    const key = `${unit}|${minutesOrCount}|${this.rateId(rate)}|${factor.key}`;
    let a = this.amounts.get(key);
    if (!a) {
      a = roundMoney(this.exact(unit, minutesOrCount, rate, factor));
      if (this.amounts.size < 200_000) this.amounts.set(key, a);
    }
    return a;
  }
}
