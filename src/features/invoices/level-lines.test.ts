import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../test/helpers/invoice-builders.js';
import { buildInvoiceDocument, levelPricing, type LineData } from './invoice-document.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { renderInvoiceUbl } from './invoice-ubl.js';
import { danishInput } from './testing/document-fixtures.js';
import { checkUbl } from './ubl-rules.js';

/**
 * Level lines (helhedspleje per week, a hospital day unpaid, a monthly level price, a half-paid
 * week) as the level-days rule writes them: quantity = days, rate = the published price, and the
 * factor = share ÷ the price's days kept to six places (1/7 is stored as 0.142857). April has 30 days.
 */
const level = (
  over: Partial<LineData> & { quantity: string; rate: string; factor: string; amount: string; unit: LineData['unit'] },
): LineData => ({
  lineNo: 0,
  citizenRef: 'B00001',
  serviceCode: 'HP2',
  category: 'personal_care',
  kind: 'level_day',
  band: null,
  visits: 0,
  minutes: 0,
  vatPercent: '25',
  ...over,
});

const lines = [
  level({ unit: 'per_week', quantity: '15', rate: '3700', factor: '0.142857', amount: '7928.57' }),
  level({ unit: 'per_week', quantity: '3', rate: '3700', factor: '0', amount: '0.00' }),
  level({ unit: 'per_month', quantity: '10', rate: '16000', factor: '0.033333', amount: '5333.33' }),
  level({ unit: 'per_week', quantity: '4', rate: '3700', factor: '0.071429', amount: '1057.14' }),
  level({ unit: 'per_day', quantity: '2', rate: '1771', factor: '1', amount: '3542.00' }),
];

describe('level lines on invoices', () => {
  it('recovers the share and the days of the price from the stored factor', () => {
    expect(levelPricing(lines[0]!, '2026-04-01')).toEqual({ divisor: 7, share: new Decimal(1), factor: new Decimal(1).div(7) });
    expect(levelPricing(lines[2]!, '2026-04-01')?.divisor).toBe(30);
    expect(levelPricing(lines[2]!, '2026-02-01')?.divisor).toBe(28);
    expect(levelPricing(lines[3]!, '2026-04-01')?.share.toFixed()).toBe('0.5');
    expect(levelPricing({ kind: 'visit', unit: 'per_hour', factor: '1' }, '2026-04-01')).toBeNull();
  });

  it("states days at the price with the price's days as base quantity, so every line multiplies out and the rules pass", () => {
    const xml = renderInvoiceUbl(buildInvoiceDocument(danishInput(lines)));
    expect(checkUbl(xml)).toEqual([]);
    const stated = [
      ...xml.matchAll(
        /<cbc:InvoicedQuantity unitCode="(\w+)">([^<]+)<[\s\S]*?<cbc:LineExtensionAmount currencyID="DKK">([^<]+)<[\s\S]*?<cbc:PriceAmount currencyID="DKK">([^<]+)<\/cbc:PriceAmount>(?:\s*<cbc:BaseQuantity unitCode="\w+">([^<]+)<)?/g,
      ),
    ].map((m) => m.slice(1));
    expect(stated).toEqual([
      ['DAY', '15', '7928.57', '3700', '7'],
      ['DAY', '3', '0.00', '0', '7'],
      ['DAY', '10', '5333.33', '16000', '30'],
      ['DAY', '4', '1057.14', '1850', '7'],
      ['DAY', '2', '3542.00', '1771', '1'],
    ]);
    for (const [, q, amount, price, base] of stated)
      expect(
        new Decimal(q!)
          .mul(price!)
          .div(base ?? 1)
          .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
          .toFixed(2),
      ).toBe(amount);
    expect(xml).toContain('<cbc:Value>betales med 50 %</cbc:Value>');
    expect(xml).not.toMatch(/14[.,]2857/);
  });

  it("prints days, the price's period and the share in words, with no row marked as inexact", async () => {
    const text = (await pdfText(await renderInvoicePdf(buildInvoiceDocument(danishInput(lines))))).replace(/\n/g, ' ');
    expect(text).toContain('15 dage');
    expect(text).toContain('pris pr. uge ÷ 7 dage');
    expect(text).toContain('pris pr. måned ÷ 30 dage');
    expect(text).toContain('betales med 50 %');
    expect(text).toContain('betales ikke');
    expect(text).not.toContain('* ');
    expect(text).not.toMatch(/14,2857/);
  });
});
