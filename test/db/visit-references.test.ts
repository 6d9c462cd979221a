import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';

const t = useTestDatabase();

/** Two tenants, each with one provider, one citizen and one import batch, written straight to the tables. */
let a: { m: number; provider: number; citizen: number; batch: number };
let b: { m: number; provider: number; citizen: number; batch: number };

async function tenant(code: string) {
  const [{ id: m }] = await t
    .db('municipalities')
    .insert({ code, name: code, country: 'DK', currency: 'DKK', time_zone: 'Europe/Copenhagen', language: 'da' })
    .returning('id');
  const [{ id: provider }] = await t
    .db('providers')
    .insert({ municipality_id: m, ref: 'P1', name: 'P1', kind: 'private', vat_status: 'registered', approved_from: '2026-01-01' })
    .returning('id');
  const [{ id: citizen }] = await t.db('citizens').insert({ municipality_id: m, ref: 'C1' }).returning('id');
  const [{ id: batch }] = await t
    .db('import_batches')
    .insert({ municipality_id: m, kind: 'visits', format: 'csv', source_system: 'test', actor: 'test' })
    .returning('id');
  return { m, provider, citizen, batch };
}

const visit = (x: typeof a, over: Record<string, unknown> = {}) => ({
  municipality_id: x.m,
  source_system: 'test',
  external_id: `V${Math.random().toString(36).slice(2)}`,
  provider_id: x.provider,
  citizen_id: x.citizen,
  import_batch_id: x.batch,
  service_codes: ['PP01'],
  actual_start: '2026-04-01T08:00:00Z',
  actual_end: '2026-04-01T08:30:00Z',
  status: 'delivered',
  ...over,
});

const count = async () => Number((await t.db('visits').count({ n: '*' }))[0]!.n);

beforeAll(async () => {
  a = await tenant('ref-a');
  b = await tenant('ref-b');
});

describe('references of visits, checked once per statement (decision 0008)', () => {
  it('accepts visits whose provider, citizen and import batch exist in their municipality', async () => {
    const before = await count();
    await t.db('visits').insert([visit(a), visit(a, { import_batch_id: null }), visit(b)]);
    expect(await count()).toBe(before + 3);
  });

  it.each([
    ['provider_id', 'providers'],
    ['citizen_id', 'citizens'],
    ['import_batch_id', 'import_batches'],
  ])('refuses the whole statement when one row has an unknown %s', async (column, table) => {
    const before = await count();
    const err = await t
      .db('visits')
      .insert([visit(a), visit(a, { [column]: 999_999 })])
      .catch((e: unknown) => e as { code: string; constraint: string; detail: string });
    expect(err).toMatchObject({ code: '23503', constraint: `visits_${column}_ref` });
    expect((err as { detail: string }).detail).toBe(
      `Key (municipality_id, ${column})=(${a.m}, 999999) is not present in table "${table}".`,
    );
    expect(await count()).toBe(before);
  });

  it('refuses a reference to another municipality’s citizen or provider', async () => {
    await expect(t.db('visits').insert(visit(a, { citizen_id: b.citizen }))).rejects.toMatchObject({
      code: '23503',
      constraint: 'visits_citizen_id_ref',
    });
    await expect(t.db('visits').insert(visit(a, { provider_id: b.provider }))).rejects.toMatchObject({
      code: '23503',
      constraint: 'visits_provider_id_ref',
    });
  });

  it('checks updates too', async () => {
    const [{ id }] = await t.db('visits').insert(visit(a)).returning('id');
    await expect(t.db('visits').where({ id }).update({ citizen_id: b.citizen })).rejects.toMatchObject({ code: '23503' });
    await t.db('visits').where({ id }).update({ superseded_at: t.db.fn.now() });
    expect((await t.db('visits').where({ id }).first()).citizen_id).toBe(a.citizen);
  });

  it('keeps referenced rows: no delete, no truncate, no change of key; other changes are fine', async () => {
    for (const [table, id] of [
      ['providers', a.provider],
      ['citizens', a.citizen],
      ['import_batches', a.batch],
    ] as const) {
      await expect(t.db(table).where({ id }).delete()).rejects.toThrow(`${table} rows are permanent`);
      await expect(t.db.raw('truncate ?? cascade', [table])).rejects.toThrow(`${table} rows are permanent`);
      await expect(t.db(table).where({ id }).update({ municipality_id: b.m })).rejects.toThrow(`the key of a ${table} row cannot change`);
      await expect(t.db(table).where({ id }).update({ id: 999_998 })).rejects.toThrow(`the key of a ${table} row cannot change`);
    }
    await t.db('citizens').where({ id: a.citizen }).update({ area: 'rural' });
    expect((await t.db('citizens').where({ id: a.citizen }).first()).area).toBe('rural');
  });

  it('keeps the pattern and length rules of source system and area', async () => {
    await expect(t.db('visits').insert(visit(a, { area: 'x'.repeat(65) }))).rejects.toMatchObject({
      code: '23514',
      constraint: 'visits_area_check',
    });
    await expect(t.db('visits').insert(visit(a, { area: 'by  en' }))).rejects.toMatchObject({
      code: '23514',
      constraint: 'visits_area_check',
    });
    await expect(t.db('visits').insert(visit(a, { source_system: 'tab\there' }))).rejects.toMatchObject({
      code: '23514',
      constraint: 'visits_source_system_check',
    });
    await t.db('visits').insert(visit(a, { area: 'a'.repeat(64), source_system: 'Phoniro_2.x-1' }));
  });
});
