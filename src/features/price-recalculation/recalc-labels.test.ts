import { describe, expect, it } from 'vitest';
import { priceBandLabel, priceCategoryLabel } from './recalc-labels.js';

const groups = new Map([
  ['PP', 'personal_care'],
  ['PH', 'practical_help'],
]);

describe('price categories of the recalculation in words', () => {
  it('names a default category by its care category and bands instead of its code', () => {
    const split = { code: 'PP.weekend_holiday', name: 'PP weekend_holiday', priceGroup: 'PP', timeBands: ['weekend_holiday'] };
    expect(priceCategoryLabel(split, groups, 'da')).toBe('Personlig pleje, weekend og helligdag');
    expect(priceCategoryLabel(split, groups, 'sv')).toBe('Omvårdnad, helg och storhelg');
    const whole = { code: 'PH', name: 'PH', priceGroup: 'PH', timeBands: ['day', 'evening'] };
    expect(priceCategoryLabel(whole, groups, 'da')).toBe('Praktisk hjælp');
  });

  it('keeps a name the municipality gave, and a group it cannot place as it is', () => {
    expect(
      priceCategoryLabel({ code: 'PPD', name: 'Personlig pleje hverdag dag', priceGroup: 'PP', timeBands: ['day'] }, groups, 'da'),
    ).toBe('Personlig pleje hverdag dag');
    expect(priceCategoryLabel({ code: 'X', name: 'X', priceGroup: 'X', timeBands: ['day'] }, groups, 'da')).toBe('X');
  });

  it('names a price group and band of an adjustment line', () => {
    expect(priceBandLabel('PP', 'day', groups, 'da')).toBe('Personlig pleje, dag');
  });
});
