import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, aSmallMonth, type SettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/**
 * Issue 19, finance and providers: exceptions decided in bulk (a rejection needs a note), a
 * provider's comments and objections on its own draft, finance's answers, and an approval that
 * records what it left open. March 2026 of CARE (aSmallMonth) plus one more visit without a grant:
 * two lines and two exceptions.
 */
describe('settlement objections, bulk decisions and approval with open items', () => {
  let app: TestApp;
  let w: SettlementWorld;
  let finance: string;
  let care: string;
  let other: string;
  let settlementId: number;
  let exceptionIds: number[];

  const run = async () => {
    const res = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    return res.body.outcomes[0].settlement.id as number;
  };

  beforeAll(async () => {
    app = buildTestApp(t.db);
    const month = await aSmallMonth(app.services, 'OBJ');
    w = month.w;
    await w.visit(w.providers.p, month.c2, 'PC', '2026-03-05 10:00', '2026-03-05 10:30');
    finance = await w.token('finance');
    care = await w.token('provider', w.providers.p);
    other = await w.token('provider', w.providers.q);
    settlementId = await run();
    const ex = await app.as(finance).get(`/api/settlements/${settlementId}/exceptions`).expect(200);
    exceptionIds = ex.body.items.map((e: { id: number }) => e.id);
    expect(exceptionIds).toHaveLength(2);
  });

  it('refuses a rejection without a note, one by one and in bulk, and records nothing', async () => {
    const one = await app.as(finance).post(`/api/settlement-exceptions/${exceptionIds[0]}/reject`).send({ note: '  ' }).expect(422);
    expect(one.body.error).toMatchObject({ code: 'unprocessable', details: { field: 'note' } });
    const bulk = await app
      .as(finance)
      .post(`/api/settlements/${settlementId}/exceptions/decide`)
      .send({ exceptionIds, decision: 'rejected' })
      .expect(422);
    expect(bulk.body.error.details).toMatchObject({ field: 'note' });
    expect(await t.db('exception_decisions').where({ municipality_id: w.municipalityId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('a provider objects to a line and comments on an exception of its own draft; others see nothing', async () => {
    const line = await app
      .as(care)
      .post(`/api/settlements/${settlementId}/objections`)
      .send({ kind: 'objection', lineNo: 1, text: 'Besøget varede 40 minutter' })
      .expect(201);
    expect(line.body).toMatchObject({
      target: 'line',
      lineNo: 1,
      kind: 'objection',
      status: 'open',
      settlementId,
      raisedOn: settlementId,
      subject: expect.stringMatching(/^C1 · PC · /),
    });
    await app
      .as(care)
      .post(`/api/settlements/${settlementId}/objections`)
      .send({ kind: 'comment', exceptionId: exceptionIds[0], text: 'Visitation er på vej' })
      .expect(201);
    // Neither both targets nor a line that does not exist.
    await app
      .as(care)
      .post(`/api/settlements/${settlementId}/objections`)
      .send({ kind: 'comment', lineNo: 1, exceptionId: exceptionIds[0], text: 'x' })
      .expect(400);
    const missing = await app
      .as(care)
      .post(`/api/settlements/${settlementId}/objections`)
      .send({ kind: 'comment', lineNo: 99, text: 'x' })
      .expect(422);
    expect(missing.body.error.details).toMatchObject({ field: 'lineNo', value: 99 });
    // Finance may not object (only providers), another provider does not see the settlement at all.
    await app.as(finance).post(`/api/settlements/${settlementId}/objections`).send({ kind: 'comment', lineNo: 1, text: 'x' }).expect(403);
    await app.as(other).post(`/api/settlements/${settlementId}/objections`).send({ kind: 'comment', lineNo: 1, text: 'x' }).expect(404);
    await app.as(other).get(`/api/settlements/${settlementId}/objections`).expect(404);

    const seen = await app.as(finance).get(`/api/settlements/${settlementId}/objections`).expect(200);
    expect(seen.body.open).toBe(2);
    expect(seen.body.items.map((o: { kind: string; target: string }) => [o.kind, o.target])).toEqual([
      ['objection', 'line'],
      ['comment', 'exception'],
    ]);
    expect(await app.as(finance).get(`/api/settlements/${settlementId}/open`).expect(200)).toMatchObject({
      body: { exceptions: 2, objections: 2 },
    });
  });

  it('finance answers once; a provider may not answer', async () => {
    const list = (await app.as(finance).get(`/api/settlements/${settlementId}/objections?status=open`).expect(200)).body.items;
    const first = list[0].id as number;
    await app.as(care).post(`/api/settlement-objections/${first}/answer`).send({ answer: 'nej' }).expect(403);
    // Another municipality's finance does not find them at all.
    const elsewhere = await (await aSettlementWorld(app.services, 'OBJX')).token('finance');
    await app.as(elsewhere).post(`/api/settlement-objections/${first}/answer`).send({ answer: 'nej' }).expect(404);
    await app.as(elsewhere).get(`/api/settlements/${settlementId}/objections`).expect(404);
    const answered = await app
      .as(finance)
      .post(`/api/settlement-objections/${first}/answer`)
      .send({ answer: 'Vi betaler visiteret tid: 30 minutter' })
      .expect(200);
    expect(answered.body).toMatchObject({
      status: 'answered',
      answer: 'Vi betaler visiteret tid: 30 minutter',
      answeredBy: expect.any(String),
    });
    await app.as(finance).post(`/api/settlement-objections/${first}/answer`).send({ answer: 'igen' }).expect(409);
    const own = await app.as(care).get(`/api/settlements/${settlementId}/objections`).expect(200);
    expect(own.body.open).toBe(1);
    expect(own.body.items[0]).toMatchObject({ status: 'answered', answer: 'Vi betaler visiteret tid: 30 minutter' });
  });

  it('decides two exceptions in one call with one note, all or nothing', async () => {
    const foreign = await app
      .as(finance)
      .post(`/api/settlements/${settlementId}/exceptions/decide`)
      .send({ exceptionIds: [exceptionIds[0], 999_999], decision: 'accepted', note: 'ok' })
      .expect(422);
    expect(foreign.body.error.details).toMatchObject({ field: 'exceptionIds', missing: [999_999] });
    expect(await t.db('exception_decisions').where({ municipality_id: w.municipalityId }).count({ n: '*' })).toEqual([{ n: 0 }]);

    const res = await app
      .as(finance)
      .post(`/api/settlements/${settlementId}/exceptions/decide`)
      .send({ exceptionIds, decision: 'rejected', note: 'Ingen visitation' })
      .expect(200);
    expect(res.body.items.map((e: { decision: { decision: string; note: string } }) => [e.decision.decision, e.decision.note])).toEqual([
      ['rejected', 'Ingen visitation'],
      ['rejected', 'Ingen visitation'],
    ]);
    const audit = await t.db('audit_log').where({ municipality_id: w.municipalityId, entity: 'settlement_exception', action: 'reject' });
    expect(audit).toHaveLength(2);
  });

  it('objections survive a re-run (kept per provider and month); approval records what was left open and the confirmation', async () => {
    // Accepting one exception pays it: the run replaces the draft (new id).
    await app.as(finance).post(`/api/settlement-exceptions/${exceptionIds[1]}/accept`).send({ note: 'Visitation følger' }).expect(200);
    const rerun = await run();
    expect(rerun).not.toBe(settlementId);
    const kept = await app.as(finance).get(`/api/settlements/${rerun}/objections`).expect(200);
    expect(kept.body.items.map((o: { settlementId: number | null; raisedOn: number }) => [o.settlementId, o.raisedOn])).toEqual([
      [null, settlementId],
      [null, settlementId],
    ]);
    // The unanswered comment is open: without the confirmation nothing is approved.
    const unconfirmed = await app.as(finance).post(`/api/settlements/${rerun}/approve`).send({}).expect(409);
    expect(unconfirmed.body.error).toMatchObject({ code: 'open_items_unconfirmed', details: { openExceptions: 0, openObjections: 1 } });
    expect(await t.db('settlements').where({ id: rerun }).first('status')).toEqual({ status: 'draft' });
    await app.as(finance).post(`/api/settlements/${rerun}/approve`).send({ confirmOpen: true }).expect(200);
    const [entry] = await t.db('audit_log').where({ municipality_id: w.municipalityId, entity: 'settlement', action: 'approve' });
    expect(entry.changes).toMatchObject({ openExceptions: 0, openObjections: 1, confirmedOpen: true });
    // An approved settlement can no longer be objected to.
    const late = await app
      .as(care)
      .post(`/api/settlements/${rerun}/objections`)
      .send({ kind: 'objection', lineNo: 1, text: 'for sent' })
      .expect(422);
    expect(late.body.error.details).toMatchObject({ field: 'settlement', status: 'approved' });
  });
});
