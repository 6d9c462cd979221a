import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { aChoice, aCitizen, anAbsence, ids } from '../helpers/citizen-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

describe('absences API', () => {
  let app: TestApp;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let adminB: string;
  let earlyProvider: string;
  let lateProvider: string;
  let c1: number;
  let c2: number;
  let citizenB: number;
  let hospital: number;
  let open: number;
  let may: number;
  let c2Holiday: number;

  const post = (body: object, token = financeA) => app.as(token).post('/api/absences').send(body);

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    const p1 = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    const p2 = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    earlyProvider = await aToken(app.services, a, 'provider', p1);
    lateProvider = await aToken(app.services, a, 'provider', p2);
    c1 = (await app.as(adminA).post('/api/citizens').send(aCitizen()).expect(201)).body.id;
    c2 = (await app.as(adminA).post('/api/citizens').send(aCitizen()).expect(201)).body.id;
    citizenB = (await app.as(adminB).post('/api/citizens').send(aCitizen()).expect(201)).body.id;
    // c1: p1 until April, p2 from April; c2: p2 throughout
    await app.as(adminA).post('/api/provider-choices').send(aChoice(c1, p1)).expect(201);
    await app
      .as(adminA)
      .post('/api/provider-choices')
      .send(aChoice(c1, p2, { validFrom: '2026-04-01' }))
      .expect(201);
    await app.as(adminA).post('/api/provider-choices').send(aChoice(c2, p2)).expect(201);
  });

  it('registers an absence over [validFrom, validTo)', async () => {
    const res = await post(anAbsence(c1, { note: 'Admitted to Odense' })).expect(201);
    hospital = res.body.id;
    expect(res.body).toMatchObject({
      id: hospital,
      citizenId: c1,
      kind: 'hospital',
      planned: false,
      validFrom: '2026-02-10',
      validTo: '2026-02-15',
      note: 'Admitted to Odense',
    });
    // half-open: the next absence may start on the day the previous one ends, its end not yet known
    const next = await post(anAbsence(c1, { kind: 'respite', planned: true, validFrom: '2026-02-15', validTo: null })).expect(201);
    open = next.body.id;
    expect(next.body).toMatchObject({ kind: 'respite', planned: true, validFrom: '2026-02-15', validTo: null, note: null });
  });

  it("refuses overlapping absences of the same citizen with 409, but not another citizen's", async () => {
    const res = await post(anAbsence(c1, { kind: 'holiday', validFrom: '2026-02-14', validTo: '2026-02-16' })).expect(409);
    expect(res.body.error.code).toBe('conflict');
    await post(anAbsence(c1, { validFrom: '2026-06-01', validTo: '2026-06-05' })).expect(409); // the open-ended one
    c2Holiday = (await post(anAbsence(c2, { kind: 'holiday', validFrom: '2026-02-12', validTo: '2026-02-20' })).expect(201)).body.id;
  });

  it('sets the end once it is known, and checks it', async () => {
    const bad = await app.as(financeA).patch(`/api/absences/${open}`).send({ validTo: '2026-02-15' }).expect(422);
    expect(bad.body.error.details).toEqual({ field: 'validTo' });
    const res = await app.as(financeA).patch(`/api/absences/${open}`).send({ validTo: '2026-03-01', note: 'Home again' }).expect(200);
    expect(res.body).toMatchObject({ id: open, kind: 'respite', validFrom: '2026-02-15', validTo: '2026-03-01', note: 'Home again' });
    may = (await post(anAbsence(c1, { validFrom: '2026-05-04', validTo: '2026-05-10' })).expect(201)).body.id;
    const overlap = await app.as(financeA).patch(`/api/absences/${open}`).send({ validTo: '2026-05-05' }).expect(409);
    expect(overlap.body.error.code).toBe('conflict');
    const kind = await app.as(financeA).patch(`/api/absences/${hospital}`).send({ kind: 'holiday', planned: true, note: null }).expect(200);
    expect(kind.body).toMatchObject({ kind: 'holiday', planned: true, note: null, validTo: '2026-02-15' });
    await app.as(financeA).patch(`/api/absences/${hospital}`).send({ validFrom: '2026-02-01' }).expect(400);
  });

  it('filters by citizen, kind and overlap with a window, and pages', async () => {
    const byCitizen = await app.as(auditorA).get(`/api/absences?citizenId=${c1}`).expect(200);
    expect(ids(byCitizen.body)).toEqual([hospital, open, may]);
    const byKind = await app.as(auditorA).get('/api/absences?kind=holiday').expect(200);
    expect(ids(byKind.body)).toEqual([hospital, c2Holiday]);
    const window = await app.as(auditorA).get('/api/absences?from=2026-02-15&to=2026-02-16').expect(200);
    expect(ids(window.body)).toEqual([open, c2Holiday]);
    const fromOnly = await app.as(auditorA).get('/api/absences?from=2026-03-01').expect(200);
    expect(ids(fromOnly.body)).toEqual([may]);
    const toOnly = await app.as(auditorA).get('/api/absences?to=2026-02-11').expect(200);
    expect(ids(toOnly.body)).toEqual([hospital]);
    const page = await app.as(auditorA).get('/api/absences?limit=2&offset=2').expect(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(ids(page.body)).toEqual([c2Holiday, may]);
    const bad = await app.as(auditorA).get('/api/absences?from=2026-03-01&to=2026-03-01').expect(400);
    expect(bad.body.error.details.issues[0].path).toBe('query.to');
  });

  it('lets a provider token see only absences of citizens it served during the absence', async () => {
    const early = await app.as(earlyProvider).get('/api/absences').expect(200);
    expect(ids(early.body)).toEqual([hospital, open]);
    await app.as(earlyProvider).get(`/api/absences/${may}`).expect(404);
    await app.as(earlyProvider).get(`/api/absences/${c2Holiday}`).expect(404);
    const late = await app.as(lateProvider).get('/api/absences').expect(200);
    expect(ids(late.body)).toEqual([c2Holiday, may]);
    await app.as(lateProvider).get(`/api/absences/${hospital}`).expect(404);
    await app.as(lateProvider).patch(`/api/absences/${may}`).send({ note: 'x' }).expect(403);
  });

  it('answers 404 to another municipality, and refuses its citizens', async () => {
    await app.as(adminB).get(`/api/absences/${hospital}`).expect(404);
    await app.as(adminB).patch(`/api/absences/${hospital}`).send({ note: 'x' }).expect(404);
    await app.as(adminB).delete(`/api/absences/${hospital}`).expect(404);
    expect((await app.as(adminB).get('/api/absences').expect(200)).body.total).toBe(0);
    await post(anAbsence(c1), adminB).expect(404);
    await post(anAbsence(citizenB)).expect(404);
  });

  it('keeps auditors read-only and validates input', async () => {
    await post(anAbsence(c2, { validFrom: '2026-08-01', validTo: '2026-08-02' }), auditorA).expect(403);
    await app.as(auditorA).patch(`/api/absences/${may}`).send({ note: 'x' }).expect(403);
    await app.as(auditorA).delete(`/api/absences/${may}`).expect(403);
    const backwards = await post(anAbsence(c2, { validFrom: '2026-08-02', validTo: '2026-08-01' })).expect(400);
    expect(backwards.body.error.details.issues[0].path).toBe('body.validTo');
    await post({ ...anAbsence(c2, { validFrom: '2026-08-01' }), reason: 'x' }).expect(400);
    await post(anAbsence(c2, { kind: 'vacation' as 'holiday', validFrom: '2026-08-01' })).expect(400);
  });

  it('deletes an absence registered by mistake, and the audit log keeps it', async () => {
    await app.as(adminA).delete(`/api/absences/${may}`).expect(204);
    await app.as(adminA).get(`/api/absences/${may}`).expect(404);
    await app.as(adminA).delete(`/api/absences/${may}`).expect(404);
    const log = await app.as(auditorA).get(`/api/audit?entity=absence&entityId=${may}`).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['delete', 'create']);
    expect(log.body.items[0].changes.before).toMatchObject({ citizenId: c1, validFrom: '2026-05-04', validTo: '2026-05-10' });
    // the period is free again
    await post(anAbsence(c1, { validFrom: '2026-05-04', validTo: '2026-05-10' })).expect(201);
  });
});
