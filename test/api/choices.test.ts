import { beforeAll, describe, expect, it } from 'vitest';
import { ChoicesService } from '../../src/features/citizens/choices-service.js';
import { choicesInForceForProvider } from '../../src/features/citizens/choices-store.js';
import { aMunicipality, aToken, asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { aProvider } from '../helpers/builders.js';
import { aChoice, aCitizen, ids } from '../helpers/citizen-builders.js';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

interface Row {
  citizen_id: number;
  category: string;
  provider_id: number;
  valid_from: string;
  valid_to: string | null;
  reason: string;
}

describe('provider choices API', () => {
  let app: TestApp;
  let a: number;
  let adminA: string;
  let financeA: string;
  let auditorA: string;
  let adminB: string;
  let p1: number;
  let p2: number;
  let lateApproved: number;
  let citizenB: number;
  let providerB: number;

  const newCitizen = async () => (await app.as(adminA).post('/api/citizens').send(aCitizen()).expect(201)).body.id as number;
  const newProvider = async (over = {}) =>
    (await app.as(adminA).post('/api/providers').send(aProvider(over)).expect(201)).body.id as number;
  const choose = (body: object, token = adminA) => app.as(token).post('/api/provider-choices').send(body);
  const rowsOf = async (citizenId: number): Promise<Row[]> =>
    t
      .db('provider_choices')
      .where({ citizen_id: citizenId })
      .orderBy(['category', 'valid_from'])
      .select('citizen_id', 'category', 'provider_id', 'valid_from', 'valid_to', 'reason');
  const setNotice = (choiceNoticeRule: string, choiceNoticeDays = 0) =>
    app.as(adminA).patch('/api/municipality').send({ choiceNoticeRule, choiceNoticeDays }).expect(200);

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aMunicipality(app.services, 'A');
    const b = await aMunicipality(app.services, 'B', 'SE');
    adminA = await aToken(app.services, a, 'admin');
    financeA = await aToken(app.services, a, 'finance');
    auditorA = await aToken(app.services, a, 'auditor');
    adminB = await aToken(app.services, b, 'admin');
    p1 = await newProvider();
    p2 = await newProvider();
    lateApproved = await newProvider({ approvedFrom: '2026-06-01' });
    citizenB = (await app.as(adminB).post('/api/citizens').send(aCitizen()).expect(201)).body.id;
    providerB = (await app.as(adminB).post('/api/providers').send(aProvider()).expect(201)).body.id;
  });

  describe('choosing and changing provider', () => {
    let c: number;
    let first: number;

    beforeAll(async () => {
      c = await newCitizen();
    });

    it('needs validFrom for an initial choice', async () => {
      const res = await choose({ citizenId: c, category: 'personal_care', providerId: p1 }).expect(422);
      expect(res.body.error.details).toEqual({ field: 'validFrom' });
    });

    it('records an initial choice from validFrom', async () => {
      const res = await choose(aChoice(c, p1, { requestedOn: '2025-12-15' })).expect(201);
      first = res.body.id;
      expect(res.body).toMatchObject({
        citizenId: c,
        category: 'personal_care',
        providerId: p1,
        validFrom: '2026-01-01',
        validTo: null,
        requestedOn: '2025-12-15',
        reason: 'initial',
      });
    });

    it('refuses choosing the same provider again', async () => {
      const res = await choose(aChoice(c, p1, { validFrom: undefined, requestedOn: '2026-02-01' })).expect(422);
      expect(res.body.error.details).toEqual({ field: 'providerId' });
    });

    it('refuses a provider not approved on the effective date', async () => {
      // next_month_start from 2026-04-20 is 2026-05-01, before the provider's approval on 2026-06-01
      const res = await choose(aChoice(c, lateApproved, { validFrom: undefined, requestedOn: '2026-04-20' })).expect(422);
      expect(res.body.error).toMatchObject({ code: 'unprocessable', details: { field: 'providerId' } });
      expect(res.body.error.message).toContain('2026-05-01');
      expect(await rowsOf(c)).toHaveLength(1);
    });

    it('applies the notice rule to a change and ends the previous choice that day', async () => {
      const res = await choose(aChoice(c, p2, { validFrom: undefined, requestedOn: '2026-03-10', reason: 'choice' }), financeA).expect(201);
      expect(res.body).toMatchObject({
        providerId: p2,
        validFrom: '2026-04-01',
        validTo: null,
        requestedOn: '2026-03-10',
        reason: 'choice',
      });
      const prev = await app.as(adminA).get(`/api/provider-choices/${first}`).expect(200);
      expect(prev.body).toMatchObject({ providerId: p1, validFrom: '2026-01-01', validTo: '2026-04-01' });
      expect(await rowsOf(c)).toEqual([
        { citizen_id: c, category: 'personal_care', provider_id: p1, valid_from: '2026-01-01', valid_to: '2026-04-01', reason: 'initial' },
        { citizen_id: c, category: 'personal_care', provider_id: p2, valid_from: '2026-04-01', valid_to: null, reason: 'choice' },
      ]);
      const log = await app.as(auditorA).get(`/api/audit?entity=provider_choice&entityId=${first}`).expect(200);
      expect(log.body.items[0]).toMatchObject({ action: 'end', changes: { before: { validTo: null }, after: { validTo: '2026-04-01' } } });
    });

    it('lets admin/finance set the date of a change, but not before the current choice starts', async () => {
      const early = await choose(aChoice(c, p1, { validFrom: '2026-04-01' }), financeA).expect(422);
      expect(early.body.error.details).toEqual({ field: 'validFrom' });
      const res = await choose(aChoice(c, p1, { validFrom: '2026-04-15', requestedOn: '2026-04-14' }), financeA).expect(201);
      expect(res.body).toMatchObject({ validFrom: '2026-04-15', reason: 'choice' });
      expect((await rowsOf(c)).map((r) => [r.provider_id, r.valid_from, r.valid_to])).toEqual([
        [p1, '2026-01-01', '2026-04-01'],
        [p2, '2026-04-01', '2026-04-15'],
        [p1, '2026-04-15', null],
      ]);
    });

    it("refuses a reason that contradicts the citizen's situation", async () => {
      const res = await choose(aChoice(c, p2, { reason: 'initial' })).expect(422);
      expect(res.body.error.details).toEqual({ field: 'reason' });
      const other = await newCitizen();
      const res2 = await choose(aChoice(other, p2, { reason: 'choice' })).expect(422);
      expect(res2.body.error.details).toEqual({ field: 'reason' });
    });

    it('keeps categories apart', async () => {
      const res = await choose(aChoice(c, p2, { category: 'practical_help', validFrom: '2026-02-01' })).expect(201);
      expect(res.body).toMatchObject({ category: 'practical_help', reason: 'initial', validFrom: '2026-02-01' });
    });
  });

  describe('notice rules', () => {
    it.each([
      ['immediate', 0, '2026-03-10', '2026-03-10'],
      ['next_month_start', 0, '2026-03-10', '2026-04-01'],
      ['rest_of_month_plus_one_month', 0, '2026-03-10', '2026-05-01'],
      ['rest_of_month_plus_one_month', 0, '2026-12-01', '2027-02-01'],
      ['days', 14, '2026-03-10', '2026-03-24'],
    ])('%s (%i days): requested %s takes effect %s', async (rule, days, requestedOn, expected) => {
      await setNotice(rule, days);
      try {
        const c = await newCitizen();
        await choose(aChoice(c, p1)).expect(201);
        const res = await choose(aChoice(c, p2, { validFrom: undefined, requestedOn })).expect(201);
        expect(res.body.validFrom).toBe(expected);
        expect((await rowsOf(c))[0]!.valid_to).toBe(expected);
      } finally {
        await setNotice('next_month_start');
      }
    });

    it("counts from today in the municipality's time zone when requestedOn is not given", async () => {
      // 22:30 UTC on 31 March is already 1 April in Copenhagen (CEST).
      const service = new ChoicesService(t.db, { now: () => new Date('2026-03-31T22:30:00Z') });
      const c = await newCitizen();
      await choose(aChoice(c, p1)).expect(201);
      const changed = await service.choose(asAdmin(a), { citizenId: c, category: 'personal_care', providerId: p2 });
      expect(changed).toMatchObject({ requestedOn: '2026-04-01', validFrom: '2026-05-01' });
    });
  });

  describe('takeover', () => {
    let bankrupt: number;
    let heir: number;
    let open: number;
    let ended: number;
    let plannedEnd: number;
    let later: number;
    let practical: number;

    beforeAll(async () => {
      bankrupt = await newProvider();
      heir = await newProvider();
      [open, ended, plannedEnd, later, practical] = [
        await newCitizen(),
        await newCitizen(),
        await newCitizen(),
        await newCitizen(),
        await newCitizen(),
      ];
      await choose(aChoice(open, bankrupt)).expect(201);
      await choose(aChoice(ended, bankrupt)).expect(201);
      await choose(aChoice(ended, p1, { validFrom: '2026-03-01' })).expect(201);
      await choose(aChoice(plannedEnd, bankrupt)).expect(201);
      await choose(aChoice(plannedEnd, p1, { validFrom: '2026-09-01' })).expect(201);
      await choose(aChoice(later, p1)).expect(201);
      await choose(aChoice(later, bankrupt, { validFrom: '2026-06-01' })).expect(201);
      await choose(aChoice(practical, bankrupt, { category: 'practical_help' })).expect(201);
      await choose(aChoice(practical, p2)).expect(201);
    });

    const takeover = (body: object, token = adminA) => app.as(token).post('/api/provider-choices/takeover').send(body);

    it('refuses a successor that is not approved on the date, a self-takeover and roles that may not write', async () => {
      const res = await takeover({ fromProviderId: bankrupt, toProviderId: lateApproved, effectiveFrom: '2026-05-01' }).expect(422);
      expect(res.body.error.details).toEqual({ field: 'toProviderId' });
      await takeover({ fromProviderId: bankrupt, toProviderId: bankrupt, effectiveFrom: '2026-05-01' }).expect(400);
      await takeover({ fromProviderId: bankrupt, toProviderId: heir, effectiveFrom: '2026-05-01' }, auditorA).expect(403);
      await takeover({ fromProviderId: bankrupt, toProviderId: providerB, effectiveFrom: '2026-05-01' }).expect(422);
      expect(await t.db('provider_choices').where({ provider_id: heir }).count({ n: '*' })).toEqual([{ n: 0 }]);
    });

    it('moves only the chosen categories', async () => {
      const res = await takeover({
        fromProviderId: bankrupt,
        toProviderId: heir,
        effectiveFrom: '2026-05-01',
        categories: ['practical_help'],
      }).expect(200);
      expect(res.body).toEqual({ fromProviderId: bankrupt, toProviderId: heir, effectiveFrom: '2026-05-01', moved: 1 });
      expect((await rowsOf(practical)).map((r) => [r.category, r.provider_id, r.valid_from, r.valid_to, r.reason])).toEqual([
        ['personal_care', p2, '2026-01-01', null, 'initial'],
        ['practical_help', bankrupt, '2026-01-01', '2026-05-01', 'initial'],
        ['practical_help', heir, '2026-05-01', null, 'takeover'],
      ]);
    });

    it('moves every choice open on the date (and those starting later), not the ended ones', async () => {
      const res = await takeover({ fromProviderId: bankrupt, toProviderId: heir, effectiveFrom: '2026-05-01' }).expect(200);
      expect(res.body.moved).toBe(3);
      const shape = async (c: number) => (await rowsOf(c)).map((r) => [r.provider_id, r.valid_from, r.valid_to, r.reason]);
      expect(await shape(open)).toEqual([
        [bankrupt, '2026-01-01', '2026-05-01', 'initial'],
        [heir, '2026-05-01', null, 'takeover'],
      ]);
      expect(await shape(ended)).toEqual([
        [bankrupt, '2026-01-01', '2026-03-01', 'initial'],
        [p1, '2026-03-01', null, 'choice'],
      ]);
      // a planned end is kept by the successor
      expect(await shape(plannedEnd)).toEqual([
        [bankrupt, '2026-01-01', '2026-05-01', 'initial'],
        [heir, '2026-05-01', '2026-09-01', 'takeover'],
        [p1, '2026-09-01', null, 'choice'],
      ]);
      // a change to the ceasing provider that had not started yet goes to the successor
      expect(await shape(later)).toEqual([
        [p1, '2026-01-01', '2026-06-01', 'initial'],
        [heir, '2026-06-01', null, 'takeover'],
      ]);

      const log = await app.as(auditorA).get(`/api/audit?entity=provider&entityId=${bankrupt}`).expect(200);
      const entry = log.body.items.find(
        (e: { action: string; changes: { categories?: string[] } }) => e.action === 'takeover' && !e.changes.categories,
      );
      expect(entry.changes).toMatchObject({ toProviderId: heir, effectiveFrom: '2026-05-01', moved: 3 });
      expect(entry.changes.endedChoiceIds).toHaveLength(2);
      expect(entry.changes.newChoiceIds).toHaveLength(2);
      expect(entry.changes.reassignedChoiceIds).toHaveLength(1);

      const again = await takeover({ fromProviderId: bankrupt, toProviderId: heir, effectiveFrom: '2026-05-01' }).expect(200);
      expect(again.body.moved).toBe(0);
    });

    it('gives later features the choices in force for a provider over a period', async () => {
      const may = await choicesInForceForProvider(t.db, a, heir, { from: '2026-05-01', to: '2026-06-01' });
      expect(may.map((c) => c.citizenId).sort()).toEqual([open, plannedEnd, practical].sort());
      const april = await choicesInForceForProvider(t.db, a, bankrupt, { from: '2026-04-01', to: '2026-05-01' });
      expect(april.map((c) => c.citizenId).sort()).toEqual([open, plannedEnd, practical].sort());
      const june = await choicesInForceForProvider(t.db, a, bankrupt, { from: '2026-06-01', to: '2026-07-01' });
      expect(june).toEqual([]);
    });
  });

  describe('reading and isolation', () => {
    let mine: number;
    let theirs: number;
    let c: number;
    let providerToken: string;

    beforeAll(async () => {
      const own = await newProvider();
      providerToken = await aToken(app.services, a, 'provider', own);
      c = await newCitizen();
      mine = (await choose(aChoice(c, own, { category: 'meals' })).expect(201)).body.id;
      theirs = (await choose(aChoice(c, p1, { category: 'alarm' })).expect(201)).body.id;
    });

    it('filters by citizen, provider, category and date, and pages', async () => {
      const byCitizen = await app.as(auditorA).get(`/api/provider-choices?citizenId=${c}`).expect(200);
      expect(ids(byCitizen.body)).toEqual([mine, theirs]);
      const byCat = await app.as(auditorA).get(`/api/provider-choices?citizenId=${c}&category=alarm`).expect(200);
      expect(ids(byCat.body)).toEqual([theirs]);
      const byProvider = await app.as(auditorA).get(`/api/provider-choices?citizenId=${c}&providerId=${p1}`).expect(200);
      expect(ids(byProvider.body)).toEqual([theirs]);
      const before = await app.as(auditorA).get(`/api/provider-choices?citizenId=${c}&activeOn=2025-12-31`).expect(200);
      expect(before.body.total).toBe(0);
      const page = await app.as(auditorA).get(`/api/provider-choices?citizenId=${c}&limit=1&offset=1`).expect(200);
      expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(ids(page.body)).toEqual([theirs]);
      await app.as(auditorA).get('/api/provider-choices?activeOn=2026-02-30').expect(400);
    });

    it('lets a provider token see only its own choices', async () => {
      const list = await app.as(providerToken).get('/api/provider-choices').expect(200);
      expect(ids(list.body)).toEqual([mine]);
      await app.as(providerToken).get(`/api/provider-choices/${mine}`).expect(200);
      await app.as(providerToken).get(`/api/provider-choices/${theirs}`).expect(404);
      await choose(aChoice(c, p2, { category: 'training' }), providerToken).expect(403);
    });

    it('answers 404 to another municipality, and refuses its citizens and providers', async () => {
      await app.as(adminB).get(`/api/provider-choices/${mine}`).expect(404);
      expect((await app.as(adminB).get('/api/provider-choices').expect(200)).body.total).toBe(0);
      await choose(aChoice(c, providerB), adminB).expect(404);
      const foreignProvider = await choose(aChoice(c, providerB, { category: 'training' })).expect(422);
      expect(foreignProvider.body.error.details).toEqual({ field: 'providerId' });
      await choose(aChoice(citizenB, p1)).expect(404);
    });

    it('keeps auditors read-only and rejects unknown fields', async () => {
      await choose(aChoice(c, p2, { category: 'training' }), auditorA).expect(403);
      const res = await choose({ ...aChoice(c, p2, { category: 'training' }), note: 'x' }).expect(400);
      expect(JSON.stringify(res.body.error.details)).toContain('note');
    });
  });
});
