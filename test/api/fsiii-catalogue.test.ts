import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { withDerivedCategories } from '../../src/features/catalogue/catalogue-service.js';
import { runFsiiiCatalogueCommand } from '../../src/features/catalogue/fsiii-catalogue-command.js';
import { categoryFromFsiii, fsiiiInterventions } from '../../src/features/catalogue/fsiii.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { cliAgainst } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const FIXTURE = 'test/fixtures/fsiii/catalogue-da.csv';

describe('FSIII: derived categories', () => {
  it('follows the paragraph of Serviceloven the intervention sits under, for classic and UUID codes', () => {
    expect(categoryFromFsiii('H1.1')).toBe('personal_care'); // § 83 stk. 1 nr. 1 Personlig hygiejne
    expect(categoryFromFsiii('17312894-b23f-43d9-9723-b725ac25d872')).toBe('personal_care'); // the same, UUID code
    expect(categoryFromFsiii('H1.8')).toBe('practical_help'); // § 83 stk. 1 nr. 2 Rengøring
    expect(categoryFromFsiii('H1.10')).toBe('practical_help'); // Tilberede/anrette mad is practical help, not meals
    expect(categoryFromFsiii('H1.11')).toBe('meals'); // § 83 stk. 1 nr. 3 Madservice
    expect(categoryFromFsiii('H2.6')).toBe('practical_help'); // § 83a RH Rengøring
    expect(categoryFromFsiii('H3.3')).toBe('practical_help'); // § 84 Praktisk hjælp efter §84
    expect(categoryFromFsiii('H3.1')).toBe('other');
    expect(categoryFromFsiii('H6.1')).toBe('training');
    expect(categoryFromFsiii('Genoptraening')).toBe('training');
    expect(categoryFromFsiii('G1.39')).toBeNull(); // nursing (Sundhedsloven): no home-care category
    expect(categoryFromFsiii('nonsense')).toBeNull();
  });

  it('pairs every UUID code with the classic code of the same intervention', () => {
    const uuids = fsiiiInterventions().filter((i) => /^[0-9a-f]{8}-/.test(i.code));
    expect(uuids).toHaveLength(31);
    for (const u of uuids) expect(u.category).toBe(categoryFromFsiii(u.classicCode!));
  });

  it('keeps a category the municipality set and refuses a service with neither', () => {
    const base = { name: 'x', priceGroup: 'P', standardMinutes: 10, billingUnit: 'per_minute' as const };
    expect(withDerivedCategories([{ ...base, code: 'A', fsiiiCode: 'H1.8', category: 'other' }])[0]!.category).toBe('other');
    expect(withDerivedCategories([{ ...base, code: 'B', fsiiiCode: 'H1.8' }])[0]!.category).toBe('practical_help');
    expect(() => withDerivedCategories([{ ...base, code: 'C', fsiiiCode: 'G1.39' }])).toThrow(/services\[0\] \(C\) needs a category/);
  });
});

