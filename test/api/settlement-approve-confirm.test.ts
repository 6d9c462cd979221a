import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { cliRun } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSettlementWorld, aSmallMonth } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

/** The real command line in-process against this file's database (DATABASE_URL set in beforeAll). */
const cli = (...args: string[]) => cliRun(args);

/**
 * Issue 19: approving a settlement with undecided exceptions or unanswered objections asks for a
 * confirmation through the API and the CLI as the web page does, and the approval records it.
 * aSmallMonth: March 2026 of one provider, two lines and one exception (C2 has no grant).
 */
describe('approval with open items asks for confirmation (API and CLI)', () => {
  let app: TestApp;
  let previous: string | undefined;

  const approvals = (municipalityId: number, id: number) =>
    t.db('audit_log').where({ municipality_id: municipalityId, entity: 'settlement', entity_id: String(id), action: 'approve' });
  const statusOf = async (id: number) => (await t.db('settlements').where({ id }).first<{ status: string }>('status'))?.status;

  /** A month of one provider with one undecided exception, computed by finance through the API. */
  async function openMonth(code: string) {
    const { w } = await aSmallMonth(app.services, code);
    const finance = await w.token('finance');
    const run = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
    return { w, finance, id: run.body.outcomes[0].settlement.id as number };
  }

  beforeAll(() => {
    app = buildTestApp(t.db);
    previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
  });

  it('answers 409 open_items_unconfirmed with the counts, in the reader’s language, and approves nothing', async () => {
    const { w, finance, id } = await openMonth('APA');
    expect((await app.as(finance).get(`/api/settlements/${id}/open`).expect(200)).body).toEqual({ exceptions: 1, objections: 0 });

    const plain = await app.as(finance).post(`/api/settlements/${id}/approve`).expect(409);
    expect(plain.body.error).toMatchObject({
      code: 'open_items_unconfirmed',
      message: `Settlement ${id} still has open items: undecided exceptions 1, unanswered comments or objections 0. To approve it anyway, confirm it: "confirmOpen": true in the request body.`,
      details: { openExceptions: 1, openObjections: 0 },
    });
    const no = await app.as(finance).post(`/api/settlements/${id}/approve`).send({ confirmOpen: false }).expect(409);
    expect(no.body.error.code).toBe('open_items_unconfirmed');
    const danish = await app.as(finance).post(`/api/settlements/${id}/approve`).set('accept-language', 'da').send({}).expect(409);
    expect(danish.body.error.message).toBe(
      `Afregning ${id} har stadig åbne punkter: uafgjorte afvigelser 1, ubesvarede kommentarer eller indsigelser 0. Bekræft det for at godkende den alligevel: "confirmOpen": true i anmodningens body.`,
    );
    const swedish = await app.as(finance).post(`/api/settlements/${id}/approve`).set('accept-language', 'sv').expect(409);
    expect(swedish.body.error.message).toMatch(/^Avräkning \d+ har fortfarande öppna punkter: obeslutade avvikelser 1, /);

    expect(await statusOf(id)).toBe('draft');
    expect(await approvals(w.municipalityId, id)).toHaveLength(0);
    // The price list is not frozen by a refused approval.
    expect(await t.db('price_lists').where({ municipality_id: w.municipalityId }).whereNotNull('used_at').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });

  it('approves with confirmOpen: true and records what was open and the confirmation', async () => {
    const { w, finance, id } = await openMonth('APB');
    const res = await app.as(finance).post(`/api/settlements/${id}/approve`).send({ confirmOpen: true }).expect(200);
    expect(res.body).toMatchObject({ id, status: 'approved' });
    const [entry, ...more] = await approvals(w.municipalityId, id);
    expect(more).toHaveLength(0);
    expect(entry.changes).toMatchObject({ openExceptions: 1, openObjections: 0, confirmedOpen: true });
  });

  it('counts an unanswered objection as open even when every exception is decided', async () => {
    const { w, finance, id } = await openMonth('APC');
    const [ex] = (await app.as(finance).get(`/api/settlements/${id}/exceptions`).expect(200)).body.items;
    await app.as(finance).post(`/api/settlement-exceptions/${ex.id}/reject`).send({ note: 'Ingen visitation' }).expect(200);
    const rerun = (await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200)).body.outcomes[0].settlement
      .id as number;
    const care = await w.token('provider', w.providers.p);
    await app.as(care).post(`/api/settlements/${rerun}/objections`).send({ kind: 'objection', lineNo: 1, text: '40 minutter' }).expect(201);

    const refused = await app.as(finance).post(`/api/settlements/${rerun}/approve`).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'open_items_unconfirmed', details: { openExceptions: 0, openObjections: 1 } });
    expect(await statusOf(rerun)).toBe('draft');

    // Once answered, nothing is open and no confirmation is needed.
    const [objection] = (await app.as(finance).get(`/api/settlements/${rerun}/objections`).expect(200)).body.items;
    await app.as(finance).post(`/api/settlement-objections/${objection.id}/answer`).send({ answer: 'Visiteret tid' }).expect(200);
    await app.as(finance).post(`/api/settlements/${rerun}/approve`).expect(200);
    const [entry] = await approvals(w.municipalityId, rerun);
    expect(entry.changes).toMatchObject({ openExceptions: 0, openObjections: 0, confirmedOpen: null });
  });

  it('approves a settlement with nothing open without the flag', async () => {
    const w = await aSettlementWorld(app.services, 'APD');
    const c1 = await w.citizen('C1');
    await w.choose(c1, w.providers.p);
    await w.grant(c1, 'PC');
    await w.visit(w.providers.p, c1, 'PC', '2026-03-02 08:00', '2026-03-02 08:30');
    const finance = await w.token('finance');
    const id = (await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200)).body.outcomes[0].settlement
      .id as number;
    expect((await app.as(finance).get(`/api/settlements/${id}/open`).expect(200)).body).toEqual({ exceptions: 0, objections: 0 });
    await app.as(finance).post(`/api/settlements/${id}/approve`).expect(200);
    const [entry] = await approvals(w.municipalityId, id);
    expect(entry.changes).toMatchObject({ openExceptions: 0, openObjections: 0, confirmedOpen: null });
  });

  it('CLI: settlement approve refuses with the counts and the option to confirm (exit 2); --confirm-open approves', async () => {
    const { w, id } = await openMonth('APE');
    const refused = await cli('settlement', 'approve', String(id), '--lang', 'en');
    expect(refused.code).toBe(2);
    expect(refused.out).toBe('');
    expect(refused.err.split('\n')[0]).toBe(
      `error: Settlement ${id} still has open items: undecided exceptions 1, unanswered comments or objections 0. To approve it anyway: npx carepay settlement approve ${id} --confirm-open`,
    );
    expect(JSON.parse(refused.err.slice(refused.err.indexOf('\n') + 1))).toEqual({ openExceptions: 1, openObjections: 0 });
    expect(await statusOf(id)).toBe('draft');

    // The municipality's language (Danish) when none is chosen.
    const danish = await cli('settlement', 'approve', String(id));
    expect(danish.code).toBe(2);
    expect(danish.err.split('\n')[0]).toMatch(
      new RegExp(`^fejl: Afregning ${id} har stadig åbne punkter: uafgjorte afvigelser 1, .*settlement approve ${id} --confirm-open$`),
    );

    const approved = await cli('settlement', 'approve', String(id), '--confirm-open');
    expect([approved.code, approved.err]).toEqual([0, '']);
    // The municipality is Danish: the command speaks Danish.
    expect(approved.out).toMatch(new RegExp(`^afregning ${id} \\(CARE 2026-03 ordinær\\) godkendt: `));
    expect(await statusOf(id)).toBe('approved');
    const [entry] = await approvals(w.municipalityId, id);
    expect(entry.changes).toMatchObject({ openExceptions: 1, openObjections: 0, confirmedOpen: true });
  });

  it('documents the 409 in the OpenAPI document', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    const approve = doc.paths['/settlements/{id}/approve'].post;
    expect(approve.responses['409'].description).toMatch(/^open_items_unconfirmed: .*details\.openExceptions, details\.openObjections/);
    expect(approve.description).toContain('409 open_items_unconfirmed');
    expect(doc.components.schemas.SettlementApproveRequest.properties.confirmOpen.description).toMatch(/409 open_items_unconfirmed$/);
  });
});
