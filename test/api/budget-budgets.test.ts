import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProviderRow } from '../helpers/budget-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('budgets API', () => {
  let app: TestApp;
  let a: number;
  let adminA: string;
  let financeA: string;
  let controllerA: string;
  let auditorA: string;
  let providerA: string;
  let adminB: string;
  let total: number;
  let bB: number;

  const csv = (token: string, body: string) => app.as(token).post('/api/budgets/import').set('content-type', 'text/csv').send(body);

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    controllerA = await aToken(app.services, a, 'budget_controller');
    auditorA = await aToken(app.services, a, 'auditor');
    providerA = await aToken(app.services, a, 'provider', await aProviderRow(t.db, a, 'P1', 'private'));
    adminB = await aToken(app.services, b, 'admin');
    bB = (await app.as(adminB).post('/api/budgets').send({ year: 2026, amount: '1000.00' }).expect(201)).body.id;
  });

  it('creates budget lines per year, area and category (null = all) with amounts as decimal strings', async () => {
    const res = await app
      .as(controllerA)
      .post('/api/budgets')
      .send({ year: 2026, amount: '12500000', note: 'Vedtaget budget' })
      .expect(201);
    total = res.body.id;
    expect(res.body).toMatchObject({ year: 2026, area: null, category: null, amount: '12500000.00', note: 'Vedtaget budget' });
    await app
      .as(financeA)
      .post('/api/budgets')
      .send({ year: 2026, area: 'urban', category: 'personal_care', amount: '7000000.50' })
      .expect(201);
    await app.as(adminA).post('/api/budgets').send({ year: 2026, area: 'rural', category: 'personal_care', amount: '3000000' }).expect(201);
    await app.as(adminA).post('/api/budgets').send({ year: 2027, amount: '13000000' }).expect(201);
    const list = await app.as(auditorA).get('/api/budgets?year=2026').expect(200);
    expect(
      list.body.items.map((b: { area: string | null; category: string | null; amount: string }) => [b.area, b.category, b.amount]),
    ).toEqual([
      [null, null, '12500000.00'],
      ['rural', 'personal_care', '3000000.00'],
      ['urban', 'personal_care', '7000000.50'],
    ]);
    expect(list.body.total).toBe(3);
  });

  it('refuses a second line for the same year, area and category — also the total, where both are null', async () => {
    const dup = await app.as(adminA).post('/api/budgets').send({ year: 2026, amount: '1.00' }).expect(409);
    expect(dup.body.error.code).toBe('conflict');
    await app.as(adminA).post('/api/budgets').send({ year: 2026, area: 'urban', category: 'personal_care', amount: '1.00' }).expect(409);
  });

  it('validates input: money as a string, known category, no unknown fields', async () => {
    const num = await app.as(adminA).post('/api/budgets').send({ year: 2026, amount: 100 }).expect(400);
    expect(num.body.error.details.issues[0].path).toBe('body.amount');
    await app.as(adminA).post('/api/budgets').send({ year: 2026, amount: '1.005' }).expect(400);
    await app.as(adminA).post('/api/budgets').send({ year: 2026, amount: '-1' }).expect(400);
    await app.as(adminA).post('/api/budgets').send({ year: 2026, category: 'gardening', amount: '1' }).expect(400);
    const unknown = await app.as(adminA).post('/api/budgets').send({ year: 2026, amount: '1', colour: 'red' }).expect(400);
    expect(JSON.stringify(unknown.body.error.details)).toContain('colour');
  });

  it('changes the amount of a line and audits it', async () => {
    const res = await app.as(controllerA).patch(`/api/budgets/${total}`).send({ amount: '12750000.25' }).expect(200);
    expect(res.body.amount).toBe('12750000.25');
    await app.as(adminA).patch(`/api/budgets/${total}`).send({ year: 2030 }).expect(400);
    const audit = await t.db('audit_log').where({ municipality_id: a, entity: 'budget', entity_id: String(total), action: 'update' });
    expect(audit).toHaveLength(1);
    expect(audit[0].changes.before.amount).toBe('12500000.00');
    expect(audit[0].changes.after.amount).toBe('12750000.25');
  });

  it("keeps tenants apart: another municipality's line is 404 for reads and writes", async () => {
    await app.as(adminA).get(`/api/budgets/${bB}`).expect(404);
    await app.as(adminA).patch(`/api/budgets/${bB}`).send({ amount: '1.00' }).expect(404);
    const still = await app.as(adminB).get(`/api/budgets/${bB}`).expect(200);
    expect(still.body.amount).toBe('1000.00');
    const listB = await app.as(adminB).get('/api/budgets').expect(200);
    expect(listB.body.items.map((b: { id: number }) => b.id)).toEqual([bB]);
  });

  it('keeps provider tokens out and auditors read-only', async () => {
    expect((await app.as(providerA).get('/api/budgets').expect(403)).body.error.code).toBe('forbidden');
    await app.as(providerA).get(`/api/budgets/${total}`).expect(403);
    await app.as(providerA).get('/api/budget-check-settings').expect(403);
    await app.as(providerA).post('/api/budgets').send({ year: 2028, amount: '1' }).expect(403);
    await app.as(auditorA).get(`/api/budgets/${total}`).expect(200);
    await app.as(auditorA).post('/api/budgets').send({ year: 2028, amount: '1' }).expect(403);
    await app.as(auditorA).patch(`/api/budgets/${total}`).send({ amount: '1' }).expect(403);
    await csv(auditorA, 'year;amount\n2028;1\n').expect(403);
    await app.as(auditorA).put('/api/budget-check-settings').send({ overAbovePercent: '1' }).expect(403);
  });

  it('imports a Danish budget file: decimal commas, empty = all, existing lines updated, all in one go', async () => {
    const file =
      '\uFEFFÅr;Område;Kategori;Beløb;Notat\n2026;;;12.750.000,25;\n2026;urban;personlig pleje;7.100.000,00;justeret\n2026;;practical_help;1500000;\n';
    const res = await csv(financeA, file).expect(200);
    // the total's amount is unchanged but its note is cleared by the empty Notat cell
    expect(res.body).toEqual({ rows: 3, created: 1, updated: 2, unchanged: 0 });
    const again = await csv(financeA, file).expect(200);
    expect(again.body).toEqual({ rows: 3, created: 0, updated: 0, unchanged: 3 });
    const list = await app.as(adminA).get('/api/budgets?year=2026').expect(200);
    expect(
      list.body.items.map((b: { area: string | null; category: string | null; amount: string }) => [b.area, b.category, b.amount]),
    ).toEqual([
      [null, null, '12750000.25'],
      [null, 'practical_help', '1500000.00'],
      ['rural', 'personal_care', '3000000.00'],
      ['urban', 'personal_care', '7100000.00'],
    ]);
  });

  it('refuses the whole file when any row is bad, naming every bad row', async () => {
    const file = 'year,area,category,amount\n2029,,,100\n20x9,,,100\n2029,north east,,100\n2029,,gardening,-5\n2029,,,200\n';
    const res = await csv(financeA, file).expect(422);
    expect(res.body.error.details.rejected).toEqual([
      { row: 3, field: 'year', message: 'must be a year 2000–2100, got "20x9"' },
      { row: 4, field: 'area', message: 'must be 1–64 letters, digits, _ . or - (empty = all areas), got "north east"' },
      { row: 5, field: 'category', message: expect.stringContaining('got "gardening"') },
      { row: 5, field: 'amount', message: 'must be an amount >= 0 with at most 2 decimals, got "-5"' },
      { row: 6, field: 'category', message: 'repeats the year, area and category of row 2' },
    ]);
    expect((await app.as(adminA).get('/api/budgets?year=2029').expect(200)).body.total).toBe(0);
    expect((await csv(financeA, 'year;colour\n2029;red\n').expect(400)).body.error.message).toContain('colour');
    await app.as(financeA).post('/api/budgets/import').set('content-type', 'application/json').send({ year: 2029 }).expect(415);
  });

  it('keeps the check settings per municipality with defaults and consistent thresholds', async () => {
    const defaults = await app.as(auditorA).get('/api/budget-check-settings').expect(200);
    expect(defaults.body).toEqual({
      watchAbovePercent: '-2.00',
      overAbovePercent: '0.00',
      targetMinHours: '3.00',
      targetMaxHours: '3.50',
      defaultTimeBand: null,
      updatedAt: null,
    });
    const res = await app
      .as(controllerA)
      .put('/api/budget-check-settings')
      .send({ watchAbovePercent: '-5', overAbovePercent: '1.5', defaultTimeBand: 'day' })
      .expect(200);
    expect(res.body).toMatchObject({
      watchAbovePercent: '-5.00',
      overAbovePercent: '1.50',
      targetMinHours: '3.00',
      defaultTimeBand: 'day',
    });
    await app.as(controllerA).put('/api/budget-check-settings').send({ watchAbovePercent: '2' }).expect(422);
    await app.as(controllerA).put('/api/budget-check-settings').send({ targetMinHours: '4' }).expect(422);
    expect((await app.as(adminB).get('/api/budget-check-settings').expect(200)).body.overAbovePercent).toBe('0.00');
  });
});
