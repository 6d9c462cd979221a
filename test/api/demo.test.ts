import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importRunner } from '../../seeds/demo-command.js';
import { generateDemo } from '../../seeds/demo-data.js';
import { loadDemo, type DemoSummary } from '../../seeds/demo.js';
import { DEMO_LEVEL_CITIZENS } from '../../seeds/demo-levels.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { englishIn } from '../helpers/english.js';
import { pdfText } from '../helpers/invoice-builders.js';

const t = useTestDatabase();
const CITIZENS = 40;
/** The hourly citizens (under 67) and the citizens on helhedspleje levels (67+, seeds/demo-levels.ts). */
const ALL_CITIZENS = CITIZENS + DEMO_LEVEL_CITIZENS.length;

describe('the demo municipality', () => {
  let app: TestApp;
  let first: DemoSummary;
  let invoiceDir: string;
  let reportDir: string;
  const data = generateDemo({ citizens: CITIZENS });

  let startedAt: Date;

  beforeAll(async () => {
    startedAt = new Date();
    app = buildTestApp(t.db);
    invoiceDir = await mkdtemp(path.join(os.tmpdir(), 'carepay-demo-'));
    reportDir = await mkdtemp(path.join(os.tmpdir(), 'carepay-demo-report-'));
    first = await loadDemo(
      app.services,
      { code: 'demo', citizens: CITIZENS, actor: 'test', invoiceDir, reportDir },
      importRunner(app.services),
    );
  }, 120_000);

  it('loads everything the generator produced, with no rejected rows', () => {
    expect(first).toMatchObject({
      created: true,
      providers: 4,
      services: 15,
      priceRates: 40,
      citizens: ALL_CITIZENS,
      absences: data.absences.length + 1, // + the level citizen's hospital stay
      grantsImport: { accepted: data.grants.length, unchanged: 0, updated: 0, rejected: [] },
      visitsImport: { accepted: data.visits.length, unchanged: 0, updated: 0, rejected: [] },
    });
    expect(first.takeover?.moved).toBeGreaterThan(0);
  });

  it('has the situations later features must handle', () => {
    const statuses = new Set(data.visits.map((v) => v.status));
    expect([...statuses].sort()).toEqual(['cancelled_by_citizen', 'cancelled_by_provider', 'delivered', 'no_show', 'replacement']);
    expect(data.visits.some((v) => v.staffCount === 2)).toBe(true);
    expect(data.absences.some((a) => a.kind === 'hospital')).toBe(true);
    // Easter 2026 (2, 3, 5, 6 April) falls in the demo month.
    expect(data.visits.some((v) => v.plannedStart.startsWith('2026-04-03'))).toBe(true);
    // Visits crossing the 15:00 or 23:00 band boundary.
    expect(data.visits.some((v) => v.actualStart && v.actualStart.slice(11) < '15:00' && v.actualEnd!.slice(11) > '15:00')).toBe(true);
  });

  it('is generated deterministically', () => {
    expect(generateDemo({ citizens: CITIZENS })).toEqual(data);
  });

  it('can be read back through the API with the printed tokens', async () => {
    const admin = first.tokens.find((x) => x.role === 'admin')!.token;
    const visits = await app.as(admin).get('/api/visits?limit=1&count=true&from=2026-04-01&to=2026-05-06').expect(200);
    expect(visits.body.total).toBe(data.visits.length);
    const citizens = await app.as(admin).get('/api/citizens?limit=1').expect(200);
    expect(citizens.body.total).toBe(ALL_CITIZENS);

    const providers = await app.as(admin).get('/api/providers').expect(200);
    const syd = providers.body.items.find((p: { ref: string }) => p.ref === 'HJEM-SYD');
    const providerToken = first.tokens.find((x) => x.role === 'provider')!.token;
    const own = await app.as(providerToken).get('/api/visits?limit=1000&count=true&from=2026-04-01&to=2026-05-06').expect(200);
    expect(own.body.total).toBe(data.visits.filter((v) => v.providerRef === 'HJEM-SYD').length);
    expect(own.body.items.every((v: { providerId: number }) => v.providerId === syd.id)).toBe(true);
  });

  it('settles the month, approves the drafts, self-bills the private providers, gives the in-house unit an internal statement and skips the provider on payment basis', async () => {
    const settlements = await t
      .db('settlements as s')
      .join('providers as p', 'p.id', 's.provider_id')
      .where('s.period_start', '2026-04-01')
      .select('s.status', 's.kind', 'p.ref', 's.line_count');
    const withLines = settlements.filter((s) => s.line_count > 0);
    expect(withLines.length).toBeGreaterThanOrEqual(3);
    expect(withLines.every((s) => s.kind === 'regular')).toBe(true);
    // PLEJE-PLUS invoices the municipality itself: its approved settlement waits for its invoice.
    expect(withLines.filter((s) => s.status !== 'invoiced').map((s) => [s.ref, s.status])).toEqual([['PLEJE-PLUS', 'approved']]);
    const docs = await t
      .db('invoices as i')
      .join('providers as p', 'p.id', 'i.provider_id')
      .whereNotNull('i.settlement_id')
      .select('i.number', 'i.kind', 'p.ref');
    expect(docs).toHaveLength(withLines.length - 1);
    const internal = docs.filter((d) => d.ref === 'KOMMUNAL');
    expect(internal.map((d) => [d.number, d.kind])).toEqual([['I2026-000001', 'internal_statement']]);
    expect(docs.filter((d) => d.ref !== 'KOMMUNAL').every((d) => /^\d{4}-\d{6}$/.test(d.number) && d.kind === 'invoice')).toBe(true);
    const files = (await readdir(invoiceDir)).filter((f) => /^I?\d{4}-\d{6}\.(pdf|xml)$/.test(f)).sort();
    const all = await t.db('invoices').select('number', 'kind');
    expect(files).toEqual(
      all.flatMap((i) => (i.kind === 'internal_statement' ? [`${i.number}.pdf`] : [`${i.number}.pdf`, `${i.number}.xml`])).sort(),
    );
    const self = docs.find((d) => d.ref === 'HJEM-SYD')!;
    const xml = await readFile(path.join(invoiceDir, `${self.number}.xml`), 'utf8');
    expect(xml).toContain(`<cbc:ID>${self.number}</cbc:ID>`);
    expect(xml).toContain('<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>');
    expect(xml).toContain('<cbc:StreetName>Sydhavnsvej 40</cbc:StreetName>');
    expect(xml).toContain('<cbc:BuyerReference>Ældre og Sundhed, hjemmepleje</cbc:BuyerReference>');
    // The demo municipality is Danish: the demo's own lines are Danish.
    expect(first.invoices[0]).toMatch(
      /^Dokumenter for Demo Kommune: \d+ \(PDF og Peppol UBL i .*\); UBL: ingen af de EN 16931-, Peppol- og nationale \(DK-R, SE-R\) regler, der kontrolleres her, er brudt$/,
    );
    expect(first.invoices).toContainEqual(expect.stringMatching(/skipped: provider PLEJE-PLUS invoices the municipality itself/));
    expect(first.invoices).toContainEqual('  I2026-000001 intern afregning: kun PDF, ingen e-faktura');
    expect(first.invoices).toContainEqual(`  ${self.number} UBL 389: regelkontrol ok`);
  });

  it('runs the payment-basis mode end to end: PLEJE-PLUS gets its basis, sends its own invoice, which is matched', async () => {
    const provider = await t.db('providers').where({ ref: 'PLEJE-PLUS' }).first('id', 'invoicing_mode');
    expect(provider.invoicing_mode).toBe('payment_basis');
    const bases = await t.db('payment_bases').whereNotNull('settlement_id').select('id', 'reference', 'provider_id', 'total_incl_vat');
    expect(bases.length).toBeGreaterThanOrEqual(1);
    expect(bases.every((b) => b.provider_id === provider.id)).toBe(true);
    const received = await t
      .db('received_documents')
      .whereIn(
        'payment_basis_id',
        bases.map((b) => b.id),
      )
      .select('verdict', 'number', 'payment_basis_id', 'payable', 'source');
    expect(received).toHaveLength(bases.length);
    expect(received.every((r) => r.verdict === 'matched' && r.source === 'demo')).toBe(true);
    expect(received.map((r) => r.payable).sort()).toEqual(bases.map((b) => b.total_incl_vat).sort());
    const ref = bases[0]!.reference as string;
    const files = await readdir(invoiceDir);
    expect(files).toEqual(expect.arrayContaining([`${ref}.pdf`, `${ref}.csv`]));
    const response = files.find((f) => f.endsWith('.invoice-response.xml'))!;
    expect(await readFile(path.join(invoiceDir, response), 'utf8')).toContain('<cbc:ResponseCode>AP</cbc:ResponseCode>');
    expect(files.some((f) => f.endsWith('.provider-invoice.xml'))).toBe(true);
    const lines = first.settlements.join('\n');
    expect(lines).toContain(`sendt   ${ref} til PLEJE-PLUS`);
    expect(lines).toMatch(/modtaget #\d+ STEMMER PP-\d{6}-\d{4}\.xml PP-\d{6}-\d{4} fra PLEJE-PLUS til AG-2026-\d{6}/);
    expect(lines).toContain('Invoice Response AP skrevet (Peppol Invoice Response-regler kontrolleret her: ingen brudt)');
    expect(lines).not.toContain('leverandørens faktura brød');
  });

  it('recalculates the hourly prices of 2026, approves them, credits or invoices each private provider and writes the report', async () => {
    const r = await t.db('price_recalculations').first('status', 'adopted_at', 'result', 'proposed_price_list_id');
    expect(r.status).toBe('approved');
    // Adopted during this demo run: the proposed list of 2027 now has the status a recalculation gives it.
    expect(r.adopted_at.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    expect(r.adopted_at.getTime()).toBeLessThanOrEqual(Date.now());
    const list = await t.db('price_lists').where({ id: r.proposed_price_list_id }).first('status', 'valid_from');
    expect([list.status, list.valid_from]).toEqual(['recalculated', '2027-01-01']);
    expect(r.result.categories.map((c: { code: string }) => c.code)).toEqual([
      'PH',
      'PP.day',
      'PP.evening',
      'PP.night',
      'PP.weekend_holiday',
    ]);
    expect(r.result.excluded).toEqual([expect.objectContaining({ element: 'administration', reason: 'assessment_unit' })]);
    const docs = await t.db('invoices').whereNotNull('price_adjustment_id').orderBy('number').select('number', 'kind', 'total_incl_vat');
    const adjustments = await t
      .db('price_adjustments as a')
      .join('providers as p', 'p.id', 'a.provider_id')
      .whereNot('a.total_incl_vat', 0)
      .select('p.ref');
    // PLEJE-PLUS is on payment basis: it is sent the basis of its adjustment and invoices (or credits) it itself.
    expect(adjustments.map((a) => a.ref)).toContain('PLEJE-PLUS');
    expect(docs).toHaveLength(adjustments.filter((a) => a.ref !== 'PLEJE-PLUS').length);
    const adjustment = await t
      .db('price_adjustments as a')
      .join('providers as p', 'p.id', 'a.provider_id')
      .where('p.ref', 'PLEJE-PLUS')
      .first('a.id', 'a.total_incl_vat');
    const basis = await t
      .db('payment_bases')
      .where({ price_adjustment_id: adjustment.id })
      .first('id', 'reference', 'total_incl_vat', 'period_start', 'period_end');
    expect(basis).toMatchObject({
      reference: `AG-2026-R${String(adjustment.id).padStart(6, '0')}`,
      total_incl_vat: adjustment.total_incl_vat,
      period_start: '2026-01-01',
      period_end: '2027-01-01',
    });
    const answer = await t
      .db('received_documents')
      .where({ payment_basis_id: basis.id })
      .select('verdict', 'document_type', 'payable', 'source');
    expect(answer).toEqual([
      {
        verdict: 'matched',
        document_type: Number(basis.total_incl_vat) < 0 ? 'credit_note' : 'invoice',
        payable: basis.total_incl_vat,
        source: 'demo',
      },
    ]);
    const files = await readdir(invoiceDir);
    expect(files).toEqual(
      expect.arrayContaining([
        `${basis.reference}.pdf`,
        `${basis.reference}.csv`,
        `PP-2026-${basis.reference.slice(-4)}.${Number(basis.total_incl_vat) < 0 ? 'provider-credit-note' : 'provider-invoice'}.xml`,
      ]),
    );
    const recalcLines = first.recalculation.join('\n');
    expect(recalcLines).toContain(`sendt   ${basis.reference} til PLEJE-PLUS for 2026`);
    expect(recalcLines).not.toMatch(/leverandørens (faktura|kreditnota) brød/);
    expect(recalcLines).toMatch(
      new RegExp(`modtaget #\\d+ STEMMER PP-2026-\\d{4}\\.xml PP-2026-\\d{4} fra PLEJE-PLUS til ${basis.reference}`),
    );
    expect(docs.length).toBeGreaterThanOrEqual(1);
    for (const d of docs) expect(d.kind).toBe(Number(d.total_incl_vat) < 0 ? 'credit_note' : 'supplementary_invoice');
    expect(first.recalculation[0]).toMatch(/^Efterberegning af timepriser 2026 \(#\d+, godkendt\): regulering symmetrisk, overhead 6 %/);
    expect(first.recalculation.at(-1)).toMatch(/ny prisliste \d+ vedtaget fra 2027-01-01/);
    expect((await readdir(reportDir)).sort()).toEqual(['price-recalculation-2026.json', 'price-recalculation-2026.pdf']);
  });

  it('leaves May as drafts with open exceptions, stores a second model, and gives every role a token and a web user', async () => {
    const may = await t.db('settlements').where({ period_start: '2026-05-01' }).select('id', 'status', 'exception_count', 'line_count');
    expect(may.length).toBeGreaterThan(0);
    expect(may.every((s) => s.status === 'draft')).toBe(true);
    const open = await t
      .db('settlement_exceptions as e')
      .join('settlements as s', 's.id', 'e.settlement_id')
      .where('s.period_start', '2026-05-01')
      .count({ n: '*' });
    expect(open[0]!.n).toBeGreaterThan(0);
    expect(await t.db('exception_decisions').where({ period_start: '2026-05-01' }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(first.draftMonth[1]).toMatch(/^Kladdemåned 2026-05 \(en uges besøg: modtaget [1-9]\d*, uændret 0\)/);
    expect(first.draftMonth.at(-1)).toMatch(/^ {2}\d+ kladder? med [1-9]\d* åbne afvigelser$/);

    // What the settlement page shows of every hourly line: hours × rate × factor = amount, to the øre.
    const off = await t.db.raw(
      `select line_no, minutes, rate, factor, amount from settlement_lines
        where unit = 'per_hour' and round(minutes * rate * factor / 60, 2) <> amount`,
    );
    expect(off.rows).toEqual([]);
    expect(await t.db('settlement_lines').where({ unit: 'per_hour' }).count({ n: '*' })).not.toEqual([{ n: 0 }]);

    const models = await t.db('reimbursement_models').orderBy('name').pluck('name');
    expect(models).toEqual(['demo-leveret-tid', 'demo-visiteret-tid']);

    expect(first.tokens.map((x) => x.role)).toEqual(['admin', 'finance', 'budget_controller', 'auditor', 'provider']);
    expect(first.webUsers.map((u) => [u.role, u.username])).toEqual([
      ['admin', 'demo-admin'],
      ['finance', 'demo-finance'],
      ['budget_controller', 'demo-budget-controller'],
      ['auditor', 'demo-auditor'],
      ['provider', 'demo-provider-hjem-syd'],
    ]);
    // Each printed password signs in as its role.
    const budget = first.webUsers.find((u) => u.role === 'budget_controller')!;
    const signIn = await app.services.webSessions.signInWithPassword('demo', budget.username, budget.password!, {
      address: '127.0.0.1',
      requestId: null,
    });
    expect(signIn).toMatchObject({ outcome: 'opened', session: { principal: { role: 'budget_controller' } } });
    const controller = first.tokens.find((x) => x.role === 'budget_controller')!.token;
    await app.as(controller).get('/api/budgets').expect(200);
  });

  it('writes its documents in Danish: invoices, credit notes, the internal statement, payment bases and the council report hold no English word', async () => {
    const pdfs = [
      ...(await readdir(invoiceDir)).filter((f) => f.endsWith('.pdf')).map((f) => path.join(invoiceDir, f)),
      ...(await readdir(reportDir)).filter((f) => f.endsWith('.pdf')).map((f) => path.join(reportDir, f)),
    ];
    // invoice, credit note, internal statement, payment basis and its adjustment basis, council report
    expect(pdfs.map((f) => path.basename(f).replace(/\d+/g, '#')).sort()).toEqual([
      '#-#.pdf',
      '#-#.pdf',
      'AG-#-#.pdf',
      'AG-#-R#.pdf',
      'I#-#.pdf',
      'price-recalculation-#.pdf',
    ]);
    const found: Record<string, string[]> = {};
    for (const f of pdfs) {
      // A payment basis's item ids (personal_care.day.visit, retro.PH.weekend_holiday, …) are codes
      // the provider's invoice quotes back for matching, not words.
      const text = (await pdfText(await readFile(f))).replace(/^[A-Za-z_]+(\.[A-Za-z_0-9]+){2,3}$/gm, '');
      const english = englishIn(text);
      if (english.length > 0) found[path.basename(f)] = english;
    }
    expect(found).toEqual({});
  });

  it('re-running changes nothing: the imports report every row unchanged', async () => {
    const before = await t.db('invoices').count({ n: '*' });
    const again = await loadDemo(
      app.services,
      { code: 'demo', citizens: CITIZENS, actor: 'test', invoiceDir, reportDir },
      importRunner(app.services),
    );
    expect(await t.db('invoices').count({ n: '*' })).toEqual(before);
    // Nothing sent or received twice.
    expect(await t.db('received_documents').count({ n: '*' })).toEqual([{ n: 2 }]);
    expect(again.recalculation.join('\n')).toMatch(/allerede modtaget: #\d+ STEMMER PP-2026-/);
    expect(again.settlements.join('\n')).toMatch(/allerede modtaget: #\d+ STEMMER/);
    expect(first.settlements.filter((l) => l.startsWith('  godkendt afregning #')).length).toBeGreaterThan(0);
    expect(again.settlements.filter((l) => l.startsWith('  godkendt afregning #'))).toEqual([]);
    expect(first.draftMonth[0]).toMatch(/^ {2}model demo-leveret-tid@1 gemt ved siden af /);
    expect(again.draftMonth[0]).toMatch(/^ {2}model demo-leveret-tid@1 findes ved siden af /);
    expect(again.webUsers.every((u) => u.password === null)).toBe(true);
    expect(again).toMatchObject({
      created: false,
      citizens: ALL_CITIZENS,
      regimes: first.regimes, // the same lines to the øre
      choices: first.choices,
      grantsImport: { accepted: 0, unchanged: data.grants.length, updated: 0 },
      visitsImport: { accepted: 0, unchanged: data.visits.length, updated: 0 },
    });
  });
});
