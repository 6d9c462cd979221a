import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import type { LevelGrant, LevelGrantFilter } from './level-grants-schemas.js';

type Db = Knex | Knex.Transaction;

const toLevelGrant = (r: Record<string, any>): LevelGrant => ({
  id: r.id,
  citizenId: r.citizen_id,
  level: r.level_code,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  createdAt: (r.created_at as Date).toISOString(),
  updatedAt: (r.updated_at as Date).toISOString(),
});

/** Tenant scope; a provider token sees a level grant only while the citizen has chosen it (any category) within the grant's validity. */
function scoped(db: Db, s: Scope) {
  const q = db('level_grants as lg').where('lg.municipality_id', s.municipalityId);
  if (s.providerId !== null)
    q.whereExists((e) => {
      e.select(db.raw('1'))
        .from('provider_choices as pc')
        .whereRaw('pc.municipality_id = lg.municipality_id and pc.citizen_id = lg.citizen_id and pc.provider_id = ?', [s.providerId])
        .andWhereRaw('daterange(pc.valid_from, pc.valid_to) && daterange(lg.valid_from, lg.valid_to)');
    });
  return q;
}

export const levelGrantsStore = {
  async list(db: Db, s: Scope, f: LevelGrantFilter, page: { limit: number; offset: number }) {
    const q = scoped(db, s);
    if (f.citizenId) q.andWhere('lg.citizen_id', f.citizenId);
    if (f.level) q.andWhere('lg.level_code', f.level);
    if (f.activeOn)
      q.andWhere('lg.valid_from', '<=', f.activeOn).andWhere((w) => {
        w.whereNull('lg.valid_to').orWhere('lg.valid_to', '>', f.activeOn!);
      });
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .select('lg.*')
      .orderBy([{ column: 'lg.citizen_id' }, { column: 'lg.valid_from' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toLevelGrant), total: Number(count) };
  },

  async get(db: Db, s: Scope, id: number, lock = false): Promise<LevelGrant | undefined> {
    const q = scoped(db, s).andWhere('lg.id', id).select('lg.*');
    if (lock) q.forUpdate();
    const row = await q.first();
    return row ? toLevelGrant(row) : undefined;
  },

  async insert(
    tx: Knex.Transaction,
    m: number,
    g: { citizenId: number; level: string; validFrom: string; validTo: string | null },
  ): Promise<LevelGrant> {
    const [row] = await tx('level_grants')
      .insert({ municipality_id: m, citizen_id: g.citizenId, level_code: g.level, valid_from: g.validFrom, valid_to: g.validTo })
      .returning('*');
    return toLevelGrant(row);
  },

  async setEnd(tx: Knex.Transaction, m: number, id: number, validTo: string | null): Promise<LevelGrant> {
    const [row] = await tx('level_grants')
      .where({ municipality_id: m, id })
      .update({ valid_to: validTo, updated_at: tx.fn.now() })
      .returning('*');
    return toLevelGrant(row);
  },

  /** The citizen's level grant overlapping [from, to), if any (to name it instead of the bare constraint error). */
  async overlapping(db: Db, m: number, citizenId: number, from: string, to: string | null, exceptId: number | null) {
    const q = db('level_grants')
      .where({ municipality_id: m, citizen_id: citizenId })
      .andWhereRaw('daterange(valid_from, valid_to) && daterange(?::date, ?::date)', [from, to]);
    if (exceptId !== null) q.andWhereNot('id', exceptId);
    const row = await q.orderBy('valid_from').first();
    return row ? toLevelGrant(row) : undefined;
  },
};
