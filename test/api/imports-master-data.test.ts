import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { cliAgainst } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const scenarios = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

describe('master-data imports (issue 21)', () => {
  let app: TestApp;
  let m: number;
  let admin: string;
  let other: string;
  const post = (kind: string, body: string, type = 'text/csv', token = admin) =>
    app.as(token).post(`/api/imports/${kind}`).set('content-type', type).send(body);

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = (await app.services.municipalities.create('test', { code: 'MD', name: 'Master Data Kommune', country: 'DK' })).id;
    const o = await app.services.municipalities.create('test', { code: 'OTHER', name: 'Other', country: 'SE' });
    admin = await aToken(app.services, m, 'admin');
    other = await aToken(app.services, o.id, 'admin');
  });

  it("imports providers with Danish headers, names rejected fields by the file's header, keeps the valid rows, and is idempotent", async () => {
    const csv = [
      'Leverandør;Navn;Type;CVR;Postnummer;Moms;Godkendt fra',
      'HJEM;Hjemmeplejen;municipal;29189919;6200;momsfritaget;2026-01-01',
      'PRIV;Privat Pleje ApS;private;12345678;6200;momsregistreret;2026-01-01',
      'BAD;Bad Postcode;private;;62A0;;2026-01-01',
      'ODD;Odd Kind;cooperative;;;;2026-01-01',
      'PRIV;Twice;private;;;;2026-01-01',
      'LATE;Late;private;;;;2026-13-01',
    ].join('\n');
    const res = await post('providers', csv).expect(201);
    expect(res.body).toMatchObject({ totalRows: 6, accepted: 2, unchanged: 0, updated: 0, rejectedTotal: 4 });
    expect(res.body.rejected).toEqual([
      { row: 4, field: 'Postnummer', message: 'must be a Danish postcode (4 digits) or a Swedish one (NNN NN), got "62A0"' },
      { row: 5, field: 'Type', message: 'unknown provider kind "cooperative" (known: municipal, private)' },
      { row: 6, field: 'Leverandør', message: 'provider "PRIV" is given twice in this file (first in row 3)' },
      { row: 7, field: 'Godkendt fra', message: 'not a date: "2026-13-01" (use YYYY-MM-DD)' },
    ]);
    const stored = await t
      .db('providers')
      .where({ municipality_id: m })
      .orderBy('ref')
      .select('ref', 'kind', 'vat_status', 'company_number');
    expect(stored).toEqual([
      { ref: 'HJEM', kind: 'municipal', vat_status: 'exempt', company_number: '29189919' },
      { ref: 'PRIV', kind: 'private', vat_status: 'registered', company_number: '12345678' },
    ]);
    const batch = await app.as(admin).get(`/api/imports/${res.body.batchId}`).expect(200);
    expect(batch.body).toMatchObject({ kind: 'providers', rejected: 4 });

    const again = await post('providers', csv.split('\n').slice(0, 3).join('\n')).expect(201);
    expect(again.body).toMatchObject({ accepted: 0, unchanged: 2, updated: 0, rejectedTotal: 0 });
    const changed = await post('providers', 'Leverandør;Navn;Type\nPRIV;Privat Pleje A/S;private\nHJEM;Hjemmeplejen;private\n').expect(201);
    expect(changed.body.updated).toBe(1);
    expect(changed.body.rejected).toEqual([
      { row: 3, field: 'Type', message: 'provider "HJEM" is municipal; the kind of a provider cannot change' },
    ]);
    expect((await t.db('providers').where({ municipality_id: m, ref: 'PRIV' }).first()).name).toBe('Privat Pleje A/S');

    // Another municipality's import never sees or touches these providers.
    const elsewhere = await post(
      'choices',
      'citizen_ref;category;provider_ref;valid_from\nX1;personal_care;PRIV;2026-01-01\n',
      'text/csv',
      other,
    ).expect(201);
    expect(elsewhere.body.rejected[0]).toMatchObject({ field: 'citizen_ref', message: 'unknown citizen "X1"' });
  });

  it('reads a Swedish catalogue as JSON and refuses to change a stored catalogue version', async () => {
    const rows = [
      {
        'Giltig från': '2026-01-01',
        Insats: 'PP1',
        Namn: 'Personlig omvårdnad',
        Insatskategori: 'omvårdnad',
        Prisgrupp: 'PP',
        Schablontid: 30,
      },
      { 'Giltig från': '2026-01-01', Insats: 'PH1', Namn: 'Städning', Insatskategori: 'service', Prisgrupp: 'PH', Schablontid: '60' },
      { 'Giltig från': '2026-01-01', Insats: 'XX1', Insatskategori: 'gardening', Prisgrupp: 'PH', Schablontid: 60 },
    ];
    const res = await post('catalogue', JSON.stringify(rows), 'application/json').expect(201);
    expect(res.body).toMatchObject({ accepted: 2, rejectedTotal: 1 });
    expect(res.body.rejected[0]).toMatchObject({ row: 3, field: 'Insatskategori' });
    expect(res.body.rejected[0].message).toMatch(/^unknown value "gardening" \(expected one of personal_care, /);
    const changed = await post('catalogue', JSON.stringify([{ ...rows[0], Schablontid: 35 }]), 'application/json').expect(201);
    expect(changed.body.rejected).toEqual([
      {
        row: 1,
        field: 'Insats',
        message:
          'service "PP1" of the stored catalogue from 2026-01-01 differs from this row; a stored catalogue is not changed: give the changed catalogue as a new version from a later date',
      },
    ]);
    const overlapping = await post(
      'catalogue',
      'valid_from;code;category;price_group;standard_minutes\n2025-06-01;PP1;personal_care;PP;30\n',
    ).expect(201);
    expect(overlapping.body.rejected[0]).toMatchObject({ field: 'valid_from' });
    expect(overlapping.body.rejected[0].message).toContain(
      'overlaps the stored catalogue "Catalogue from 2026-01-01" (2026-01-01 to open)',
    );
  });

  it('reads rates exactly, in words a spreadsheet writes, and never changes a price list a settlement used', async () => {
    const csv =
      'Prisliste;Gyldig fra;Prisgruppe;Tidsrum;Leverandørtype;Timepris\nP26;2026-01-01;PP;all;private;452,125\nP26;2026-01-01;PP;all;municipal;1e3\nP26;2026-01-01;PP;all;private;400\n';
    const res = await post('prices', csv).expect(201);
    expect(res.body.rejected).toEqual([
      {
        row: 3,
        field: 'Timepris',
        message: 'must be an amount of at least 0 with at most 4 decimals (a point or a comma before them), got "1e3"',
      },
      { row: 4, field: 'Timepris', message: 'this rate of price list "P26" is given twice in this file (first in row 2)' },
    ]);
    expect((await t.db('price_rates').where({ municipality_id: m }).first()).rate).toBe('452.1250');
    await t
      .db('price_lists')
      .where({ municipality_id: m, label: 'P26' })
      .update({ used_at: new Date('2026-02-03T10:00:00Z') });
    const later = await post(
      'prices',
      'Prisliste;Gyldig fra;Prisgruppe;Tidsrum;Leverandørtype;Timepris\nP26;2026-01-01;PP;all;private;460\nP26;2026-01-01;PP;all;municipal;430\n',
    ).expect(201);
    expect(later.body.rejected.map((r: { field: string; message: string }) => [r.field, r.message])).toEqual([
      [
        'Timepris',
        'price list "P26" was used by a settlement on 2026-02-03: its rate here is 452.1250 and cannot change; give new rates as a new list',
      ],
      ['Timepris', 'price list "P26" was used by a settlement on 2026-02-03 and cannot change: give new rates as a new list'],
    ]);
  });

  it('refuses overlapping choices and absences, naming the stored period, and keeps the others', async () => {
    await post('citizens', 'Borger;Område\nB1;nord\nB2;syd\n').expect(201);
    const first = await post(
      'choices',
      'Borger;Kategori;Leverandør;Gyldig fra;Gyldig til\nB1;personlig pleje;PRIV;2026-01-01;\nB2;praktisk hjælp;HJEM;2026-01-01;2026-04-01\n',
    ).expect(201);
    expect(first.body).toMatchObject({ accepted: 2, rejectedTotal: 0 });
    const next = await post(
      'choices',
      'Borger;Kategori;Leverandør;Gyldig fra;Gyldig til\nB1;personlig pleje;HJEM;2026-03-01;\nB2;praktisk hjælp;PRIV;2026-04-01;\nB2;praktisk hjælp;HJEM;2026-05-01;\nB9;praktisk hjælp;HJEM;2026-05-01;\n',
    ).expect(201);
    expect(next.body.rejected).toEqual([
      {
        row: 2,
        field: 'Gyldig fra',
        message: 'overlaps the stored choice from 2026-01-01 to open (give it an end date, or give it in this file with its new dates)',
      },
      { row: 4, field: 'Gyldig fra', message: 'overlaps the choice in row 3 of this file' },
      { row: 5, field: 'Borger', message: 'unknown citizen "B9"' },
    ]);
    expect(next.body.accepted).toBe(1);
    // The stored open choice given again with an end date makes room for the change of provider.
    const change = await post(
      'choices',
      'Borger;Kategori;Leverandør;Gyldig fra;Gyldig til\nB1;personlig pleje;PRIV;2026-01-01;2026-03-01\nB1;personlig pleje;HJEM;2026-03-01;\n',
    ).expect(201);
    expect(change.body).toMatchObject({ accepted: 1, updated: 1, rejectedTotal: 0 });
    const absences = await post(
      'absences',
      'Borger;Type;Fra;Til\nB1;indlæggelse;2026-03-10;2026-03-15\nB1;ferie;2026-03-14;2026-03-20\nB2;sjukhus;2026-03-01;2026-02-01\n',
    ).expect(201);
    expect(absences.body.rejected).toEqual([
      { row: 3, field: 'Fra', message: 'overlaps the absence in row 2 of this file' },
      { row: 4, field: 'Til', message: 'must be after Fra (the end date is exclusive)' },
    ]);
  });

  it('loads a scenario into the real database and, loaded again, changes nothing', async () => {
    const file = path.join(scenarios, 'dk-helhedspleje-2025.json');
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    try {
      expect(await runCli(['node', 'carepay', 'load', file, '--municipality', 'helhed', '--json'])).toBe(0);
      const first = JSON.parse(logged[0]!);
      expect(first.created).toBe(true);
      expect(
        first.steps.every(
          (s: { rejected: unknown[]; accepted: number; totalRows: number }) => s.rejected.length === 0 && s.accepted === s.totalRows,
        ),
      ).toBe(true);
      expect(await runCli(['node', 'carepay', 'load', file, '--municipality', 'helhed', '--json'])).toBe(0);
      const second = JSON.parse(logged[1]!);
      expect(second.created).toBe(false);
      expect(second.steps.map((s: { kind: string; unchanged: number; totalRows: number }) => [s.kind, s.unchanged])).toEqual(
        first.steps.map((s: { kind: string; totalRows: number }) => [s.kind, s.totalRows]),
      );
      // Without --json: the summary in the municipality's language (Danish), or in the one --lang asks for.
      logged.length = 0;
      expect(await runCli(['node', 'carepay', 'load', file, '--municipality', 'helhed'])).toBe(0);
      expect(logged[0]).toBe(`Indlæste "${JSON.parse(fs.readFileSync(file, 'utf8')).name}" i helhed`);
      expect(logged.slice(1)).toContain(
        `  ${'providers'.padEnd(14)} ${String(first.steps.find((x: { kind: string }) => x.kind === 'providers').totalRows).padStart(6)} rækker: modtaget 0, opdateret 0, uændret ${first.steps.find((x: { kind: string }) => x.kind === 'providers').totalRows}, afvist 0`,
      );
      logged.length = 0;
      expect(await runCli(['node', 'carepay', '--lang', 'sv', 'load', file, '--municipality', 'helhed'])).toBe(0);
      expect(logged[0]).toMatch(/^Läste in ".+" i helhed$/);
      expect(logged[1]).toMatch(/^ {2}\S+ +\d+ rad(er)?: mottagna 0, uppdaterade 0, oförändrade \d+, avvisade 0$/);
    } finally {
      log.mockRestore();
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it('export says what it wrote in the CLI language: Danish for a Danish municipality, --lang sv and en as asked', async () => {
    const out = path.join(os.tmpdir(), `carepay-export-${process.pid}.csv`);
    try {
      expect(await cliAgainst(t.url, ['export', 'providers', '--municipality', 'helhed', '--out', out])).toEqual({
        code: 0,
        out: `ERR skrev ${out}`,
      });
      expect(fs.readFileSync(out, 'utf8')).toMatch(/^ref;/);
      expect((await cliAgainst(t.url, ['--lang', 'sv', 'export', 'providers', '--municipality', 'helhed', '--out', out])).out).toBe(
        `ERR skrev ${out}`,
      );
      expect((await cliAgainst(t.url, ['--lang', 'en', 'export', 'providers', '--municipality', 'helhed', '--out', out])).out).toBe(
        `ERR wrote ${out}`,
      );
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it('loads the valid rows of a scenario with a wrong reference, lists the rejected ones and exits with 2', async () => {
    const sc = JSON.parse(fs.readFileSync(path.join(scenarios, 'solna-2024.json'), 'utf8'));
    sc.choices.push({ citizen: 'NOBODY', category: 'personal_care', provider: sc.providers[0].ref, validFrom: '2024-01-01' });
    const file = path.join(os.tmpdir(), `carepay-load-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(sc));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    const logged: string[] = [];
    const errors: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void logged.push(l));
    const err = vi.spyOn(console, 'error').mockImplementation((l: string) => void errors.push(l));
    try {
      expect(await runCli(['node', 'carepay', 'load', file, '--municipality', 'solna-bad'])).toBe(2);
      const row = sc.choices.length;
      // A Swedish municipality: the summary in Swedish.
      expect(logged[0]).toBe(`Läste in "${sc.name}" i solna-bad (skapad)`);
      expect(logged).toContain(`    rad ${row}  citizen_ref: unknown citizen "NOBODY"`);
      expect(errors.join('\n')).toContain('1 rad(er) i scenariot avvisades (se ovan); de giltiga raderna är inlästa');
      const m2 = (await t.db('municipalities').where({ code: 'solna-bad' }).first()).id;
      expect(await t.db('provider_choices').where({ municipality_id: m2 }).count({ n: '*' })).toEqual([{ n: row - 1 }]);
    } finally {
      log.mockRestore();
      err.mockRestore();
      fs.rmSync(file, { force: true });
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it('lists every import kind in the OpenAPI document', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    for (const kind of ['providers', 'catalogue', 'levels', 'prices', 'citizens', 'choices', 'absences', 'level-grants', 'budgets']) {
      expect(doc.paths[`/imports/${kind}`]?.post, kind).toMatchObject({ tags: ['Imports'] });
    }
  });
});
