import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/features/imports/scenario-load.js';
import { parseScenario } from '../../src/features/settlements/scenario-runner.js';
import { aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const scenarios = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

describe('provider kinds import', () => {
  let app: TestApp;
  let m: number;
  let o: number;
  let admin: string;
  const post = (body: string, type = 'text/csv') => app.as(admin).post('/api/imports/provider-kinds').set('content-type', type).send(body);
  const kinds = async (municipalityId = m): Promise<Array<Record<string, unknown>>> =>
    t
      .db('provider_kinds')
      .where({ municipality_id: municipalityId })
      .orderBy('code')
      .select('code', 'name_da', 'name_sv', 'name_en', 'own_name', 'in_house');

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = (await app.services.municipalities.create('test', { code: 'PK', name: 'Kinds Kommune', country: 'DK' })).id;
    o = (await app.services.municipalities.create('test', { code: 'PKO', name: 'Other', country: 'SE' })).id;
    admin = await aToken(app.services, m, 'admin');
  });

  it('reads Danish headers, moves the in-house mark the file gives, rejects a second in-house kind naming its row, and is idempotent', async () => {
    const csv = [
      'Kode;Dansk navn;Svensk navn;Engelsk navn;Eget navn;Egen drift',
      'municipal;;;;;nej',
      'kommunal;Kommunal drift;Kommunal regi;Municipal operation;;ja',
      'entreprenad;Udliciteret drift;Entreprenad;Contracted operation;;ja',
      'friplejebolig;Friplejebolig;;Independent care home;;nej',
      'Privat;Privat;Privat regi;Private;;nej',
      'kommunal;Kommunal;Kommunal;Municipal;;ja',
    ].join('\n');
    const res = await post(csv).expect(201);
    expect(res.body).toMatchObject({ totalRows: 6, accepted: 1, updated: 1, unchanged: 0, rejectedTotal: 4 });
    expect(res.body.rejected).toEqual([
      { row: 4, field: 'Egen drift', message: 'at most one provider kind is in-house: row 3 of this file marks one already' },
      { row: 5, field: 'Svensk navn', message: 'is required for a new provider kind ("friplejebolig" is not stored)' },
      { row: 6, field: 'Kode', message: 'must be 1–32 lower-case letters, digits, - or _, got "Privat"' },
      { row: 7, field: 'Kode', message: 'provider kind "kommunal" is given twice in this file (first in row 3)' },
    ]);
    expect(await kinds()).toEqual([
      {
        code: 'kommunal',
        name_da: 'Kommunal drift',
        name_sv: 'Kommunal regi',
        name_en: 'Municipal operation',
        own_name: null,
        in_house: true,
      },
      { code: 'municipal', name_da: 'Kommunal', name_sv: 'Kommunal regi', name_en: 'Municipal', own_name: null, in_house: false },
      { code: 'private', name_da: 'Privat', name_sv: 'Privat regi', name_en: 'Private', own_name: null, in_house: false },
    ]);

    const again = await post(csv.split('\n').slice(0, 4).join('\n')).expect(201);
    expect(again.body).toMatchObject({ accepted: 0, updated: 0, unchanged: 2, rejectedTotal: 1 });
    expect(await kinds()).toHaveLength(3);

    // Another municipality's list is its own.
    expect((await kinds(o)).map((k) => [k.code, k.in_house])).toEqual([
      ['municipal', true],
      ['private', false],
    ]);
  });

  it('rejects an in-house kind while a stored kind holds the mark, naming it; renames keep what the row leaves empty', async () => {
    const second = await post(
      'code;name_da;name_sv;name_en;in_house\nentreprenad;Udliciteret drift;Entreprenad;Contracted operation;yes\n',
    ).expect(201);
    expect(second.body).toMatchObject({ totalRows: 1, accepted: 0, rejectedTotal: 1 });
    expect(second.body.rejected).toEqual([
      {
        row: 2,
        field: 'in_house',
        message: 'provider kind "kommunal" is the in-house kind (at most one is): give it in this file with in_house "no" to move the mark',
      },
    ]);
    expect((await kinds()).map((k) => k.code)).toEqual(['kommunal', 'municipal', 'private']);

    const renamed = await post('kode;eget navn\nkommunal;Vestkommunens egen drift\n').expect(201);
    expect(renamed.body).toMatchObject({ accepted: 0, updated: 1, rejectedTotal: 0 });
    expect((await kinds())[0]).toEqual({
      code: 'kommunal',
      name_da: 'Kommunal drift',
      name_sv: 'Kommunal regi',
      name_en: 'Municipal operation',
      own_name: 'Vestkommunens egen drift',
      in_house: true,
    });
    const shown = await app.as(admin).get('/api/provider-kinds/kommunal').expect(200);
    expect(shown.body.name).toBe('Vestkommunens egen drift');

    // JSON: the mark moves to a new kind when the file gives the stored holder as not in-house.
    const moved = await post(
      JSON.stringify({
        'provider-kinds': [
          { code: 'kommunal', in_house: false },
          { code: 'entreprenad', name_da: 'Udliciteret drift', name_sv: 'Entreprenad', name_en: 'Contracted operation', in_house: true },
        ],
      }),
      'application/json',
    ).expect(201);
    expect(moved.body).toMatchObject({ accepted: 1, updated: 1, rejectedTotal: 0 });
    expect((await kinds()).filter((k) => k.in_house).map((k) => k.code)).toEqual(['entreprenad']);

    // The kinds are now known to the providers import; the import deleted none.
    const providers = await app
      .as(admin)
      .post('/api/imports/providers')
      .set('content-type', 'text/csv')
      .send('Leverandør;Type\nEGEN;entreprenad\nHJEM;kommunal\n')
      .expect(201);
    expect(providers.body).toMatchObject({ accepted: 2, rejectedTotal: 0 });
    expect((await kinds()).map((k) => k.code)).toEqual(['entreprenad', 'kommunal', 'municipal', 'private']);
  });

  it('is in the OpenAPI document with its CSV and JSON bodies', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    const op = doc.paths['/imports/provider-kinds']?.post;
    expect(op).toMatchObject({ tags: ['Imports'] });
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/json', 'text/csv']);
  });

  it("loads a scenario's providerKinds before its providers and prices; loading again changes nothing", async () => {
    const sc = parseScenario(JSON.parse(fs.readFileSync(path.join(scenarios, 'stockholm-lss-2023.json'), 'utf8')));
    const first = await loadScenario(app.services, sc, { municipality: 'lss', actor: 'test' });
    expect(first.steps.flatMap((s) => s.rejected)).toEqual([]);
    expect(first.steps[0]).toMatchObject({ kind: 'provider-kinds', totalRows: 3, accepted: 3 });
    const lss = (await t.db('municipalities').where({ code: 'lss' }).first('id')).id as number;
    expect((await kinds(lss)).map((k) => [k.code, k.in_house])).toEqual([
      ['entreprenad', false],
      ['kommunal', true],
      ['municipal', false],
      ['privat', false],
      ['private', false],
    ]);
    const second = await loadScenario(app.services, sc, { municipality: 'lss', actor: 'test' });
    expect(second.steps[0]).toMatchObject({ kind: 'provider-kinds', accepted: 0, updated: 0, unchanged: 3, rejected: [] });
  });
});
