import { describe, expect, it } from 'vitest';
import { costStatementCsv } from './cost-statement-csv.js';
import type { CostLine } from './recalc-types.js';

const line = (description: string, amount: string): CostLine => ({
  lineNo: 1,
  element: 'wages',
  description,
  amount,
  costType: 'direct',
  assessmentUnit: false,
  allocation: { type: 'shares', shares: { PPD: '60', PH: '40' } },
});

describe('costStatementCsv', () => {
  it('neutralises a description a spreadsheet would run; a refund stays a plain negative number', () => {
    const csv = costStatementCsv([line('=HYPERLINK("http://x";"Løn")', '-1250.50'), line('+45 call me', '10.00')], ['PH', 'PPD']);
    expect(csv).toBe(
      'element;description;amount;type;assessment;allocation\r\n' +
        `wages;"'=HYPERLINK(""http://x"";""Løn"")";-1250.50;direct;no;PH:40|PPD:60\r\n` +
        `wages;"'+45 call me";10.00;direct;no;PH:40|PPD:60\r\n`,
    );
  });
});
