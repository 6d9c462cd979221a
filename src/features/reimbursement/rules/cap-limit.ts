import { Decimal } from 'decimal.js';

const cache = new Map<string, number>();

/** ⌊minutes × percent / 100⌋ in exact decimals (the cap never pays a fraction of a minute). */
export function capLimit(minutes: number, percent: string): number {
  const key = `${minutes}|${percent}`;
  let v = cache.get(key);
  if (v === undefined) {
    v = new Decimal(minutes).mul(percent).div(100).floor().toNumber();
    if (cache.size < 50_000) cache.set(key, v);
  }
  return v;
}
