import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aLevelWorld } from '../helpers/budget-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/**
 * Levels in the weekly budget check and the monthly follow-up, through the database (issue 18
 * items 7 and 8). The world is aLevelWorld in test/helpers/budget-builders.ts; every figure below
 * is worked by hand in the comments.
 */
describe('levels in the budget check and the follow-up', () => {
  let app: TestApp;
  let controller: string;
  let world: Awaited<ReturnType<typeof aLevelWorld>>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const m = await aMunicipality(app.services, 'LVLB');
    controller = await aToken(app.services, m, 'budget_controller');
    world = await aLevelWorld(t.db, m);
    const other = await aMunicipality(app.services, 'LVLX');
    await aLevelWorld(t.db, other); // the same data elsewhere must not leak in
    // 7/372 of the year falls in 2026-W10 (2–8 March): 7,000.00
    await app.as(controller).post('/api/budgets').send({ year: 2026, category: 'personal_care', amount: '372000' }).expect(201);
  });

  it('counts level-days × level price in money and equivalent hours beside the hourly grants', async () => {
    const res = await app.as(controller).post('/api/budget-checks/2026-W10/run').expect(200);
    // C1 7 h × 500 = 3,500.00; L1 7 days × 2,100/7 = 2,100.00; L2 4 days (Thu–Sun) × 320 = 1,280.00.
    // Non-hourly 3,380.00 ÷ 500 = 6.76 h; 7 + 6.76 − 14 = −0.24 h = −1.71 % → watch.
    // Spent: C1's visit 1 h × 500 (L1's visit on 3 March is the level's, not hourly), L1 67 days
    // × 300 = 20,100, L2 1,280: 21,880.00; then 298 days × 6,880 ÷ 7 = 292,891.43 → 314,771.43.
    expect(res.body.lines).toEqual([
      expect.objectContaining({
        weekBudget: '7000.00',
        grantedHours: '7.00',
        grantedCost: '6880.00',
        nonHourlyCost: '3380.00',
        equivalentHours: '6.76',
        levelDays: 11,
        weightedPrice: '500.00',
        affordableHours: '14.00',
        deviationHours: '-0.24',
        deviationPercent: '-1.71',
        deviationMoney: '-120.00',
        status: 'watch',
        deliveredHours: '1.00',
        spentSoFar: '21880.00',
        forecast: '314771.43',
        forecastDeviation: '-57228.57',
      }),
    ]);
    expect(res.body.nonHourly).toEqual({ grants: 0, levelGrants: 2, levelDays: 11, cost: '3380.00' });
    expect(res.body.excluded).toEqual({ noService: 0, noPrice: 0 });
    // the year's chart counts the equivalent hours with the granted ones
    const csv = await app.as(controller).get('/api/budget-checks/years/2026/series.csv').expect(200);
    expect(csv.text.split('\r\n')[10]).toBe('2026-W10,2026-03-02,13.76,14.00,13.72,14.00,-0.24,-1.71,watch');
  });

  it("follows up what a level buys: the level's time frame against the time registered, per provider", async () => {
    const res = await app.as(controller).get('/api/budget-follow-ups/2026-03').expect(200);
    const byRef = Object.fromEntries(res.body.providers.map((p: { providerRef: string }) => [p.providerRef, p]));
    // L1 at KOM all 31 days of March: 5 × 31 ÷ 7 = 22.14 h expected, 4 h registered
    expect(byRef.KOM.levels).toEqual([
      {
        level: 'H2',
        levelName: 'Helhedspleje niveau 2',
        category: 'personal_care',
        citizens: 1,
        levelDays: 31,
        expectedHoursPerWeek: '5.00',
        expectedHours: '22.14',
        registeredHours: '4.00',
        deliveryRatio: '0.1806',
      },
    ]);
    // C1's hourly care stays hourly; L1's practical-help visit is not the level's: hourly, no grant
    expect(byRef.KOM.categories).toEqual([
      { category: 'personal_care', citizens: 1, grantedHours: '31.00', deliveredHours: '1.00', deliveryRatio: '0.0323' },
      { category: 'practical_help', citizens: 1, grantedHours: '0.00', deliveredHours: '1.00', deliveryRatio: null },
    ]);
    // L2 at PRIV from 5 March: 27 days, 2 in hospital: 5 × 25 ÷ 7 = 17.86 h expected, 1.5 h registered
    expect(byRef.PRIV).toMatchObject({
      grantedHours: '0.00',
      deliveredHours: '0.00',
      categories: [],
      levels: [expect.objectContaining({ levelDays: 27, expectedHours: '17.86', registeredHours: '1.50', deliveryRatio: '0.0840' })],
    });
    expect(world.priv).toBe(byRef.PRIV.providerId);
  });
});
