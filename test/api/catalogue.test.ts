import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueStore } from '../../src/features/catalogue/catalogue-store.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { aCatalogueVersion, aService } from '../helpers/catalogue-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const codes = (items: { code: string }[]) => items.map((s) => s.code);
const ids = (items: { id: number }[]) => items.map((s) => s.id);

describe('catalogue API', () => {
  let app: TestApp;
  let a: number;
  let b: number;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let providerA: string;
  let adminB: string;
  let v2025: number;
  let v2026: number;
  let vB: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    const p = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    providerA = await aToken(app.services, a, 'provider', p);

    v2025 = (
      await app
        .as(financeA)
        .post('/api/catalogue-versions')
        .send(
          aCatalogueVersion({
            label: 'Katalog 2025',
            validFrom: '2025-01-01',
            validTo: '2026-01-01',
            services: [
              aService({ code: 'PP1', name: 'Morgenpleje', priceGroup: 'PP', standardMinutes: 20 }),
              aService({ code: 'PH1', name: 'Rengøring', category: 'practical_help', priceGroup: 'PH', standardMinutes: 45 }),
            ],
          }),
        )
        .expect(201)
    ).body.id;
    const created = await app
      .as(financeA)
      .post('/api/catalogue-versions')
      .send(
        aCatalogueVersion({
          label: 'Katalog 2026',
          validFrom: '2026-01-01',
          services: [
            aService({ code: 'PP1', name: 'Morgenpleje', priceGroup: 'PP2', standardMinutes: 25 }),
            aService({
              code: 'MAD',
              name: 'Madservice',
              category: 'meals',
              priceGroup: 'MEAL',
              standardMinutes: 0,
              billingUnit: 'per_visit',
            }),
          ],
        }),
      )
      .expect(201);
    v2026 = created.body.id;
    vB = (
      await app
        .as(adminB)
        .post('/api/catalogue-versions')
        .send(aCatalogueVersion({ label: 'Katalog 2026' }))
        .expect(201)
    ).body.id;
  });

  it('creates a version with its services in one go and returns them', async () => {
    const res = await app.as(adminA).get(`/api/catalogue-versions/${v2026}`).expect(200);
    expect(res.body).toMatchObject({ id: v2026, label: 'Katalog 2026', validFrom: '2026-01-01', validTo: null, serviceCount: 2 });
    expect(res.body.services).toEqual([
      {
        id: expect.any(Number),
        catalogueVersionId: v2026,
        code: 'MAD',
        name: 'Madservice',
        category: 'meals',
        fsiiiCode: null,
        priceGroup: 'MEAL',
        standardMinutes: 0,
        billingUnit: 'per_visit',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      expect.objectContaining({ code: 'PP1', priceGroup: 'PP2', standardMinutes: 25, billingUnit: 'per_minute' }),
    ]);
  });

  it('lists versions oldest first, filters by activeOn and pages', async () => {
    const all = await app.as(adminA).get('/api/catalogue-versions').expect(200);
    expect(all.body).toMatchObject({ total: 2, limit: 100, offset: 0 });
    expect(ids(all.body.items)).toEqual([v2025, v2026]);
    expect(all.body.items[0]).toMatchObject({ validTo: '2026-01-01', serviceCount: 2 });
    expect(all.body.items[0].services).toBeUndefined();

    const on = (d: string) => app.as(adminA).get(`/api/catalogue-versions?activeOn=${d}`).expect(200);
    expect(ids((await on('2025-12-31')).body.items)).toEqual([v2025]);
    expect(ids((await on('2026-01-01')).body.items)).toEqual([v2026]); // validTo is exclusive
    expect((await on('2024-06-01')).body).toMatchObject({ items: [], total: 0 });

    const page = await app.as(adminA).get('/api/catalogue-versions?limit=1&offset=1').expect(200);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(ids(page.body.items)).toEqual([v2026]);
    const bad = await app.as(adminA).get('/api/catalogue-versions?activeOn=2026-02-30').expect(400);
    expect(bad.body.error.details.issues[0].path).toBe('query.activeOn');
  });

  it('refuses an overlapping version with 409 and accepts it once the open version is closed', async () => {
    const overlap = await app
      .as(financeA)
      .post('/api/catalogue-versions')
      .send(aCatalogueVersion({ label: 'Katalog 2027', validFrom: '2027-01-01' }))
      .expect(409);
    expect(overlap.body.error.code).toBe('conflict');
    expect(overlap.body.error.message).toMatch(/overlap/);

    const bad = await app.as(financeA).patch(`/api/catalogue-versions/${v2026}`).send({ validTo: '2026-01-01' }).expect(422);
    expect(bad.body.error.details).toEqual({ field: 'validTo' });
    await app.as(financeA).patch(`/api/catalogue-versions/${v2026}`).send({ label: 'x' }).expect(400);

    const closed = await app.as(financeA).patch(`/api/catalogue-versions/${v2026}`).send({ validTo: '2027-01-01' }).expect(200);
    expect(closed.body).toMatchObject({ id: v2026, validFrom: '2026-01-01', validTo: '2027-01-01', label: 'Katalog 2026' });
    expect(codes(closed.body.services)).toEqual(['MAD', 'PP1']);
    const next = await app
      .as(financeA)
      .post('/api/catalogue-versions')
      .send(aCatalogueVersion({ label: 'Katalog 2027', validFrom: '2027-01-01', services: [] }))
      .expect(201);
    expect(next.body).toMatchObject({ validFrom: '2027-01-01', validTo: null, serviceCount: 0, services: [] });

    // Reopening the closed version would overlap 2027 again.
    await app.as(financeA).patch(`/api/catalogue-versions/${v2026}`).send({ validTo: null }).expect(409);
  });

  it('refuses duplicate codes in the payload with 422 naming the index, and creates nothing', async () => {
    const body = aCatalogueVersion({
      label: 'Dubletter',
      validFrom: '2040-01-01',
      services: [aService({ code: 'X1' }), aService({ code: 'X2' }), aService({ code: 'X1' })],
    });
    const res = await app.as(financeA).post('/api/catalogue-versions').send(body).expect(422);
    expect(res.body.error.details).toEqual({ field: 'services.2.code', index: 2, duplicateOf: 0 });
    expect(res.body.error.message).toBe('services[2] repeats code X1 of services[0]');
    expect(await t.db('catalogue_versions').where({ municipality_id: a, label: 'Dubletter' })).toEqual([]);
  });

  it('reports invalid service fields with their path', async () => {
    const res = await app
      .as(financeA)
      .post('/api/catalogue-versions')
      .send(aCatalogueVersion({ validFrom: '2041-01-01', services: [aService({ category: 'gardening' as never })] }))
      .expect(400);
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['body.services.0.category']);
    const dates = await app
      .as(financeA)
      .post('/api/catalogue-versions')
      .send(aCatalogueVersion({ validFrom: '2041-01-01', validTo: '2040-01-01' }))
      .expect(400);
    expect(dates.body.error.details.issues[0].path).toBe('body.validTo');
  });

  it('adds services to a version and refuses a code the version already has', async () => {
    const added = await app
      .as(adminA)
      .post(`/api/catalogue-versions/${v2025}/services`)
      .send(aService({ code: 'NAT', name: 'Natpatrulje', category: 'night_patrol', priceGroup: 'NIGHT', standardMinutes: 10 }))
      .expect(201);
    expect(added.body).toMatchObject({ catalogueVersionId: v2025, code: 'NAT', category: 'night_patrol', standardMinutes: 10 });
    const dup = await app
      .as(adminA)
      .post(`/api/catalogue-versions/${v2025}/services`)
      .send(aService({ code: 'PP1' }))
      .expect(409);
    expect(dup.body.error.code).toBe('conflict');
    await app.as(adminA).post('/api/catalogue-versions/999999/services').send(aService()).expect(404);
    const v = await app.as(adminA).get(`/api/catalogue-versions/${v2025}`).expect(200);
    expect(codes(v.body.services)).toEqual(['NAT', 'PH1', 'PP1']);
  });

  it('lists services with filters and paging, gets and changes one', async () => {
    const pp1 = await app.as(adminA).get('/api/services?code=PP1').expect(200);
    expect(pp1.body.total).toBe(2);
    expect(pp1.body.items.map((s: { catalogueVersionId: number }) => s.catalogueVersionId)).toEqual([v2025, v2026]);

    const inForce = await app.as(adminA).get('/api/services?code=PP1&activeOn=2026-05-01').expect(200);
    expect(inForce.body.items).toHaveLength(1);
    expect(inForce.body.items[0]).toMatchObject({ catalogueVersionId: v2026, priceGroup: 'PP2', standardMinutes: 25 });

    const meals = await app.as(adminA).get('/api/services?category=meals').expect(200);
    expect(codes(meals.body.items)).toEqual(['MAD']);
    const of2025 = await app.as(adminA).get(`/api/services?catalogueVersionId=${v2025}&limit=2&offset=1`).expect(200);
    expect(of2025.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(codes(of2025.body.items)).toEqual(['PH1', 'NAT']);

    const id = inForce.body.items[0].id;
    const changed = await app
      .as(financeA)
      .patch(`/api/services/${id}`)
      .send({ name: 'Morgenpleje (ny)', standardMinutes: 30, billingUnit: 'per_visit' })
      .expect(200);
    expect(changed.body).toMatchObject({
      id,
      code: 'PP1',
      name: 'Morgenpleje (ny)',
      standardMinutes: 30,
      billingUnit: 'per_visit',
      priceGroup: 'PP2',
    });
    const got = await app.as(adminA).get(`/api/services/${id}`).expect(200);
    expect(got.body).toEqual(changed.body);
    await app.as(financeA).patch(`/api/services/${id}`).send({ code: 'NEW' }).expect(400);
    await app.as(financeA).patch(`/api/services/${id}`).send({ standardMinutes: 1441 }).expect(400);
  });

  it('gives other features the services in force on a date, by code', async () => {
    const on2025 = await catalogueStore.servicesInForce(t.db, a, '2025-12-31');
    expect([...on2025.keys()].sort()).toEqual(['NAT', 'PH1', 'PP1']);
    expect(on2025.get('PH1')).toEqual({
      id: expect.any(Number),
      code: 'PH1',
      category: 'practical_help',
      priceGroup: 'PH',
      standardMinutes: 45,
      billingUnit: 'per_minute',
      catalogueVersionId: v2025,
    });
    const on2026 = await catalogueStore.servicesInForce(t.db, a, '2026-01-01', ['PP1', 'PH1']);
    expect([...on2026.keys()]).toEqual(['PP1']);
    expect(on2026.get('PP1')).toMatchObject({ catalogueVersionId: v2026, priceGroup: 'PP2', standardMinutes: 30 });
    expect((await catalogueStore.servicesInForce(t.db, a, '2024-01-01')).size).toBe(0);
  });

  it('keeps each municipality inside its own catalogue', async () => {
    await app.as(adminB).get(`/api/catalogue-versions/${v2025}`).expect(404);
    await app.as(adminB).patch(`/api/catalogue-versions/${v2026}`).send({ validTo: '2026-06-01' }).expect(404);
    await app.as(adminB).post(`/api/catalogue-versions/${v2025}/services`).send(aService()).expect(404);
    const list = await app.as(adminB).get('/api/catalogue-versions').expect(200);
    expect(ids(list.body.items)).toEqual([vB]);
    const services = await app.as(adminB).get('/api/services?code=PP1').expect(200);
    expect(services.body.total).toBe(0);
    const aService1 = (await app.as(adminA).get('/api/services?code=MAD').expect(200)).body.items[0].id;
    await app.as(adminB).get(`/api/services/${aService1}`).expect(404);
    await app.as(adminB).patch(`/api/services/${aService1}`).send({ name: 'x' }).expect(404);
    await app.as(adminA).get(`/api/catalogue-versions/${vB}`).expect(404);
    const bCodes = codes((await app.as(adminB).get(`/api/catalogue-versions/${vB}`).expect(200)).body.services);
    expect(bCodes).toHaveLength(2);
    const inB = await catalogueStore.servicesInForce(t.db, b, '2026-03-01');
    expect([...inB.keys()].sort()).toEqual(bCodes);
    expect([...(await catalogueStore.servicesInForce(t.db, a, '2026-03-01', bCodes)).keys()]).toEqual([]);
  });

  it('lets every role read, provider tokens included, but only admin and finance write', async () => {
    const list = await app.as(providerA).get('/api/catalogue-versions?activeOn=2026-03-01').expect(200);
    expect(ids(list.body.items)).toEqual([v2026]);
    const v = await app.as(providerA).get(`/api/catalogue-versions/${v2026}`).expect(200);
    expect(codes(v.body.services)).toEqual(['MAD', 'PP1']);
    await app.as(providerA).get('/api/services?category=meals').expect(200);
    await app.as(auditorA).get(`/api/catalogue-versions/${v2025}`).expect(200);

    const res = await app
      .as(auditorA)
      .post('/api/catalogue-versions')
      .send(aCatalogueVersion({ validFrom: '2050-01-01' }))
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
    await app.as(auditorA).patch(`/api/catalogue-versions/${v2026}`).send({ validTo: '2026-06-01' }).expect(403);
    await app.as(providerA).post(`/api/catalogue-versions/${v2026}/services`).send(aService()).expect(403);
    const sid = v.body.services[0].id;
    await app.as(providerA).patch(`/api/services/${sid}`).send({ name: 'x' }).expect(403);
  });

  it('records catalogue writes in the audit log', async () => {
    const log = await app.as(auditorA).get(`/api/audit?entity=catalogue_version&entityId=${v2026}`).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    expect(log.body.items[0].changes).toEqual({ before: { validTo: null }, after: { validTo: '2027-01-01' } });
    expect(log.body.items[1].changes.after.services.map((s: { code: string }) => s.code)).toEqual(['MAD', 'PP1']);
    const svc = await app.as(auditorA).get('/api/audit?entity=service').expect(200);
    expect(svc.body.items.map((e: { action: string }) => e.action)).toEqual(['update', 'create']);
    expect(svc.body.items[0].changes.after.name).toBe('Morgenpleje (ny)');
  });
});
