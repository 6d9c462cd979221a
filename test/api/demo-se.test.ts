import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { importRunner } from '../../seeds/demo-command.js';
import { generateDemo } from '../../seeds/demo-data.js';
import { SE_PROFILE } from '../../seeds/demo-se.js';
import { runCli } from '../../src/cli.js';
import { loadDemo, type DemoSummary } from '../../seeds/demo.js';
import { checkUbl } from '../../src/features/invoices/ubl-rules.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { englishIn, readableHtml } from '../helpers/english.js';
import { pdfText } from '../helpers/invoice-builders.js';
import { Browser } from '../helpers/web-browser.js';

const t = useTestDatabase();
const CITIZENS = 40;

describe('the Swedish demo municipality (--country SE)', () => {
  let app: TestApp;
  let first: DemoSummary;
  let invoiceDir: string;
  const data = generateDemo({ citizens: CITIZENS, profile: SE_PROFILE });

  beforeAll(async () => {
    app = buildTestApp(t.db);
    invoiceDir = await mkdtemp(path.join(os.tmpdir(), 'carepay-demo-se-'));
    first = await loadDemo(
      app.services,
      { code: 'demo-se', country: 'SE', citizens: CITIZENS, actor: 'test', invoiceDir },
      importRunner(app.services),
    );
  }, 120_000);

  it('is a Swedish municipality in SEK whose Swedish files import without a rejected row', async () => {
    const m = await t.db('municipalities').where({ code: 'demo-se' }).first();
    expect([m.name, m.country, m.language, m.currency, m.time_zone]).toEqual(['Demokommun', 'SE', 'sv', 'SEK', 'Europe/Stockholm']);
    expect([m.company_number, m.electronic_address, m.electronic_address_scheme]).toEqual(['212000-0167', '2120000167', '0007']);
    expect(first).toMatchObject({
      country: 'SE',
      created: true,
      providers: 4,
      services: 15,
      priceRates: 30, // 5 price groups × 3 bands × 2 provider kinds
      priceBands: ['day', 'night', 'weekend_holiday'],
      citizens: CITIZENS, // no helhedspleje levels in Sweden
      grantsImport: { accepted: data.grants.length, unchanged: 0, updated: 0, rejected: [] },
      visitsImport: { accepted: data.visits.length, unchanged: 0, updated: 0, rejected: [] },
      regimes: [],
    });
    expect(first.takeover).toMatchObject({ from: 'OMSORG-NORR', to: 'HEM-SYD' });
    expect(first.takeover!.moved).toBeGreaterThan(0);
    const providers = await t
      .db('providers')
      .where({ municipality_id: m.id })
      .orderBy('ref')
      .select('ref', 'name', 'electronic_address_scheme');
    expect(providers.map((p) => p.name)).toEqual([
      'Astra Omsorg & Service AB',
      'Hemtjänst Syd i Demostad AB',
      'Demokommun Hemtjänst i egen regi',
      'Omsorg Norr AB',
    ]);
    expect(providers.every((p) => p.electronic_address_scheme === '0007')).toBe(true);
    const names = await t.db('services').where({ municipality_id: m.id }).pluck('name');
    expect(names).toEqual(
      expect.arrayContaining(['Städning', 'Tvätt', 'Inköp', 'Matdistribution', 'Trygghetslarm', 'Nattpatrull, tillsyn']),
    );
    // The recalculation is Danish: skipped, and said so.
    expect(first.recalculation).toEqual([expect.stringMatching(/^Efterkalkylen av priserna hoppades över/)]);
    expect(await t.db('price_recalculations').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('settles April under the Swedish model (Swedish holidays, three bands, no VAT), approves it and issues the documents', async () => {
    const settlements = await t
      .db('settlements as s')
      .join('providers as p', 'p.id', 's.provider_id')
      .where('s.period_start', '2026-04-01')
      .select('s.status', 's.kind', 'p.ref', 's.line_count', 's.vat', 's.currency');
    const withLines = settlements.filter((s) => s.line_count > 0);
    expect(withLines.map((s) => s.ref).sort()).toEqual(['ASTRA-OMSORG', 'HEM-SYD', 'KOMMUNAL']);
    expect(withLines.every((s) => s.vat === '0.00' && s.currency === 'SEK')).toBe(true);
    // Approved; the self-billed and in-house ones invoiced, the one on payment basis waits for its own invoice.
    expect(withLines.map((s) => [s.ref, s.status]).sort()).toEqual([
      ['ASTRA-OMSORG', 'approved'],
      ['HEM-SYD', 'invoiced'],
      ['KOMMUNAL', 'invoiced'],
    ]);
    const model = await t.db('reimbursement_models').where({ name: 'demo-utford-tid' }).first('document', 'used_at');
    expect(model.used_at).not.toBeNull();
    expect([model.document.holidays, model.document.vat.default.percent]).toEqual([{ country: 'SE' }, '0']);
    // The Swedish model's three bands; the private providers' 0 % carries the model's Swedish exemption
    // reason, the in-house unit's the engine's "not registered" (the settlement page shows it in Swedish).
    const bands = await t.db('settlement_lines').where({ unit: 'per_hour' }).distinct('band').orderBy('band');
    expect(bands.map((r) => r.band)).toEqual(['day', 'night', 'weekend_holiday']);
    const reasons = await t
      .db('settlement_vat as v')
      .join('settlements as s', 's.id', 'v.settlement_id')
      .join('providers as p', 'p.id', 's.provider_id')
      .distinct('p.kind', 'v.percent', 'v.exemption_reason')
      .orderBy('p.kind');
    expect(reasons).toEqual([
      { kind: 'municipal', percent: '0.00', exemption_reason: 'The provider is not registered for VAT' },
      {
        kind: 'private',
        percent: '0.00',
        exemption_reason: 'Undantaget från skatteplikt: social omsorg, 10 kap. 41 § mervärdesskattelagen (2023:200)',
      },
    ]);
  });

  it('self-bills HEM-SYD with a Swedish Peppol invoice: scheme 0007, SEK, VAT exempt with a Swedish reason, F-skatt', async () => {
    const inv = await t
      .db('invoices as i')
      .join('providers as p', 'p.id', 'i.provider_id')
      .where({ 'p.ref': 'HEM-SYD' })
      .whereNotNull('i.settlement_id')
      .first('i.number', 'i.kind');
    expect(inv.kind).toBe('invoice');
    const xml = await readFile(path.join(invoiceDir, `${inv.number}.xml`), 'utf8');
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain('<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>');
    expect(xml).toContain('<cbc:EndpointID schemeID="0007">5568234560</cbc:EndpointID>');
    expect(xml).toContain('<cbc:EndpointID schemeID="0007">2120000167</cbc:EndpointID>');
    expect(xml).toContain('<cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID>');
    expect(xml).toContain(
      '<cbc:TaxExemptionReason>Undantaget från skatteplikt: social omsorg, 10 kap. 41 § mervärdesskattelagen (2023:200)</cbc:TaxExemptionReason>',
    );
    expect(xml).not.toMatch(/<cbc:ID>S<\/cbc:ID>/); // no standard-rated VAT category
    expect(xml).toMatch(/<cac:TaxTotal>\s*<cbc:TaxAmount currencyID="SEK">0.00<\/cbc:TaxAmount>/);
    expect(xml).toContain('<cbc:StreetName>Södra vägen 40</cbc:StreetName>');
    expect(xml).toContain('<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>');
    expect(xml).toContain('SE:BANKGIRO');
    expect(first.invoices[0]).toMatch(
      /UBL: ingen av de EN 16931-, Peppol- och nationella \(DK-R, SE-R\) regler som kontrolleras här är bruten/,
    );

    // The PDF speaks Swedish: no English word in it.
    const text = await pdfText(await readFile(path.join(invoiceDir, `${inv.number}.pdf`)));
    expect(text).toContain('Godkänd för F-skatt');
    expect(text).toContain('Hemtjänst Syd i Demostad AB');
    expect(englishIn(text)).toEqual([]);
    // The in-house unit's internal statement (avräkning) too.
    const internal = (await readdir(invoiceDir)).find((f) => /^I2026-\d{6}\.pdf$/.test(f))!;
    expect(englishIn(await pdfText(await readFile(path.join(invoiceDir, internal))))).toEqual([]);
  });

  it('runs the payment-basis flow with ASTRA-OMSORG, leaves May as drafts, stores two Swedish models and creates the users', async () => {
    const lines = first.settlements.join('\n');
    expect(lines).toMatch(/mottagen #\d+ STÄMMER PP-\d{6}-\d{4}\.xml PP-\d{6}-\d{4} från ASTRA-OMSORG för FU-2026-\d{6}/);
    // The payment basis sent to ASTRA-OMSORG is a Swedish document too. Its item ids
    // (personal_care.day.visit, …) are codes the provider's invoice quotes back for matching, not words.
    const basis = (await readdir(invoiceDir)).find((f) => /^FU-2026-\d{6}\.pdf$/.test(f))!;
    const basisText = await pdfText(await readFile(path.join(invoiceDir, basis)));
    expect(basisText).toContain('Astra Omsorg & Service AB');
    expect(basisText).toMatch(/^personal_care\.day\.visit$/m);
    expect(englishIn(basisText.replace(/^[a-z_]+\.[a-z_]+\.[a-z_]+(\.\d+)?$/gm, ''))).toEqual([]);
    const may = await t.db('settlements').where({ period_start: '2026-05-01' }).select('status');
    expect(may.length).toBeGreaterThan(0);
    expect(may.every((s) => s.status === 'draft')).toBe(true);
    expect(await t.db('reimbursement_models').orderBy('name').pluck('name')).toEqual(['demo-beviljad-tid', 'demo-utford-tid']);
    expect(first.webUsers.map((u) => u.username)).toEqual([
      'demo-admin',
      'demo-ekonomi',
      'demo-budget',
      'demo-revisor',
      'demo-utforare-hem-syd',
    ]);
    // Each printed password signs in as its role, at Demokommun.
    const finance = first.webUsers.find((u) => u.role === 'finance')!;
    const signIn = await app.services.webSessions.signInWithPassword('demo-se', finance.username, finance.password!, {
      address: '127.0.0.1',
      requestId: null,
    });
    expect(signIn).toMatchObject({ outcome: 'opened', session: { principal: { role: 'finance' } } });
    const budgets = await t.db('budgets').orderBy(['category', 'area']).select('area', 'note');
    expect(budgets.map((b) => b.area)).toEqual(['centrum', 'landsbygd', 'centrum', 'landsbygd']);
    expect(englishIn(budgets.map((b) => b.note).join('\n'))).toEqual([]);
  });

  it("shows finance's main pages in Swedish, without an English word", async () => {
    const b = new Browser(app);
    await b.signIn({ token: first.tokens.find((x) => x.role === 'finance')!.token });
    // Every settlement of both months: the in-house unit's, the self-billed, the payment-basis one, the drafts.
    const settlements = await t.db('settlements').orderBy('id').pluck('id');
    const found: Record<string, string[]> = {};
    for (const page of [
      '/app/settlements?period=2026-04',
      '/app/settlements?period=2026-05',
      ...settlements.map((id) => `/app/settlements/${id}`),
      '/app/invoices',
      '/app/payment-bases',
      '/app/compare',
      '/app/budget?year=2026',
      '/app/follow-up',
      '/app/recalculation',
    ]) {
      const res = await b.get(page);
      expect([page, res.status]).toEqual([page, 200]);
      expect(res.text).toContain('<html lang="sv"');
      const english = englishIn(readableHtml(res.text));
      if (english.length > 0) found[page] = english;
    }
    expect(found).toEqual({});
    // The in-house unit is not registered for VAT: its settlement says so in Swedish, not in the engine's English.
    const inHouse = await t
      .db('settlements as s')
      .join('providers as p', 'p.id', 's.provider_id')
      .where({ 'p.ref': 'KOMMUNAL', 's.period_start': '2026-04-01' })
      .first('s.id');
    const page = await b.get(`/app/settlements/${inHouse.id}`);
    expect(page.text).toContain('Ej momspliktig: utföraren är inte momsregistrerad');
    expect(page.text).not.toContain('The provider is not registered for VAT');
  });

  it('re-running changes nothing: the Swedish files are reported unchanged, no document is issued twice', async () => {
    const before = await t.db('invoices').count({ n: '*' });
    const again = await loadDemo(
      app.services,
      { code: 'demo-se', country: 'SE', citizens: CITIZENS, actor: 'test', invoiceDir },
      importRunner(app.services),
    );
    expect(await t.db('invoices').count({ n: '*' })).toEqual(before);
    expect(again).toMatchObject({
      created: false,
      country: 'SE',
      grantsImport: { accepted: 0, unchanged: data.grants.length, updated: 0 },
      visitsImport: { accepted: 0, unchanged: data.visits.length, updated: 0 },
    });
    expect(again.draftMonth[0]).toMatch(/modell demo-beviljad-tid@1 finns bredvid demo-utford-tid/);
  });

  it('npx carepay demo --country se finds the Swedish demo under its default code demo-se', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    try {
      const out = path.join(invoiceDir, 'cli');
      expect(await runCli(['node', 'carepay', 'demo', '--country', 'se', '--citizens', String(CITIZENS), '--out', out, '--json'])).toBe(0);
      expect(JSON.parse(logged.join('\n'))).toMatchObject({
        municipality: 'demo-se',
        country: 'SE',
        created: false,
        visitsImport: { accepted: 0, unchanged: data.visits.length, updated: 0 },
      });
    } finally {
      log.mockRestore();
      process.env.DATABASE_URL = previous;
    }
  });
});
