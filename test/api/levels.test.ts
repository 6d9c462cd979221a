import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { asActor, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/**
 * Level-based care through the API: levels in the catalogue, level prices in the price list,
 * citizens' level grants, and the settlement run that pays them (DOMAIN.md §4). April 2026 has 30
 * days; the weekly prices are illustrative.
 */
describe('levels: catalogue, prices, level grants and their settlement', () => {
  let app: TestApp;
  let m: number;
  let finance: string;
  let care: number;
  let home: number;
  let citizen: (ref: string) => Promise<number>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    m = await aMunicipality(app.services, 'LEVELS', 'DK');
    finance = await aToken(app.services, m, 'finance');
    const who = asActor(m, 'test:setup', 'admin');
    const provider = async (ref: string, kind: 'private' | 'municipal') =>
      (await app.services.providers.create(who, { ref, name: ref, kind, vatStatus: 'exempt', approvedFrom: '2020-01-01' })).id;
    care = await provider('CARE', 'private');
    home = await provider('HOME', 'municipal');
    const doc = exampleModel('dk-granted-time');
    doc.levels = { absences: [{ kinds: ['hospital'], days: [{ from: 1, to: 1, percent: '100' }] }] };
    doc.exceptions = { grantNeverDelivered: false };
    const model = await app.services.models.create(who, { name: 'dk-levels', document: doc });
    await app.services.models.assign(who, model.id, { validFrom: '2026-01-01' });
    citizen = async (ref: string) => (await app.services.citizens.create(who, { ref, area: null })).id;
  });

  const level = (code: string, expectedHoursPerWeek?: string) => ({
    code,
    name: `Forløb ${code}`,
    category: 'personal_care',
    ...(expectedHoursPerWeek ? { expectedHoursPerWeek } : {}),
  });
  const weekly = (lvl: string, providerKind: string, rate: string) => ({ level: lvl, providerKind, unit: 'per_week', rate });

  it('a catalogue version carries its levels; a level code given twice is refused (422) naming both entries', async () => {
    const twice = await app
      .as(finance)
      .post('/api/catalogue-versions')
      .send({ label: 'K', validFrom: '2026-01-01', levels: [level('L1'), level('L1')] })
      .expect(422);
    expect(twice.body.error.message).toBe('levels[1] repeats code L1 of levels[0]');
    const v = await app
      .as(finance)
      .post('/api/catalogue-versions')
      .send({ label: 'Katalog 2026', validFrom: '2026-01-01', levels: [level('L1', '3'), level('L2', '7.5')] })
      .expect(201);
    expect(v.body.levels.map((l: Record<string, unknown>) => [l.code, l.category, l.expectedHoursPerWeek])).toEqual([
      ['L1', 'personal_care', '3'],
      ['L2', 'personal_care', '7.5'],
    ]);
    const read = await app.as(finance).get(`/api/catalogue-versions/${v.body.id}`).expect(200);
    expect(read.body.levels).toEqual(v.body.levels);
  });

  it('level grants: a level unknown to the catalogue is 422, an overlapping grant 409 naming the other; a change of level closes one and opens the next', async () => {
    const c = await citizen('G1');
    const unknown = await app
      .as(finance)
      .post('/api/level-grants')
      .send({ citizenId: c, level: 'L9', validFrom: '2026-03-01' })
      .expect(422);
    expect(unknown.body.error.message).toBe('Level L9 is not in the catalogue in force on 2026-03-01 (levels: L1, L2)');
    const first = await app.as(finance).post('/api/level-grants').send({ citizenId: c, level: 'L1', validFrom: '2026-03-01' }).expect(201);
    const overlap = await app
      .as(finance)
      .post('/api/level-grants')
      .send({ citizenId: c, level: 'L2', validFrom: '2026-04-16' })
      .expect(409);
    expect(overlap.body.error.message).toBe(
      `citizen ${c} already has level L1 [2026-03-01, open), which overlaps [2026-04-16, open); close it first (a citizen has one level a day)`,
    );
    expect(overlap.body.error.details).toEqual({ overlapsWith: first.body.id });
    await app.as(finance).patch(`/api/level-grants/${first.body.id}`).send({ validTo: '2026-04-16' }).expect(200);
    await app.as(finance).post('/api/level-grants').send({ citizenId: c, level: 'L2', validFrom: '2026-04-16' }).expect(201);
    const list = await app.as(finance).get(`/api/level-grants?citizenId=${c}`).expect(200);
    expect(list.body.items.map((g: Record<string, unknown>) => [g.level, g.validFrom, g.validTo])).toEqual([
      ['L1', '2026-03-01', '2026-04-16'],
      ['L2', '2026-04-16', null],
    ]);
    // The database is the last guard: two writers racing past the service check still cannot overlap.
    await expect(
      t.db('level_grants').insert({ municipality_id: m, citizen_id: c, level_code: 'L1', valid_from: '2026-05-01' }),
    ).rejects.toThrow(/exclusion constraint/);
  });

  it('a missing level price refuses the run (422) listing level, kind and days, and writes nothing', async () => {
    const list = await app
      .as(finance)
      .post('/api/price-lists')
      .send({
        label: 'Priser 2026',
        status: 'adopted',
        validFrom: '2026-01-01',
        rates: [],
        levelRates: [weekly('L1', 'private', '1400.00'), weekly('L2', 'private', '3700.00'), weekly('L1', 'municipal', '1330.00')],
      })
      .expect(201);
    expect(list.body.levelRates).toEqual([
      { level: 'L1', providerKind: 'municipal', area: null, unit: 'per_week', rate: '1330.00' },
      { level: 'L1', providerKind: 'private', area: null, unit: 'per_week', rate: '1400.00' },
      { level: 'L2', providerKind: 'private', area: null, unit: 'per_week', rate: '3700.00' },
    ]);
    const c = (await app.as(finance).get('/api/level-grants').expect(200)).body.items[0].citizenId as number;
    const who = asActor(m, 'test:setup', 'admin');
    // G1 with HOME (municipal) until 11 April, then CARE: HOME needs L1's municipal price (there) and nothing else.
    await app.services.choices.choose(who, {
      citizenId: c,
      providerId: home,
      category: 'personal_care',
      validFrom: '2026-01-01',
      requestedOn: '2026-01-01',
    });
    await app.services.choices.choose(who, {
      citizenId: c,
      providerId: care,
      category: 'personal_care',
      validFrom: '2026-04-11',
      requestedOn: '2026-04-11',
    });
    const c2 = await citizen('G2');
    await app.services.choices.choose(who, {
      citizenId: c2,
      providerId: home,
      category: 'personal_care',
      validFrom: '2026-01-01',
      requestedOn: '2026-01-01',
    });
    await app.as(finance).post('/api/level-grants').send({ citizenId: c2, level: 'L2', validFrom: '2026-04-20' }).expect(201);
    // A provider sees the level grants of citizens who chose it during the grant: CARE sees G1's (from 11 April), not G2's.
    const seen = await app
      .as(await aToken(app.services, m, 'provider', care))
      .get('/api/level-grants')
      .expect(200);
    expect(seen.body.items.map((g: { citizenId: number }) => g.citizenId)).toEqual([c, c]);
    const res = await app
      .as(finance)
      .post('/api/settlements/run')
      .send({ period: '2026-04', providerIds: [home] })
      .expect(422);
    expect(res.body.error.message).toBe(
      'provider HOME cannot be settled under model dk-levels@1: no price for level L2, municipal provider (needed on 11 day(s): 2026-04-20 – 2026-04-30)',
    );
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({
        code: 'missing_level_rate',
        details: { level: 'L2', providerKind: 'municipal', area: null, from: '2026-04-20', to: '2026-04-30', days: 11 },
      }),
    ]);
    expect(Number((await t.db('settlements').where({ municipality_id: m }).count({ n: '*' }))[0]!.n)).toBe(0);
  });

  it("pays each provider its days at its kind's weekly price ÷ 7, stores per_week lines, and an approval freezes the level prices with the list", async () => {
    const lists = await app.as(finance).get('/api/price-lists').expect(200);
    const listId = lists.body.items[0].id as number;
    await app
      .as(finance)
      .patch(`/api/price-lists/${listId}`)
      .send({
        levelRates: [
          weekly('L1', 'private', '1400.00'),
          weekly('L2', 'private', '3700.00'),
          weekly('L1', 'municipal', '1330.00'),
          weekly('L2', 'municipal', '3550.00'),
        ],
      })
      .expect(200);
    const run = await app.as(finance).post('/api/settlements/run').send({ period: '2026-04' }).expect(200);
    const byRef = Object.fromEntries(
      run.body.outcomes.map((o: { providerRef: string; settlement: { id: number; totalExclVat: string } }) => [
        o.providerRef,
        o.settlement,
      ]),
    );
    const lines = async (id: number) =>
      (await app.as(finance).get(`/api/settlements/${id}/lines`).expect(200)).body.items.map((l: Record<string, unknown>) => [
        l.citizenRef,
        l.serviceCode,
        l.kind,
        l.unit,
        l.quantity,
        l.rate,
        l.amount,
      ]);
    // HOME: G1 on L1 1–10 April: 10 × 1,330.00 ÷ 7 = 1,900.00; G2 on L2 20–30 April: 11 × 3,550.00 ÷ 7 = 5,578.571… → 5,578.57
    expect(await lines(byRef.HOME.id)).toEqual([
      ['G1', 'L1', 'level_day', 'per_week', '10', '1330.00', '1900.00'],
      ['G2', 'L2', 'level_day', 'per_week', '11', '3550.00', '5578.57'],
    ]);
    expect(byRef.HOME.totalExclVat).toBe('7478.57');
    // CARE: G1 on L1 11–15 April: 5 × 1,400.00 ÷ 7 = 1,000.00; on L2 from 16 April: 15 × 3,700.00 ÷ 7 = 7,928.571… → 7,928.57
    expect(await lines(byRef.CARE.id)).toEqual([
      ['G1', 'L1', 'level_day', 'per_week', '5', '1400.00', '1000.00'],
      ['G1', 'L2', 'level_day', 'per_week', '15', '3700.00', '7928.57'],
    ]);
    expect(byRef.CARE.totalExclVat).toBe('8928.57');
    // Approval freezes the price list the settlement used, level prices included.
    await app.as(finance).post(`/api/settlements/${byRef.CARE.id}/approve`).expect(200);
    const frozen = await app.as(finance).patch(`/api/price-lists/${listId}`).send({ levelRates: [] }).expect(409);
    expect(frozen.body.error.details.fields).toEqual(['levelRates']);
    await expect(t.db('level_rates').where({ municipality_id: m, price_list_id: listId }).update({ rate: '1' })).rejects.toThrow(
      /has been used by a settlement/,
    );
  });
});
