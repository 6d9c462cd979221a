import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, exampleModel } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type Line = {
  citizenRef: string;
  serviceCode: string;
  kind: string;
  band: string | null;
  visits: number;
  minutes: number;
  amount: string;
  reasonCodes: string[];
};
const brief = (l: Line) => [l.citizenRef, l.serviceCode, l.kind, l.band, l.visits, l.minutes, l.amount];

/**
 * One-off payments and planned hospital care through real settlement runs (DOMAIN.md §4, issue 18
 * items 5–6). The Danish granted-time model (weekday_day 450.00/h for personal care, 25 % VAT) with
 * Solna's hospital rule (75 % of the planned visits on day 1, 25 % on days 2–5, derived from the
 * grant), a new personal-care customer paid 4 hours once (Solna 2024) and an assumed start-up
 * payment of 1,500.00 when a provider takes over a citizen. March 2026, provider CARE:
 *
 *   N1  new customer: first choice (CARE) and first grant (PC 30 min, Mondays) on Mon 9 March;
 *       visit Mon 9 Mar 08:00–08:30 → 30 × 450.00 / 60 = 225.00; 4 h = 240 × 450.00 / 60 = 1,800.00
 *   T1  with HOME since 1 January (grant PC daily), CARE from Mon 16 March → takeover 1,500.00
 *   H1  with CARE since 1 January (grant PC 30 min daily); hospital 10–12 March, nothing registered:
 *       day 1: 30 × 450.00 / 60 × 75 % = 168.75; days 2–3: 60 × 450.00 / 60 × 25 % = 112.50
 *   R1  a returning customer: HOME since 1 January and a grant in January, a new grant and CARE from Mon 2 March
 *       → not a new customer (January's grant, outside the month, says so), a takeover from HOME: 1,500.00
 *   M1  chose CARE on 1 February, granted PC from Mon 9 March → a new customer on 9 March: 1,800.00
 *   total 225.00 + 1,800.00 + 1,500.00 + 1,500.00 + 168.75 + 112.50 + 1,800.00 = 7,106.25;
 *   VAT 25 % = 1,776.5625 → 1,776.56
 */
