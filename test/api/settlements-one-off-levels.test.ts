import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { asActor, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type Line = {
  citizenRef: string;
  serviceCode: string;
  kind: string;
  unit: string;
  quantity: string;
  amount: string;
  reasonCodes: string[];
};
const brief = (l: Line) => [l.citizenRef, l.serviceCode, l.kind, l.unit, l.quantity, l.amount];
const oneOffOnly = (lines: Line[]) => lines.filter((l) => l.kind === 'new_customer' || l.kind === 'takeover');

/**
 * One-off payments for citizens on a level (helhedspleje) through real settlement runs (issue 18
 * item 6; DOMAIN.md §4): a level grant counts as a grant of its level's category, so a citizen
 * granted only a level of personal care is a new personal-care customer, and a change of provider
 * while on the level is a takeover. The Danish granted-time model (personal care 450.00/h by day)
 * with a new personal-care customer paid 4 hours once (Solna 2024) and an assumed takeover payment
 * of 1,500.00; level H2 (category personal care) at an illustrative 300.00 a day (private) and
 * 280.00 (municipal). March 2026:
 *
 *   L1  chose CARE on 1 February, granted only level H2 from Thu 12 March (no ordinary grant, no visit)
 *       → a new customer on 12 March, paid to CARE: 4 h = 240 × 450.00 / 60 = 1,800.00;
 *       level days 12–31 March: 20 × 300.00 = 6,000.00
 *   L2  on H2 with HOME since 1 January, CARE from Mon 16 March → a takeover 1,500.00 to CARE;
 *       level days 16–31 March: 16 × 300.00 = 4,800.00 (CARE); 1–15 March: 15 × 280.00 = 4,200.00 (HOME)
 *   CARE: 1,800.00 + 6,000.00 + 1,500.00 + 4,800.00 = 14,100.00; HOME 4,200.00 and no one-off payment.
 */
describe('settlements: a citizen on a level is a new customer (and taken over) of the level’s category', () => {
  let app: TestApp;
  let m: number;
  let finance: string;
  let admin: string;
  let marchId: number;

  const run = async (period: string) => {
    const body = (await app.as(finance).post('/api/settlements/run').send({ period }).expect(200)).body;
    return (ref: string) => body.outcomes.find((o: { providerRef: string }) => o.providerRef === ref) as Record<string, any>;
  };
  const linesOf = async (id: number): Promise<Line[]> => (await app.as(finance).get(`/api/settlements/${id}/lines`).expect(200)).body.items;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'ONCELVL', 'DK');
    finance = await aToken(app.services, m, 'finance');
    admin = await aToken(app.services, m, 'admin');
    const who = asActor(m, 'test:setup', 'admin');
    const provider = async (ref: string, kind: 'private' | 'municipal') =>
      (await app.services.providers.create(who, { ref, name: ref, kind, vatStatus: 'registered', approvedFrom: '2020-01-01' })).id;
    const care = await provider('CARE', 'private');
    const home = await provider('HOME', 'municipal');
    await app
      .as(finance)
      .post('/api/catalogue-versions')
      .send({
        label: 'Katalog 2026',
        validFrom: '2026-01-01',
        services: [
          {
            code: 'PC',
            name: 'Personlig pleje',
            category: 'personal_care',
            priceGroup: 'PP',
            standardMinutes: 30,
            billingUnit: 'per_minute',
          },
        ],
        levels: [{ code: 'H2', name: 'Helhedspleje 2', category: 'personal_care' }],
      })
      .expect(201);
    await app
      .as(finance)
      .post('/api/price-lists')
      .send({
        label: 'Priser 2026',
        status: 'adopted',
        validFrom: '2026-01-01',
        rates: (['private', 'municipal'] as const).flatMap((providerKind) => [
          { priceGroup: 'PP', timeBand: 'weekday_day', providerKind, unit: 'per_hour', rate: '450.00' },
          { priceGroup: 'PP', timeBand: 'other_times', providerKind, unit: 'per_hour', rate: '540.00' },
        ]),
        levelRates: [
          { level: 'H2', providerKind: 'private', unit: 'per_day', rate: '300.00' },
          { level: 'H2', providerKind: 'municipal', unit: 'per_day', rate: '280.00' },
        ],
      })
      .expect(201);
    const doc = exampleModel('dk-granted-time');
    doc.oneOff = [
      { event: 'new_customer', category: 'personal_care', hours: '4', priceGroup: 'PP', rateBand: 'weekday_day' },
      { event: 'takeover', category: 'personal_care', amount: '1500.00' },
    ];
    doc.exceptions = { grantNeverDelivered: false };
    const model = await app.services.models.create(who, { name: 'dk-once-levels', document: doc });
    await app.services.models.assign(who, model.id, { validFrom: '2026-01-01' });

    const citizen = async (ref: string) => (await app.services.citizens.create(who, { ref, area: null })).id;
    const choose = (citizenId: number, providerId: number, validFrom: string) =>
      app.services.choices.choose(who, { citizenId, providerId, category: 'personal_care', validFrom, requestedOn: validFrom });
    const level = (citizenId: number, validFrom: string) =>
      app.as(finance).post('/api/level-grants').send({ citizenId, level: 'H2', validFrom }).expect(201);
    const l1 = await citizen('L1');
    await choose(l1, care, '2026-02-01');
    await level(l1, '2026-03-12');
    const l2 = await citizen('L2');
    await choose(l2, home, '2026-01-01');
    await level(l2, '2026-01-01');
    await choose(l2, care, '2026-03-16');
  });

  it('pays the new customer on a level once, to the provider chosen, and the takeover of a citizen on a level, worked by hand', async () => {
    const march = await run('2026-03');
    const s = march('CARE').settlement;
    expect(s).toMatchObject({ kind: 'regular', totalExclVat: '14100.00' });
    marchId = s.id;
    const lines = await linesOf(s.id);
    expect(lines.map(brief)).toEqual([
      ['L1', 'H2', 'level_day', 'per_day', '20', '6000.00'],
      ['L1', 'new_customer', 'new_customer', 'per_hour', '4', '1800.00'],
      ['L2', 'H2', 'level_day', 'per_day', '16', '4800.00'],
      ['L2', 'takeover', 'takeover', 'per_visit', '1', '1500.00'],
    ]);
    expect(oneOffOnly(lines).map((l) => l.reasonCodes)).toEqual([
      ['one_off.new_customer', 'one_off.date.2026-03-12', 'one_off.hours.4'],
      ['one_off.takeover', 'one_off.date.2026-03-16', 'one_off.amount'],
    ]);
    // HOME, which L2 left and L1 never chose, is paid L2's level days and no one-off payment
    const home = march('HOME').settlement;
    expect(home.totalExclVat).toBe('4200.00');
    expect((await linesOf(home.id)).map(brief)).toEqual([['L2', 'H2', 'level_day', 'per_day', '15', '4200.00']]);
  });

  it('a re-run of the month is unchanged; after approval it pays nothing again', async () => {
    expect((await run('2026-03'))('CARE')).toMatchObject({ outcome: 'unchanged', settlement: { id: marchId } });
    await app.as(admin).post(`/api/settlements/${marchId}/approve`).expect(200);
    expect((await run('2026-03'))('CARE')).toMatchObject({ outcome: 'no_difference', settlement: null });
  });

  it('the next month pays the level days and no one-off payment', async () => {
    const april = (await run('2026-04'))('CARE').settlement;
    // L1 and L2 on H2 all 30 days of April: 30 × 300.00 = 9,000.00 each
    expect((await linesOf(april.id)).map(brief)).toEqual([
      ['L1', 'H2', 'level_day', 'per_day', '30', '9000.00'],
      ['L2', 'H2', 'level_day', 'per_day', '30', '9000.00'],
    ]);
    const paid = await t
      .db('settlement_lines')
      .where({ municipality_id: m })
      .whereIn('kind', ['new_customer', 'takeover'])
      .select('kind', 'citizen_ref', t.db.raw('amount::text as amount'))
      .orderBy('kind');
    expect(paid).toEqual([
      { kind: 'new_customer', citizen_ref: 'L1', amount: '1800.00' },
      { kind: 'takeover', citizen_ref: 'L2', amount: '1500.00' },
    ]);
  });
});
