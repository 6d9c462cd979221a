import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import type { Citizen } from './citizens-schemas.js';

type Db = Knex | Knex.Transaction;

/** The national id columns as the store writes them: a keyed hash, the key it was made under and a masked form, never the id. */
export interface NationalIdColumns {
  hmac: string;
  keyId: number;
  masked: string;
}

const toCitizen = (r: Record<string, any>): Citizen => ({
  id: r.id,
  ref: r.ref,
  area: r.area,
  nationalIdMasked: r.national_id_masked,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const idColumns = (n: NationalIdColumns | null | undefined) =>
  n === undefined ? {} : { national_id_hmac: n?.hmac ?? null, national_id_key: n?.keyId ?? null, national_id_masked: n?.masked ?? null };

/** A provider token sees the citizens it serves or has served (any choice, past or future). */
const scoped = (db: Db, scope: Scope) => {
  const q = db('citizens as c').where('c.municipality_id', scope.municipalityId);
  if (scope.providerId !== null) {
    q.whereExists((s) => {
      s.select(db.raw('1'))
        .from('provider_choices as pc')
        .whereRaw('pc.municipality_id = c.municipality_id and pc.citizen_id = c.id')
        .andWhere('pc.provider_id', scope.providerId);
    });
  }
  return q;
};

export const citizensStore = {
  async list(
    db: Knex,
    scope: Scope,
    f: { ref?: string; area?: string; nationalIdHmacs?: string[] },
    page: { limit: number; offset: number },
  ) {
    const q = scoped(db, scope);
    if (f.ref) q.andWhere('c.ref', f.ref);
    if (f.area) q.andWhere('c.area', f.area);
    if (f.nationalIdHmacs) q.whereIn('c.national_id_hmac', f.nationalIdHmacs);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select('c.*').orderBy('c.id').limit(page.limit).offset(page.offset);
    return { items: rows.map(toCitizen), total: Number(count) };
  },

  async get(db: Db, scope: Scope, id: number, opts: { forUpdate?: boolean } = {}): Promise<Citizen | undefined> {
    const q = scoped(db, scope).andWhere('c.id', id).first('c.*');
    if (opts.forUpdate) q.forUpdate();
    const row = await q;
    return row ? toCitizen(row) : undefined;
  },

  /** Which citizen (if any) holds this national id, given its hash under every key. */
  async idHolder(db: Db, municipalityId: number, hmacs: readonly string[]): Promise<number | undefined> {
    const row = await db('citizens').where({ municipality_id: municipalityId }).whereIn('national_id_hmac', hmacs).first('id');
    return row?.id;
  },

  async insert(tx: Knex.Transaction, municipalityId: number, c: { ref: string; area?: string | null; nationalId?: NationalIdColumns }) {
    const [row] = await tx('citizens')
      .insert({ municipality_id: municipalityId, ref: c.ref, area: c.area ?? null, ...idColumns(c.nationalId) })
      .returning('*');
    return toCitizen(row);
  },

  async update(
    tx: Knex.Transaction,
    municipalityId: number,
    id: number,
    c: { area?: string | null; nationalId?: NationalIdColumns | null },
  ) {
    const [row] = await tx('citizens')
      .where({ municipality_id: municipalityId, id })
      .update({ ...(c.area === undefined ? {} : { area: c.area }), ...idColumns(c.nationalId), updated_at: tx.fn.now() })
      .returning('*');
    return row ? toCitizen(row) : undefined;
  },
};

/** The municipality settings the citizen features depend on. */
export async function municipalitySettings(db: Db, municipalityId: number) {
  const r = await db('municipalities')
    .where({ id: municipalityId })
    .first('country', 'time_zone', 'choice_notice_rule', 'choice_notice_days');
  if (!r) throw new Error(`municipality ${municipalityId} vanished`);
  return {
    country: r.country as 'DK' | 'SE',
    timeZone: r.time_zone as string,
    noticeRule: r.choice_notice_rule as 'immediate' | 'next_month_start' | 'rest_of_month_plus_one_month' | 'days',
    noticeDays: r.choice_notice_days as number,
  };
}
