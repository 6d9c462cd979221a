import { InvalidArgumentError } from 'commander';
import { mapDbError } from '../db/pg-errors.js';

/** Argument parsers and wrappers shared by the `carepay` commands. */

export const month = (v: string): string => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new InvalidArgumentError('a month YYYY-MM');
  return v;
};

export const isoDate = (v: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError('a date YYYY-MM-DD');
  return v;
};

/** A positive whole number naming a row, e.g. `positiveId('a settlement id')`. */
export const positiveId =
  (what: string) =>
  (v: string): number => {
    if (!/^[1-9]\d{0,9}$/.test(v)) throw new InvalidArgumentError(`${what} (a positive whole number)`);
    return Number(v);
  };

/** For a repeatable option: collects every value. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** PostgreSQL errors become the same readable errors the API gives. */
export const mapped =
  <A extends unknown[]>(fn: (...a: A) => Promise<void>) =>
  async (...a: A): Promise<void> => {
    try {
      await fn(...a);
    } catch (e) {
      throw mapDbError(e);
    }
  };
