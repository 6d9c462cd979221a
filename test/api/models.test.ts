import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

describe('reimbursement models API', () => {
  let app: TestApp;
  let finance: string;
  let auditor: string;
  let providerToken: string;
  let otherAdmin: string;
  let care: number;
  let home: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const m = await aMunicipality(app.services, 'MOD', 'SE');
    const other = await aMunicipality(app.services, 'MOD2', 'SE');
    finance = await aToken(app.services, m, 'finance');
    auditor = await aToken(app.services, m, 'auditor');
    otherAdmin = await aToken(app.services, other, 'admin');
    care = (
      await app
        .as(finance)
        .post('/api/providers')
        .send(aProvider({ ref: 'CARE' }))
        .expect(201)
    ).body.id;
    home = (
      await app
        .as(finance)
        .post('/api/providers')
        .send(aProvider({ ref: 'HOME', kind: 'municipal' }))
        .expect(201)
    ).body.id;
    providerToken = await aToken(app.services, m, 'provider', care);
  });

  it('adds versions of a model, numbering them per name', async () => {
    const v1 = await app
      .as(finance)
      .post('/api/models')
      .send({ name: 'stockholm', description: 'as published', document: exampleModel('stockholm-2024') })
      .expect(201);
    expect(v1.body).toMatchObject({
      name: 'stockholm',
      version: 1,
      description: 'as published',
      title: 'Stockholm 2024',
      usedAt: null,
      createdBy: expect.stringMatching(/^token:/),
    });
    expect(v1.body.document.categories.night_patrol).toEqual({ basis: { type: 'per_visit', rateBand: 'night' } });
    const v2 = await app
      .as(finance)
      .post('/api/models')
      .send({ name: 'stockholm', document: exampleModel('tyreso-2021') })
      .expect(201);
    expect(v2.body.version).toBe(2);
    await app
      .as(finance)
      .post('/api/models')
      .send({ name: 'stockholm', version: 2, document: exampleModel('solna-2024') })
      .expect(409);
    const list = await app.as(auditor).get('/api/models?name=stockholm').expect(200);
    expect(list.body.items.map((m: { version: number; title: string }) => [m.version, m.title])).toEqual([
      [1, 'Stockholm 2024'],
      [2, 'Tyresö 2021'],
    ]);
    expect(list.body.items[0].document).toBeUndefined();
    await app.as(auditor).get(`/api/models/${v2.body.id}`).expect(200);
    await app.as(otherAdmin).get(`/api/models/${v2.body.id}`).expect(404);
  });

  it('rejects an invalid model with 422 and the path of every wrong setting', async () => {
    const doc = exampleModel('solna-2024') as Record<string, any>;
    doc.timeBands.bands[1].end = '25:00';
    doc.categories.personal_care.cancellation.late = '150';
    doc.hospital.days[1].percent = 25;
    doc.colour = 'blue';
    const res = await app.as(finance).post('/api/models').send({ name: 'broken', document: doc }).expect(422);
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['categories.personal_care.cancellation.late', 'colour', 'hospital.days.1.percent', 'timeBands.bands.1.end']);
    expect(res.body.error.details.field).toBe('document');
    expect(res.body.error.message).toMatch(/^The model has 4 wrong setting\(s\): /);
    expect((await app.as(finance).get('/api/models?name=broken').expect(200)).body.total).toBe(0);
  });

  it("rejects a model for another country's holidays", async () => {
    const res = await app
      .as(finance)
      .post('/api/models')
      .send({ name: 'danish', document: exampleModel('dk-granted-time') })
      .expect(422);
    expect(res.body.error.details.issues).toEqual([{ path: 'holidays.country', message: "must be SE, the municipality's country" }]);
  });

  it('assigns models to all providers or one, refuses overlaps, and can close an assignment', async () => {
    const m = (
      await app
        .as(finance)
        .post('/api/models')
        .send({ name: 'tyreso', document: exampleModel('tyreso-2021') })
        .expect(201)
    ).body;
    const all = await app.as(finance).post(`/api/models/${m.id}/assign`).send({ validFrom: '2026-01-01' }).expect(201);
    expect(all.body).toMatchObject({
      modelId: m.id,
      modelName: 'tyreso',
      modelVersion: 1,
      providerId: null,
      validFrom: '2026-01-01',
      validTo: null,
    });
    const own = await app
      .as(finance)
      .post(`/api/models/${m.id}/assign`)
      .send({ providerId: home, validFrom: '2026-03-01', validTo: '2026-07-01' })
      .expect(201);
    const clash = await app.as(finance).post(`/api/models/${m.id}/assign`).send({ providerId: home, validFrom: '2026-06-01' }).expect(409);
    expect(clash.body.error.details).toEqual({ overlapsWith: own.body.id });
    await app.as(finance).post(`/api/models/${m.id}/assign`).send({ providerId: 99999, validFrom: '2026-01-01' }).expect(422);
    await app.as(finance).post(`/api/models/${m.id}/assign`).send({ validFrom: '2026-05-01', validTo: '2026-04-01' }).expect(400);
    await app.as(finance).post('/api/models/99999/assign').send({ validFrom: '2026-01-01' }).expect(404);

    const closed = await app.as(finance).patch(`/api/model-assignments/${all.body.id}`).send({ validTo: '2026-06-01' }).expect(200);
    expect(closed.body.validTo).toBe('2026-06-01');
    await app.as(finance).post(`/api/models/${m.id}/assign`).send({ validFrom: '2026-06-01' }).expect(201);

    const list = (await app.as(finance).get('/api/model-assignments').expect(200)).body;
    expect(
      list.items.map((a: { providerId: number | null; validFrom: string; validTo: string | null }) => [
        a.providerId,
        a.validFrom,
        a.validTo,
      ]),
    ).toEqual([
      [null, '2026-01-01', '2026-06-01'],
      [home, '2026-03-01', '2026-07-01'],
      [null, '2026-06-01', null],
    ]);
    expect((await app.as(finance).get('/api/model-assignments?activeOn=2026-03-15').expect(200)).body.total).toBe(2);
    // A provider token sees the assignments that apply to it: CARE is not HOME.
    const seen = (await app.as(providerToken).get('/api/model-assignments').expect(200)).body;
    expect(seen.items.map((a: { providerId: number | null }) => a.providerId)).toEqual([null, null]);
  });

  it('keeps auditors and providers from writing models', async () => {
    await app
      .as(auditor)
      .post('/api/models')
      .send({ name: 'x', document: exampleModel('tyreso-2021') })
      .expect(403);
    await app
      .as(providerToken)
      .post('/api/models')
      .send({ name: 'x', document: exampleModel('tyreso-2021') })
      .expect(403);
    await app.as(finance).post('/api/models').send({ name: 'bad name!', document: {} }).expect(400);
  });

  it('freezes a model version once a settlement used it (the database refuses changes)', async () => {
    const m = (
      await app
        .as(finance)
        .post('/api/models')
        .send({ name: 'frozen', document: exampleModel('jonkoping-2016') })
        .expect(201)
    ).body;
    await t.db('reimbursement_models').where({ id: m.id }).update({ used_at: t.db.fn.now() });
    await expect(
      t
        .db('reimbursement_models')
        .where({ id: m.id })
        .update({ document: JSON.stringify({}) }),
    ).rejects.toThrow(/has been used by a settlement/);
  });
});
