import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { cliRun } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/** The real command line in-process against this file's database (DATABASE_URL set in beforeAll). */
const cli = (...args: string[]) => cliRun(args);

describe('carepay model / settle / settlement / exception / period / compare', () => {
  let app: TestApp;
  let tmp: string;
  let previous: string | undefined;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;

  beforeAll(async () => {
    previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-settle-'));
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'CLI', { assign: false });
    const c1 = await w.citizen('C1');
    await w.choose(c1, w.providers.p);
    await w.grant(c1, 'PC');
    // 2 × 30 granted minutes on weekday_day × 450.00 / 60 = 450.00; VAT 25 % 112.50
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-03 08:00', '2026-03-03 08:30');
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it('adds a model from a file and assigns it; an invalid file is refused with the paths (exit 2)', async () => {
    const good = path.join(tmp, 'model.json');
    fs.writeFileSync(good, JSON.stringify(exampleModel('dk-granted-time')));
    const r = await cli('model', 'add', good, '--municipality', 'CLI', '--name', 'dk-cli', '--assign-from', '2026-01-01');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^model dk-cli@1 tilføjet \(id \d+\): Danish granted-time model \(hverdag dag \/ øvrige tider\)\ntildelt alle leverandører fra 2026-01-01, uden slutdato \(tildeling \d+\)$/,
    );

    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...exampleModel('dk-granted-time'), rounding: { mode: 'up', toMinutes: 7 } }));
    const b = await cli('model', 'add', bad, '--municipality', 'CLI', '--name', 'dk-bad');
    expect(b.code).toBe(2);
    expect(b.err).toContain('rounding.toMinutes');
  });

  it('settles a month (--json), approves by id, and locks the month', async () => {
    const r = await cli('settle', '--municipality', 'CLI', '--period', '2026-03', '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.outcomes).toHaveLength(1);
    const s = result.outcomes[0].settlement;
    expect(s).toMatchObject({ providerRef: 'CARE', status: 'draft', totalExclVat: '450.00', vat: '112.50', totalInclVat: '562.50' });

    // The municipality's language (Danish), with its digits; --lang sv and en say the same in theirs.
    const text = await cli('settle', '--municipality', 'CLI', '--period', '2026-03', '--provider', 'CARE');
    expect(text.out.split('\n').slice(0, 3)).toEqual([
      'Afregninger 2026-03 — 1 leverandør, beløb i DKK',
      expect.stringMatching(/^ {2}leverandør +udfald +dokument +ekskl\. moms +moms +inkl\. moms +linjer +afvigelser$/),
      expect.stringMatching(/^ {2}CARE +uændret +ordinær #\d+ +450,00 +112,50 +562,50 +1 +0$/),
    ]);
    const swedish = (await cli('settle', '--municipality', 'CLI', '--period', '2026-03', '--provider', 'CARE', '--lang', 'sv')).out.split(
      '\n',
    );
    expect(swedish[0]).toBe('Ersättningskörningar 2026-03 — 1 utförare, belopp i DKK');
    expect(swedish[1]).toMatch(/^ {2}utförare +utfall +dokument +exkl\. moms +moms +inkl\. moms +rader +avvikelser$/);
    expect(swedish.find((l) => l.includes('CARE'))).toMatch(/^ {2}CARE +oförändrad +ordinarie #\d+ +450,00 +112,50 +562,50 +1 +0$/);
    const english = (await cli('settle', '--municipality', 'CLI', '--period', '2026-03', '--provider', 'CARE', '--lang', 'en')).out.split(
      '\n',
    );
    expect(english[0]).toBe('Settlements 2026-03 — 1 provider, amounts in DKK');
    expect(english.find((l) => l.includes('CARE'))).toMatch(/^ {2}CARE +unchanged +regular #\d+ +450\.00 +112\.50 +562\.50 +1 +0$/);

    const a = await cli('settlement', 'approve', String(s.id));
    expect(a.code).toBe(0);
    expect(a.out).toBe(`afregning ${s.id} (CARE 2026-03 ordinær) godkendt: 450,00 + moms 112,50 = 562,50 DKK`);
    const again = await cli('settlement', 'approve', String(s.id));
    expect([again.code, again.err]).toEqual([2, `error: settlement ${s.id} is already approved`]);

    const l = await cli('period', 'lock', '--municipality', 'CLI', '--period', '2026-03');
    expect(l.out).toMatch(/^2026-03 låst af cli:\S+ \d{4}-/);
    const refused = await cli('settle', '--municipality', 'CLI', '--period', '2026-03', '--provider', 'HOME');
    expect(refused.code).toBe(2);
    // Said in the municipality's language (DK), as the rest of the CLI output.
    expect(refused.err).toContain('fejl: 2026-03 er låst; leverandør HOME har ingen godkendt afregning at korrigere');
    expect((await cli('period', 'unlock', '--municipality', 'CLI', '--period', '2026-03', '--lang', 'sv')).out).toBe('2026-03 upplåst');
    expect((await cli('period', 'lock', '--municipality', 'CLI', '--period', '2026-03', '--lang', 'sv')).out).toMatch(
      /^2026-03 låst av cli:\S+ \d{4}-/,
    );
    expect((await cli('period', 'unlock', '--municipality', 'CLI', '--period', '2026-03')).out).toBe('2026-03 låst op');
  });

  it('compares two models side by side', async () => {
    const delivered = exampleModel('dk-granted-time') as { defaults: { basis: unknown } };
    delivered.defaults.basis = { type: 'delivered' };
    const f = path.join(tmp, 'delivered.json');
    fs.writeFileSync(f, JSON.stringify(delivered));
    expect((await cli('model', 'add', f, '--municipality', 'CLI', '--name', 'dk-delivered')).code).toBe(0);
    const r = await cli(
      'compare',
      '--municipality',
      'CLI',
      '--period',
      '2026-03',
      '--model',
      'dk-cli',
      '--model',
      'dk-delivered@1',
      '--json',
    );
    expect(r.code).toBe(0);
    // The visits lasted exactly their granted 30 minutes: both models pay 450.00
    expect(JSON.parse(r.out).total).toEqual({
      a: { amount: '450.00', minutes: 60, hours: '1.00' },
      b: { amount: '450.00', minutes: 60, hours: '1.00' },
      difference: { amount: '0.00', minutes: 0, hours: '0.00' },
    });
    const text = await cli('compare', '--municipality', 'CLI', '--period', '2026-03', '--model', 'dk-cli', '--model', 'dk-delivered');
    // In the municipality's Danish, and in Swedish with --lang sv.
    expect(text.out.split('\n')[0]).toBe(
      'Hvad nu hvis 2026-03: A = dk-cli@1, B = dk-delivered@1, prisliste "Timepriser 2026" (forskel = B − A)',
    );
    expect(text.out.split('\n').at(-1)).toMatch(/^ {2}I ALT +450,00 +450,00 +0,00 +1,00 +1,00 +0,00$/);
    const sv = (
      await cli('compare', '--municipality', 'CLI', '--period', '2026-03', '--model', 'dk-cli', '--model', 'dk-delivered', '--lang', 'sv')
    ).out.split('\n');
    expect(sv[0]).toBe('Tänk om 2026-03: A = dk-cli@1, B = dk-delivered@1, prislista "Timepriser 2026" (skillnad = B − A)');
    expect(sv[1]).toMatch(/^ {2}utförare +kategori +A belopp +B belopp +skillnad +A timmar +B timmar +skillnad tim$/);
    expect(sv.at(-1)).toMatch(/^ {2}SUMMA +450,00 +450,00 +0,00 +1,00 +1,00 +0,00$/);
    const one = await cli('compare', '--municipality', 'CLI', '--period', '2026-03', '--model', 'dk-cli');
    expect([one.code, one.err]).toEqual([2, 'error: give --model exactly twice: --model A --model B']);
  });
  it('lists the models and their assignments, assigns one to a provider and ends it; an overlap is refused', async () => {
    const listed = JSON.parse((await cli('model', 'list', '--municipality', 'CLI', '--json')).out);
    expect(listed.models.map((m: { name: string; version: number }) => `${m.name}@${m.version}`)).toEqual([
      'dk-cli@1',
      'dk-delivered@1',
      'dk-granted@1',
    ]);
    expect(
      listed.assignments.map((a: { modelName: string; providerId: number | null; validFrom: string; validTo: string | null }) => [
        a.modelName,
        a.providerId,
        a.validFrom,
        a.validTo,
      ]),
    ).toEqual([['dk-cli', null, '2026-01-01', null]]);

    const a = await cli('model', 'assign', 'dk-delivered', '--municipality', 'CLI', '--from', '2026-04-01', '--provider', 'HOME');
    expect(a.code).toBe(0);
    const id = Number(/^tildeling (\d+): dk-delivered@1 til HOME fra 2026-04-01, uden slutdato$/.exec(a.out)?.[1]);
    expect(id).toBeGreaterThan(0);
    const text = await cli('model', 'list', '--municipality', 'CLI', '--active-on', '2026-04-15');
    expect(text.out.split('\n')).toEqual([
      'Afregningsmodeller i CLI: 3 versioner',
      expect.stringMatching(/^ {2}dk-cli@1 +id \d+ +brugt siden \d{4}-\d{2}-\d{2} +Danish granted-time model/),
      expect.stringMatching(/^ {2}dk-delivered@1 +id \d+ +ikke brugt endnu +Danish granted-time model/),
      expect.stringMatching(/^ {2}dk-granted@1 +id \d+ +ikke brugt endnu +Danish granted-time model/),
      'Tildelinger i kraft 2026-04-15: 2 (en leverandørs egen tildeling går forud for en til alle leverandører)',
      expect.stringMatching(/^ {2}#\d+ +dk-cli@1 +alle leverandører +fra 2026-01-01, uden slutdato$/),
      expect.stringMatching(new RegExp(`^  #${id} +dk-delivered@1 +leverandør HOME +fra 2026-04-01, uden slutdato$`)),
    ]);
    const sv = await cli('--lang', 'sv', 'model', 'list', '--municipality', 'CLI', '--active-on', '2026-04-15');
    expect(sv.out.split('\n')).toEqual([
      'Ersättningsmodeller i CLI: 3 versioner',
      expect.stringMatching(/^ {2}dk-cli@1 +id \d+ +använd sedan \d{4}-\d{2}-\d{2} +Danish granted-time model/),
      expect.stringMatching(/^ {2}dk-delivered@1 +id \d+ +inte använd än +Danish granted-time model/),
      expect.stringMatching(/^ {2}dk-granted@1 +id \d+ +inte använd än +Danish granted-time model/),
      'Tilldelningar gällande 2026-04-15: 2 (en utförares egen tilldelning går före en för alla utförare)',
      expect.stringMatching(/^ {2}#\d+ +dk-cli@1 +alla utförare +från 2026-01-01, tills vidare$/),
      expect.stringMatching(new RegExp(`^  #${id} +dk-delivered@1 +utförare HOME +från 2026-04-01, tills vidare$`)),
    ]);

    const ended = await cli('model', 'end-assignment', String(id), '--municipality', 'CLI', '--to', '2026-05-01');
    expect(ended.out).toBe(`tildeling ${id}: dk-delivered@1 fra 2026-04-01 til 2026-05-01`);
    expect((await cli('--lang', 'sv', 'model', 'end-assignment', String(id), '--municipality', 'CLI', '--to', '2026-05-01')).out).toBe(
      `tilldelning ${id}: dk-delivered@1 från 2026-04-01 till 2026-05-01`,
    );
    const inMay = JSON.parse((await cli('model', 'list', '--municipality', 'CLI', '--active-on', '2026-05-01', '--json')).out);
    expect(inMay.assignments.map((x: { modelName: string }) => x.modelName)).toEqual(['dk-cli']);

    const overlap = await cli('model', 'assign', 'dk-delivered', '--municipality', 'CLI', '--from', '2026-06-01');
    expect(overlap.code).toBe(2);
    expect(overlap.err.split('\n')[0]).toMatch(
      // In the municipality's language (DK), the open end in words.
      /^fejl: Tildelingen til alle leverandører ville overlappe tildeling \d+ \(model dk-cli@1, \[2026-01-01, åben\)\); afslut den først$/,
    );
    const unknown = await cli('compare', '--municipality', 'CLI', '--period', '2026-03', '--model', 'dk-cli', '--model', 'dk-nope');
    expect([unknown.code, unknown.err.split('\n')[0]]).toEqual([
      2,
      'error: model dk-nope not found; this municipality has dk-cli@1, dk-delivered@1, dk-granted@1 (latest versions)',
    ]);
  });

  it('lists the settlement documents of a month and shows one with its lines, reasons and exceptions', async () => {
    const list = JSON.parse((await cli('settlement', 'list', '--municipality', 'CLI', '--period', '2026-03', '--json')).out);
    expect(
      list.items.map((s: { providerRef: string; kind: string; status: string; totalInclVat: string }) => [
        s.providerRef,
        s.kind,
        s.status,
        s.totalInclVat,
      ]),
    ).toEqual([['CARE', 'regular', 'approved', '562.50']]);
    const id = list.items[0].id as number;
    const text = (await cli('settlement', 'list', '--municipality', 'CLI', '--period', '2026-03')).out.split('\n');
    expect(text[0]).toBe('Afregningsdokumenter 2026-03: 1 dokument, beløb i DKK');
    expect(text[1]).toMatch(/^ {2}id +leverandør +dokument +status +ekskl\. moms +moms +inkl\. moms +linjer +afvigelser {2}model$/);
    expect(text[2]).toMatch(new RegExp(`^  #${id} +CARE +ordinær +godkendt +450,00 +112,50 +562,50 +1 +0  dk-cli@1$`));
    const sv = (await cli('settlement', 'list', '--municipality', 'CLI', '--period', '2026-03', '--lang', 'sv')).out.split('\n');
    expect(sv[0]).toBe('Ersättningsdokument 2026-03: 1 dokument, belopp i DKK');
    expect(sv[2]).toMatch(new RegExp(`^  #${id} +CARE +ordinarie +godkänd +450,00 +112,50 +562,50 +1 +0  dk-cli@1$`));
    const en = (await cli('settlement', 'list', '--municipality', 'CLI', '--period', '2026-03', '--lang', 'en')).out.split('\n');
    expect(en[0]).toBe('Settlement documents 2026-03: 1 document, amounts in DKK');
    expect(
      JSON.parse((await cli('settlement', 'list', '--municipality', 'CLI', '--period', '2026-03', '--status', 'draft', '--json')).out)
        .items,
    ).toEqual([]);

    // The municipality's language unless --lang (or CAREPAY_LANG) says otherwise.
    const danish = (await cli('settlement', 'show', String(id))).out.split('\n');
    expect(danish[0]).toBe(`Afregning #${id}: CARE 2026-03, ordinær, godkendt`);
    expect(danish).toContain('  i alt 450,00 + moms 112,50 = 562,50 DKK');
    expect(danish).toContain('Linjer (1):');
    expect(danish.find((l) => l.startsWith('  1. '))).toMatch(
      /^ {2}1\. +C1 +PC +visit +weekday_day +2 besøg +60 min\. {2}1 t × 450,00 = 450,00 {2}moms 25 % {2}\[basis\.granted.*\]$/,
    );
    expect(danish).toContainEqual(expect.stringMatching(/^ +25 % {2}grundlag +450,00 {2}moms +112,50$/));
    const swedishShow = (await cli('settlement', 'show', String(id), '--lang', 'sv')).out.split('\n');
    expect(swedishShow[0]).toBe(`Ersättningskörning #${id}: CARE 2026-03, ordinarie, godkänd`);
    expect(swedishShow).toContain('  summa 450,00 + moms 112,50 = 562,50 DKK');
    expect(swedishShow.find((l) => l.startsWith('  1. '))).toMatch(/ 2 besök +60 min {2}1 tim × 450,00 = 450,00 {2}moms 25 % /);
    const shown = await cli('settlement', 'show', String(id), '--lang', 'en');
    expect(shown.code).toBe(0);
    const out = shown.out.split('\n');
    expect(out[0]).toBe(`Settlement #${id}: CARE 2026-03, regular, approved`);
    expect(out).toContain('  total 450.00 + VAT 112.50 = 562.50 DKK');
    expect(out).toContain('Lines (1):');
    // 2 visits × 30 granted minutes on weekday days at 450.00 an hour
    expect(out.find((l) => l.startsWith('  1. '))).toMatch(
      /^ {2}1\. +C1 +PC +visit +weekday_day +2 visits +60 min {2}1 h × 450\.00 = 450\.00 {2}VAT 25 % {2}\[basis\.granted.*\]$/,
    );
    expect(out.at(-1)).toBe('Exceptions (0):');

    // --explain: the reasons in the municipality's language (Danish here).
    const explainedOut = (await cli('settlement', 'show', String(id), '--explain')).out.split('\n');
    expect(explainedOut.find((l) => l.startsWith('  1. '))).toMatch(/ {2}moms 25 % {2}\[betalt efter visiteret tid.*\]$/);

    const json = JSON.parse((await cli('settlement', 'show', String(id), '--json')).out);
    const api = await app
      .as(await w.token('finance'))
      .get(`/api/settlements/${id}/lines`)
      .expect(200);
    expect(json.lines).toEqual(api.body.items);
    expect(json.settlement).toMatchObject({ id, totalExclVat: '450.00', vat: '112.50' });
    const missing = await cli('settlement', 'show', '999999');
    expect([missing.code, missing.err]).toEqual([2, 'error: settlement 999999 not found']);
  });
  it('accepts an exception with a note; the next run of the month pays it', async () => {
    // April: C2 chose CARE but has no grant; the visit (Tuesday 7 April, a weekday morning) is an
    // exception that would pay its 30 minutes at 450.00 an hour.
    const c2 = await w.citizen('C2');
    await w.choose(c2, w.providers.p, 'personal_care', '2026-04-01');
    await w.visit(w.providers.p, c2, 'PC', '2026-04-07 08:00', '2026-04-07 08:30');
    const first = JSON.parse((await cli('settle', '--municipality', 'CLI', '--period', '2026-04', '--provider', 'CARE', '--json')).out)
      .outcomes[0].settlement;
    // C1's grant, not delivered in April, is the other exception.
    expect([first.totalExclVat, first.exceptionCount]).toEqual(['0.00', 2]);
    const shown = JSON.parse((await cli('settlement', 'show', String(first.id), '--json')).out);
    expect(shown.exceptions.map((x: { kind: string; citizenRef: string }) => [x.kind, x.citizenRef]).sort()).toEqual([
      ['grant_never_delivered', 'C1'],
      ['visit_without_grant', 'C2'],
    ]);
    const e = shown.exceptions.find((x: { kind: string }) => x.kind === 'visit_without_grant');
    expect([e.kind, e.citizenRef, e.amount, e.decision]).toEqual(['visit_without_grant', 'C2', '225.00', null]);

    const accepted = await cli('exception', 'accept', String(e.id), '--note', 'grant is on its way');
    expect(accepted.out).toBe(
      `afvigelse ${e.id} (visit_without_grant C2 PC 2026-04-07, 225,00) accepteret; kør måneden igen for at anvende beslutningen`,
    );
    // Deciding again (here with Swedish output) replaces the decision; the last one is accepted again.
    const rejected = await cli('exception', 'reject', String(e.id), '--note', 'no grant', '--lang', 'sv');
    expect(rejected.out).toBe(
      `avvikelse ${e.id} (visit_without_grant C2 PC 2026-04-07, 225,00) avvisad; kör månaden igen för att tillämpa beslutet`,
    );
    const english = await cli('exception', 'accept', String(e.id), '--note', 'grant is on its way', '--lang', 'en');
    expect(english.out).toBe(`exception ${e.id} (visit_without_grant C2 PC 2026-04-07, 225.00) accepted; run the month again to apply it`);
    const again = JSON.parse((await cli('settle', '--municipality', 'CLI', '--period', '2026-04', '--provider', 'CARE', '--json')).out)
      .outcomes[0];
    expect([again.outcome, again.settlement.totalExclVat]).toEqual(['replaced', '225.00']);
    const text = (await cli('settlement', 'show', String(again.settlement.id), '--lang', 'en')).out.split('\n');
    expect(text.find((l) => l.includes('accepted_exception'))).toMatch(/C2 +PC +accepted_exception .* = 225\.00 /);
    expect(text.find((l) => l.includes(' visit_without_grant '))).toMatch(
      / visit_without_grant C2 PC 2026-04-07: 30 min, would pay 225\.00; accepted by cli:\S+ \(grant is on its way\) — /,
    );

    const unknown = await cli('exception', 'reject', '999999');
    expect([unknown.code, unknown.err]).toEqual([2, 'error: settlement exception 999999 not found']);
  });
});
