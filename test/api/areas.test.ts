import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { cliAgainst } from '../helpers/cli.js';
import { Browser } from '../helpers/web-browser.js';
import { aSettlementWorld, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type AreaBody = { code: string; name: string; inUse: Record<string, unknown> };

describe('areas: the municipality’s own list, named in its own words', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildTestApp(t.db);
  });

  it('adds, renames and deletes areas, refuses a used one (409), a letter-case variant (422) and a bad code (400); reading is open to every role', async () => {
    const w = await aSettlementWorld(app.services, 'AREAS');
    const admin = await w.token('admin');
    expect((await app.as(admin).get('/api/areas').expect(200)).body).toEqual({ items: [] });

    const urban = await app.as(admin).post('/api/areas').send({ code: 'urban', name: ' Bydistrikt ' }).expect(201);
    expect(urban.body).toMatchObject({
      code: 'urban',
      name: 'Bydistrikt',
      inUse: { citizens: 0, visits: false, priceLists: [], budgets: [], models: [] },
    });
    await app.as(admin).post('/api/areas').send({ code: 'rural', name: 'Landdistrikt' }).expect(201);
    const again = await app.as(admin).post('/api/areas').send({ code: 'urban', name: 'By' }).expect(409);
    expect(again.body.error.details).toEqual({ field: 'code', code: 'urban' });
    const variant = await app.as(admin).post('/api/areas').send({ code: 'Urban', name: 'By' }).expect(422);
    expect(variant.body.error.message).toBe('area Urban differs from the area urban only in letter case; use urban');
    expect(variant.body.error.details).toEqual({ field: 'code', code: 'Urban', existing: 'urban' });
    expect((await app.as(admin).post('/api/areas').send({ code: 'by område', name: 'By' })).status).toBe(400);
    expect((await app.as(admin).post('/api/areas').send({ code: 'north', name: '' })).status).toBe(400);

    const renamed = await app.as(admin).patch('/api/areas/urban').send({ name: 'Byområdet' }).expect(200);
    expect(renamed.body).toMatchObject({ code: 'urban', name: 'Byområdet' });
    await app.as(admin).patch('/api/areas/nowhere').send({ name: 'x' }).expect(404);

    // Used: a citizen and a budget line name urban; a visit, a price list and a model name rural.
    const c = (await app.services.citizens.create(w.who, { ref: 'C1', area: 'urban' })).id;
    await app.services.budgetChecks.createBudget(w.who, { year: 2026, category: 'personal_care', area: 'urban', amount: '1000.00' });
    await w.visit(w.providers.p, c, 'PC', '2026-03-02 08:00', '2026-03-02 08:30', { area: 'rural' });
    await app.services.prices.create(w.who, {
      label: 'Landtillæg 2027',
      status: 'proposed',
      validFrom: '2027-01-01',
      rates: [{ priceGroup: 'PP', timeBand: 'weekday_day', providerKind: 'private', area: 'rural', unit: 'per_hour', rate: '480.00' }],
    });
    const doc = exampleModel('dk-granted-time');
    await app.services.models.create(w.who, {
      name: 'dk-rural',
      document: { ...doc, area: { mode: 'supplement', supplements: { rural: { percent: '5' } } } },
    });
    const list = await app.as(admin).get('/api/areas').expect(200);
    expect(list.body.items.map((a: AreaBody) => [a.code, a.name, a.inUse])).toEqual([
      ['rural', 'Landdistrikt', { citizens: 0, visits: true, priceLists: ['Landtillæg 2027'], budgets: [], models: ['dk-rural v1'] }],
      ['urban', 'Byområdet', { citizens: 1, visits: false, priceLists: [], budgets: [2026], models: [] }],
    ]);
    const inUse = await app.as(admin).delete('/api/areas/urban').expect(409);
    expect(inUse.body.error.message).toBe('area urban is in use by 1 citizen(s); the budget(s) of 2026 and cannot be deleted');
    expect(inUse.body.error.details.inUse).toMatchObject({ citizens: 1, budgets: [2026] });
    const ruralInUse = await app.as(admin).delete('/api/areas/rural').expect(409);
    expect(ruralInUse.body.error.message).toBe(
      'area rural is in use by visits; price list(s) Landtillæg 2027; model(s) dk-rural v1 and cannot be deleted',
    );

    // The same refusals in the reader's language (issue 19); code and details do not change.
    const inUseDa = await app.as(admin).delete('/api/areas/rural').set('Accept-Language', 'da').expect(409);
    expect(inUseDa.body.error.message).toBe(
      'Området rural bruges af besøg; prisliste Landtillæg 2027; modellen dk-rural v1 og kan ikke slettes',
    );
    expect(inUseDa.body.error.details).toEqual(ruralInUse.body.error.details);
    const variantSv = await app.as(admin).post('/api/areas').set('Accept-Language', 'sv').send({ code: 'Urban', name: 'By' }).expect(422);
    expect(variantSv.body.error.message).toBe('Området Urban skiljer sig från området urban bara i stora och små bokstäver; använd urban');
    const missingDa = await app.as(admin).get('/api/areas/nowhere').set('Accept-Language', 'da').expect(404);
    expect(missingDa.body.error.message).toBe('Område nowhere findes ikke');

    await app.as(admin).post('/api/areas').send({ code: 'north', name: 'Nord' }).expect(201);
    await app.as(admin).delete('/api/areas/north').expect(204);
    await app.as(admin).get('/api/areas/north').expect(404);
    expect((await app.as(admin).get('/api/areas').expect(200)).body.items).toHaveLength(2);
    const audit = await t
      .db('audit_log')
      .where({ municipality_id: w.municipalityId, entity: 'area' })
      .orderBy('id')
      .select('action', 'entity_id');
    expect(audit.map((a) => `${a.action} ${a.entity_id}`)).toEqual([
      'create urban',
      'create rural',
      'update urban',
      'create north',
      'delete north',
    ]);

    const auditor = await w.token('auditor');
    const provider = await w.token('provider', w.providers.p);
    expect((await app.as(auditor).get('/api/areas/urban').expect(200)).body.name).toBe('Byområdet');
    expect((await app.as(provider).get('/api/areas').expect(200)).body.items).toHaveLength(2);
    await app.as(auditor).post('/api/areas').send({ code: 'south', name: 'Syd' }).expect(403);
    await app.as(provider).patch('/api/areas/urban').send({ name: 'x' }).expect(403);
  });

  it('is in the OpenAPI document: the five operations, their schemas and the import kind', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths['/areas']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/areas/{code}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Area', 'AreaCreate', 'AreaUpdate', 'AreaList']));
    expect(doc.components.schemas.AreaCreate.required).toEqual(['code', 'name']);
    expect(doc.paths['/imports/areas'].post.summary).toBe('Import areas from a CSV or JSON file (the raw file is the request body)');
  });

  it("keeps each municipality's areas to itself", async () => {
    const a = await aSettlementWorld(app.services, 'AREA-A');
    const b = await aSettlementWorld(app.services, 'AREA-B');
    const adminA = await a.token('admin');
    const adminB = await b.token('admin');
    await app.as(adminA).post('/api/areas').send({ code: 'urban', name: 'Bydistrikt' }).expect(201);
    expect((await app.as(adminB).get('/api/areas').expect(200)).body.items).toEqual([]);
    await app.as(adminB).get('/api/areas/urban').expect(404);
    await app.as(adminB).patch('/api/areas/urban').send({ name: 'Stolen' }).expect(404);
    await app.as(adminB).delete('/api/areas/urban').expect(404);
    // B's own urban, named its way; a citizen of B in urban does not make A's urban used.
    await app.as(adminB).post('/api/areas').send({ code: 'urban', name: 'Tätort' }).expect(201);
    await app.services.citizens.create(b.who, { ref: 'CB', area: 'urban' });
    const ofA = (await app.as(adminA).get('/api/areas/urban').expect(200)).body;
    expect([ofA.name, ofA.inUse.citizens]).toEqual(['Bydistrikt', 0]);
    await app.as(adminA).delete('/api/areas/urban').expect(204);
    expect((await app.as(adminB).get('/api/areas/urban').expect(200)).body).toMatchObject({ name: 'Tätort', inUse: { citizens: 1 } });
  });

  it('names the area in the reasons of a Danish settlement (API, web page, CLI), not its code; an unnamed area keeps its code', async () => {
    const w = await aSettlementWorld(app.services, 'AREA-DK', { assign: false, priceList: false });
    await app.services.areas.create(w.who, { code: 'rural', name: 'Landdistrikt' });
    const rates = [
      { area: 'rural', rate: '480.00' },
      { area: 'islands', rate: '520.00' },
      { area: null, rate: '450.00' },
    ].flatMap((r) =>
      (['weekday_day', 'other_times'] as const).map((timeBand) => ({
        priceGroup: 'PP',
        timeBand,
        providerKind: 'private' as const,
        area: r.area,
        unit: 'per_hour' as const,
        rate: r.rate,
      })),
    );
    await app.services.prices.create(w.who, { label: 'Områdepriser 2026', status: 'adopted', validFrom: '2026-01-01', rates });
    const doc = exampleModel('dk-granted-time');
    const model = await app.services.models.create(w.who, { name: 'dk-areas', document: { ...doc, area: { mode: 'rates' } } });
    await app.services.models.assign(w.who, model.id, { validFrom: '2026-01-01' });
    const c1 = (await app.services.citizens.create(w.who, { ref: 'C1', area: 'rural' })).id;
    const c2 = (await app.services.citizens.create(w.who, { ref: 'C2', area: 'islands' })).id;
    for (const c of [c1, c2]) {
      await w.choose(c, w.providers.p);
      await w.grant(c, 'PC', { minutesPerOccurrence: 30 });
    }
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    await w.visit(w.providers.p, c2, 'PC', '2026-03-03 08:00', '2026-03-03 08:30');
    const run = await app.services.settlements.run(w.who, { period: '2026-03', providerIds: [w.providers.p] });
    const id = run.outcomes[0]!.settlement!.id;

    const finance = await w.token('finance');
    const lines = (await app.as(finance).get(`/api/settlements/${id}/lines?language=da`).expect(200)).body.items as Array<{
      citizenRef: string;
      reasonCodes: string[];
      reasons: string[];
    }>;
    const c1Line = lines.find((l) => l.citizenRef === 'C1')!;
    expect(c1Line.reasonCodes).toContain('area.rate.rural');
    expect(c1Line.reasons).toContain('sats for området Landdistrikt');
    expect(lines.find((l) => l.citizenRef === 'C2')!.reasons).toContain('sats for området islands');

    const b = new Browser(app);
    await b.signIn({ token: finance });
    const page = (await b.get(`/app/settlements/${id}`)).text;
    expect(page).toContain('sats for området Landdistrikt');
    expect(page).not.toContain('sats for området rural');

    // The CLI's --explain, in the municipality's language.
    const shown = await cliAgainst(t.url, ['settlement', 'show', String(id), '--explain', '--json']);
    expect(shown.code).toBe(0);
    const cliLines = JSON.parse(shown.out).lines as typeof lines;
    expect(cliLines.find((l) => l.citizenRef === 'C1')!.reasons).toContain('sats for området Landdistrikt');

    // Renamed, every surface says the new name at once (names are looked up, not stored with the line).
    await app.services.areas.update(w.who, 'rural', { name: 'Landområdet' });
    const after = (await app.as(finance).get(`/api/settlements/${id}/lines?language=sv`).expect(200)).body.items as typeof lines;
    expect(after.find((l) => l.citizenRef === 'C1')!.reasons).toContain('ersättning för området Landområdet');
  });
});
