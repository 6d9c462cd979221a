import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type Line = {
  citizenRef: string;
  serviceCode: string;
  kind: string;
  band: string | null;
  minutes: number;
  visits: number;
  amount: string;
  reasonCodes: string[];
};
const brief = (l: Line) => [l.citizenRef, l.serviceCode, l.kind, l.band, l.visits, l.minutes, l.amount];

/**
 * The hand-computed month (Danish granted-time model: pay the granted 30 minutes of each visit;
 * weekday_day Mon–Fri 07–15 at 450.00/h, other_times at 540.00/h; split at band boundaries; 25 % VAT):
 *
 *   C1 (grant PC 30 min daily, chose CARE)
 *     Mon 2 Mar 08:00–08:40  → 30 granted minutes, weekday_day
 *     Tue 3 Mar 14:50–15:20  → 30 minutes split 10 weekday_day / 20 other_times (10 and 20 minutes of the interval)
 *     Sat 7 Mar 09:00–09:25  → 30 minutes, other_times
 *   weekday_day: 30 + 10 = 40 min × 450.00 / 60 = 300.00
 *   other_times: 20 + 30 = 50 min × 540.00 / 60 = 450.00
 *   total excl. VAT 750.00, VAT 25 % 187.50, incl. VAT 937.50
 *
 *   C2 (chose CARE, no grant): Wed 4 Mar 10:00–10:30 PC → exception visit_without_grant, would have
 *   paid the standard 30 minutes × 450.00 / 60 = 225.00
 */
