import { describe, expect, it } from 'vitest';
import { exactQuotient, roundedQuotient } from './money.js';

describe('roundedQuotient: multiply first, divide last, round once', () => {
  it.each<[string, (string | number)[], number, string]>([
    // 136/60 repeats; divided first, the product falls a hair below 518.925
    ['two no-shows of 68 min at 687.50 kr/h, 33.3 %', [136, '687.50', '0.333'], 60, '518.93'],
    ['2 minutes at 0.15 kr/h', [2, '0.15'], 60, '0.01'],
    ['35 minutes at 428.58 kr/h', [35, '428.58'], 60, '250.01'],
    ['10 of 31 days of 15.50 kr/month, +1.5 %', [10, '15.50', '1.015'], 31, '5.08'],
    ['a credit keeps its sign and rounds away from zero', [-136, '687.50', '0.333'], 60, '-518.93'],
  ])('%s', (_name, factors, divisor, amount) => {
    expect(roundedQuotient(factors, divisor).toFixed(2)).toBe(amount);
  });

  it('leaves a tie exact for the rounding to see', () => {
    expect(exactQuotient([136, '687.50', '0.333'], 60).toString()).toBe('518.925');
  });
});
