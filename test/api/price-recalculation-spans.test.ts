import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { asActor, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/**
 * The recalculation "løbende efter behov og mindst en gang årligt" (Ældreloven § 19 stk. 4): two
 * recalculations in 2026, each from a given date, each adjustment covering only its span. Level HP
 * paid per week (1/7 a day): in-house HOME 1 330.00, private CARE 1 400.00 (illustrative).
 * HOME and CARE each care for one citizen all of April (30 days) and May (31 days).
 *
 *   April [2026-04-01, 2026-05-01): 5 580.00 ÷ 30 level-days = 186.00 × 1.06 × 7 = 1 380.12 per week;
 *         CARE 30 × 0.142857 = 4.28571 weeks × (1 380.12 − 1 400.00 = −19.88) = −85.2000… → −85.20
 *   May   [2026-05-01, 2026-06-01): 6 200.00 ÷ 31 level-days = 200.00 × 1.06 × 7 = 1 484.00 per week;
 *         CARE 31 × 0.142857 = 4.428567 weeks × 84.00 = 371.9996… → 372.00
 */
describe('price recalculation in spans of a year (§ 19 stk. 4)', () => {
  let app: TestApp;
  let m: number;
  let finance: string;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'RCSPAN', 'DK');
    finance = await aToken(app.services, m, 'finance');
    const who = asActor(m, 'test:setup', 'admin');
    const home = (
      await app.services.providers.create(who, {
        ref: 'HOME',
        name: 'HOME',
        kind: 'municipal',
        vatStatus: 'registered',
        approvedFrom: '2020-01-01',
      })
    ).id;
    const care = (
      await app.services.providers.create(who, {
        ref: 'CARE',
        name: 'CARE',
        kind: 'private',
        vatStatus: 'registered',
        approvedFrom: '2020-01-01',
      })
    ).id;
    await app.services.catalogue.createVersion(who, {
      label: 'Katalog 2026',
      validFrom: '2026-01-01',
      services: [],
      levels: [{ code: 'HP', name: 'Helhedspleje', category: 'personal_care' }],
    });
    await app.services.prices.create(who, {
      label: 'Priser 2026',
      status: 'adopted',
      validFrom: '2026-01-01',
      rates: [],
      levelRates: [
        { level: 'HP', providerKind: 'municipal', unit: 'per_week', rate: '1330.00' },
        { level: 'HP', providerKind: 'private', unit: 'per_week', rate: '1400.00' },
      ],
    });
    const doc = exampleModel('dk-granted-time');
    doc.exceptions = { grantNeverDelivered: false };
    const model = await app.services.models.create(who, { name: 'dk-levels', document: doc });
    await app.services.models.assign(who, model.id, { validFrom: '2026-01-01' });
    for (const [ref, provider] of [
      ['H1', home],
      ['C1', care],
    ] as const) {
      const c = (await app.services.citizens.create(who, { ref, area: null })).id;
      await app.services.choices.choose(who, {
        citizenId: c,
        providerId: provider,
        category: 'personal_care',
        validFrom: '2026-01-01',
        requestedOn: '2026-01-01',
      });
      await app.services.levelGrants.create(who, { citizenId: c, level: 'HP', validFrom: '2026-04-01' });
    }
    for (const period of ['2026-04', '2026-05']) {
      const run = await app.as(finance).post('/api/settlements/run').send({ period }).expect(200);
      for (const o of run.body.outcomes) await app.as(finance).post(`/api/settlements/${o.settlement.id}/approve`).expect(200);
    }
  });

  const statement = (from: string, to: string, amount: string) => ({
    span: { from, to },
    categories: [
      { code: 'HP', name: 'Helhedspleje', priceGroup: 'HP', timeBands: [], level: { code: 'HP', unit: 'per_week' }, overheadPercent: '6' },
    ],
    lines: [{ element: 'wages', description: 'Løn', amount, costType: 'direct', allocation: { type: 'shares', shares: { HP: '100' } } }],
  });
  const careLines = (r: { adjustments: { providerRef: string; lines: Record<string, unknown>[] }[] }) =>
    r.adjustments.find((a) => a.providerRef === 'CARE')!.lines.map((l) => [l.paidRate, l.newPrice, l.minutes, l.hours, l.amount]);

  it('recalculates each span from its own costs and level-days, and settles only the level-days paid in it', async () => {
    const april = await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send(statement('2026-04-01', '2026-05-01', '5580.00'))
      .expect(200);
    expect([april.body.periodFrom, april.body.periodTo]).toEqual(['2026-04-01', '2026-05-01']);
    await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send(statement('2026-05-01', '2026-06-01', '6200.00'))
      .expect(200);

    const a = (await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026, from: '2026-04-01' }).expect(200)).body
      .recalculation;
    expect([a.periodFrom, a.periodTo, a.categories[0].hours.deliveredDays, a.categories[0].price]).toEqual([
      '2026-04-01',
      '2026-05-01',
      '30',
      '1380.12',
    ]);
    expect(careLines(a)).toEqual([['1400.00', '1380.12', 30, '4.28571000', '-85.20']]);

    const b = (await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026, from: '2026-05-01' }).expect(200)).body
      .recalculation;
    expect([b.periodFrom, b.periodTo, b.categories[0].hours.deliveredDays, b.categories[0].price]).toEqual([
      '2026-05-01',
      '2026-06-01',
      '31',
      '1484.00',
    ]);
    expect(careLines(b)).toEqual([['1400.00', '1484.00', 31, '4.42856700', '372.00']]);

    const list = await app.as(finance).get('/api/price-recalculations?year=2026').expect(200);
    expect(list.body.items.map((x: { periodFrom: string }) => x.periodFrom)).toEqual(['2026-05-01', '2026-04-01']);

    // Approving April proposes its prices from the end of its span.
    await app.as(finance).post(`/api/price-recalculations/${a.id}/approve`).expect(200);
    const approved = await app.as(finance).get(`/api/price-recalculations/${a.id}`).expect(200);
    const proposed = await app.as(finance).get(`/api/price-lists/${approved.body.proposedPriceListId}`).expect(200);
    expect([proposed.body.label, proposed.body.validFrom, proposed.body.levelRates.map((x: { rate: string }) => x.rate)]).toEqual([
      'Priser fra 2026-05-01 (efterberegning 2026-04-01 – 2026-04-30)',
      '2026-05-01',
      ['1380.12', '1380.12'],
    ]);
  });

  it('refuses a span that overlaps another (409), one outside its year or not on a 1st (422)', async () => {
    const overlap = await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send(statement('2026-03-01', '2026-05-01', '1.00'))
      .expect(409);
    expect(overlap.body.error.message).toBe('The effective dates overlap an existing record');
    await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send(statement('2026-03-15', '2026-04-01', '1.00'))
      .expect(400);
    const outside = await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send(statement('2026-12-01', '2027-02-01', '1.00'))
      .expect(422);
    expect(outside.body.error.message).toBe('the span [2026-12-01, 2027-02-01) is not within 2026');
    await app.as(finance).get('/api/cost-statements/2026?from=2026-05-01').expect(200);
    await app.as(finance).get('/api/cost-statements/2026').expect(404);
  });
});
