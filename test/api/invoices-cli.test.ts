import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { benchDocument, benchInvoicePdfs } from '../../src/features/invoices/invoice-bench.js';
import { renderInvoicePdf } from '../../src/features/invoices/invoice-pdf.js';
import { issueDemoInvoices } from '../../src/features/invoices/invoice-demo.js';
import { checkUbl } from '../../src/features/invoices/ubl-rules.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, anInvoiceWorld, pdfText, type InvoiceWorld } from '../helpers/invoice-builders.js';

const t = useTestDatabase();

describe('invoices from the command line and the demo', () => {
  let app: TestApp;
  let w: InvoiceWorld;
  let tmp: string;
  const year = new Date().getFullYear();

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await anInvoiceWorld(t.db, app.services, 'INV-CLI');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-invoices-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('issues, writes PDF, UBL and CSV through the real command line', async () => {
    const s = await anApprovedSettlement(t.db, w, { provider: 'OMSORG', lines: [{ citizenRef: 'C-1', minutes: 90, rate: '450.00' }] });
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const number = `${year}-000001`;
      expect(await runCli(['node', 'carepay', 'invoice', 'issue', '--settlement', String(s.id), '--json'])).toBe(0);
      expect(JSON.parse(logged[0]!)).toMatchObject({
        number,
        kind: 'invoice',
        totalExclVat: '675.00',
        vat: '168.75',
        totalInclVat: '843.75',
        created: true,
      });
      expect(await runCli(['node', 'carepay', 'invoice', 'issue', '--settlement', String(s.id), '--municipality', 'INV-CLI'])).toBe(0);
      // INV-CLI is Danish: the command line speaks Danish, with Danish digits, unless --lang says otherwise.
      expect(logged[1]).toMatch(new RegExp(`^allerede udstedt: ${number} faktura\\s+OMSORG\\s+2026-04\\s+843,75 DKK udstedt ${year}-`));

      const pdf = path.join(tmp, 'i.pdf');
      const xml = path.join(tmp, 'i.xml');
      const csv = path.join(tmp, 'i.csv');
      expect(await runCli(['node', 'carepay', 'invoice', 'pdf', number, '--municipality', 'INV-CLI', '--out', pdf])).toBe(0);
      expect(await runCli(['node', 'carepay', 'invoice', 'ubl', number, '--municipality', 'INV-CLI', '--out', xml])).toBe(0);
      expect(await runCli(['node', 'carepay', 'invoice', 'export-csv', '--settlement', String(s.id), '--out', csv])).toBe(0);
      expect(await runCli(['node', 'carepay', 'invoice', 'export-csv', '--settlement', String(s.id), '--out', csv, '--lang', 'sv'])).toBe(
        0,
      );
      expect(await runCli(['node', 'carepay', 'invoice', 'list', '--municipality', 'INV-CLI', '--lang', 'sv'])).toBe(0);
      expect(await runCli(['node', 'carepay', 'invoice', 'list', '--municipality', 'INV-CLI', '--period', '2025-01'])).toBe(0);
      expect(logged.slice(2, 8)).toEqual([
        expect.stringMatching(new RegExp(`^${pdf.replace(/[.\\/]/g, '\\$&')}: PDF af ${number} \\(\\d+ byte\\)$`)),
        expect.stringMatching(/: UBL af .* byte\)$/),
        `${csv}: afregning ${s.id}, 1 linje`,
        `${csv}: ersättningskörning ${s.id}, 1 rad`,
        expect.stringMatching(
          new RegExp(
            `^${number} faktura\\s+OMSORG\\s+2026-04\\s+843,75 DKK utfärdad ${year}-\\d\\d-\\d\\d, förfaller \\d{4}-\\d\\d-\\d\\d$`,
          ),
        ),
        'ingen fakturaer',
      ]);
      expect(await pdfText(fs.readFileSync(pdf))).toContain('843,75 kr.');
      expect(checkUbl(fs.readFileSync(xml, 'utf8'))).toEqual([]);
      expect(fs.readFileSync(csv, 'utf8').split('\r\n')[1]).toBe(
        `${s.id};OMSORG;2026-04;regular;0;invoiced;${number};DKK;1;C-1;PC;personal_care;visit;weekday_day;per_hour;1;90;1.5;450;1;675.00;25`,
      );

      // Another municipality's invoice is not found (said in that municipality's language); a bad number is refused before opening the database.
      await anInvoiceWorld(t.db, app.services, 'INV-CLI2');
      expect(await runCli(['node', 'carepay', 'invoice', 'pdf', number, '--municipality', 'INV-CLI2', '--out', pdf])).toBe(2);
      expect(await runCli(['node', 'carepay', 'invoice', 'issue', '--settlement', '999999'])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0]))).toEqual([
        `fejl: Faktura ${number} findes ikke`,
        'error: settlement 999999 not found',
      ]);
    } finally {
      log.mockRestore();
      err.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it("shows and changes the invoicing settings and a provider's mode and agreement", async () => {
    await anInvoiceWorld(t.db, app.services, 'INV-SET');
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    const err = vi.spyOn(console, 'error').mockImplementation((l: string) => void logged.push(`ERR ${l}`));
    try {
      expect(await runCli(['node', 'carepay', 'invoice', 'settings', '--municipality', 'INV-SET'])).toBe(0);
      expect(
        await runCli([
          'node',
          'carepay',
          'invoice',
          'settings',
          '--municipality',
          'INV-SET',
          '--payment-terms',
          '14',
          '--invoicing-mode',
          'payment_basis',
          '--buyer-reference',
          'Sundhed 9',
          '--invoice-in-house',
          'yes',
          '--tolerance',
          '2.5',
        ]),
      ).toBe(0);
      expect(
        await runCli([
          'node',
          'carepay',
          'invoice',
          'provider-mode',
          '--municipality',
          'INV-SET',
          '--provider',
          'HJEM',
          '--mode',
          'self_billing',
          '--agreement-signed',
          '2026-03-01',
        ]),
      ).toBe(0);
      expect(
        await runCli([
          'node',
          'carepay',
          'invoice',
          'provider-mode',
          '--municipality',
          'INV-SET',
          '--provider',
          'HJEM',
          '--mode',
          'default',
          '--agreement-signed',
          'none',
        ]),
      ).toBe(0);
      expect(await runCli(['node', 'carepay', 'invoice', 'settings', '--municipality', 'INV-SET', '--lang', 'sv'])).toBe(0);
      expect(
        await runCli(['node', 'carepay', 'invoice', 'provider-mode', '--municipality', 'INV-SET', '--provider', 'HJEM', '--lang', 'en']),
      ).toBe(0);
      // INV-SET is Danish; --lang sv and --lang en say the same in their words.
      expect(logged).toEqual([
        'betalingsfrist 30 dage; faktureringsform self_billing; egen leverandør intern afregning; køberreference Ældre og Sundhed 4410; tolerance for modtagne fakturaer 0,00',
        'betalingsfrist 14 dage; faktureringsform payment_basis; egen leverandør faktureres; køberreference Sundhed 9; tolerance for modtagne fakturaer 2,50',
        'HJEM: faktureringsform self_billing; selvfaktureringsaftale 2026-03-01',
        'HJEM: faktureringsform kommunens; selvfaktureringsaftale ikke registreret',
        'betalningsvillkor 14 dagar; faktureringssätt payment_basis; egen regi faktureras; köparreferens Sundhed 9; tolerans för mottagna fakturor 2,50',
        "HJEM: invoicing mode the municipality's; self-billing agreement not recorded",
      ]);
      expect(await runCli(['node', 'carepay', 'invoice', 'settings', '--municipality', 'INV-SET', '--invoice-in-house', 'maybe'])).not.toBe(
        0,
      );
    } finally {
      log.mockRestore();
      err.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it("issues the demo month's invoices and writes their PDF and UBL to a folder", async () => {
    const regular = await anApprovedSettlement(t.db, w, { provider: 'HJEM', lines: [{ citizenRef: 'C-9', minutes: 60, rate: '450.00' }] });
    await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      kind: 'correction',
      correctsId: regular.id,
      lines: [{ citizenRef: 'C-9', minutes: -30, rate: '450.00' }],
    });
    await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      period: '2026-05',
      approve: false,
      lines: [{ citizenRef: 'C-1', minutes: 60, rate: '450.00' }],
    });
    const out = path.join(tmp, 'demo');
    const lines = await issueDemoInvoices(app.services, 'INV-CLI', out);
    expect(lines[0]).toBe(
      `Dokumenter for Municipality INV-CLI: 3 (PDF og Peppol UBL i ${out}); UBL: ingen af de EN 16931-, Peppol- og nationale (DK-R, SE-R) regler, der kontrolleres her, er brudt`,
    );
    expect(lines.slice(1)).toEqual([
      // INV-CLI is Danish: the demo's lines are Danish.
      expect.stringMatching(new RegExp(`^  udstedt ${year}-000002 faktura\\s+HJEM`)),
      expect.stringMatching(new RegExp(`^  udstedt ${year}-000003 kreditnota\\s+HJEM .* -281,25 DKK .*korrigerer ${year}-000002$`)),
      `  ${year}-000001 UBL 389: regelkontrol ok`,
      `  ${year}-000002 UBL 389: regelkontrol ok`,
      `  ${year}-000003 UBL 261: regelkontrol ok`,
    ]);
    expect(fs.readdirSync(out).sort()).toEqual([1, 2, 3].flatMap((n) => [`${year}-00000${n}.pdf`, `${year}-00000${n}.xml`]));
    // A second run issues nothing new.
    expect((await issueDemoInvoices(app.services, 'INV-CLI', out)).filter((l) => l.startsWith('  udstedt '))).toEqual([]);
  });

  it('renders invoice PDFs for the benchmark', async () => {
    const rssBefore = Math.round(process.resourceUsage().maxRSS / 1024);
    const r = await benchInvoicePdfs(3, 5);
    // 5 citizens: 2 personal-care lines each, practical help for 2 and 4, a cancellation for 5.
    expect(r).toMatchObject({ n: 3, lines: 13 });
    // The size it reports is the average of the three invoices it rendered (the renderer is deterministic).
    const pdfs = await Promise.all([1, 2, 3].map((i) => renderInvoicePdf({ ...benchDocument(5), number: `2026-00000${i}` })));
    expect(r.bytes).toBe(Math.round(pdfs.reduce((n, p) => n + p.length, 0) / 3));
    const text = await pdfText(pdfs[2]!);
    expect(text).toContain('2026-000003');
    expect(text).toContain('B-00005');
    // Peak RSS is the process's high-water mark at the end of the run, which only grows.
    expect(r.peakRssMb).toBeGreaterThanOrEqual(rssBefore);
    expect(r.peakRssMb).toBeLessThanOrEqual(Math.round(process.resourceUsage().maxRSS / 1024));
  });
});
