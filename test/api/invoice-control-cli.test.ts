import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, allJobs } from '../../jobs/scheduler.js';
import { processInbox } from '../../src/features/invoice-control/invoice-inbox.js';
import { createLogger } from '../../src/shared/logger.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { cliAgainst } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, asFinance, pdfText } from '../helpers/invoice-builders.js';
import { aBasis, aPaymentBasisWorld, aProviderInvoice, type ControlWorld } from '../helpers/provider-invoice-builder.js';

const t = useTestDatabase();

describe('invoice control from the command line and the inbox folder', () => {
  let app: TestApp;
  let w: ControlWorld;
  let tmp: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aPaymentBasisWorld(t.db, app, 'ctl-cli');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-control-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cli = (args: string[]) => cliAgainst(t.url, args);

  it('sends the bases due, writes PDF and CSV, receives files and records a decision', async () => {
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      period: '2026-04',
      lines: [{ citizenRef: 'C-1', minutes: 90, rate: '450.00' }],
    });
    const ref = `AG-2026-${String(s.id).padStart(6, '0')}`;
    const issued = await cli(['payment-basis', 'issue', '--due', '--municipality', 'ctl-cli']);
    // A Danish municipality: the command line speaks Danish unless --lang says otherwise.
    expect(issued).toEqual({ code: 0, out: expect.stringMatching(new RegExp(`^sendt\\s+${ref} OMSORG\\s+2026-04\\s+843,75 kr\\.$`)) });
    expect((await cli(['payment-basis', 'issue', '--settlement', String(s.id), '--municipality', 'ctl-cli'])).out).toMatch(/^findes /);
    expect((await cli(['--lang', 'sv', 'payment-basis', 'list', '--municipality', 'ctl-cli', '--period', '2026-04'])).out).toMatch(
      new RegExp(`^${ref} OMSORG\\s+2026-04\\s+843,75 DKK$`),
    );
    const pdf = path.join(tmp, 'b.pdf');
    const csv = path.join(tmp, 'b.csv');
    expect((await cli(['payment-basis', 'pdf', ref.toLowerCase(), '--municipality', 'ctl-cli', '--out', pdf])).out).toMatch(
      new RegExp(`^${pdf}: PDF af ${ref} \\(\\d+ bytes\\)$`),
    );
    expect((await cli(['--lang', 'sv', 'payment-basis', 'csv', ref, '--municipality', 'ctl-cli', '--out', csv])).out).toMatch(
      new RegExp(`^${csv}: CSV av ${ref} \\(\\d+ byte\\)$`),
    );
    expect(await pdfText(fs.readFileSync(pdf))).toContain(ref);
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')).toHaveLength(3);
    expect((await cli(['payment-basis', 'pdf', 'nonsense', '--municipality', 'ctl-cli', '--out', pdf])).code).not.toBe(0);

    const basis = (await app.services.invoiceControl.basis(asFinance(w.municipalityId), ref)).document;
    const good = path.join(tmp, 'good.xml');
    const wrong = path.join(tmp, 'wrong.xml');
    const junk = path.join(tmp, 'junk.xml');
    fs.writeFileSync(good, aProviderInvoice(w, basis, { number: 'C-1' }));
    fs.writeFileSync(wrong, aProviderInvoice(w, basis, { number: 'C-2', mistakes: { extraMinutes: 15 } }));
    fs.writeFileSync(junk, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    const r = await cli(['invoice', 'receive', wrong, good, junk, '--municipality', 'ctl-cli', '--language', 'da']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^#\\d+ AFVIGER wrong.xml C-2 fra OMSORG til ${ref}, 984,38 kr\\.$`));
    expect(lines).toContain('  - Linje personal_care.weekday_day.visit: antal: forventet 90 MIN, modtaget 105 MIN, forskel -15.');
    expect(r.out).toMatch(
      /AFVIGER[\s\S]*STEMMER good.xml C-1 fra OMSORG[\s\S]*AFVIST junk.xml \? fra ukendt sælger\n {2}- Dokumentet indeholder en DOCTYPE/,
    );

    const id = Number(/^#(\d+)/.exec(lines[0]!)![1]);
    const decided = await cli([
      'received',
      'decide',
      String(id),
      '--municipality',
      'ctl-cli',
      '--decision',
      'rejected',
      '--note',
      'send a credit note',
    ]);
    expect(decided.out).toMatch(/^#\d+ AFVIST wrong.xml C-2/);
    const out = path.join(tmp, 'response.xml');
    expect((await cli(['received', 'response', String(id), '--municipality', 'ctl-cli', '--out', out])).out).toBe(
      `${out}: Invoice Response 2 (RE) af #${id}`,
    );
    expect(fs.readFileSync(out, 'utf8')).toContain('Afvist af kommunens økonomiafdeling: send a credit note');
    const list = await cli(['received', 'list', '--municipality', 'ctl-cli', '--outcome', 'matched']);
    expect(list.out.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^#\\d+ STEMMER good.xml C-1 fra OMSORG til ${ref}, [\\d.]+,\\d{2} kr\\.$`)),
    ]);
    // --lang sv: verdicts and words in Swedish, the amount the Swedish way.
    const sv = await cli(['--lang', 'sv', 'received', 'list', '--municipality', 'ctl-cli']);
    expect(sv.out).toMatch(new RegExp(`^#\\d+ STÄMMER good.xml C-1 från OMSORG för ${ref}, [\\d\u00a0]+,\\d{2} DKK$`, 'm'));
    expect(sv.out).toMatch(/^#\d+ AVVISAD wrong.xml C-2 från OMSORG/m);
    expect(sv.out).toMatch(/^#\d+ AVVISAD junk.xml \? från okänd säljare$/m);
    expect((await cli(['--lang', 'sv', 'received', 'show', String(id), '--municipality', 'ctl-cli'])).out).toMatch(
      /^#\d+ AVVISAD wrong.xml C-2 från OMSORG för AG-[\s\S]*\n {2}- /,
    );
    expect((await cli(['--lang', 'sv', 'payment-basis', 'list', '--municipality', 'ctl-cli', '--period', '2031-01'])).out).toBe(
      'inga betalningsunderlag',
    );
    expect((await cli(['payment-basis', 'list', '--municipality', 'ctl-cli', '--period', '2031-01'])).out).toBe('ingen betalingsgrundlag');
    expect((await cli(['--lang', 'sv', 'received', 'list', '--municipality', 'ctl-cli', '--outcome', 'accepted'])).out).toBe(
      'inga mottagna dokument',
    );
    expect((await cli(['--lang', 'en', 'received', 'list', '--municipality', 'ctl-cli', '--outcome', 'matched'])).out).toMatch(
      /^#\d+ MATCHED good.xml C-1 from OMSORG for AG-\d{4}-\d{6}, DKK [\d,]+\.\d{2}$/,
    );
    const empty = path.join(tmp, 'empty-inbox');
    fs.mkdirSync(empty);
    expect((await cli(['invoice', 'inbox', '--municipality', 'ctl-cli', '--dir', empty])).out).toBe('indbakken er tom');
    fs.writeFileSync(path.join(empty, 'x.xml'), 'not xml at all');
    expect((await cli(['--lang', 'sv', 'invoice', 'inbox', '--municipality', 'ctl-cli', '--dir', empty])).out).toMatch(
      /^x\.xml: AVVISAD \(#\d+\) → failed\/$/,
    );
  });

  it('two instances emptying one inbox take each file once; rejected files go to failed/, the rest to processed/', async () => {
    const b = await aBasis(t.db, app, w, {
      provider: 'HJEM',
      period: '2026-05',
      lines: [{ citizenRef: 'C-5', minutes: 60, rate: '450.00' }],
    });
    const inbox = path.join(tmp, 'inbox', 'ctl-cli');
    fs.mkdirSync(inbox, { recursive: true });
    for (let i = 0; i < 6; i++)
      fs.writeFileSync(path.join(inbox, `inv-${i}.xml`), aProviderInvoice(w, b, { from: 'HJEM', number: `IN-${i}` }));
    fs.writeFileSync(path.join(inbox, 'broken.xml'), 'not xml at all');
    const who = asFinance(w.municipalityId);
    const [a, c] = await Promise.all([
      processInbox(app.services.invoiceControl, who, inbox, 'one'),
      processInbox(app.services.invoiceControl, who, inbox, 'two'),
    ]);
    const all = [...a, ...c].sort((x, y) => x.file.localeCompare(y.file));
    expect(all.map((x) => x.file)).toEqual(['broken.xml', ...[0, 1, 2, 3, 4, 5].map((i) => `inv-${i}.xml`)]);
    // One invoice of the basis is matched, the others refused: the basis was already invoiced.
    expect(all.filter((x) => x.verdict === 'matched')).toHaveLength(1);
    expect(fs.readdirSync(path.join(inbox, 'processed'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(inbox, 'failed'))).toHaveLength(6);
    expect(fs.readdirSync(inbox).filter((f) => f.endsWith('.xml'))).toEqual([]);
    expect(
      await t
        .db('received_documents')
        .where({ source: 'folder', municipality_id: w.municipalityId })
        .whereNot({ filename: 'x.xml' })
        .count({ n: '*' }),
    ).toEqual([{ n: 7 }]);
  });

  it('the scheduled job picks the inbox up when INVOICE_INBOX_DIR is set, and is not registered otherwise', async () => {
    expect(allJobs(app.services).map((j) => j.name)).not.toContain('invoice-inbox');
    const withInbox = buildTestApp(t.db, { INVOICE_INBOX_DIR: path.join(tmp, 'inbox') });
    const jobs = allJobs(withInbox.services);
    expect(jobs.map((j) => j.name)).toContain('invoice-inbox');
    const b = await aBasis(t.db, app, w, {
      provider: 'OMSORG',
      period: '2026-08',
      lines: [{ citizenRef: 'C-8', minutes: 30, rate: '450.00' }],
    });
    fs.writeFileSync(path.join(tmp, 'inbox', 'ctl-cli', 'job.xml'), aProviderInvoice(w, b, { number: 'JOB-1' }));
    const scheduler = createScheduler(
      t.db,
      jobs.filter((j) => j.name === 'invoice-inbox'),
      createLogger('silent'),
      { catchUp: false },
    );
    const results = await scheduler.tick('invoice-inbox', 'Europe/Copenhagen', new Date('2026-09-01T08:07:00Z'));
    expect(results.find((x) => x.municipalityId === w.municipalityId)).toMatchObject({ period: '2026-09-01T10:05', outcome: 'ran' });
    const doc = await t.db('received_documents').where({ number: 'JOB-1' }).first('verdict', 'source', 'received_by');
    expect(doc).toMatchObject({ verdict: 'matched', source: 'folder' });
    expect(doc.received_by).toMatch(/^inbox:/);
  });
});
