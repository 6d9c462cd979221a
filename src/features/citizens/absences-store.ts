import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import type { Absence, AbsenceCreate, AbsenceFilter, AbsenceUpdate } from './absences-schemas.js';

type Db = Knex | Knex.Transaction;

const toAbsence = (r: Record<string, any>): Absence => ({
  id: r.id,
  citizenId: r.citizen_id,
  kind: r.kind,
  planned: r.planned,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  note: r.note,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** A provider token sees the absences of citizens it served while they were away. */
const scoped = (db: Db, scope: Scope) => {
  const q = db('absences as a').where('a.municipality_id', scope.municipalityId);
  if (scope.providerId !== null) {
    q.whereExists((s) => {
      s.select(db.raw('1'))
        .from('provider_choices as pc')
        .whereRaw('pc.municipality_id = a.municipality_id and pc.citizen_id = a.citizen_id')
        .andWhere('pc.provider_id', scope.providerId)
        .andWhereRaw('daterange(pc.valid_from, pc.valid_to) && daterange(a.valid_from, a.valid_to)');
    });
  }
  return q;
};

export const absencesStore = {
  async list(db: Knex, scope: Scope, f: AbsenceFilter, page: { limit: number; offset: number }) {
    const q = scoped(db, scope);
    if (f.citizenId) q.andWhere('a.citizen_id', f.citizenId);
    if (f.kind) q.andWhere('a.kind', f.kind);
    if (f.from || f.to) q.andWhereRaw('daterange(a.valid_from, a.valid_to) && daterange(?::date, ?::date)', [f.from ?? null, f.to ?? null]);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select('a.*').orderBy('a.id').limit(page.limit).offset(page.offset);
    return { items: rows.map(toAbsence), total: Number(count) };
  },

  async get(db: Db, scope: Scope, id: number, opts: { forUpdate?: boolean } = {}): Promise<Absence | undefined> {
    const q = scoped(db, scope).andWhere('a.id', id).first('a.*');
    if (opts.forUpdate) q.forUpdate();
    const row = await q;
    return row ? toAbsence(row) : undefined;
  },

  async insert(tx: Knex.Transaction, municipalityId: number, a: AbsenceCreate): Promise<Absence> {
    const [row] = await tx('absences')
      .insert({
        municipality_id: municipalityId,
        citizen_id: a.citizenId,
        kind: a.kind,
        planned: a.planned,
        valid_from: a.validFrom,
        valid_to: a.validTo ?? null,
        note: a.note ?? null,
      })
      .returning('*');
    return toAbsence(row);
  },

  async update(tx: Knex.Transaction, municipalityId: number, id: number, a: AbsenceUpdate): Promise<Absence> {
    const cols = Object.fromEntries(
      Object.entries({ kind: a.kind, planned: a.planned, valid_to: a.validTo, note: a.note }).filter(([, v]) => v !== undefined),
    );
    const [row] = await tx('absences')
      .where({ municipality_id: municipalityId, id })
      .update({ ...cols, updated_at: tx.fn.now() })
      .returning('*');
    return toAbsence(row);
  },

  async delete(tx: Knex.Transaction, municipalityId: number, id: number): Promise<void> {
    await tx('absences').where({ municipality_id: municipalityId, id }).delete();
  },
};
