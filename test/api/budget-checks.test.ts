import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aBudgetWorld, aProviderRow } from '../helpers/budget-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/** The world is described in test/helpers/budget-builders.ts (aBudgetWorld). */
describe('weekly budget check API', () => {
  let app: TestApp;
  let a: number;
  let adminA: string;
  let controllerA: string;
  let auditorA: string;
  let providerA: string;
  let adminB: string;
  let world: Awaited<ReturnType<typeof aBudgetWorld>>;
  let practicalHelp: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B');
    adminA = await aToken(app.services, a, 'admin');
    controllerA = await aToken(app.services, a, 'budget_controller');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    world = await aBudgetWorld(t.db, a);
    providerA = await aToken(app.services, a, 'provider', world.kom);
    await aBudgetWorld(t.db, b); // the same data in B must never leak into A's figures
    await aProviderRow(t.db, b, 'EXTRA', 'private');
    // 7/372 of an annual amount falls in a week of March: 7000, 1820 and 392 a week.
    await app
      .as(controllerA)
      .post('/api/budgets')
      .send({ year: 2026, area: 'urban', category: 'personal_care', amount: '372000' })
      .expect(201);
    await app
      .as(controllerA)
      .post('/api/budgets')
      .send({ year: 2026, area: 'rural', category: 'personal_care', amount: '96720' })
      .expect(201);
    practicalHelp = (
      await app.as(controllerA).post('/api/budgets').send({ year: 2026, category: 'practical_help', amount: '21204' }).expect(201)
    ).body.id;
  });

  it('runs a week: granted vs affordable hours per budget line, with deviation, status, delivery and forecast', async () => {
    const res = await app.as(controllerA).post('/api/budget-checks/2026-W10/run').expect(200);
    expect(res.body).toMatchObject({
      week: '2026-W10',
      weekStart: '2026-03-02',
      thresholds: { watchAbovePercent: '-2.00', overAbovePercent: '0.00' },
      grantedHours: '7.50',
      recipients: 3,
      avgHoursPerRecipient: '2.50',
      target: { minHours: '3.00', maxHours: '3.50', status: 'below' },
      recipientsByBand: { under2: 1, from2To8: 2, from8To20: 0, from20: 0 },
      unbudgetedHours: '0.00',
      excluded: { noService: 0, noPrice: 0 },
      // C1's daily meal counts in money: 5 days out of hospital × 58.00 per visit (no meals budget line)
      nonHourly: { grants: 1, levelGrants: 0, levelDays: 0, cost: '290.00' },
      contributingGrants: 3,
    });
    expect(res.body.breakdown).toEqual([
      { category: 'personal_care', area: 'rural', grantedHours: '4.00', recipients: 1 },
      { category: 'personal_care', area: 'urban', grantedHours: '2.50', recipients: 1 },
      { category: 'practical_help', area: 'urban', grantedHours: '1.00', recipients: 1 },
    ]);
    expect(res.body.lines).toEqual([
      {
        budgetId: expect.any(Number),
        area: 'urban',
        category: 'personal_care',
        annualBudget: '372000.00',
        weekBudget: '7000.00',
        grantedHours: '2.50',
        grantedCost: '1250.00',
        nonHourlyCost: '0.00',
        equivalentHours: '0.00',
        levelDays: 0,
        weightedPrice: '500.00',
        affordableHours: '14.00',
        deviationHours: '-11.50',
        deviationPercent: '-82.14',
        deviationMoney: '-5750.00',
        status: 'ok',
        recipients: 1,
        avgHoursPerRecipient: '2.50',
        deliveredHours: '1.10',
        deliveryRatio: '0.4400',
        spentSoFar: '1050.00',
        forecast: '54264.29',
        forecastDeviation: '-317735.71',
      },
      {
        budgetId: expect.any(Number),
        area: 'rural',
        category: 'personal_care',
        annualBudget: '96720.00',
        weekBudget: '1820.00',
        grantedHours: '4.00',
        grantedCost: '2080.00',
        nonHourlyCost: '0.00',
        equivalentHours: '0.00',
        levelDays: 0,
        weightedPrice: '520.00',
        affordableHours: '3.50',
        deviationHours: '0.50',
        deviationPercent: '14.29',
        deviationMoney: '260.00',
        status: 'over',
        recipients: 1,
        avgHoursPerRecipient: '4.00',
        deliveredHours: '2.00',
        deliveryRatio: '0.5000',
        spentSoFar: '1040.00',
        forecast: '89588.57',
        forecastDeviation: '-7131.43',
      },
      {
        budgetId: practicalHelp,
        area: null,
        category: 'practical_help',
        annualBudget: '21204.00',
        weekBudget: '399.00',
        grantedHours: '1.00',
        grantedCost: '390.00',
        nonHourlyCost: '0.00',
        equivalentHours: '0.00',
        levelDays: 0,
        weightedPrice: '390.00',
        affordableHours: '1.02',
        deviationHours: '-0.02',
        deviationPercent: '-2.26',
        deviationMoney: '-9.00',
        status: 'ok',
        recipients: 1,
        avgHoursPerRecipient: '1.00',
        deliveredHours: '1.00',
        deliveryRatio: '1.0000',
        spentSoFar: '390.00',
        forecast: '16992.86',
        forecastDeviation: '-4211.14',
      },
    ]);
  });

  it('traces the hours to the grants that made them, largest first, filterable by category and area', async () => {
    const all = await app.as(auditorA).get('/api/budget-checks/2026-W10/grants').expect(200);
    expect(all.body).toMatchObject({ total: 3, grantedHours: '7.50', limit: 100, offset: 0 });
    expect(
      all.body.items.map((g: { grantId: number; citizenRef: string; grantedHours: string }) => [g.grantId, g.citizenRef, g.grantedHours]),
    ).toEqual([
      [world.g2, 'C2', '4.00'],
      [world.g1, 'C1', '2.50'],
      [world.g3, 'C3', '1.00'],
    ]);
    expect(all.body.items[0]).toMatchObject({
      serviceCode: 'PP01',
      frequency: { type: 'weekly', count: 2 },
      minutesPerOccurrence: 60,
      staffCount: 2,
      area: 'rural',
      version: 1,
    });
    const urbanCare = await app.as(auditorA).get('/api/budget-checks/2026-W10/grants?category=personal_care&area=urban').expect(200);
    expect(urbanCare.body.items.map((g: { grantId: number }) => g.grantId)).toEqual([world.g1]);
    expect(urbanCare.body.grantedHours).toBe('2.50');
  });

  it('re-runs a week: the result is replaced, every run is kept in the history', async () => {
    const first = (await app.as(auditorA).get('/api/budget-checks/2026-W10').expect(200)).body;
    await app.as(controllerA).patch(`/api/budgets/${practicalHelp}`).send({ amount: '20832' }).expect(200);
    const again = await app.as(adminA).post('/api/budget-checks/2026-W10/run').expect(200);
    expect(again.body.runId).toBeGreaterThan(first.runId);
    expect(again.body.lines[2]).toMatchObject({
      weekBudget: '392.00',
      affordableHours: '1.01',
      deviationPercent: '-0.51',
      deviationMoney: '-2.00',
      status: 'watch',
    });
    const stored = await app.as(auditorA).get('/api/budget-checks/2026-W10').expect(200);
    expect(stored.body.runId).toBe(again.body.runId);
    const runs = await app.as(auditorA).get('/api/budget-checks/runs?week=2026-W10').expect(200);
    expect(runs.body.total).toBe(2);
    expect(runs.body.items.map((r: { id: number; trigger: string; status: string }) => [r.id, r.trigger, r.status])).toEqual([
      [again.body.runId, 'manual', 'succeeded'],
      [first.runId, 'manual', 'succeeded'],
    ]);
    expect(runs.body.items[1].summary.lines[2]).toMatchObject({ status: 'ok', deviationPercent: '-2.26' });
    expect(await t.db('budget_check_results').where({ municipality_id: a, week: '2026-W10' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('lists the stored weeks with their worst status', async () => {
    await app.as(controllerA).post('/api/budget-checks/2026-W11/run').expect(200);
    const res = await app.as(auditorA).get('/api/budget-checks?year=2026').expect(200);
    expect(
      res.body.items.map((w: { week: string; grantedHours: string; worstStatus: string }) => [w.week, w.grantedHours, w.worstStatus]),
    ).toEqual([
      ['2026-W10', '7.50', 'over'],
      ['2026-W11', '7.50', 'over'], // C1 back from hospital (+1 h), C3's off week (−1 h)
    ]);
    expect(res.body.items[1].lines[2]).toEqual({
      budgetId: practicalHelp,
      area: null,
      category: 'practical_help',
      grantedHours: '0.00',
      equivalentHours: '0.00',
      affordableHours: '1.01',
      deviationPercent: '-100.00',
      status: 'ok',
    });
  });

  it("returns the year's series as CSV (lines summed when they do not overlap, or one line)", async () => {
    const res = await app.as(auditorA).get('/api/budget-checks/years/2026/series.csv').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = res.text.split('\r\n');
    expect(rows[0]).toBe(
      'week,week_start,granted_hours,affordable_hours,watch_from_hours,over_from_hours,deviation_hours,deviation_percent,status',
    );
    expect(rows.length).toBe(1 + 53 + 1);
    expect(rows[9]).toBe('2026-W09,2026-02-23,,,,,,,');
    expect(rows[10]).toBe('2026-W10,2026-03-02,7.50,18.51,18.14,18.51,-11.01,-59.48,ok');
    expect(rows[53]).toBe('2026-W53,2026-12-28,,,,,,,');
    const ph = await app.as(auditorA).get('/api/budget-checks/years/2026/series.csv?category=practical_help').expect(200);
    expect(ph.text.split('\r\n')[10]).toBe('2026-W10,2026-03-02,1.00,1.01,0.99,1.01,-0.01,-0.51,watch');
    const none = await app.as(auditorA).get('/api/budget-checks/years/2026/series.csv?category=meals').expect(422);
    expect(none.body.error.message).toContain('no budget line for meals');
  });

  it('draws the series as an SVG chart with the threshold band', async () => {
    const res = await app.as(auditorA).get('/api/budget-checks/years/2026/series.svg').expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = String(res.body); // supertest keeps image/* bodies as a Buffer
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // The chart the budget page draws, in the municipality's language (Danish here).
    expect(svg).toContain('<title>Visiterede og budgetterede timer pr. uge 2026: I alt (alle linjer)</title>');
    expect(svg.match(/<polygon /g)).toHaveLength(1); // one band over the two consecutive weeks
    expect(svg.match(/<circle cx="[\d.]+" cy="[\d.]+" r="3.5" fill="#2e7d32"><title>/g)).toHaveLength(2);
    expect(svg).toContain('<title>2026-W10: visiteret 7,50 t, budgetteret 18,51 t, OK</title>');
    // One line, named by its category and the municipality's name for its area.
    const one = String((await app.as(auditorA).get('/api/budget-checks/years/2026/series.svg?category=practical_help').expect(200)).body);
    expect(one).toMatch(/<title>Visiterede og budgetterede timer pr\. uge 2026: Praktisk hjælp · [^<]+<\/title>/);
  });

  it('follows up a month: granted vs delivered per provider and category, and the largest deviations', async () => {
    const res = await app.as(auditorA).get('/api/budget-follow-ups/2026-03?top=5').expect(200);
    expect(res.body).toEqual({
      month: '2026-03',
      from: '2026-03-01',
      to: '2026-04-01',
      providers: [
        {
          providerId: world.kom,
          providerRef: 'KOM',
          providerName: 'Provider KOM',
          grantedHours: '17.50',
          deliveredHours: '2.10',
          deliveryRatio: '0.1200',
          categories: [
            { category: 'personal_care', citizens: 1, grantedHours: '14.50', deliveredHours: '1.10', deliveryRatio: '0.0759' },
            { category: 'practical_help', citizens: 1, grantedHours: '3.00', deliveredHours: '1.00', deliveryRatio: '0.3333' },
          ],
          largestDeviations: [
            {
              citizenId: world.c1,
              citizenRef: 'C1',
              category: 'personal_care',
              grantedHours: '14.50',
              deliveredHours: '1.10',
              deliveryRatio: '0.0759',
              deviationHours: '-13.40',
            },
            {
              citizenId: world.c3,
              citizenRef: 'C3',
              category: 'practical_help',
              grantedHours: '3.00',
              deliveredHours: '1.00',
              deliveryRatio: '0.3333',
              deviationHours: '-2.00',
            },
          ],
          levels: [],
        },
        {
          providerId: world.priv,
          providerRef: 'PRIV',
          providerName: 'Provider PRIV',
          grantedHours: '18.00',
          deliveredHours: '2.00',
          deliveryRatio: '0.1111',
          categories: [{ category: 'personal_care', citizens: 1, grantedHours: '18.00', deliveredHours: '2.00', deliveryRatio: '0.1111' }],
          largestDeviations: [
            {
              citizenId: world.c2,
              citizenRef: 'C2',
              category: 'personal_care',
              grantedHours: '18.00',
              deliveredHours: '2.00',
              deliveryRatio: '0.1111',
              deviationHours: '-16.00',
            },
          ],
          levels: [],
        },
      ],
    });
  });

  it('validates weeks and months', async () => {
    await app.as(controllerA).post('/api/budget-checks/2025-W53/run').expect(400); // 2025 has 52 weeks
    await app.as(auditorA).get('/api/budget-checks/2026-W1').expect(400);
    await app.as(auditorA).get('/api/budget-checks/2026-W30').expect(404);
    await app.as(auditorA).get('/api/budget-follow-ups/2026-13').expect(400);
  });

  it('keeps provider tokens out, auditors read-only and other municipalities apart', async () => {
    for (const path of [
      '/api/budget-checks',
      '/api/budget-checks/2026-W10',
      '/api/budget-checks/2026-W10/grants',
      '/api/budget-checks/runs',
      '/api/budget-checks/years/2026/series.svg',
      '/api/budget-follow-ups/2026-03',
    ]) {
      expect((await app.as(providerA).get(path).expect(403)).body.error.code).toBe('forbidden');
    }
    await app.as(providerA).post('/api/budget-checks/2026-W10/run').expect(403);
    await app.as(auditorA).post('/api/budget-checks/2026-W10/run').expect(403);
    await app.as(adminB).get('/api/budget-checks/2026-W10').expect(404);
    await app.as(adminB).get('/api/budget-checks/2026-W10/grants').expect(404);
    expect((await app.as(adminB).get('/api/budget-checks').expect(200)).body.items).toEqual([]);
    expect((await app.as(adminB).get('/api/budget-checks/runs').expect(200)).body.total).toBe(0);
    // B runs its own week: same grants, no budget, and none of A's lines
    const b = await app.as(adminB).post('/api/budget-checks/2026-W10/run').expect(200);
    expect(b.body).toMatchObject({ grantedHours: '7.50', recipients: 3, lines: [] });
  });
});
