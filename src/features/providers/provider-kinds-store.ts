import type { Knex } from 'knex';
import type { ProviderKindCreate, ProviderKindOut, ProviderKindUpdate } from './provider-kinds-schemas.js';

type Db = Knex | Knex.Transaction;

const usesOf = async (db: Db, municipalityId: number, code: string | null) => {
  const byCode = (q: Knex.QueryBuilder, column: string) => (code === null ? q : q.where(column, code));
  const providers = await byCode(db('providers').where({ municipality_id: municipalityId }), 'kind')
    .groupBy('kind')
    .select('kind as code', db.raw('count(*)::int as n'));
  const lists = await db
    .select('k.code', 'pl.label')
    .from(
      db
        .union(
          [
            byCode(db('price_rates').where('municipality_id', municipalityId), 'provider_kind').distinct(
              'provider_kind as code',
              'price_list_id',
            ),
            byCode(db('level_rates').where('municipality_id', municipalityId), 'provider_kind').distinct(
              'provider_kind as code',
              'price_list_id',
            ),
          ],
          true,
        )
        .as('k'),
    )
    .join('price_lists as pl', (j) => j.on('pl.id', 'k.price_list_id').andOnVal('pl.municipality_id', municipalityId))
    .distinct()
    .orderBy(['k.code', 'pl.label']);
  // A model names a kind in providerKindAdjustment (as a key or under kinds) or in qualityBonus.providerKinds.
  const models = await db.raw(
    `select distinct k.code, m.name || ' v' || m.version as label
       from reimbursement_models m
       cross join lateral (
         select jsonb_object_keys(coalesce(m.document->'providerKindAdjustment', '{}'::jsonb) - 'categories' - 'kinds') as code
         union select jsonb_object_keys(coalesce(m.document->'providerKindAdjustment'->'kinds', '{}'::jsonb))
         union select jsonb_array_elements_text(coalesce(m.document->'qualityBonus'->'providerKinds', '[]'::jsonb))
       ) k
      where m.municipality_id = ? and (?::text is null or k.code = ?::text)
      order by 1, 2`,
    [municipalityId, code, code],
  );
  const out = new Map<string, ProviderKindOut['inUse']>();
  const of = (c: string) => {
    let u = out.get(c);
    if (!u) out.set(c, (u = { providers: 0, priceLists: [], models: [] }));
    return u;
  };
  for (const r of providers) of(r.code).providers = r.n;
  for (const r of lists) of(r.code).priceLists.push(r.label);
  for (const r of models.rows as { code: string; label: string }[]) of(r.code).models.push(r.label);
  return out;
};

const toKind = (r: Record<string, any>, language: 'da' | 'sv' | 'en', inUse: ProviderKindOut['inUse'] | undefined): ProviderKindOut => {
  const names = { da: r.name_da, sv: r.name_sv, en: r.name_en };
  return {
    id: r.id,
    code: r.code,
    names,
    ownName: r.own_name,
    name: r.own_name ?? names[language],
    inHouse: r.in_house,
    inUse: inUse ?? { providers: 0, priceLists: [], models: [] },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
};

const languageOf = async (db: Db, municipalityId: number): Promise<'da' | 'sv' | 'en'> =>
  (await db('municipalities').where({ id: municipalityId }).first('language')).language;

export const providerKindsStore = {
  async list(db: Db, municipalityId: number): Promise<ProviderKindOut[]> {
    const rows = await db('provider_kinds').where({ municipality_id: municipalityId }).orderBy('id');
    const uses = await usesOf(db, municipalityId, null);
    const language = await languageOf(db, municipalityId);
    return rows.map((r) => toKind(r, language, uses.get(r.code)));
  },

  async get(db: Db, municipalityId: number, code: string): Promise<ProviderKindOut | null> {
    const r = await db('provider_kinds').where({ municipality_id: municipalityId, code }).first();
    if (!r) return null;
    return toKind(r, await languageOf(db, municipalityId), (await usesOf(db, municipalityId, code)).get(code));
  },

  /** The codes of the municipality's kinds, for checking a provider, a price list or a model. */
  async codes(db: Db, municipalityId: number): Promise<Set<string>> {
    return new Set((await db('provider_kinds').where({ municipality_id: municipalityId }).pluck('code')) as string[]);
  },

  async inHouseCode(db: Db, municipalityId: number, except?: string): Promise<string | null> {
    const q = db('provider_kinds').where({ municipality_id: municipalityId, in_house: true });
    if (except) q.whereNot('code', except);
    return ((await q.first('code'))?.code as string | undefined) ?? null;
  },

  async insert(db: Db, municipalityId: number, k: ProviderKindCreate) {
    await db('provider_kinds').insert({
      municipality_id: municipalityId,
      code: k.code,
      name_da: k.names.da,
      name_sv: k.names.sv,
      name_en: k.names.en,
      own_name: k.ownName ?? null,
      in_house: k.inHouse ?? false,
    });
  },

  async update(db: Db, municipalityId: number, code: string, p: ProviderKindUpdate) {
    const cols: Record<string, unknown> = {
      name_da: p.names?.da,
      name_sv: p.names?.sv,
      name_en: p.names?.en,
      own_name: p.ownName,
      in_house: p.inHouse,
    };
    const set = Object.fromEntries(Object.entries(cols).filter(([, v]) => v !== undefined));
    await db('provider_kinds')
      .where({ municipality_id: municipalityId, code })
      .update({ ...set, updated_at: db.fn.now() });
  },

  async delete(db: Db, municipalityId: number, code: string) {
    await db('provider_kinds').where({ municipality_id: municipalityId, code }).delete();
  },
};
