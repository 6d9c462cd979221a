import { beforeAll, describe, expect, it } from 'vitest';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { aCatalogue, aCitizen, aVisit } from '../helpers/grant-builders.js';

const t = useTestDatabase();

/** Long lists: pages read on with after=<next>, the total only on request (issue 19). */
describe('visits: paging with after= and count=true', () => {
  let app: TestApp;
  let finance: string;
  let providerToken: string;
  let otherMunicipalityVisit: number;
  let p1: number;
  let all: number[];

  type Page = { body: { items: Array<{ id: number; providerId: number }>; next: number | null; total?: number } };
  const walk = async (token: string, query: string, limit: number) => {
    const seen: number[] = [];
    let after: number | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const res: Page = await app
        .as(token)
        .get(`/api/visits?limit=${limit}${query}${after === null ? '' : `&after=${after}`}`)
        .expect(200);
      seen.push(...res.body.items.map((v) => v.id));
      if (res.body.next === null) return seen;
      expect(res.body.next).toBe(res.body.items.at(-1)!.id);
      after = res.body.next;
    }
    throw new Error('paging did not end');
  };

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B');
    finance = await aToken(app.services, a, 'finance');
    const financeB = await aToken(app.services, b, 'finance');
    await aCatalogue(t.db, a, { validFrom: '2026-01-01', services: [{ code: 'PP1' }] });
    await aCatalogue(t.db, b, { validFrom: '2026-01-01', services: [{ code: 'PP1' }] });
    const c = await aCitizen(t.db, a);
    const cB = await aCitizen(t.db, b);
    p1 = (await app.as(finance).post('/api/providers').send(aProvider()).expect(201)).body.id;
    const p2 = (await app.as(finance).post('/api/providers').send(aProvider()).expect(201)).body.id;
    const pB = (await app.as(financeB).post('/api/providers').send(aProvider()).expect(201)).body.id;
    providerToken = await aToken(app.services, a, 'provider', p1);
    // Seven visits at the same instant (ordered by id among themselves) and four at other times.
    const end = (start: string) => new Date(Date.parse(start) + 30 * 60_000).toISOString();
    const at = (start: string) => ({ actualStart: start, actualEnd: end(start), plannedStart: start, plannedEnd: end(start) });
    const starts = [
      '2026-02-03T09:00:00Z',
      ...Array(7).fill('2026-02-02T09:00:00Z'),
      '2026-02-01T09:00:00Z',
      '2026-02-04T09:00:00Z',
      '2026-02-02T08:59:59Z',
    ];
    for (const [i, s] of starts.entries())
      await app
        .as(finance)
        .post('/api/visits')
        .send(aVisit(i % 2 ? p1 : p2, c, at(s)))
        .expect(201);
    // Microseconds apart: a cursor that went through a JavaScript Date (milliseconds) would lose them.
    await t.db.raw(
      `update visits set actual_start = actual_start + make_interval(secs => id % 3 * 0.000001), planned_start = planned_start + make_interval(secs => id % 3 * 0.000001) where occurs_at = '2026-02-02T09:00:00Z'`,
    );
    otherMunicipalityVisit = (await app.as(financeB).post('/api/visits').send(aVisit(pB, cB)).expect(201)).body.id;
    all = (
      await t
        .db('visits')
        .where({ municipality_id: a })
        .orderBy([{ column: 'occurs_at' }, { column: 'id' }])
        .select('id')
    ).map((r) => r.id);
  });

  it('walks every visit exactly once, in order, however the pages fall', async () => {
    expect(all).toHaveLength(11);
    for (const limit of [1, 2, 3, 4, 10, 11, 100]) expect(await walk(finance, '', limit)).toEqual(all);
  });

  it('counts the matching visits only when asked, and says when a page is the last', async () => {
    const plain = await app.as(finance).get('/api/visits?limit=4').expect(200);
    expect(plain.body.total).toBeUndefined();
    expect(plain.body.next).toBe(all[3]);
    const counted = await app.as(finance).get(`/api/visits?limit=4&count=true&providerId=${p1}`).expect(200);
    expect(counted.body.total).toBe(5);
    const last = await app.as(finance).get('/api/visits?limit=4&offset=8&count=true').expect(200);
    expect(last.body).toMatchObject({ total: 11, next: null, offset: 8 });
    expect(last.body.items.map((v: { id: number }) => v.id)).toEqual(all.slice(8));
  });

  it('keeps a provider to its own visits while paging', async () => {
    const mine = await walk(providerToken, '', 2);
    const own = (
      await t
        .db('visits')
        .where({ provider_id: p1 })
        .orderBy([{ column: 'occurs_at' }, { column: 'id' }])
        .select('id')
    ).map((r) => r.id);
    expect(mine).toEqual(own);
  });

  it('refuses a cursor that is not a visit of this municipality, and after with an offset', async () => {
    const foreign = await app.as(finance).get(`/api/visits?after=${otherMunicipalityVisit}`).expect(400);
    expect(foreign.body.error).toMatchObject({ code: 'bad_request', details: { field: 'after', after: otherMunicipalityVisit } });
    const both = await app.as(finance).get(`/api/visits?after=${all[0]}&offset=2`).expect(400);
    expect(both.body.error.details.issues[0].path).toBe('query.offset');
  });
});