describe('settlements: run, re-run, approve, corrections', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;
  let admin: string;
  let finance: string;
  let c1: number;
  let settlementId: number;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'RUN');
    admin = await w.token('admin');
    finance = await w.token('finance');
    c1 = await w.citizen('C1');
    const c2 = await w.citizen('C2');
    await w.choose(c1, w.providers.p);
    await w.choose(c2, w.providers.p);
    await w.grant(c1, 'PC', { minutesPerOccurrence: 30 });
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:40');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-03 14:50', '2026-03-03 15:20');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-07 09:00', '2026-03-07 09:25');
    await w.visit(w.providers.p, c2, 'PC', '2026-03-04 10:00', '2026-03-04 10:30');
  });

  it('computes a draft with the hand-computed lines, totals, VAT and exception', async () => {
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    expect(res.body.outcomes.map((o: { providerRef: string; outcome: string }) => [o.providerRef, o.outcome])).toEqual([
      ['CARE', 'created'],
    ]);
    const s = res.body.outcomes[0].settlement;
    settlementId = s.id;
    expect(s).toMatchObject({
      kind: 'regular',
      sequence: 0,
      status: 'draft',
      totalExclVat: '750.00',
      vat: '187.50',
      totalInclVat: '937.50',
      lineCount: 2,
      exceptionCount: 1,
      currency: 'DKK',
    });
    expect(s.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const detail = (await app.as(finance).get(`/api/settlements/${s.id}`).expect(200)).body;
    expect(detail).toMatchObject(s); // what the run reports is what was stored
    expect(detail.model).toMatchObject({ name: 'dk-granted', version: 1 });
    expect(detail.priceList.label).toBe('Timepriser 2026');
    expect(detail.totalsByBand).toEqual([
      { band: 'other_times', minutes: 50, hours: '0.83', amount: '450.00' },
      { band: 'weekday_day', minutes: 40, hours: '0.67', amount: '300.00' },
    ]);
    expect(detail.totalsByCategory).toEqual([{ category: 'personal_care', minutes: 90, hours: '1.50', amount: '750.00' }]);
    expect(detail.vatGroups).toEqual([{ percent: '25', exemptionReason: null, base: '750.00', vat: '187.50' }]);

    const lines = (await app.as(finance).get(`/api/settlements/${s.id}/lines`).expect(200)).body;
    expect(lines.items.map(brief)).toEqual([
      ['C1', 'PC', 'visit', 'other_times', 2, 50, '450.00'],
      ['C1', 'PC', 'visit', 'weekday_day', 2, 40, '300.00'],
    ]);
    expect(lines.items[0]).toMatchObject({ lineNo: 1, rate: '540.00', factor: '1', vatPercent: '25', unit: 'per_hour' });
    expect(lines.items[0].reasonCodes).toContain('basis.granted');

    const ex = (await app.as(finance).get(`/api/settlements/${s.id}/exceptions`).expect(200)).body;
    expect(ex.items).toHaveLength(1);
    expect(ex.items[0]).toMatchObject({
      kind: 'visit_without_grant',
      citizenRef: 'C2',
      serviceCode: 'PC',
      date: '2026-03-04',
      minutes: 30,
      amount: '225.00',
      decision: null,
    });
    expect(ex.items[0].subjectKey).toMatch(/^visit:phoniro\/RUN-V4#PC$/);
  });

  it('re-runs on the same inputs without a change; a recomputation gives identical lines and fingerprint', async () => {
    const before = (await app.as(finance).get(`/api/settlements/${settlementId}`).expect(200)).body;
    const beforeLines = (await app.as(finance).get(`/api/settlements/${settlementId}/lines`).expect(200)).body.items;
    const again = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    expect(again.body.outcomes[0]).toMatchObject({
      outcome: 'unchanged',
      settlement: { id: settlementId, fingerprint: before.fingerprint },
    });

    // Throw the draft away and compute it from scratch: same amounts, lines and fingerprint.
    await t.db('settlements').where({ id: settlementId }).delete();
    const fresh = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    const s = fresh.body.outcomes[0].settlement;
    expect(fresh.body.outcomes[0].outcome).toBe('created');
    expect(s.id).not.toBe(settlementId);
    expect(s.fingerprint).toBe(before.fingerprint);
    expect([s.totalExclVat, s.vat, s.totalInclVat]).toEqual([before.totalExclVat, before.vat, before.totalInclVat]);
    const lines = (await app.as(finance).get(`/api/settlements/${s.id}/lines`).expect(200)).body.items;
    expect(lines).toEqual(beforeLines);
    settlementId = s.id;
  });

  it('pays an accepted exception as a line from the next run, and asks for that run before approval', async () => {
    const ex = (await app.as(finance).get(`/api/settlements/${settlementId}/exceptions`).expect(200)).body.items[0];
    const accepted = await app
      .as(finance)
      .post(`/api/settlement-exceptions/${ex.id}/accept`)
      .send({ note: 'grant was late in the system' })
      .expect(200);
    expect(accepted.body.decision).toMatchObject({ decision: 'accepted', note: 'grant was late in the system' });
    const stale = await app.as(admin).post(`/api/settlements/${settlementId}/approve`).expect(409);
    expect(stale.body.error.message).toContain('run the settlement again');

    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    const s = res.body.outcomes[0].settlement;
    expect(res.body.outcomes[0].outcome).toBe('replaced');
    // 750.00 + 225.00 = 975.00; VAT 25 % = 243.75
    expect(s).toMatchObject({ totalExclVat: '975.00', vat: '243.75', totalInclVat: '1218.75', lineCount: 3, exceptionCount: 1 });
    const lines = (await app.as(finance).get(`/api/settlements/${s.id}/lines`).expect(200)).body.items;
    expect(lines.map(brief)).toEqual([
      ['C1', 'PC', 'visit', 'other_times', 2, 50, '450.00'],
      ['C1', 'PC', 'visit', 'weekday_day', 2, 40, '300.00'],
      ['C2', 'PC', 'accepted_exception', null, 1, 30, '225.00'],
    ]);
    expect(lines[2].reasonCodes).toEqual([
      'grant.assumed_standard',
      'exception.visit_without_grant',
      'basis.granted',
      'exception.accepted',
    ]);
    expect(lines[2]).not.toHaveProperty('reasons');
    settlementId = s.id;

    // ?language= gives the reasons in words as well, one per code, for lines and exceptions alike.
    const da = (await app.as(finance).get(`/api/settlements/${s.id}/lines?language=da&citizenRef=C2`).expect(200)).body.items;
    expect(da.map((l: { reasonCodes: string[]; reasons: string[] }) => [l.reasonCodes, l.reasons])).toEqual([
      [
        ['grant.assumed_standard', 'exception.visit_without_grant', 'basis.granted', 'exception.accepted'],
        [
          'ingen visiterede minutter: normtiden er brugt',
          'besøg uden visitation til borgeren og ydelsen',
          'betalt efter visiteret tid',
          'afvigelse godkendt af økonomi: betales',
        ],
      ],
    ]);
    const sv = (await app.as(finance).get(`/api/settlements/${s.id}/exceptions?language=sv`).expect(200)).body.items;
    expect(sv.map((e: { reasonCodes: string[]; reasons: string[] }) => [e.reasonCodes, e.reasons])).toEqual([
      [
        ['grant.assumed_standard', 'exception.visit_without_grant', 'basis.granted'],
        ['inga beviljade minuter: schablontiden användes', 'besök utan beslut för brukaren och insatsen', 'betalt efter beviljad tid'],
      ],
    ]);
    await app.as(finance).get(`/api/settlements/${s.id}/lines?language=de`).expect(400);
  });

  it('applies the four-eyes setting: the one who computed cannot approve', async () => {
    await app.as(finance).put('/api/settlement-settings').send({ fourEyes: true }).expect(403);
    await app.as(admin).put('/api/settlement-settings').send({ fourEyes: true }).expect(200, { fourEyes: true });
    const refused = await app.as(finance).post(`/api/settlements/${settlementId}/approve`).expect(403);
    expect(refused.body.error.message).toContain('four-eyes');
    const ok = await app.as(admin).post(`/api/settlements/${settlementId}/approve`).expect(200);
    expect(ok.body).toMatchObject({ status: 'approved', approvedBy: expect.stringMatching(/^token:/), totalExclVat: '975.00' });
    await app.as(admin).post(`/api/settlements/${settlementId}/approve`).expect(409);
    // Approval freezes the price list and the model version.
    const pl = await t.db('price_lists').where({ municipality_id: w.municipalityId }).first();
    expect(pl.used_at).toBeInstanceOf(Date);
    const model = await t.db('reimbursement_models').where({ id: w.modelId }).first();
    expect(model.used_at).toBeInstanceOf(Date);
  });

  it('keeps an approved settlement frozen in the database and unchanged by re-runs', async () => {
    await expect(t.db('settlements').where({ id: settlementId }).update({ total_excl_vat: '1.00' })).rejects.toThrow(
      /approved and cannot be changed/,
    );
    await expect(t.db('settlement_lines').where({ settlement_id: settlementId }).delete()).rejects.toThrow(/cannot change/);
    await expect(t.db('settlements').where({ id: settlementId }).delete()).rejects.toThrow(/can no longer be removed/);
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    expect(res.body.outcomes).toEqual([{ providerId: w.providers.p, providerRef: 'CARE', outcome: 'no_difference', settlement: null }]);
    const s = (await app.as(finance).get(`/api/settlements/${settlementId}`).expect(200)).body;
    expect(s).toMatchObject({ status: 'approved', totalExclVat: '975.00', lineCount: 3 });
  });

  it('turns a late visit into a correction holding exactly the difference', async () => {
    // Thu 5 Mar 08:00–08:30: 30 more granted minutes on weekday_day = 30 × 450.00 / 60 = 225.00; VAT 56.25
    await w.visit(w.providers.p, c1, 'PC', '2026-03-05 08:00', '2026-03-05 08:30');
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    const c = res.body.outcomes[0].settlement;
    expect(res.body.outcomes[0].outcome).toBe('created');
    expect(c).toMatchObject({
      kind: 'correction',
      sequence: 1,
      correctsId: settlementId,
      status: 'draft',
      totalExclVat: '225.00',
      vat: '56.25',
      totalInclVat: '281.25',
      lineCount: 1,
      exceptionCount: 0,
    });
    const lines = (await app.as(finance).get(`/api/settlements/${c.id}/lines`).expect(200)).body.items;
    expect(lines.map(brief)).toEqual([['C1', 'PC', 'visit', 'weekday_day', 1, 30, '225.00']]);
    expect(lines[0].reasonCodes[0]).toBe('correction.changed');
    // Running again changes nothing; the approved regular settlement is untouched.
    const again = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    expect(again.body.outcomes[0]).toMatchObject({ outcome: 'unchanged', settlement: { id: c.id } });
    expect((await app.as(finance).get(`/api/settlements/${settlementId}`).expect(200)).body.totalExclVat).toBe('975.00');
    await app.as(admin).post(`/api/settlements/${c.id}/approve`).expect(200);
  });

  it('credits removed amounts in the next correction (negative lines)', async () => {
    // The Saturday visit becomes cancelled by the provider (0 %): other_times loses 30 minutes = −270.00,
    // and a cancellation line of 30 minutes at 0 % (0.00) appears. Total −270.00, VAT −67.50.
    const sat = await t.db('visits').where({ municipality_id: w.municipalityId, external_id: 'RUN-V3' }).whereNull('superseded_at').first();
    await app.services.visits.update(w.who, sat.id, { status: 'cancelled_by_provider', actualStart: null, actualEnd: null });
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    const c = res.body.outcomes[0].settlement;
    expect(c).toMatchObject({
      kind: 'correction',
      sequence: 2,
      totalExclVat: '-270.00',
      vat: '-67.50',
      totalInclVat: '-337.50',
      lineCount: 2,
    });
    const lines = (await app.as(finance).get(`/api/settlements/${c.id}/lines`).expect(200)).body.items;
    expect(lines.map(brief)).toEqual([
      ['C1', 'PC', 'cancellation', 'other_times', 1, 30, '0.00'],
      ['C1', 'PC', 'visit', 'other_times', -1, -30, '-270.00'],
    ]);
    expect(lines.map((l: Line) => l.reasonCodes[0])).toEqual(['correction.added', 'correction.changed']);
  });

  it('lists settlements with filters', async () => {
    const all = (await app.as(finance).get('/api/settlements?period=2026-03').expect(200)).body;
    expect(all.items.map((s: { kind: string; sequence: number; status: string }) => [s.kind, s.sequence, s.status])).toEqual([
      ['regular', 0, 'approved'],
      ['correction', 1, 'approved'],
      ['correction', 2, 'draft'],
    ]);
    const drafts = (await app.as(finance).get('/api/settlements?status=draft&kind=correction').expect(200)).body;
    expect(drafts.total).toBe(1);
    expect((await app.as(finance).get('/api/settlements?period=2026-04').expect(200)).body.total).toBe(0);
  });
});
