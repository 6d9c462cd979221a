import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExportCommand } from '../../src/features/imports/export-command.js';
import { runImportCommand } from '../../src/features/imports/import-command.js';
import { loadScenario } from '../../src/features/imports/scenario-load.js';
import { parseScenario } from '../../src/features/settlements/scenario-runner.js';
import { aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const scenarios = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

describe('areas import and export', () => {
  let app: TestApp;
  let m: number;
  let admin: string;
  let tmp: string;
  const post = (body: string, type = 'text/csv') => app.as(admin).post('/api/imports/areas').set('content-type', type).send(body);
  const areas = async (municipalityId = m) =>
    t.db('areas').where({ municipality_id: municipalityId }).orderBy('code').select('code', 'name');

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = (await app.services.municipalities.create('test', { code: 'AI', name: 'Område Kommune', country: 'DK' })).id;
    admin = await aToken(app.services, m, 'admin');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-areas-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads Danish headers, rejects a duplicate, a letter-case variant, a bad code and a new area without a name, and is idempotent', async () => {
    await app.services.areas.create(
      { principal: { municipalityId: m, role: 'admin', providerId: null, actor: 'test', tokenId: null }, requestId: null },
      { code: 'urban', name: 'By' },
    );
    const csv = [
      'Kode;Navn',
      'urban;Bydistrikt',
      'rural;Landdistrikt',
      'Rural;Land',
      'Urban;Byen',
      'north;',
      'by område;By',
      'rural;Landet',
    ].join('\n');
    const res = await post(csv).expect(201);
    expect(res.body).toMatchObject({ totalRows: 7, accepted: 1, updated: 1, unchanged: 0, rejectedTotal: 5 });
    expect(res.body.rejected).toEqual([
      { row: 4, field: 'Kode', message: 'area "Rural" differs from "rural" (row 3) only in letter case' },
      { row: 5, field: 'Kode', message: 'area "Urban" differs from the stored area "urban" only in letter case; use "urban"' },
      { row: 6, field: 'Navn', message: 'is required for a new area ("north" is not stored)' },
      { row: 7, field: 'Kode', message: 'must be 1–64 letters, digits, _ . or -, got "by område"' },
      { row: 8, field: 'Kode', message: 'area "rural" is given twice in this file (first in row 3)' },
    ]);
    expect(await areas()).toEqual([
      { code: 'rural', name: 'Landdistrikt' },
      { code: 'urban', name: 'Bydistrikt' },
    ]);

    // Swedish headers, JSON; an empty name keeps the stored one.
    const sv = await post('kod;namn\nurban;\nrural;Landdistrikt\n').expect(201);
    expect(sv.body).toMatchObject({ accepted: 0, updated: 0, unchanged: 2, rejectedTotal: 0 });
    const json = await post(JSON.stringify([{ code: 'rural', name: 'Landområdet' }]), 'application/json').expect(201);
    expect(json.body).toMatchObject({ accepted: 0, updated: 1, unchanged: 0 });
    expect(await areas()).toEqual([
      { code: 'rural', name: 'Landområdet' },
      { code: 'urban', name: 'Bydistrikt' },
    ]);
  });

  it('exports what it imports: the exported file into another municipality gives the same list, and export all writes areas', async () => {
    const file = path.join(tmp, 'areas.csv');
    await runExportCommand(app.services, { what: 'areas', municipality: 'AI', out: file });
    expect(fs.readFileSync(file, 'utf8')).toBe('code;name\nrural;Landområdet\nurban;Bydistrikt\n');
    const other = (await app.services.municipalities.create('test', { code: 'AI2', name: 'Anden Kommune', country: 'DK' })).id;
    const r = await runImportCommand(app.services, { kind: 'areas', file, municipality: 'AI2' }, { out: () => undefined });
    expect([r.accepted, r.rejected]).toEqual([2, []]);
    expect(await areas(other)).toEqual(await areas(m));

    const jsonFile = path.join(tmp, 'areas.json');
    await runExportCommand(app.services, { what: 'areas', municipality: 'AI', format: 'json', out: jsonFile });
    expect(JSON.parse(fs.readFileSync(jsonFile, 'utf8'))).toEqual(await areas(m));

    const dir = path.join(tmp, 'all');
    const files = await runExportCommand(app.services, { what: 'all', municipality: 'AI', out: dir });
    expect(files.map((f) => path.basename(f)).slice(0, 2)).toEqual(['provider-kinds.csv', 'areas.csv']);
    expect(fs.readFileSync(path.join(dir, 'areas.csv'), 'utf8')).toBe('code;name\nrural;Landområdet\nurban;Bydistrikt\n');
  });

  it("loads a scenario's areas (Jönköping: Tätort and Landsbygd) and a reload changes nothing", async () => {
    const sc = parseScenario(JSON.parse(fs.readFileSync(path.join(scenarios, 'jonkoping-2016.json'), 'utf8')));
    const first = await loadScenario(app.services, sc, { municipality: 'JKP', actor: 'test' });
    expect(first.steps.find((s) => s.kind === 'areas')).toMatchObject({ totalRows: 2, accepted: 2, rejected: [] });
    const jkp = (await app.services.municipalities.getByCode('JKP')).id;
    expect(await areas(jkp)).toEqual([
      { code: 'rural', name: 'Landsbygd' },
      { code: 'urban', name: 'Tätort' },
    ]);
    const again = await loadScenario(app.services, sc, { municipality: 'JKP', actor: 'test' });
    expect(again.steps.find((s) => s.kind === 'areas')).toMatchObject({ accepted: 0, updated: 0, unchanged: 2 });
  });
});
