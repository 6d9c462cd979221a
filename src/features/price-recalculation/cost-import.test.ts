import { describe, expect, it } from 'vitest';
import { parseAllocation, parseCostLinesCsv, parseHoursCsv, parseSignedAmount } from './cost-import.js';

const CATS = ['PH', 'PPD', 'PPO'];

describe('cost statement CSV', () => {
  it('reads Swedish headers, tabs, decimal commas, negative amounts and a single-category key', () => {
    const csv =
      'Kostnadsslag\tBeskrivning\tBelopp\tKostnadstyp\tMyndighet\tFördelningsnyckel\nLön\tLöner inkl. vikarier\t1 234 567,50\tdirekt\tnej\tPPD\nFörsäkring\tÅterbetalning\t-1.000,00\tindirekt\tnej\tPersonaltimmar\nRäntor\t\t12,5\t\tja\tPH:33,3333|PPD:33,3333|PPO:33,3334\n';
    const { lines, errors } = parseCostLinesCsv(csv, CATS);
    expect(errors).toEqual([]);
    expect(lines).toEqual([
      {
        lineNo: 1,
        element: 'wages',
        description: 'Löner inkl. vikarier',
        amount: '1234567.50',
        costType: 'direct',
        assessmentUnit: false,
        allocation: { type: 'shares', shares: { PPD: '100' } },
      },
      {
        lineNo: 2,
        element: 'insurance',
        description: 'Återbetalning',
        amount: '-1000.00',
        costType: 'indirect',
        assessmentUnit: false,
        allocation: { type: 'driver', driver: 'staff_hours' },
      },
      // no type given: interest is an indirect element
      {
        lineNo: 3,
        element: 'interest',
        description: '',
        amount: '12.5',
        costType: 'indirect',
        assessmentUnit: true,
        allocation: { type: 'shares', shares: { PH: '33.3333', PPD: '33.3333', PPO: '33.3334' } },
      },
    ]);
  });

  it('refuses unknown columns, and names every bad row and field', () => {
    expect(() => parseCostLinesCsv('element;beløb;farve\nløn;1;PH\n', CATS)).toThrow('Unknown columns: farve');
    expect(() => parseCostLinesCsv('element;beløb\nløn;1\n', CATS)).toThrow('The column "allocation" is missing');
    const { errors } = parseCostLinesCsv(
      'element;amount;type;allocation\nwages;1,234;sideways;PH:50|PH:50\nother;;direct;PPD:0|PPO:100\n',
      CATS,
    );
    expect(errors).toEqual([
      { row: 2, field: 'type', message: 'must be direct or indirect (direkte/indirekte, direkt/indirekt), got "sideways"' },
      { row: 2, field: 'allocation', message: 'names category PH twice' },
      { row: 3, field: 'amount', message: 'must be an amount with at most 2 decimals, got ""' },
      { row: 3, field: 'allocation', message: 'share "0" for PPD must be a percent above 0' },
    ]);
  });

  it('reads keys and amounts', () => {
    expect(parseAllocation('leverede timer', CATS)).toEqual({ allocation: { type: 'driver', driver: 'delivered_hours' } });
    expect(parseAllocation('ppd=40 | ppo=60', CATS)).toEqual({ allocation: { type: 'shares', shares: { PPD: '40', PPO: '60' } } });
    expect(parseAllocation('PPD:40|PPO:50', CATS)).toEqual({ error: 'shares add up to 90 %, not 100 %' });
    expect(parseAllocation('', CATS)).toMatchObject({ error: expect.stringMatching(/^is empty/) });
    expect(['12.500.000,00', '-1,5', '1,234.50', '12,345'].map(parseSignedAmount)).toEqual(['12500000.00', '-1.5', '1234.50', '12345']);
    expect(parseSignedAmount('1.2.3,4,5')).toBeNull();
  });

  it('reads entered hours per category and refuses a repeated or unknown one', () => {
    const { hours, errors } = parseHoursCsv(
      'Kategori;Leverede timer;Medarbejdertimer;Metode\nPH;1.000,5;;BTP 62 %\nPPD;;2500;\nppd;1;1;\nXX;1;1;\nPPO;-3;1;\n',
      CATS,
    );
    expect(hours).toEqual([
      { code: 'PH', deliveredHours: '1000.5', staffHours: null, method: 'BTP 62 %' },
      { code: 'PPD', deliveredHours: null, staffHours: '2500', method: null },
    ]);
    expect(errors).toEqual([
      { row: 4, field: 'category', message: 'repeats category PPD of row 3' },
      { row: 5, field: 'category', message: 'unknown category "XX" (categories: PH, PPD, PPO)' },
      { row: 6, field: 'delivered_hours', message: 'must be hours ≥ 0 with at most 4 decimals, got "-3"' },
    ]);
    expect(() => parseHoursCsv('category;delivered_hours;staff_hours\nPH;1\n', CATS)).toThrow(
      'Malformed CSV: Invalid Record Length: expect 3, got 2 on line 2',
    );
  });
});