describe('settlements: one-off payments are paid once; planned care in hospital is paid from the grant', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof aSettlementWorld>>;
  let admin: string;
  let finance: string;
  let n1: number;
  let m1: number;
  let regularId: number;

  const model = (oneOff: object[]) => {
    const doc = exampleModel('dk-granted-time');
    doc.hospital = {
      days: [
        { from: 1, to: 1, percent: '75' },
        { from: 2, to: 5, percent: '25' },
      ],
      plannedFromGrant: { rateBand: 'weekday_day' },
    };
    doc.oneOff = oneOff;
    doc.exceptions = { grantNeverDelivered: false };
    return doc;
  };
  const rules = [
    { event: 'new_customer', category: 'personal_care', hours: '4', priceGroup: 'PP', rateBand: 'weekday_day' },
    { event: 'takeover', category: 'personal_care', amount: '1500.00' },
  ];
  const run = async (period: string) => (await app.as(finance).post('/api/settlements/run').send({ period }).expect(200)).body;
  const linesOf = async (id: number): Promise<Line[]> => (await app.as(finance).get(`/api/settlements/${id}/lines`).expect(200)).body.items;
  const care = (body: { outcomes: { providerRef: string }[] }) =>
    body.outcomes.find((o) => o.providerRef === 'CARE') as Record<string, any>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aSettlementWorld(app.services, 'ONCE', { assign: false });
    admin = await w.token('admin');
    finance = await w.token('finance');
    const m = await app.services.models.create(w.who, { name: 'dk-once', document: model(rules) });
    await app.services.models.assign(w.who, m.id, { validFrom: '2026-01-01', validTo: '2026-05-01' });
    n1 = await w.citizen('N1');
    await w.choose(n1, w.providers.p, 'personal_care', '2026-03-09');
    await w.grant(n1, 'PC', { minutesPerOccurrence: 30, frequency: { type: 'weekdays', weekdays: [1] }, validFrom: '2026-03-09' });
    await w.visit(w.providers.p, n1, 'PC', '2026-03-09 08:00', '2026-03-09 08:30');
    const t1 = await w.citizen('T1');
    await w.choose(t1, w.providers.q);
    await w.choose(t1, w.providers.p, 'personal_care', '2026-03-16');
    await w.grant(t1, 'PC', { minutesPerOccurrence: 30 });
    const r1 = await w.citizen('R1');
    await w.choose(r1, w.providers.q);
    await w.grant(r1, 'PC', { minutesPerOccurrence: 30, validTo: '2026-02-01' });
    await w.choose(r1, w.providers.p, 'personal_care', '2026-03-02');
    await w.grant(r1, 'PC', { minutesPerOccurrence: 30, validFrom: '2026-03-02' });
    m1 = await w.citizen('M1');
    await w.choose(m1, w.providers.p, 'personal_care', '2026-02-01');
    await w.grant(m1, 'PC', { minutesPerOccurrence: 30, frequency: { type: 'weekdays', weekdays: [1] }, validFrom: '2026-03-09' });
    const h1 = await w.citizen('H1');
    await w.choose(h1, w.providers.p);
    await w.grant(h1, 'PC', { minutesPerOccurrence: 30 });
    await app
      .as(finance)
      .post('/api/absences')
      .send({ citizenId: h1, kind: 'hospital', validFrom: '2026-03-10', validTo: '2026-03-13' })
      .expect(201);
  });

  it('settles March with the one-off payments and the planned hospital care, worked by hand', async () => {
    const s = care(await run('2026-03')).settlement;
    expect(s).toMatchObject({ kind: 'regular', totalExclVat: '7106.25', vat: '1776.56', totalInclVat: '8882.81' });
    regularId = s.id;
    const lines = await linesOf(s.id);
    expect(lines.map(brief)).toEqual([
      ['H1', 'PC', 'hospital', 'weekday_day', 2, 60, '112.50'],
      ['H1', 'PC', 'hospital', 'weekday_day', 1, 30, '168.75'],
      ['M1', 'new_customer', 'new_customer', 'weekday_day', 1, 240, '1800.00'],
      ['N1', 'PC', 'visit', 'weekday_day', 1, 30, '225.00'],
      ['N1', 'new_customer', 'new_customer', 'weekday_day', 1, 240, '1800.00'],
      ['R1', 'takeover', 'takeover', null, 1, 0, '1500.00'],
      ['T1', 'takeover', 'takeover', null, 1, 0, '1500.00'],
    ]);
    expect(lines.map((l) => l.reasonCodes)).toEqual([
      ['basis.granted', 'hospital.planned', 'hospital.day2.25', 'hospital.day3.25'],
      ['basis.granted', 'hospital.planned', 'hospital.day1.75'],
      ['one_off.new_customer', 'one_off.date.2026-03-09', 'one_off.hours.4'],
      ['basis.granted'],
      ['one_off.new_customer', 'one_off.date.2026-03-09', 'one_off.hours.4'],
      ['one_off.takeover', 'one_off.date.2026-03-02', 'one_off.amount'],
      ['one_off.takeover', 'one_off.date.2026-03-16', 'one_off.amount'],
    ]);
    // In words for the provider, in Danish
    const da = (await app.as(finance).get(`/api/settlements/${s.id}/lines?language=da`).expect(200)).body.items;
    expect(da[4].reasons[0]).toBe('engangsbetaling for en ny borger (betales én gang)');
    // HOME, which T1 left, is paid no one-off payment
    const home = (await run('2026-03')).outcomes.find((o: { providerRef: string }) => o.providerRef === 'HOME');
    expect(home?.settlement ? (await linesOf(home.settlement.id)).filter((l) => l.kind !== 'visit') : []).toEqual([]);
  });

  it('a re-run gives the same lines; after approval a re-run and a correction pay nothing again', async () => {
    expect(care(await run('2026-03'))).toMatchObject({ outcome: 'unchanged', settlement: { id: regularId } });
    await app.as(admin).post(`/api/settlements/${regularId}/approve`).expect(200);
    expect(care(await run('2026-03'))).toMatchObject({ outcome: 'no_difference', settlement: null });
    // A late visit for N1 (Mon 16 Mar): the correction holds that visit only, 30 × 450.00 / 60 = 225.00
    await w.visit(w.providers.p, n1, 'PC', '2026-03-16 08:00', '2026-03-16 08:30');
    const c = care(await run('2026-03')).settlement;
    expect(c).toMatchObject({ kind: 'correction', totalExclVat: '225.00' });
    expect((await linesOf(c.id)).map(brief)).toEqual([['N1', 'PC', 'visit', 'weekday_day', 1, 30, '225.00']]);
    await app.as(admin).post(`/api/settlements/${c.id}/approve`).expect(200);
  });

  it('a later month pays no one-off payment again', async () => {
    const april = care(await run('2026-04'));
    const lines = april.settlement ? await linesOf(april.settlement.id) : [];
    expect(lines.filter((l) => l.kind === 'new_customer' || l.kind === 'takeover')).toEqual([]);
    // Across every settlement of CARE: each event's line once
    const paid = await t
      .db('settlement_lines as l')
      .join('settlements as s', 's.id', 'l.settlement_id')
      .where({ 's.municipality_id': w.municipalityId, 's.provider_id': w.providers.p })
      .whereIn('l.kind', ['new_customer', 'takeover'])
      .select('l.kind', 'l.citizen_ref', 's.period_start', t.db.raw('l.amount::text as amount'))
      .orderBy(['l.kind', 'l.citizen_ref']);
    expect(paid).toEqual([
      { kind: 'new_customer', citizen_ref: 'M1', period_start: '2026-03-01', amount: '1800.00' },
      { kind: 'new_customer', citizen_ref: 'N1', period_start: '2026-03-01', amount: '1800.00' },
      { kind: 'takeover', citizen_ref: 'R1', period_start: '2026-03-01', amount: '1500.00' },
      { kind: 'takeover', citizen_ref: 'T1', period_start: '2026-03-01', amount: '1500.00' },
    ]);
  });

  it('a new customer whose first day moves to an earlier month after approval is at no time paid twice', async () => {
    // A grant entered late: M1 was granted PC from Mon 16 February, so M1 became a new customer then, not on 9 March.
    await w.grant(m1, 'PC', {
      minutesPerOccurrence: 30,
      frequency: { type: 'weekdays', weekdays: [1] },
      validFrom: '2026-02-16',
      validTo: '2026-03-01',
    });
    const oneOffLines = async (id: number | undefined) => (id ? (await linesOf(id)).filter((l) => l.kind === 'new_customer') : []);
    // February does not pay it while approved March still does
    expect(await oneOffLines(care(await run('2026-02')).settlement?.id)).toEqual([]);
    // March's correction credits it …
    const c = care(await run('2026-03')).settlement;
    expect((await linesOf(c.id)).map(brief)).toEqual([['M1', 'new_customer', 'new_customer', 'weekday_day', -1, -240, '-1800.00']]);
    await app.as(admin).post(`/api/settlements/${c.id}/approve`).expect(200);
    // … and only then does February pay it, dated 16 February
    const feb = care(await run('2026-02'));
    expect((await oneOffLines(feb.settlement.id)).map((l) => [...brief(l), l.reasonCodes[1]])).toEqual([
      ['M1', 'new_customer', 'new_customer', 'weekday_day', 1, 240, '1800.00', 'one_off.date.2026-02-16'],
    ]);
    const [{ total }] = await t
      .db('settlement_lines as l')
      .join('settlements as s', 's.id', 'l.settlement_id')
      .where({ 's.municipality_id': w.municipalityId, 'l.kind': 'new_customer', 'l.citizen_id': m1 })
      .select(t.db.raw('sum(l.amount)::text as total'));
    expect(total).toBe('1800.00');
  });

  it('refuses a one-off payment without the price it needs: the model (422 naming the setting) and the run (422, nothing written)', async () => {
    const bad = await app
      .as(finance)
      .post('/api/models')
      .send({ name: 'dk-bad', document: model([{ event: 'new_customer', category: 'personal_care', hours: '4' }]) })
      .expect(422);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['oneOff.0.priceGroup', 'oneOff.0.rateBand']);
    const noRate = await app.services.models.create(w.who, {
      name: 'dk-no-rate',
      document: model([{ event: 'new_customer', category: 'personal_care', hours: '4', priceGroup: 'XX', rateBand: 'weekday_day' }]),
    });
    await app.services.models.assign(w.who, noRate.id, { validFrom: '2026-05-01' });
    await w.choose(await w.citizen('N2'), w.providers.p, 'personal_care', '2026-05-04');
    const n2 = (await t.db('citizens').where({ municipality_id: w.municipalityId, ref: 'N2' }).first()).id as number;
    await w.grant(n2, 'PC', { minutesPerOccurrence: 30, validFrom: '2026-05-04' });
    const before = Number((await t.db('settlements').where({ municipality_id: w.municipalityId }).count({ n: '*' }))[0]!.n);
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-05' }).expect(422);
    expect(res.body.error.message).toMatch(/no per_hour rate for price group XX, band weekday_day, private provider/);
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ code: 'missing_rate', details: expect.objectContaining({ priceGroup: 'XX', timeBand: 'weekday_day' }) }),
    ]);
    expect(Number((await t.db('settlements').where({ municipality_id: w.municipalityId }).count({ n: '*' }))[0]!.n)).toBe(before);
  });
});