describe('FSIII: catalogue from the codes a care system uses', () => {
  let app: TestApp;
  let m: number;
  let admin: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'FS');
    admin = await aToken(app.services, m, 'admin');
  });

  it('imports a Danish CSV: defaults from FSIII, rejected rows named with row, field and reason', async () => {
    const lines: string[] = [];
    const result = await runFsiiiCatalogueCommand(
      app.services,
      { file: FIXTURE, municipality: 'FS', label: 'FSIII 2026', validFrom: '2026-01-01', validTo: '2027-01-01' },
      (l) => lines.push(l),
    );
    expect(result.accepted).toBe(5);
    expect(result.rejected).toEqual([
      { row: 6, field: 'category', message: 'is required: no category can be derived from LOKAL.1 (not an FSIII home-care intervention)' },
      { row: 8, field: 'code', message: 'service code H1.1 is already given in row 2' },
      { row: 9, field: 'standard_minutes', message: expect.stringContaining('abc') },
      { row: 10, field: 'category', message: expect.stringContaining('"pleje"') },
    ]);
    const version = (await app.as(admin).get(`/api/catalogue-versions/${result.catalogueVersionId}`).expect(200)).body;
    const byCode = Object.fromEntries(version.services.map((s: Record<string, unknown>) => [s.code, s]));
    expect(byCode['H1.1']).toMatchObject({
      name: 'Personlig hygiejne',
      category: 'personal_care',
      fsiiiCode: 'H1.1',
      priceGroup: 'PP',
      standardMinutes: 20,
      billingUnit: 'per_minute',
    });
    expect(byCode['H1.8']).toMatchObject({ name: 'Rengøring', category: 'practical_help', priceGroup: 'PH', standardMinutes: 45 });
    expect(byCode.MAD).toMatchObject({
      name: 'Madservice',
      category: 'meals',
      fsiiiCode: '9aad7654-b9f9-40a3-84d9-2ae1dec4228a',
      priceGroup: 'meals',
      billingUnit: 'per_visit',
    });
    expect(byCode['H5.1']).toMatchObject({ name: 'Genoptræning af funktionsnedsættelse', category: 'training' });
    expect(byCode['LOKAL.2']).toMatchObject({ name: 'Lokal indsats', category: 'other', fsiiiCode: 'LOKAL.2' });
    expect(Object.keys(byCode).sort()).toEqual(['H1.1', 'H1.8', 'H5.1', 'LOKAL.2', 'MAD']);
    // A Danish municipality: the summary in Danish.
    expect(lines[0]).toBe(
      `Katalogversion "FSIII 2026" (id ${result.catalogueVersionId}) oprettet i FS fra catalogue-da.csv: 5 ydelser, 4 af 9 rækker afvist`,
    );
    expect(lines[1]).toBe(
      '  række 6  category: is required: no category can be derived from LOKAL.1 (not an FSIII home-care intervention)',
    );
  });

  it('speaks the language --lang asks for through the real command line', async () => {
    await aMunicipality(app.services, 'FS-SV');
    const r = await cliAgainst(t.url, [
      '--lang',
      'sv',
      'catalogue',
      'import-fsiii',
      FIXTURE,
      '--municipality',
      'FS-SV',
      '--label',
      'FSIII sv',
      '--valid-from',
      '2027-01-01',
    ]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(
      /^Katalogversion "FSIII sv" \(id \d+\) skapad i FS-SV från catalogue-da\.csv: 5 insatser, 4 av 9 rader avvisade$/,
    );
    expect(r.out).toContain('\n  rad 8  code: service code H1.1 is already given in row 2');
  });

  it('takes JSON rows through the API; no valid row → 422 and no version', async () => {
    const ok = await app
      .as(admin)
      .post('/api/catalogue-versions/fsiii')
      .send({
        label: 'FSIII 2027',
        validFrom: '2027-01-01',
        rows: [
          { fsiiiCode: 'H1.7', normtid: 30 },
          { fsiii_code: 'H1.2', standard_minutes: 10, category: 'other' },
        ],
      })
      .expect(201);
    expect(ok.body).toMatchObject({ accepted: 2, rejectedTotal: 0, totalRows: 2 });
    const services = (await app.as(admin).get(`/api/catalogue-versions/${ok.body.catalogueVersionId}`).expect(200)).body.services;
    expect(services.map((s: { code: string; category: string }) => `${s.code}:${s.category}`)).toEqual([
      'H1.2:other',
      'H1.7:practical_help',
    ]);

    const before = await t.db('catalogue_versions').where({ municipality_id: m }).count({ n: '*' });
    const bad = await app
      .as(admin)
      .post('/api/catalogue-versions/fsiii')
      .send({ label: 'Tom', validFrom: '2028-01-01', rows: [{ fsiii_code: 'X.1', standard_minutes: 10 }] })
      .expect(422);
    expect(bad.body.error.details.rejected).toEqual([
      { row: 1, field: 'name', message: 'is required: X.1 is not an FSIII home-care intervention carepay knows' },
    ]);
    expect(await t.db('catalogue_versions').where({ municipality_id: m }).count({ n: '*' })).toEqual(before);
  });

  it('tags a service of an existing catalogue with its FSIII code', async () => {
    const other = await aMunicipality(app.services, 'FS2');
    const otherAdmin = await aToken(app.services, other, 'admin');
    const v = (
      await app
        .as(otherAdmin)
        .post('/api/catalogue-versions')
        .send({
          label: 'Gammelt katalog',
          validFrom: '2030-01-01',
          services: [
            {
              code: 'PP7',
              name: 'Morgenpleje',
              category: 'personal_care',
              priceGroup: 'PP',
              standardMinutes: 20,
              billingUnit: 'per_minute',
            },
          ],
        })
        .expect(201)
    ).body;
    const id = v.services[0].id;
    const tagged = await app.as(otherAdmin).patch(`/api/services/${id}`).send({ fsiiiCode: 'H1.1' }).expect(200);
    expect(tagged.body).toMatchObject({ code: 'PP7', fsiiiCode: 'H1.1', category: 'personal_care' });
    expect(await t.db('services').where({ municipality_id: other, fsiii_code: 'H1.1', code: 'PP7' }).count({ n: '*' })).toEqual([{ n: 1 }]);
    await app.as(otherAdmin).patch(`/api/services/${id}`).send({ fsiiiCode: 'not a code!' }).expect(400);
    await app.as(admin).patch(`/api/services/${id}`).send({ fsiiiCode: 'H1.2' }).expect(404);
  });

  it('the fixture is what the test says it is', () => {
    expect(fs.readFileSync(FIXTURE, 'utf8').split('\n')[0]).toBe('FSIII-kode;Normtid;Kategori;Prisgruppe;Kode;Navn');
  });
});
