import type { Knex } from 'knex';
import type { AreaNames } from './area-names.js';
import type { AreaOut, AreaUses } from './areas-schemas.js';

type Db = Knex | Knex.Transaction;

const noUses = (): AreaUses => ({ citizens: 0, visits: false, priceLists: [], budgets: [], models: [] });

/** What names each area (all of the municipality's, or one): citizens, visits, price lists, budgets, models. */
async function usesOf(db: Db, m: number, code: string | null): Promise<Map<string, AreaUses>> {
  const one = code === null ? '' : ' and area = ?';
  const arg = code === null ? [] : [code];
  // One after another: `db` may be a transaction (one connection).
  const citizens = await db.raw(
    `select area as code, count(*)::int as n from citizens where municipality_id = ?${one} and area is not null group by area`,
    [m, ...arg],
  );
  const visits = await db.raw(
    `select a.code from areas a
        where a.municipality_id = ?${code === null ? '' : ' and a.code = ?'}
          and exists (select 1 from visits v where v.municipality_id = a.municipality_id and v.area = a.code)`,
    [m, ...arg],
  );
  const lists = await db.raw(
    `select distinct u.area as code, pl.label
         from (select price_list_id, area from price_rates where municipality_id = ?${one} and area <> ''
               union select price_list_id, area from level_rates where municipality_id = ?${one} and area <> '') u
         join price_lists pl on pl.municipality_id = ? and pl.id = u.price_list_id
        order by 1, 2`,
    [m, ...arg, m, ...arg, m],
  );
  const budgets = await db.raw(
    `select distinct area as code, year from budgets where municipality_id = ?${one} and area is not null order by 1, 2`,
    [m, ...arg],
  );
  const models = await db.raw(
    `select distinct k.code, m.name || ' v' || m.version as label
         from reimbursement_models m
         cross join lateral jsonb_object_keys(
           case when jsonb_typeof(m.document->'area'->'supplements') = 'object' then m.document->'area'->'supplements' else '{}'::jsonb end
         ) as k(code)
        where m.municipality_id = ? and (?::text is null or k.code = ?::text)
        order by 1, 2`,
    [m, code, code],
  );
  const out = new Map<string, AreaUses>();
  const of = (c: string) => {
    let u = out.get(c);
    if (!u) out.set(c, (u = noUses()));
    return u;
  };
  for (const r of citizens.rows as { code: string; n: number }[]) of(r.code).citizens = r.n;
  for (const r of visits.rows as { code: string }[]) of(r.code).visits = true;
  for (const r of lists.rows as { code: string; label: string }[]) of(r.code).priceLists.push(r.label);
  for (const r of budgets.rows as { code: string; year: number }[]) of(r.code).budgets.push(r.year);
  for (const r of models.rows as { code: string; label: string }[]) of(r.code).models.push(r.label);
  return out;
}

const toArea = (r: Record<string, any>, uses: AreaUses | undefined): AreaOut => ({
  code: r.code,
  name: r.name,
  inUse: uses ?? noUses(),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export const areasStore = {
  async list(db: Db, m: number): Promise<AreaOut[]> {
    const rows = await db('areas').where({ municipality_id: m }).orderBy('code');
    const uses = await usesOf(db, m, null);
    return rows.map((r) => toArea(r, uses.get(r.code)));
  },

  async get(db: Db, m: number, code: string): Promise<AreaOut | null> {
    const r = await db('areas').where({ municipality_id: m, code }).first();
    return r ? toArea(r, (await usesOf(db, m, code)).get(code)) : null;
  },

  /** code → name of the municipality's areas: what pages, reports and reasons show (area-names.ts). */
  async names(db: Db, m: number): Promise<AreaNames> {
    const rows: { code: string; name: string }[] = await db('areas').where({ municipality_id: m }).select('code', 'name');
    return new Map(rows.map((r) => [r.code, r.name]));
  },

  /** A stored code equal to `code` but for letter case (Urban beside urban), if any. */
  async caseVariant(db: Db, m: number, code: string): Promise<string | null> {
    const r = await db('areas').where({ municipality_id: m }).whereRaw('lower(code) = lower(?) and code <> ?', [code, code]).first('code');
    return (r?.code as string | undefined) ?? null;
  },

  async insert(db: Db, m: number, a: { code: string; name: string }) {
    await db('areas').insert({ municipality_id: m, code: a.code, name: a.name });
  },

  async rename(db: Db, m: number, code: string, name: string) {
    await db('areas').where({ municipality_id: m, code }).update({ name, updated_at: db.fn.now() });
  },

  async delete(db: Db, m: number, code: string) {
    await db('areas').where({ municipality_id: m, code }).delete();
  },
};
