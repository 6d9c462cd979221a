import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../test/helpers/invoice-builders.js';
import { benchDocument } from './invoice-bench.js';
import { buildInvoiceDocument, groupByCategoryAndBand } from './invoice-document.js';
import { renderInvoicePdf, shownQuantityOf } from './invoice-pdf.js';
import { allDocumentCases } from './testing/document-cases.js';
import { danishInput, danishLines, line, settle, swedishInput } from './testing/document-fixtures.js';

describe('the invoice PDF', () => {
  it('shows parties, dates, lines by category and band, VAT and totals in Danish', async () => {
    const text = await pdfText(await renderInvoicePdf(buildInvoiceDocument(danishInput())));
    for (const s of [
      'Faktura',
      'Fakturanummer',
      '2026-000007',
      'Fakturadato',
      '04.05.2026',
      'Forfaldsdato',
      '03.06.2026',
      'april 2026',
      'Netto 30 dage',
      'Leverandør (sælger)',
      'Plejen Ærø & Søby ApS',
      'Søndergade 4',
      '5970 Ærøskøbing',
      'CVR-nr. 31554411',
      'Momsnr. DK31554411',
      'Kommune (køber)',
      'Aabenraa Kommune',
      'Elektronisk adresse 0088:5798000000001',
      'Bankkonto DK50 0040 0440 1162 43',
      'Personlig pleje',
      'Hverdag dag',
      'Øvrige tider',
      'Hverdag dag, Aflysning, betales med 50 %',
      'Selvfakturering: udstedt af kommunen på leverandørens vegne efter godkendt afregning. Aftale om selvfakturering',
      'indgået 20.11.2025.',
      'Reference',
      'Ældre og Sundhed 4410',
      '1. sal',
      'Praktisk hjælp',
      '10,16667 t',
      '1,58333 t',
      '0,78333 t',
      '452,3456',
      'I alt Personlig pleje',
      '5.896,84 kr.',
      'I alt ekskl. moms',
      '6.696,84 kr.',
      'Moms 25 % af 6.696,84 kr.',
      '1.674,21 kr.',
      'I alt inkl. moms',
      '8.371,05 kr.',
      'Til betaling',
      'Bilag: ydelser pr. borger',
      'Borger C-0001',
      '5.430,00 kr.',
      'Side 1 af 2',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('renders the same bytes for the same document, dated the issue date', async () => {
    const doc = buildInvoiceDocument(danishInput());
    const a = await renderInvoicePdf(doc);
    const b = await renderInvoicePdf(JSON.parse(JSON.stringify(doc)));
    expect(b.equals(a)).toBe(true);
    expect(a.toString('latin1')).toMatch(/\/CreationDate (\d+) 0 R/);
    const ref = a.toString('latin1').match(/\/CreationDate (\d+) 0 R/)![1];
    expect(a.toString('latin1')).toContain(`${ref} 0 obj\n(D:20260504000000Z)`);
    const other = await renderInvoicePdf({ ...doc, number: '2026-000008' });
    expect(other.equals(a)).toBe(false);
  });

  it('writes Swedish with åäö, Swedish money and the VAT exemption reason', async () => {
    const text = await pdfText(await renderInvoicePdf(buildInvoiceDocument(swedishInput())));
    for (const s of [
      'Fakturadatum',
      '2026-05-04',
      '30 dagar netto',
      'Utförare (säljare)',
      'Omsorg i Västerås & Sköndal AB',
      'Org.nr 556036-0793',
      'Momsreg.nr SE556036079301',
      'Omvårdnad',
      'Natt',
      '3,333333 h',
      '20,56667 h',
      'Brukare B-åäö-1',
      'Momsfri (11 126,47 kr)',
      'Omvårdnad är undantagen från skatteplikt (mervärdesskattelagen 3 kap. 7 §)',
      'Moms 25 % på 570,00 kr',
      '142,50 kr',
      'Summa inkl. moms',
      '11 838,97 kr',
      'Att betala',
      'Sida 1 av 2',
      'Godkänd för F-skatt',
      '114 55 Stockholm',
    ]) {
      expect(text).toContain(s);
    }
  });

  it("shows a credit note's amounts with a visible minus and the invoice it corrects", async () => {
    const lines = [
      line({ citizenRef: 'C-0001', minutes: -90, rate: '450.00' }),
      line({ citizenRef: 'C-0002', minutes: 30, rate: '540.00', band: 'other_times' }),
    ];
    const s = settle(lines);
    const base = danishInput(lines);
    const doc = buildInvoiceDocument({
      ...base,
      kind: 'credit_note',
      settlement: { ...base.settlement, kind: 'correction', sequence: 1, ...s.totals },
      vat: s.vat,
      corrects: { number: '2026-000007', issueDate: '2026-05-04' },
    });
    const text = await pdfText(await renderInvoicePdf(doc));
    // -675.00 + 270.00 = -405.00; VAT -101.25
    expect(text).not.toContain('Fakturadato');
    for (const t of [
      'Kreditnota',
      'Kreditnotanummer',
      'Kreditnotadato',
      'Vedrører faktura',
      '2026-000007 (04.05.2026)',
      '-675,00 kr.',
      '270,00 kr.',
      '-405,00 kr.',
      '-101,25 kr.',
      '-506,25 kr.',
      'Afregning',
      '17, korrektion nr. 1',
    ]) {
      expect(text).toContain(t);
    }
    expect(text).not.toContain('Til betaling');
    expect(text).not.toContain('\u2212');
  });

  it('speaks English when the municipality does', async () => {
    const text = await pdfText(await renderInvoicePdf(buildInvoiceDocument(danishInput(undefined, { language: 'en' }))));
    for (const t of [
      'Invoice number',
      '4 May 2026',
      'April 2026',
      'Net 30 days',
      'Personal care',
      'Weekday daytime',
      'VAT 25 % of DKK 6,696.84',
      'DKK 8,371.05',
      'Page 2 of 2',
    ]) {
      expect(text).toContain(t);
    }
  });

  it('is archival: PDF/A-3b with every font embedded, and no text cut off', async () => {
    const long = 'Hjemmeplejen Ærø, Søby, Marstal og Omegn — Kommunal Helhedspleje og Praktisk Bistand ApS';
    const input = danishInput();
    const pdf = await renderInvoicePdf(buildInvoiceDocument({ ...input, seller: { ...input.seller, name: long } }));
    const raw = pdf.toString('latin1');
    expect(raw).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(raw).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(raw).toContain('/OutputIntents');
    // Only embedded (subset) fonts: DejaVu Sans with its font file, no built-in Helvetica.
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).toMatch(/\/FontFile2 \d+ 0 R/);
    expect(raw).not.toContain('/BaseFont /Helvetica');
    const text = await pdfText(pdf);
    expect(text).toContain(long);
    expect(text).not.toContain('\u2026');
  });

  it('writes an internal statement for the in-house provider: no VAT, no payment, no e-invoice details', async () => {
    const lines = danishLines().map((l) => ({ ...l, vatPercent: '0' }));
    const s = settle(lines, { '0.00': 'Intern' });
    const input = danishInput(lines, { vat: s.vat, settlement: { ...danishInput().settlement, ...s.totals } });
    const doc = buildInvoiceDocument({
      ...input,
      kind: 'internal_statement',
      profile: 'internal',
      number: 'I2026-000001',
      buyerReference: null,
      seller: { ...input.seller, name: 'Aabenraa Kommune Hjemmepleje', vatStatus: 'not_registered', bankAccount: null },
    });
    const text = await pdfText(await renderInvoicePdf(doc));
    for (const t of [
      'Intern afregning',
      'Afregningsnummer',
      'I2026-000001',
      'Leverandør (kommunal)',
      'Aabenraa Kommune Hjemmepleje',
      'kommunens egen leverandør faktureres ikke',
      'I alt ekskl. moms',
      '6.696,84 kr.',
    ]) {
      expect(text).toContain(t);
    }
    for (const t of ['Faktura', 'Til betaling', 'Forfaldsdato', 'Moms 25', 'Selvfakturering', 'Elektronisk adresse', 'I alt inkl. moms'])
      expect(text).not.toContain(t);
  });

  it('states a price adjustment on the hours paid, so that hours × difference = amount (0 %-paid cancellations left out)', async () => {
    const c = allDocumentCases().find((x) => x.name === 'sb-dk-vat-adjustment-credit-note')!;
    const text = await pdfText(await renderInvoicePdf(buildInvoiceDocument(c.input)));
    // 741.50 h × -10.00 = -7,415.00 and 40.0833… h × -12.50 = -501.04 (shown 40.083: 40.08 would give 501.00).
    expect(text).toMatch(/741,50 t\s+-10,00\s+-7\.415,00 kr\./);
    expect(text).toMatch(/40,083 t\s+-12,50\s+-501,04 kr\./);
    expect(text).not.toContain('*');
    expect(text).not.toContain('758,83');
    expect(text).toContain('Kreditnotadato');
  });

  it('prints every quantity so that quantity × rate × share = amount, or marks the row and says why', () => {
    for (const c of allDocumentCases()) {
      const doc = buildInvoiceDocument(c.input);
      const rows = [...doc.lines, ...groupByCategoryAndBand(doc.lines).flatMap((g) => g.rows)];
      for (const r of rows) {
        const shown = shownQuantityOf(r);
        const product = shown.value
          .toDecimalPlaces(shown.places, Decimal.ROUND_HALF_UP)
          .mul(r.rate)
          .mul(r.factor)
          .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
        expect(shown.exact, `${c.name}: ${r.minutes} min × ${r.rate}`).toBe(product.eq(r.amount));
        if (doc.lines.includes(r as never)) expect(shown.exact, `${c.name} line ${(r as { lineNo: number }).lineNo}`).toBe(true);
      }
    }
  });

  it('says a share paid in words, never as a bare percent that reads like VAT', async () => {
    const lines = [
      line({ citizenRef: 'C-1', minutes: 60, rate: '450.00' }),
      line({ citizenRef: 'C-2', minutes: 30, rate: '450.00', kind: 'cancellation', factor: '0' }),
    ];
    const text = (await pdfText(await renderInvoicePdf(buildInvoiceDocument(danishInput(lines))))).replace(/\n/g, ' ');
    expect(text).toContain('Hverdag dag, Aflysning, betales ikke');
    expect(text).not.toMatch(/Aflysning \(0 %\)|\b0 %/);
  });

  it('marks a summed row no quantity fits and explains it under the table', async () => {
    // 7 min × 452.3456 = 52.77 three times: 158.31 together, while 21 min is 158.32.
    const lines = [1, 2, 3].map((i) => line({ citizenRef: `C-${i}`, minutes: 7, rate: '452.3456' }));
    const doc = buildInvoiceDocument(danishInput(lines));
    const row = groupByCategoryAndBand(doc.lines)[0]!.rows[0]!;
    expect([row.minutes, row.amount.toFixed(2), shownQuantityOf(row).exact]).toEqual([21, '158.31', false]);
    const text = (await pdfText(await renderInvoicePdf(doc))).replace(/\n/g, ' ');
    expect(text).toContain('* 0,35 t');
    expect(text).toContain('* Rækken er summen af beløbene pr. besøg');
    // Each visit line of the appendix multiplies exactly: 0.116667 h × 452.3456 = 52.77 (0.11667 would give 52.78).
    expect(text).toContain('0,116667 t   452,3456   52,77 kr.');
  });

  it('breaks long appendices over pages with the page count on every page', async () => {
    const text = await pdfText(await renderInvoicePdf(benchDocument(40)));
    expect(text).toContain('Side 5 af 5');
    expect(text).toContain('Borger B-00040');
    expect(text).not.toContain('Side 6');
  });
});
