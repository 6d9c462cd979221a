import { beforeAll, describe, expect, it } from 'vitest';
import { mapDbError } from '../../src/db/pg-errors.js';
import { markUsed, ratesInForce } from '../../src/features/prices/prices-service.js';
import { AppError } from '../../src/shared/errors.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { aPriceList, aRate } from '../helpers/catalogue-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();
const ids = (items: { id: number }[]) => items.map((s) => s.id);

describe('price lists API', () => {
  let app: TestApp;
  let a: number;
  let b: number;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let budgetA: string;
  let providerA: string;
  let adminB: string;

  const create = async (body: object, token = financeA) => (await app.as(token).post('/api/price-lists').send(body).expect(201)).body;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    budgetA = await aToken(app.services, a, 'budget_controller');
    adminB = await aToken(app.services, b, 'admin');
    const p = (await app.as(adminA).post('/api/providers').send(aProvider()).expect(201)).body.id;
    providerA = await aToken(app.services, a, 'provider', p);
  });

  it('round-trips rates exactly as canonical decimal strings', async () => {
    const created = await create(
      aPriceList({
        label: 'Takster 2026 forslag',
        validFrom: '2026-01-01',
        note: 'Byrådet 12/11',
        rates: [
          aRate({ priceGroup: 'PP', timeBand: 'day', rate: '414.80' }),
          aRate({ priceGroup: 'PP', timeBand: 'evening', rate: '506.7000' }),
          aRate({ priceGroup: 'PP', timeBand: 'night', rate: '450' }),
          aRate({ priceGroup: 'A', timeBand: 'day', rate: '0.1', area: 'rural' }),
          aRate({ priceGroup: 'A', timeBand: 'day', rate: '0.2', unit: 'per_visit' }),
          aRate({ priceGroup: 'A', timeBand: 'day', rate: '9999999999.9999', providerKind: 'municipal' }),
        ],
      }),
    );
    expect(created).toMatchObject({
      label: 'Takster 2026 forslag',
      status: 'proposed',
      validTo: null,
      usedAt: null,
      note: 'Byrådet 12/11',
    });
    const expected = [
      { priceGroup: 'A', timeBand: 'day', providerKind: 'municipal', area: null, unit: 'per_hour', rate: '9999999999.9999' },
      { priceGroup: 'A', timeBand: 'day', providerKind: 'private', area: null, unit: 'per_visit', rate: '0.20' },
      { priceGroup: 'A', timeBand: 'day', providerKind: 'private', area: 'rural', unit: 'per_hour', rate: '0.10' },
      { priceGroup: 'PP', timeBand: 'day', providerKind: 'private', area: null, unit: 'per_hour', rate: '414.80' },
      { priceGroup: 'PP', timeBand: 'evening', providerKind: 'private', area: null, unit: 'per_hour', rate: '506.70' },
      { priceGroup: 'PP', timeBand: 'night', providerKind: 'private', area: null, unit: 'per_hour', rate: '450.00' },
    ];
    expect(created.rates).toEqual(expected);
    const got = await app.as(adminA).get(`/api/price-lists/${created.id}`).expect(200);
    expect(got.body.rates).toEqual(expected);
    const stored = await t.db('price_rates').where({ price_list_id: created.id }).orderBy('id').select(t.db.raw('rate::text as r'));
    expect(stored.map((s: { r: string }) => s.r)).toEqual(['414.8000', '506.7000', '450.0000', '0.1000', '0.2000', '9999999999.9999']);
  });

  it('refuses invalid rates with 400 and the field path', async () => {
    for (const [rate, message] of [
      ['abc', 'must be a decimal string such as "450.25"'],
      ['-1', 'must not be negative'],
      ['1.23456', 'must have at most 4 decimals'],
      ['12345678901', 'must have at most 10 digits before the decimal point'],
      ['1e3', 'must be a decimal string such as "450.25"'],
      ['', 'must be a decimal string such as "450.25"'],
    ] as const) {
      const res = await app
        .as(financeA)
        .post('/api/price-lists')
        .send(aPriceList({ rates: [aRate(), aRate({ timeBand: 'night', rate })] }))
        .expect(400);
      expect(res.body.error.details.issues).toEqual([{ path: 'body.rates.1.rate', message, code: 'custom' }]);
    }
    const asNumber = await app
      .as(financeA)
      .post('/api/price-lists')
      .send(aPriceList({ rates: [{ ...aRate(), rate: 450.25 }] }))
      .expect(400);
    expect(asNumber.body.error.details.issues[0].path).toBe('body.rates.0.rate');
    const unknown = await app
      .as(financeA)
      .post('/api/price-lists')
      .send(aPriceList({ rates: [{ ...aRate(), vat: '25' }] }))
      .expect(400);
    expect(JSON.stringify(unknown.body.error.details)).toContain('vat');
  });

  it('refuses a repeated (priceGroup, timeBand, providerKind, area) with 422 naming the index', async () => {
    const rates = [aRate({ area: 'urban' }), aRate({ area: 'rural' }), aRate(), aRate({ area: 'urban', rate: '1' })];
    const res = await app
      .as(financeA)
      .post('/api/price-lists')
      .send(aPriceList({ label: 'Dubletter', rates }))
      .expect(422);
    expect(res.body.error.details).toEqual({ field: 'rates.3', index: 3, duplicateOf: 0 });
    expect(res.body.error.message).toBe('rates[3] repeats priceGroup, timeBand, providerKind and area of rates[0]');
    expect(await t.db('price_lists').where({ label: 'Dubletter' })).toEqual([]);
  });

  it('allows overlapping proposals but only one adopted list in force per date', async () => {
    const p1 = await create(aPriceList({ label: 'P1', validFrom: '2027-01-01' }));
    const p2 = await create(aPriceList({ label: 'P2', validFrom: '2027-03-01', validTo: '2027-09-01' }));

    const adopted = await app.as(financeA).post(`/api/price-lists/${p1.id}/adopt`).expect(200);
    expect(adopted.body).toMatchObject({ id: p1.id, status: 'adopted', rates: p1.rates });
    const again = await app.as(financeA).post(`/api/price-lists/${p1.id}/adopt`).expect(409);
    expect(again.body.error.message).toBe(`price list ${p1.id} is already adopted`);

    const clash = await app.as(financeA).post(`/api/price-lists/${p2.id}/adopt`).expect(409);
    expect(clash.body.error.code).toBe('conflict');
    expect(clash.body.error.message).toContain(`would overlap adopted price list ${p1.id} "P1" [2027-01-01, open)`);
    expect(clash.body.error.details).toEqual({ overlapsWith: p1.id });
    expect((await app.as(adminA).get(`/api/price-lists/${p2.id}`).expect(200)).body.status).toBe('proposed');

    const direct = await app
      .as(financeA)
      .post('/api/price-lists')
      .send(aPriceList({ label: 'P3', status: 'recalculated', validFrom: '2028-01-01' }))
      .expect(409);
    expect(direct.body.error.details).toEqual({ overlapsWith: p1.id });
    expect(await t.db('price_lists').where({ label: 'P3' })).toEqual([]);

    // The exclusion constraint itself is the backstop for concurrent writers.
    await expect(t.db('price_lists').where({ id: p2.id }).update({ status: 'adopted' })).rejects.toMatchObject({ code: '23P01' });

    await app.as(financeA).patch(`/api/price-lists/${p1.id}`).send({ validTo: '2027-03-01' }).expect(200);
    await app.as(financeA).post(`/api/price-lists/${p2.id}/adopt`).expect(200);
    const stretch = await app.as(financeA).patch(`/api/price-lists/${p1.id}`).send({ validTo: '2027-04-01' }).expect(409);
    expect(stretch.body.error.details).toEqual({ overlapsWith: p2.id });
  });

  it('lists price lists with status and activeOn filters and paging', async () => {
    const inForce = await app.as(adminA).get('/api/price-lists?status=adopted&activeOn=2027-03-01').expect(200);
    expect(inForce.body.items.map((l: { label: string }) => l.label)).toEqual(['P2']);
    const on = await app.as(adminA).get('/api/price-lists?activeOn=2026-06-01').expect(200);
    expect(on.body.items.map((l: { label: string }) => l.label)).toEqual(['Takster 2026 forslag']);
    const adopted = await app.as(adminA).get('/api/price-lists?status=adopted').expect(200);
    expect(adopted.body.items.map((l: { label: string }) => l.label)).toEqual(['P1', 'P2']);
    const page = await app.as(adminA).get('/api/price-lists?limit=1&offset=1').expect(200);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.items.map((l: { label: string }) => l.label)).toEqual(['P1']);
    expect(page.body.items[0].rates).toBeUndefined();
    await app.as(adminA).get('/api/price-lists?status=draft').expect(400);
  });

  it('replaces rates and changes label and note while unused, and deletes unused lists', async () => {
    const l = await create(aPriceList({ label: 'Udkast', validFrom: '2029-01-01' }));
    const res = await app
      .as(financeA)
      .patch(`/api/price-lists/${l.id}`)
      .send({ label: 'Udkast 2', note: null, validTo: '2030-01-01', rates: [aRate({ timeBand: 'weekend', rate: '600.5' })] })
      .expect(200);
    expect(res.body).toMatchObject({ label: 'Udkast 2', note: null, validTo: '2030-01-01' });
    expect(res.body.rates).toEqual([
      { priceGroup: 'PG1', timeBand: 'weekend', providerKind: 'private', area: null, unit: 'per_hour', rate: '600.50' },
    ]);
    const bad = await app.as(financeA).patch(`/api/price-lists/${l.id}`).send({ validTo: '2028-12-31' }).expect(422);
    expect(bad.body.error.details).toEqual({ field: 'validTo' });
    const dup = await app
      .as(financeA)
      .patch(`/api/price-lists/${l.id}`)
      .send({ rates: [aRate(), aRate()] })
      .expect(422);
    expect(dup.body.error.details).toEqual({ field: 'rates.1', index: 1, duplicateOf: 0 });

    await app.as(financeA).delete(`/api/price-lists/${l.id}`).expect(204);
    await app.as(adminA).get(`/api/price-lists/${l.id}`).expect(404);
    expect(await t.db('price_rates').where({ price_list_id: l.id })).toEqual([]);
  });

  it('freezes a used price list: no rate, label or deletion changes, but an open validTo may be set once', async () => {
    const l = await create(
      aPriceList({ label: 'Takster 2030', status: 'adopted', validFrom: '2030-01-01', rates: [aRate({ rate: '400' })] }),
    );
    const used = await t.db.transaction((tx) => markUsed(tx, a, l.id));
    expect(used.usedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const again = await t.db.transaction((tx) => markUsed(tx, a, l.id));
    expect(again.usedAt).toBe(used.usedAt); // the first use is what counts

    const rates = await app
      .as(financeA)
      .patch(`/api/price-lists/${l.id}`)
      .send({ rates: [aRate({ rate: '999' })] })
      .expect(409);
    expect(rates.body.error.message).toBe(
      `price list ${l.id} has been used by a settlement (${used.usedAt}); its rates can no longer change — only an open validTo may be set; add a new price list version instead`,
    );
    await app.as(financeA).patch(`/api/price-lists/${l.id}`).send({ label: 'Renamed', validTo: '2031-01-01' }).expect(409);
    const del = await app.as(financeA).delete(`/api/price-lists/${l.id}`).expect(409);
    expect(del.body.error.message).toBe(`price list ${l.id} has been used by a settlement (${used.usedAt}) and cannot be deleted`);

    const closed = await app.as(financeA).patch(`/api/price-lists/${l.id}`).send({ validTo: '2031-01-01' }).expect(200);
    expect(closed.body).toMatchObject({ validTo: '2031-01-01', usedAt: used.usedAt, label: 'Takster 2030' });
    expect(closed.body.rates.map((r: { rate: string }) => r.rate)).toEqual(['400.00']);
    const moved = await app.as(financeA).patch(`/api/price-lists/${l.id}`).send({ validTo: '2032-01-01' }).expect(409);
    expect(moved.body.error.message).toContain('already ends on 2031-01-01; its end date can no longer change');

    // The database refuses too, whoever writes; its P0001 becomes a 409 with the trigger's message.
    const raw = await t
      .db('price_rates')
      .where({ price_list_id: l.id })
      .update({ rate: '1' })
      .catch((e: unknown) => e);
    const mapped = mapDbError(raw);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ status: 409, code: 'conflict', details: { hint: 'add a new price list version instead' } });
    // knex prefixes the SQL to the driver's message; the client sees only the trigger's own text.
    expect((mapped as AppError).message).toBe(`price list ${l.id} has been used by a settlement and cannot be changed`);
    await expect(t.db('price_lists').where({ id: l.id }).delete()).rejects.toThrow(/cannot be deleted/);
    const stored = await t.db('price_rates').where({ price_list_id: l.id }).select(t.db.raw('rate::text as r'));
    expect(stored).toEqual([{ r: '400.0000' }]);
  });

  it("refuses to mark a proposal or another municipality's list as used", async () => {
    const p = await create(aPriceList({ label: 'Kun forslag', validFrom: '2040-01-01' }));
    await expect(t.db.transaction((tx) => markUsed(tx, a, p.id))).rejects.toMatchObject({ status: 422 });
    await expect(t.db.transaction((tx) => markUsed(tx, b, p.id))).rejects.toMatchObject({ status: 404 });
    expect((await app.as(adminA).get(`/api/price-lists/${p.id}`).expect(200)).body.usedAt).toBeNull();
  });

  it('gives the pricing engine the adopted list in force with Decimal rates', async () => {
    const l = await create(
      aPriceList({
        label: 'Takster 2035',
        status: 'adopted',
        validFrom: '2035-01-01',
        validTo: '2036-01-01',
        rates: [aRate({ timeBand: 'day', rate: '0.1' }), aRate({ timeBand: 'night', rate: '0.2' })],
      }),
    );
    await create(aPriceList({ label: 'Forslag 2035', validFrom: '2035-06-01', rates: [aRate({ rate: '1' })] }));
    const found = await ratesInForce(t.db, a, '2035-12-31');
    expect(found).toMatchObject({ id: l.id, status: 'adopted', validFrom: '2035-01-01', validTo: '2036-01-01' });
    const [day, night] = found!.rates;
    expect(day!.rate.plus(night!.rate).toString()).toBe('0.3');
    expect(day!.rate.toFixed(4)).toBe('0.1000');
    expect(found!.rates.map((r) => [r.timeBand, r.area])).toEqual([
      ['day', null],
      ['night', null],
    ]);
    expect(await ratesInForce(t.db, a, '2036-01-01')).toBeNull();
    expect(await ratesInForce(t.db, b, '2035-06-01')).toBeNull();
  });

  it('keeps each municipality inside its own price lists', async () => {
    const l = await create(aPriceList({ label: 'Kun A', validFrom: '2045-01-01' }));
    await app.as(adminB).get(`/api/price-lists/${l.id}`).expect(404);
    await app.as(adminB).patch(`/api/price-lists/${l.id}`).send({ label: 'Stolen' }).expect(404);
    await app.as(adminB).post(`/api/price-lists/${l.id}/adopt`).expect(404);
    await app.as(adminB).delete(`/api/price-lists/${l.id}`).expect(404);
    const list = await app.as(adminB).get('/api/price-lists').expect(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });
    // B may adopt a list for the same dates as A's adopted one: the exclusion is per municipality.
    const mine = await create(aPriceList({ label: 'Kun A', status: 'adopted', validFrom: '2027-01-01' }), adminB);
    expect(ids((await app.as(adminB).get('/api/price-lists').expect(200)).body.items)).toEqual([mine.id]);
    expect((await app.as(adminA).get(`/api/price-lists/${l.id}`).expect(200)).body.label).toBe('Kun A');
  });

  it('lets every role read price lists but only admin and finance write', async () => {
    const list = await app.as(providerA).get('/api/price-lists?status=adopted&activeOn=2027-06-01').expect(200);
    expect(list.body.items.map((l: { label: string }) => l.label)).toEqual(['P2']);
    await app.as(budgetA).get(`/api/price-lists/${list.body.items[0].id}`).expect(200);
    for (const token of [auditorA, budgetA, providerA]) {
      const res = await app
        .as(token)
        .post('/api/price-lists')
        .send(aPriceList({ validFrom: '2050-01-01' }))
        .expect(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const id = list.body.items[0].id;
    await app.as(auditorA).patch(`/api/price-lists/${id}`).send({ note: 'x' }).expect(403);
    await app.as(auditorA).post(`/api/price-lists/${id}/adopt`).expect(403);
    await app.as(auditorA).delete(`/api/price-lists/${id}`).expect(403);
  });

  it('records every price-list write in the audit log', async () => {
    const p2 = (await app.as(adminA).get('/api/price-lists?status=adopted&activeOn=2027-06-01').expect(200)).body.items[0];
    const log = await app.as(auditorA).get(`/api/audit?entity=price_list&entityId=${p2.id}`).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['adopt', 'create']);
    expect(log.body.items[0].changes).toEqual({ before: { status: 'proposed' }, after: { status: 'adopted' } });
    const all = await app.as(auditorA).get('/api/audit?entity=price_list&limit=1000').expect(200);
    const actions = all.body.items.map((e: { action: string }) => e.action);
    expect(actions.filter((x: string) => x === 'mark_used')).toHaveLength(1);
    expect(actions.filter((x: string) => x === 'delete')).toHaveLength(1);
    const del = all.body.items.find((e: { action: string }) => e.action === 'delete');
    expect(del.changes.before.rates[0].rate).toBe('600.50');
  });
});
