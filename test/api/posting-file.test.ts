import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { runPostingFileCommand } from '../../src/features/postings/posting-command.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aBusyMarch, aSettlementWorld, type SettlementWorld } from '../helpers/settlement-builders.js';
import { aWebWorld } from '../helpers/web-builders.js';
import { Browser } from '../helpers/web-browser.js';

const t = useTestDatabase();

const ACCOUNTS = [
  { category: 'personal_care', providerKind: 'private', account: '5.32.32.1-4000-PP-PRIV' },
  { category: 'personal_care', providerKind: 'municipal', account: '5.32.32.1-4000-PP-KOM' },
  { category: 'practical_help', providerKind: 'private', account: '5.32.32.2-4000-PH-PRIV' },
  { category: 'practical_help', providerKind: 'municipal', account: '5.32.32.2-4000-PH-KOM' },
  { category: 'vat', providerKind: 'private', account: '9.55.10-moms' },
  { category: 'vat', providerKind: 'municipal', account: '9.55.11-moms' },
];

/** The CSV as objects (the file is ours: no quoted cells in it). */
const rowsOf = (csv: string) => {
  const [head, ...lines] = csv.trimEnd().split('\r\n');
  const keys = head!.split(';');
  return lines.map((l) => Object.fromEntries(l.split(';').map((v, i) => [keys[i], v])) as Record<string, string>);
};

/** Per provider: what the approved settlements of March say, and what the posting file says. */
async function compare(app: TestApp, w: SettlementWorld, csv: string) {
  const settlements = await t
    .db('settlements as s')
    .join('providers as p', 'p.id', 's.provider_id')
    .where({ 's.municipality_id': w.municipalityId, 's.period_start': '2026-03-01' })
    .whereIn('s.status', ['approved', 'invoiced'])
    .select('p.ref', 's.total_excl_vat', 's.vat');
  const expected = new Map<string, { excl: Decimal; vat: Decimal }>();
  for (const s of settlements) {
    const e = expected.get(s.ref) ?? { excl: new Decimal(0), vat: new Decimal(0) };
    expected.set(s.ref, { excl: e.excl.plus(s.total_excl_vat), vat: e.vat.plus(s.vat) });
  }
  const posted = new Map<string, { excl: Decimal; vat: Decimal }>();
  for (const r of rowsOf(csv)) {
    const e = posted.get(r.provider_ref!) ?? { excl: new Decimal(0), vat: new Decimal(0) };
    if (r.category === 'vat') e.vat = e.vat.plus(r.amount!);
    else e.excl = e.excl.plus(r.amount!);
    posted.set(r.provider_ref!, e);
  }
  const show = (m: Map<string, { excl: Decimal; vat: Decimal }>) =>
    Object.fromEntries([...m].sort().map(([k, v]) => [k, `${v.excl.toFixed(2)} + ${v.vat.toFixed(2)}`]));
  void app;
  return { expected: show(expected), posted: show(posted) };
}

