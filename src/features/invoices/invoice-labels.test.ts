import { describe, expect, it } from 'vitest';
import { formatAmount, formatDate, formatNumber, formatPercent, formatPeriod, formatRateLocal, lastDayBefore } from './invoice-labels.js';

const NBSP = '\u00a0';

describe('money, dates and periods the local way', () => {
  it.each([
    ['1234.5', 'DKK', 'da', '1.234,50 kr.'],
    ['-1234.5', 'DKK', 'da', '-1.234,50 kr.'],
    ['1234567.891', 'DKK', 'da', '1.234.567,89 kr.'],
    ['0.005', 'DKK', 'da', '0,01 kr.'],
    ['-0.001', 'DKK', 'da', '0,00 kr.'],
    ['1234.5', 'SEK', 'sv', `1${NBSP}234,50${NBSP}kr`],
    ['-1234.5', 'SEK', 'sv', `-1${NBSP}234,50${NBSP}kr`],
    ['999', 'SEK', 'sv', `999,00${NBSP}kr`],
    ['1234.5', 'DKK', 'en', 'DKK 1,234.50'],
    ['-1234.5', 'SEK', 'en', 'SEK -1,234.50'],
    ['1234.5', 'SEK', 'da', '1.234,50 SEK'],
  ] as const)('%s %s in %s is %s', (value, currency, lang, expected) => {
    expect(formatAmount(value, currency, lang)).toBe(expected);
  });

  it('never writes U+2212 (Helvetica has no glyph for it)', () => {
    for (const lang of ['da', 'sv', 'en'] as const) expect(formatNumber('-98765.43', 2, lang)).not.toMatch(/\u2212/);
    expect(formatNumber('-98765.43', 2, 'sv')).toBe(`-98${NBSP}765,43`);
  });

  it('formats dates, percents and periods', () => {
    expect(formatDate('2026-05-04', 'da')).toBe('04.05.2026');
    expect(formatDate('2026-05-04', 'sv')).toBe('2026-05-04');
    expect(formatDate('2026-05-04', 'en')).toBe('4 May 2026');
    expect(formatPercent('12.5', 'da')).toBe('12,5');
    expect(formatPercent('25', 'en')).toBe('25');
    expect(formatPeriod('2026-04-01', '2026-05-01', 'da')).toBe('april 2026');
    expect(formatPeriod('2026-12-01', '2027-01-01', 'sv')).toBe('december 2026');
    expect(formatPeriod('2026-04-01', '2026-04-16', 'en')).toBe('1 April 2026 – 15 April 2026');
    expect(lastDayBefore('2028-03-01')).toBe('2028-02-29');
    expect(formatRateLocal('450', 'da')).toBe('450,00');
    expect(formatRateLocal('452.3456', 'da')).toBe('452,3456');
    expect(formatRateLocal('1234.5', 'en')).toBe('1,234.50');
  });
});
