import { describe, expect, it } from 'vitest';
import { parseAmount, parseBudgetCsv } from './budget-import.js';

describe('parseAmount', () => {
  it.each<[string, string | null]>([
    ['12500000', '12500000'],
    ['12500000.5', '12500000.5'],
    ['12500000,50', '12500000.50'],
    ['12.500.000,50', '12500000.50'],
    ['12,500,000.50', '12500000.50'],
    ['12 500 000', '12500000'],
    ['12.500.000', '12500000'],
    ['1,5', '1.5'],
    ['0', '0'],
    ['-5', null],
    ['1.005', '1005'], // a point before three digits is a thousands separator, as in Danish 1.005
    ['1.0055', null],
    ['1,005', '1005'],
    ['abc', null],
    ['', null],
  ])('%s → %s', (text, expected) => {
    expect(parseAmount(text)).toBe(expected);
  });
});

describe('parseBudgetCsv', () => {
  it('reads tab-separated files with Swedish headers and "alla" for all', () => {
    const r = parseBudgetCsv('år\tområde\tkategori\tbelopp\n2026\talla\tomvårdnad\t1 000 000\n2026\tnorth\t\t250000,00\n');
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      { year: 2026, area: null, category: 'personal_care', amount: '1000000' },
      { year: 2026, area: 'north', category: null, amount: '250000.00' },
    ]);
  });

  it('refuses a file without a header or without an amount column', () => {
    expect(() => parseBudgetCsv('')).toThrow(/header row is required/);
    expect(() => parseBudgetCsv('year;area\n2026;x\n')).toThrow(/"amount" is missing/);
  });
});