describe('posting file of the approved month', () => {
  let app: TestApp;
  let w: SettlementWorld;
  let finance: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'POST');
    await aBusyMarch(w, [w.providers.p, w.providers.q]);
    finance = await w.token('finance');
    const run = await app.services.settlements.run(w.who, { period: '2026-03' });
    for (const o of run.outcomes) await app.services.settlements.approve(w.who, o.settlement!.id, { confirmOpen: true });
  });

  it('refuses while an account is missing, naming category and provider kind', async () => {
    const res = await app.as(finance).get('/api/posting-files/2026-03').expect(422);
    expect(res.body.error.details.missing).toEqual(
      expect.arrayContaining([
        { category: 'personal_care', providerKind: 'private' },
        { category: 'personal_care', providerKind: 'municipal' },
        { category: 'practical_help', providerKind: 'municipal' },
      ]),
    );
    await app.as(finance).get('/api/posting-files/2026-04').expect(422);
  });

  it('books every provider × category on its account and adds up to the approved settlements to the øre', async () => {
    const set = await app.as(finance).put('/api/posting-accounts').send({ accounts: ACCOUNTS }).expect(200);
    expect(set.body.accounts).toHaveLength(6);
    const res = await app.as(finance).get('/api/posting-files/2026-03').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = rowsOf(res.text);
    expect(res.text.split('\r\n')[0]).toBe('period;account;provider_ref;provider_name;provider_kind;category;amount;currency;settlements');
    expect(rows.map((r) => `${r.provider_ref} ${r.category} ${r.account}`)).toEqual([
      'CARE personal_care 5.32.32.1-4000-PP-PRIV',
      'CARE practical_help 5.32.32.2-4000-PH-PRIV',
      'CARE vat 9.55.10-moms',
      'HOME personal_care 5.32.32.1-4000-PP-KOM',
      'HOME practical_help 5.32.32.2-4000-PH-KOM',
      'HOME vat 9.55.11-moms',
    ]);
    for (const r of rows) expect(r.amount).toMatch(/^-?\d+\.\d{2}$/);
    const { expected, posted } = await compare(app, w, res.text);
    expect(posted).toEqual(expected);
    expect(Object.keys(posted)).toEqual(['CARE', 'HOME']);
  });

  it('takes in an approved correction, not a draft one', async () => {
    const c = await w.citizen('LATE');
    await w.choose(c, w.providers.p);
    await w.grant(c, 'PC', { minutesPerOccurrence: 40 });
    await w.visit(w.providers.p, c, 'PC', '2026-03-20 08:00', '2026-03-20 08:40');
    const before = (await app.as(finance).get('/api/posting-files/2026-03').expect(200)).text;
    const run = await app.services.settlements.run(w.who, { period: '2026-03', providerIds: [w.providers.p] });
    const correction = run.outcomes[0]!.settlement!.id;
    expect((await app.as(finance).get('/api/posting-files/2026-03').expect(200)).text).toBe(before);
    await app.services.settlements.approve(w.who, correction, { confirmOpen: true });
    const after = (await app.as(finance).get('/api/posting-files/2026-03').expect(200)).text;
    expect(after).not.toBe(before);
    const care = rowsOf(after).find((r) => r.provider_ref === 'CARE' && r.category === 'personal_care')!;
    expect(care.settlements!.split(' ')).toHaveLength(2);
    const { expected, posted } = await compare(app, w, after);
    expect(posted).toEqual(expected);
  });

  it('is the same file from the command line, and hidden from providers', async () => {
    const api = (await app.as(finance).get('/api/posting-files/2026-03').expect(200)).text;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'posting-')), 'march.csv');
    const said: string[] = [];
    await runPostingFileCommand(app.services, { municipality: 'POST', period: '2026-03', out }, (l) => said.push(l));
    expect(fs.readFileSync(out, 'utf8')).toBe(api);
    // A Danish municipality: the command speaks Danish, amounts the Danish way.
    expect(said[0]).toMatch(
      /^Posteringsfil 2026-03 for POST skrevet til .*: 6 linjer, [\d.]+,\d{2} kr\. ekskl\. moms \+ [\d.]+,\d{2} kr\. moms$/,
    );
    const provider = await w.token('provider', w.providers.p);
    await app.as(provider).get('/api/posting-files/2026-03').expect(403);
    await app.as(provider).put('/api/posting-accounts').send({ accounts: [] }).expect(403);
  });

  it('speaks the language asked for through the real command line (--lang sv)', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const said: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((l: string) => void said.push(l));
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'posting-')), 'march.csv');
    try {
      expect(
        await runCli(['node', 'carepay', '--lang', 'sv', 'posting', 'file', '--municipality', 'POST', '--period', '2026-03', '--out', out]),
      ).toBe(0);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^Konteringsfil 2026-03 för POST skriven till .*: 6 rader, [\d\u00a0 ]+,\d{2} DKK exkl\. moms \+ [\d\u00a0 ]+,\d{2} DKK moms$/,
      );
      said.length = 0;
      expect(await runCli(['node', 'carepay', 'posting', 'file', '--municipality', 'POST', '--period', '2026-03', '--out', out])).toBe(0);
      expect(said[0]).toMatch(/^Posteringsfil 2026-03 for POST skrevet til .*: 6 linjer, /);
    } finally {
      err.mockRestore();
      process.env.DATABASE_URL = previous;
    }
  });

  it('refuses an account given twice', async () => {
    const res = await app
      .as(finance)
      .put('/api/posting-accounts')
      .send({ accounts: [ACCOUNTS[0], { ...ACCOUNTS[0], account: 'other' }] })
      .expect(422);
    expect(res.body.error.message).toBe('accounts[1] repeats personal_care × private of accounts[0]');
    expect((await app.as(finance).get('/api/posting-accounts').expect(200)).body.accounts).toHaveLength(6);
  });
});

describe('posting file on the web', () => {
  it('is linked where finance sees the approved month, and downloads', async () => {
    const app = buildTestApp(t.db);
    const world = await aWebWorld(app.services, 'POSTWEB');
    await app.services.postings.setAccounts(
      {
        principal: { municipalityId: world.municipalityId, role: 'admin', providerId: null, actor: 'test', tokenId: null },
        requestId: null,
      },
      ACCOUNTS.map((a) => ({ ...a, category: a.category as 'vat' })),
    );
    const b = new Browser(app);
    await b.signIn({ token: world.tokens.finance });
    const page = await b.get('/app/settlements?period=2026-02');
    expect(page.text).toContain('<a href="/app/posting-files/2026-02" download>Posteringsfil (CSV) til økonomisystemet 2026-02</a>');
    const march = await b.get('/app/settlements?period=2026-03');
    expect(march.text).not.toContain('/app/posting-files/');
    const file = await b.get('/app/posting-files/2026-02');
    expect(file.status).toBe(200);
    expect(rowsOf(file.text).map((r) => `${r.provider_ref} ${r.category} ${r.amount}`)).toEqual([
      'CARE personal_care 225.00',
      'CARE vat 56.25',
      'HOME personal_care 225.00',
      'HOME vat 56.25',
    ]);

    const provider = new Browser(app);
    await provider.signIn({ token: world.tokens.care });
    expect((await provider.get('/app/settlements?period=2026-02')).text).not.toContain('/app/posting-files/');
    expect((await provider.get('/app/posting-files/2026-02')).status).toBe(403);
  });
});
