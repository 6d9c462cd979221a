import { beforeAll, describe, expect, it } from 'vitest';
import { aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anImportWorld } from '../helpers/import-fixtures.js';

const t = useTestDatabase();

/** Import errors name the file's own column and never quote library text (issue 19). */
describe('import rejections in the words of the file', () => {
  let app: TestApp;
  let finance: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const w = await anImportWorld(t.db, app.services, 'COL');
    finance = await aToken(app.services, w.municipalityId, 'finance');
  });

  it("names the column as the file's header writes it and explains an impossible date in our words", async () => {
    const csv = [
      'Besøgs-ID;Borger;Leverandør;Ydelse;Start;Slut',
      'B1;C1;HJEM;NOPE;2026-03-02 07:30;2026-03-02 08:00',
      'B2;C1;HJEM;PC1;2026-02-31 07:30;2026-02-31 08:00',
    ].join('\n');
    const res = await app
      .as(finance)
      .post('/api/imports/visits?source=phoniro')
      .set('content-type', 'text/csv; charset=utf-8')
      .send(Buffer.from(csv))
      .expect(201);
    const byRow = Object.fromEntries(res.body.rejected.map((r: { row: number }) => [r.row, r]));
    expect(byRow[2]).toMatchObject({ field: 'Ydelse' });
    expect(byRow[3]).toMatchObject({ field: 'Start' });
    expect(byRow[3].message).toContain('no such date or time');
    expect(JSON.stringify(res.body)).not.toMatch(/you specified|of type number/);
  });
});
