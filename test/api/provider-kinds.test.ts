import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

describe('provider kinds: the municipality’s own list', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildTestApp(t.db);
  });

  it('starts with municipal and private, adds, renames and deletes kinds, and refuses what breaks the list', async () => {
    const w = await aSettlementWorld(app.services, 'KINDS');
    const admin = await w.token('admin');
    const list = await app.as(admin).get('/api/provider-kinds').expect(200);
    expect(
      list.body.items.map((k: { code: string; name: string; inHouse: boolean; inUse: { providers: number } }) => [
        k.code,
        k.name,
        k.inHouse,
        k.inUse.providers,
      ]),
    ).toEqual([
      ['municipal', 'Kommunal', true, 1],
      ['private', 'Privat', false, 1],
    ]);

    const created = await app
      .as(admin)
      .post('/api/provider-kinds')
      .send({ code: 'friplejebolig', names: { da: 'Friplejebolig', sv: 'Friplejebolig (privat boende)', en: 'Independent care home' } })
      .expect(201);
    expect(created.body).toMatchObject({ code: 'friplejebolig', name: 'Friplejebolig', ownName: null, inHouse: false });
    const renamed = await app.as(admin).patch('/api/provider-kinds/friplejebolig').send({ ownName: 'Friplejeboliger i Vejle' }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'Friplejeboliger i Vejle', names: { da: 'Friplejebolig' } });

    const again = await app
      .as(admin)
      .post('/api/provider-kinds')
      .send({ code: 'friplejebolig', names: { da: 'x', sv: 'x', en: 'x' } })
      .expect(409);
    expect(again.body.error.details).toMatchObject({ field: 'code', code: 'friplejebolig' });
    const second = await app.as(admin).patch('/api/provider-kinds/friplejebolig').send({ inHouse: true }).expect(409);
    expect(second.body.error.message).toBe('provider kind municipal is already the in-house kind; unmark it first');
    const badCode = await app
      .as(admin)
      .post('/api/provider-kinds')
      .send({ code: 'Fri Pleje', names: { da: 'x', sv: 'x', en: 'x' } });
    expect(badCode.status).toBe(400);

    // A provider or a price of a kind outside the list: 422 naming it.
    const unknown = await app
      .as(admin)
      .post('/api/providers')
      .send({ ref: 'ENT', name: 'Entreprenør A/S', kind: 'entreprenad', vatStatus: 'registered', approvedFrom: '2026-01-01' })
      .expect(422);
    expect(unknown.body.error.message).toBe('unknown provider kind entreprenad: add it under /api/provider-kinds first');
    expect(unknown.body.error.details).toEqual({
      field: 'kind',
      unknown: ['entreprenad'],
      known: ['friplejebolig', 'municipal', 'private'],
    });
    const unknownRate = await app
      .as(admin)
      .post('/api/price-lists')
      .send({
        label: 'Forslag',
        status: 'proposed',
        validFrom: '2027-01-01',
        rates: [{ priceGroup: 'PP', timeBand: 'weekday_day', providerKind: 'entreprenad', unit: 'per_hour', rate: '1.00' }],
      })
      .expect(422);
    expect(unknownRate.body.error.details).toMatchObject({ field: 'providerKind', unknown: ['entreprenad'] });

    // In use by a provider, a price list and a model: 409 naming each; unused: deleted.
    await app
      .as(admin)
      .post('/api/providers')
      .send({ ref: 'FRI', name: 'Friplejeboligen Solgården', kind: 'friplejebolig', vatStatus: 'registered', approvedFrom: '2026-01-01' })
      .expect(201);
    await app
      .as(admin)
      .post('/api/price-lists')
      .send({
        label: 'Forslag 2027',
        status: 'proposed',
        validFrom: '2027-01-01',
        rates: [{ priceGroup: 'PP', timeBand: 'weekday_day', providerKind: 'friplejebolig', unit: 'per_hour', rate: '470.00' }],
      })
      .expect(201);
    const doc = exampleModel('dk-granted-time');
    doc.providerKindAdjustment = { kinds: { friplejebolig: '6.3' } };
    await app.as(admin).post('/api/models').send({ name: 'dk-fri', document: doc }).expect(201);
    const inUse = await app.as(admin).delete('/api/provider-kinds/friplejebolig').expect(409);
    expect(inUse.body.error.message).toBe(
      'provider kind friplejebolig is in use by 1 provider(s); price list(s) Forslag 2027; model(s) dk-fri v1 and cannot be deleted',
    );
    const unknownInModel = await app
      .as(admin)
      .post('/api/models')
      .send({ name: 'dk-x', document: { ...doc, providerKindAdjustment: { kinds: { entreprenad: '1' } } } })
      .expect(422);
    expect(unknownInModel.body.error.details).toMatchObject({ unknown: ['entreprenad'] });

    await app
      .as(admin)
      .post('/api/provider-kinds')
      .send({ code: 'tmp', names: { da: 'a', sv: 'b', en: 'c' } })
      .expect(201);
    await app.as(admin).delete('/api/provider-kinds/tmp').expect(204);
    await app.as(admin).get('/api/provider-kinds/tmp').expect(404);
    // Reading is open to every role; writing is not.
    const auditor = await w.token('auditor');
    await app.as(auditor).get('/api/provider-kinds/municipal').expect(200);
    await app.as(auditor).delete('/api/provider-kinds/friplejebolig').expect(403);
  });

  it('settles a kind of the own list at its own prices and percentage, and names a kind without prices (422)', async () => {
    const w = await aSettlementWorld(app.services, 'KINDSET', { assign: false, priceList: false });
    const admin = await w.token('admin');
    const finance = await w.token('finance');
    await app
      .as(admin)
      .post('/api/provider-kinds')
      .send({ code: 'entreprenad', names: { da: 'Udliciteret', sv: 'Entreprenad', en: 'Contracted' } })
      .expect(201);
    await app
      .as(admin)
      .post('/api/provider-kinds')
      .send({ code: 'fritvalg', names: { da: 'Frit valg', sv: 'Valfrihet', en: 'Free choice' } })
      .expect(201);
    const ent = await app
      .as(admin)
      .post('/api/providers')
      .send({ ref: 'ENT', name: 'Entreprenør A/S', kind: 'entreprenad', vatStatus: 'registered', approvedFrom: '2020-01-01' })
      .expect(201);
    const fv = await app
      .as(admin)
      .post('/api/providers')
      .send({ ref: 'FV', name: 'Frit Valg ApS', kind: 'fritvalg', vatStatus: 'registered', approvedFrom: '2020-01-01' })
      .expect(201);
    const rates = ['private', 'municipal', 'entreprenad'].flatMap((providerKind) =>
      ['weekday_day', 'other_times'].flatMap((timeBand) =>
        ['PP', 'PH'].map((priceGroup) => ({
          priceGroup,
          timeBand,
          providerKind,
          unit: 'per_hour',
          rate: providerKind === 'entreprenad' ? '480.00' : '450.00',
        })),
      ),
    );
    await app
      .as(admin)
      .post('/api/price-lists')
      .send({ label: 'Timepriser 2026', status: 'adopted', validFrom: '2026-01-01', rates })
      .expect(201);
    const doc = exampleModel('dk-granted-time');
    doc.providerKindAdjustment = { private: '1.5', kinds: { entreprenad: '2.5' } };
    const model = await app.as(admin).post('/api/models').send({ name: 'dk-kinds', document: doc }).expect(201);
    await app.as(admin).post(`/api/models/${model.body.id}/assign`).send({ validFrom: '2026-01-01' }).expect(201);
    const c1 = await w.citizen('C1');
    const c2 = await w.citizen('C2');
    await w.choose(c1, ent.body.id);
    await w.choose(c2, fv.body.id);
    await w.grant(c1, 'PC', { minutesPerOccurrence: 30 });
    await w.grant(c2, 'PC', { minutesPerOccurrence: 30 });
    await w.visit(ent.body.id, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    await w.visit(fv.body.id, c2, 'PC', '2026-03-02 09:00', '2026-03-02 09:30');

    const refused = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(422);
    expect(refused.body.error.message).toContain(
      'provider FV cannot be settled under model dk-kinds@1: no per_hour rate for price group PP, band weekday_day, fritvalg provider',
    );
    expect(refused.body.error.details.issues[0]).toMatchObject({
      code: 'missing_rate',
      details: { providerKind: 'fritvalg', priceGroup: 'PP' },
    });

    const res = await app
      .as(finance)
      .post('/api/settlements/run')
      .send({ period: '2026-03', providerIds: [ent.body.id] })
      .expect(200);
    const s = res.body.outcomes[0].settlement;
    const lines = await app.as(finance).get(`/api/settlements/${s.id}/lines`).expect(200);
    // 30 min × 480.00 / 60 × 1.025 = 246.00 (the entreprenad kind's rate and percentage)
    expect(
      lines.body.items.map((l: { rate: string; amount: string; reasonCodes: string[] }) => [l.rate, l.amount, l.reasonCodes.at(-1)]),
    ).toEqual([['480.00', '246.00', 'kind.entreprenad+2.5']]);
  });
});
