import { describe, expect, it } from 'vitest';
import type { LineData } from './invoice-document.js';
import type { SettlementRow } from './invoices-store.js';
import { settlementCsv } from './settlement-csv.js';

const settlement = (providerRef: string): SettlementRow & { providerRef: string } => ({
  id: 7,
  providerId: 2,
  providerRef,
  kind: 'correction',
  sequence: 1,
  correctsId: 6,
  status: 'approved',
  periodStart: '2026-04-01',
  periodEnd: '2026-05-01',
  currency: 'DKK',
  totalExclVat: '-1441.05',
  vat: '0.00',
  totalInclVat: '-1441.05',
});

const line = (citizenRef: string, amount: string): LineData => ({
  lineNo: 1,
  citizenRef,
  serviceCode: 'PP1',
  category: '@PH',
  kind: 'visit',
  band: null,
  unit: 'per_hour',
  visits: 2,
  minutes: 90,
  quantity: '-1.5',
  rate: '480.70',
  factor: '1',
  amount,
  vatPercent: '0',
});

describe('settlementCsv', () => {
  it('neutralises a provider ref, citizen ref or code a spreadsheet would run, and keeps signed amounts as numbers', () => {
    const csv = settlementCsv(settlement('=HYPERLINK("http://x","y")'), [line('-cmd', '-721.05')], null);
    const [, row] = csv.split('\r\n');
    expect(row).toBe(
      `7;"'=HYPERLINK(""http://x"",""y"")";2026-04;correction;1;approved;;DKK;1;"'-cmd";PP1;"'@PH";visit;;per_hour;2;90;-1.5;480.7;1;-721.05;0`,
    );
  });

  it('writes ordinary refs unquoted', () => {
    const csv = settlementCsv(settlement('HJEM-SYD'), [line('C-001', '721.05')], '2026-000001');
    expect(csv.split('\r\n')[1]).toBe(
      '7;HJEM-SYD;2026-04;correction;1;approved;2026-000001;DKK;1;C-001;PP1;"\'@PH";visit;;per_hour;2;90;-1.5;480.7;1;721.05;0',
    );
  });
});
