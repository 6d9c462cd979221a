import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aSmallMonth, asActor, type SettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type World = SettlementWorld;

/** One draft settlement of March 2026 with two lines (C1), one exception (C2 has no grant) and one VAT group. */
async function aDraft(app: TestApp, code: string): Promise<{ w: World; id: number }> {
  const { w } = await aSmallMonth(app.services, code);
  const run = await app.services.settlements.run(asActor(w.municipalityId, 'test:run'), {
    period: '2026-03',
    providerIds: [w.providers.p],
  });
  return { w, id: run.outcomes[0]!.settlement!.id };
}

const children = async (settlementId: number) => {
  const n = async (table: string) => Number((await t.db(table).where({ settlement_id: settlementId }).count({ n: '*' }))[0]!.n);
  return { lines: await n('settlement_lines'), vat: await n('settlement_vat'), exceptions: await n('settlement_exceptions') };
};

/** A copy of the settlement's first line, to be written elsewhere. */
async function lineOf(settlementId: number) {
  const { id: _id, ...line } = await t.db('settlement_lines').where({ settlement_id: settlementId }).orderBy('line_no').first();
  return line as Record<string, unknown>;
}

describe('lines, VAT and exceptions of a settlement, checked once per statement (decision 0010)', () => {
  let app: TestApp;
  let a: { w: World; id: number };
  let b: { w: World; id: number };

  beforeAll(async () => {
    app = buildTestApp(t.db);
    a = await aDraft(app, 'SCA');
    b = await aDraft(app, 'SCB');
  });

  it('holds what the run wrote', async () => {
    expect(await children(a.id)).toEqual({ lines: 2, vat: 1, exceptions: 1 });
  });

  it('refuses the whole statement when one line refers to a settlement that does not exist', async () => {
    const line = await lineOf(a.id);
    const err = await t
      .db('settlement_lines')
      .insert([
        { ...line, line_no: 100 },
        { ...line, settlement_id: 999_999, line_no: 1 },
      ])
      .catch((e: unknown) => e as { code: string; constraint: string; detail: string });
    expect(err).toMatchObject({ code: '23503', constraint: 'settlement_lines_settlement_ref' });
    expect((err as { detail: string }).detail).toBe(
      `Key (municipality_id, settlement_id)=(${a.w.municipalityId}, 999999) is not present in table "settlements".`,
    );
    expect(await children(a.id)).toEqual({ lines: 2, vat: 1, exceptions: 1 });
  });

  it('refuses a line, VAT group or exception of another municipality’s settlement', async () => {
    const line = await lineOf(a.id);
    await expect(t.db('settlement_lines').insert({ ...line, settlement_id: b.id, line_no: 100 })).rejects.toMatchObject({
      code: '23503',
      constraint: 'settlement_lines_settlement_ref',
    });
    await expect(
      t
        .db('settlement_vat')
        .insert({ municipality_id: a.w.municipalityId, settlement_id: b.id, percent: '12.00', base: '0.00', vat: '0.00' }),
    ).rejects.toMatchObject({ code: '23503', constraint: 'settlement_vat_settlement_ref' });
    const { id: _id, ...exception } = await t.db('settlement_exceptions').where({ settlement_id: a.id }).first();
    await expect(t.db('settlement_exceptions').insert({ ...exception, settlement_id: b.id, subject_key: 'other' })).rejects.toMatchObject({
      code: '23503',
      constraint: 'settlement_exceptions_settlement_ref',
    });
    expect(await children(b.id)).toEqual({ lines: 2, vat: 1, exceptions: 1 });
  });

  it('checks updates too', async () => {
    await expect(
      t.db('settlement_lines').where({ settlement_id: a.id, line_no: 1 }).update({ settlement_id: 999_999 }),
    ).rejects.toMatchObject({
      code: '23503',
    });
    await expect(
      t.db('settlement_lines').where({ settlement_id: a.id, line_no: 1 }).update({ municipality_id: b.w.municipalityId }),
    ).rejects.toMatchObject({
      code: '23503',
    });
    expect(await children(a.id)).toEqual({ lines: 2, vat: 1, exceptions: 1 });
  });

  it('deletes the lines, VAT groups and exceptions with their draft', async () => {
    const { id } = await aDraft(app, 'SCC');
    expect(await children(id)).toEqual({ lines: 2, vat: 1, exceptions: 1 });
    await t.db('settlements').where({ id }).delete();
    expect(await children(id)).toEqual({ lines: 0, vat: 0, exceptions: 0 });
  });

  it('makes a delete of the settlement wait for a statement that is adding lines to it, so no line is left behind', async () => {
    const { id } = await aDraft(app, 'SCD');
    const line = await lineOf(id);
    const tx = await t.db.transaction();
    await tx('settlement_lines').insert({ ...line, line_no: 100 });
    let deleted = false;
    const deleting = t
      .db('settlements')
      .where({ id })
      .delete()
      .then(() => {
        deleted = true;
      });
    try {
      // Wait until the delete is waiting on a lock (the one the reference check took), then check it has not finished.
      const waiting = async () =>
        (
          await t.db.raw(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock' and query ilike 'delete from "settlements"%'`,
          )
        ).rows[0].n as number;
      const until = Date.now() + 10_000;
      while ((await waiting()) === 0 && !deleted && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await waiting()).toBe(1);
      expect(deleted).toBe(false);
    } finally {
      await tx.commit();
      await deleting;
    }
    expect(await children(id)).toEqual({ lines: 0, vat: 0, exceptions: 0 });
  });

  it('keeps the lines of an approved settlement frozen: no insert, update or delete', async () => {
    const { w, id } = await aDraft(app, 'SCE');
    await app.services.settlements.approve(asActor(w.municipalityId, 'test:approver'), id, { confirmOpen: true });
    const line = await lineOf(id);
    await expect(t.db('settlement_lines').insert({ ...line, line_no: 100 })).rejects.toThrow(`settlement ${id} is approved`);
    await expect(t.db('settlement_lines').where({ settlement_id: id }).update({ amount: '1.00' })).rejects.toThrow(
      `settlement ${id} is approved`,
    );
    await expect(t.db('settlement_vat').where({ settlement_id: id }).update({ vat: '1.00' })).rejects.toThrow(
      `settlement ${id} is approved`,
    );
    await expect(t.db('settlement_exceptions').where({ settlement_id: id }).delete()).rejects.toThrow(`settlement ${id} is approved`);
    expect(await children(id)).toEqual({ lines: 2, vat: 1, exceptions: 1 });
  });
});
