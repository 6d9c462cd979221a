import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { binaryBody, pdfText } from '../helpers/invoice-builders.js';
import { asActor, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/**
 * The recalculation of a level price (Ældreloven § 19) through the API, from settled level-days,
 * worked by hand. April 2026 (30 days); helhedspleje forløb HP paid per week (1/7 a day):
 * in-house HOME 1 330.00, private CARE and entreprenad ENT 1 400.00 (illustrative prices).
 *
 *   HOME (in-house): H1 30 days; H2 30 days with a hospital stay 10–13 April: day 1 paid,
 *        days 2–4 at 0 % → 27 delivered level-days; in all 57 level-days
 *   costs: wages 10 260.00, all to HP → 10 260.00 ÷ 57 = 180.00 per level-day
 *   × 1.060 (helhedspleje overhead) × 7 = 1 335.60 per week
 *   CARE (private, symmetric): 30 days × factor 0.142857 (1/7 as stored) = 4.28571 weeks
 *        × (1 335.60 − 1 400.00 = −64.40) = −275.9997… → −276.00, VAT 25 % −69.00 → −345.00
 *   ENT (entreprenad, its own policy upward only): −64.40 settles nothing → 0.00
 */
describe('price recalculation of level prices (§ 19) from settled level-days', () => {
  let app: TestApp;
  let m: number;
  let finance: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'RCLVL', 'DK');
    finance = await aToken(app.services, m, 'finance');
    const who = asActor(m, 'test:setup', 'admin');
    await app.services.providerKinds.create(who, {
      code: 'entreprenad',
      names: { da: 'Udliciteret', sv: 'Entreprenad', en: 'Contracted' },
    });
    for (const [ref, kind] of [
      ['HOME', 'municipal'],
      ['CARE', 'private'],
      ['ENT', 'entreprenad'],
    ] as const)
      ids[ref] = (
        await app.services.providers.create(who, { ref, name: ref, kind, vatStatus: 'registered', approvedFrom: '2020-01-01' })
      ).id;
    await app.services.catalogue.createVersion(who, {
      label: 'Katalog 2026',
      validFrom: '2026-01-01',
      services: [],
      levels: [{ code: 'HP', name: 'Helhedspleje', category: 'personal_care' }],
    });
    const weekly = (providerKind: string, rate: string) => ({ level: 'HP', providerKind, unit: 'per_week' as const, rate });
    await app.services.prices.create(who, {
      label: 'Priser 2026',
      status: 'adopted',
      validFrom: '2026-01-01',
      rates: [],
      levelRates: [weekly('municipal', '1330.00'), weekly('private', '1400.00'), weekly('entreprenad', '1400.00')],
    });
    const doc = exampleModel('dk-granted-time');
    doc.levels = { absences: [{ kinds: ['hospital'], days: [{ from: 1, to: 1, percent: '100' }] }] };
    doc.exceptions = { grantNeverDelivered: false };
    const model = await app.services.models.create(who, { name: 'dk-levels', document: doc });
    await app.services.models.assign(who, model.id, { validFrom: '2026-01-01' });
    for (const [ref, provider] of [
      ['H1', 'HOME'],
      ['H2', 'HOME'],
      ['C1', 'CARE'],
      ['E1', 'ENT'],
    ] as const) {
      const c = (await app.services.citizens.create(who, { ref, area: null })).id;
      ids[ref] = c;
      await app.services.choices.choose(who, {
        citizenId: c,
        providerId: ids[provider]!,
        category: 'personal_care',
        validFrom: '2026-01-01',
        requestedOn: '2026-01-01',
      });
      await app.services.levelGrants.create(who, { citizenId: c, level: 'HP', validFrom: '2026-04-01', validTo: '2026-05-01' });
    }
    await app.services.absences.create(who, {
      citizenId: ids.H2!,
      kind: 'hospital',
      planned: false,
      validFrom: '2026-04-10',
      validTo: '2026-04-14',
    });
    const run = await app.as(finance).post('/api/settlements/run').send({ period: '2026-04' }).expect(200);
    for (const o of run.body.outcomes) await app.as(finance).post(`/api/settlements/${o.settlement.id}/approve`).expect(200);
  });

  const category = {
    code: 'HP',
    name: 'Helhedspleje',
    priceGroup: 'HP',
    timeBands: [],
    level: { code: 'HP', unit: 'per_week' },
    overheadPercent: '6.0',
  };
  const wages = {
    element: 'wages',
    description: 'Løn',
    amount: '10260.00',
    costType: 'direct',
    allocation: { type: 'shares', shares: { HP: '100' } },
  };

  it('refuses a level without cost data or level-days (422 naming the level), and a kind policy for an unknown kind', async () => {
    const unknown = await app
      .as(finance)
      .put('/api/price-recalculation-settings')
      .send({
        policy: 'symmetric',
        overheadPercent: '6',
        priceDecimals: 2,
        rounding: 'half_up',
        publishedVatPercent: '25',
        kindPolicies: { fritvalg: 'upward_only' },
      })
      .expect(422);
    expect(unknown.body.error.details).toMatchObject({ field: 'kindPolicies', unknown: ['fritvalg'] });
    await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send({
        categories: [
          category,
          {
            code: 'FRI',
            name: 'Friplejebolig',
            priceGroup: 'FRI',
            timeBands: [],
            level: { code: 'FRI', unit: 'per_month' },
            overheadPercent: '6.3',
          },
        ],
        lines: [wages],
      })
      .expect(200);
    const refused = await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(422);
    expect(refused.body.error.details.issues).toEqual([
      {
        path: 'hours.FRI',
        message: 'level FRI has no delivered level-days of the in-house provider: settle its level days or enter deliveredDays',
      },
    ]);
    expect(refused.body.error.message).toContain(
      'the recalculation of 2026 cannot be computed: hours.FRI: level FRI has no delivered level-days',
    );
  });

  it('prices the level from the in-house level-days with its overhead, and settles each provider over its level-days by its kind’s policy', async () => {
    await app
      .as(finance)
      .put('/api/price-recalculation-settings')
      .send({
        policy: 'symmetric',
        overheadPercent: '6',
        priceDecimals: 2,
        rounding: 'half_up',
        publishedVatPercent: '25',
        kindPolicies: { entreprenad: 'upward_only' },
      })
      .expect(200);
    const statement = await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send({ categories: [category], lines: [wages] })
      .expect(200);
    expect(statement.body.categories).toEqual([{ ...category, overheadPercent: '6' }]);
    const run = await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200);
    const r = run.body.recalculation;
    expect(
      r.categories.map((c: Record<string, any>) => [
        c.code,
        c.hours.deliveredDays,
        c.costPerHour,
        c.overheadPercent,
        c.level.daysPerUnit,
        c.price,
      ]),
    ).toEqual([['HP', '57', '180.0000', '6', '7', '1335.60']]);
    const adj = (ref: string) => r.adjustments.find((a: { providerRef: string }) => a.providerRef === ref);
    expect(
      adj('CARE').lines.map((l: Record<string, unknown>) => [
        l.unit,
        l.band,
        l.paidRate,
        l.newPrice,
        l.difference,
        l.minutes,
        l.hours,
        l.amount,
      ]),
    ).toEqual([['per_week', 'per_week', '1400.00', '1335.60', '-64.4000', 30, '4.28571000', '-276.00']]);
    expect([adj('CARE').totalExclVat, adj('CARE').vat, adj('CARE').totalInclVat]).toEqual(['-276.00', '-69.00', '-345.00']);
    expect([adj('ENT').lines, adj('ENT').totalInclVat]).toEqual([[], '0.00']);
    expect(adj('HOME')).toBeUndefined();

    // The council report names the level price, its level-days and the paid weeks.
    const pdf = await app.as(finance).get(`/api/price-recalculations/${r.id}/report.pdf`).buffer(true).parse(binaryBody).expect(200);
    const text = await pdfText(pdf.body as Buffer);
    for (const s of ['HP (niveaupris pr. uge)', '57,00 niveaudage', '1.335,60', 'HP, niveaupris pr. uge', '-276,00'])
      expect(text).toContain(s);

    // Approval proposes next year's list with the recalculated level price for every kind.
    await app.as(finance).post(`/api/price-recalculations/${r.id}/approve`).expect(200);
    const approved = await app.as(finance).get(`/api/price-recalculations/${r.id}`).expect(200);
    const list = await app.as(finance).get(`/api/price-lists/${approved.body.proposedPriceListId}`).expect(200);
    expect(list.body.levelRates.map((x: Record<string, string>) => [x.providerKind, x.unit, x.rate])).toEqual([
      ['entreprenad', 'per_week', '1335.60'],
      ['municipal', 'per_week', '1335.60'],
      ['private', 'per_week', '1335.60'],
    ]);
  });
});
