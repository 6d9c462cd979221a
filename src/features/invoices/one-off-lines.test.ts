import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../test/helpers/invoice-builders.js';
import { buildInvoiceDocument, type LineData } from './invoice-document.js';
import { kindLabel } from './invoice-labels.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { renderInvoiceUbl } from './invoice-ubl.js';
import { danishInput } from './testing/document-fixtures.js';
import { checkUbl } from './ubl-rules.js';

/**
 * One-off payments as the one-off-payments rule writes them: a new customer paid 4 hours
 * (240 min × 450.00 / 60 = 1,800.00) and a start-up payment of a fixed 1,500.00 (per_visit, 1).
 */
const oneOff = (over: Partial<LineData> & Pick<LineData, 'kind' | 'unit' | 'minutes' | 'quantity' | 'rate' | 'amount'>): LineData => ({
  lineNo: 0,
  citizenRef: 'B00001',
  serviceCode: over.kind,
  category: 'personal_care',
  band: null,
  visits: 1,
  factor: '1',
  vatPercent: '25',
  ...over,
});
const lines = [
  oneOff({ kind: 'new_customer', unit: 'per_hour', band: 'weekday_day', minutes: 240, quantity: '4', rate: '450.00', amount: '1800.00' }),
  oneOff({ kind: 'takeover', unit: 'per_visit', minutes: 0, quantity: '1', rate: '1500.00', amount: '1500.00' }),
];

describe('one-off payment lines on invoices', () => {
  it('names both kinds in Danish, Swedish and English', () => {
    expect(['da', 'sv', 'en'].map((l) => [kindLabel('new_customer', l as 'da'), kindLabel('takeover', l as 'da')])).toEqual([
      ['Engangsbetaling, ny borger', 'Opstartsbetaling, leverandørskift'],
      ['Engångsersättning, ny kund', 'Uppstartsersättning, byte av utförare'],
      ['One-off payment, new customer', 'Start-up payment, change of provider'],
    ]);
  });

  it('prints them on the PDF in words, 4 hours and 1 payment, and states them in the UBL so the rules pass', async () => {
    const doc = buildInvoiceDocument(danishInput(lines));
    const text = (await pdfText(await renderInvoicePdf(doc))).replace(/\n/g, ' ');
    expect(text).toContain('Engangsbetaling, ny borger');
    expect(text).toContain('Opstartsbetaling, leverandørskift');
    expect(text).toContain('1 betaling');
    expect(text).not.toContain('new_customer,');
    const xml = renderInvoiceUbl(doc);
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain('<cbc:Name>Personlig pleje, Hverdag dag, Engangsbetaling, ny borger</cbc:Name>');
    expect(xml).toContain('<cbc:Name>Personlig pleje, Opstartsbetaling, leverandørskift</cbc:Name>');
  });
});
