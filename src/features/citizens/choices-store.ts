import type { Knex } from 'knex';
import type { Category } from '../../http/common-schemas.js';
import type { Scope } from '../auth/auth-types.js';
import type { ProviderChoice, ProviderChoiceFilter } from './choices-schemas.js';

type Db = Knex | Knex.Transaction;

const toChoice = (r: Record<string, any>): ProviderChoice => ({
  id: r.id,
  citizenId: r.citizen_id,
  category: r.category,
  providerId: r.provider_id,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  requestedOn: r.requested_on,
  reason: r.reason,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** A provider token sees its own choices only. */
const scoped = (db: Db, scope: Scope) => {
  const q = db('provider_choices').where('municipality_id', scope.municipalityId);
  if (scope.providerId !== null) q.andWhere('provider_id', scope.providerId);
  return q;
};

const inForceOn = (q: Knex.QueryBuilder, date: string) =>
  q.andWhere('valid_from', '<=', date).andWhere((w) => {
    w.whereNull('valid_to').orWhere('valid_to', '>', date);
  });

export const choicesStore = {
  async list(db: Knex, scope: Scope, f: ProviderChoiceFilter, page: { limit: number; offset: number }) {
    const q = scoped(db, scope);
    if (f.citizenId) q.andWhere('citizen_id', f.citizenId);
    if (f.providerId) q.andWhere('provider_id', f.providerId);
    if (f.category) q.andWhere('category', f.category);
    if (f.activeOn) inForceOn(q, f.activeOn);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.orderBy('id').limit(page.limit).offset(page.offset);
    return { items: rows.map(toChoice), total: Number(count) };
  },

  async get(db: Db, scope: Scope, id: number): Promise<ProviderChoice | undefined> {
    const row = await scoped(db, scope).andWhere('id', id).first();
    return row ? toChoice(row) : undefined;
  },

  /** The citizen's latest choice in the category that has not ended by `onDate` (locked for the change). */
  async current(tx: Knex.Transaction, municipalityId: number, citizenId: number, category: Category, onDate: string) {
    const row = await tx('provider_choices')
      .where({ municipality_id: municipalityId, citizen_id: citizenId, category })
      .andWhere((w) => {
        w.whereNull('valid_to').orWhere('valid_to', '>', onDate);
      })
      .orderBy('valid_from', 'desc')
      .forUpdate()
      .first();
    return row ? toChoice(row) : undefined;
  },

  async insert(
    tx: Knex.Transaction,
    municipalityId: number,
    c: Pick<ProviderChoice, 'citizenId' | 'category' | 'providerId' | 'validFrom' | 'validTo' | 'requestedOn' | 'reason'>,
  ): Promise<ProviderChoice> {
    const [row] = await tx('provider_choices')
      .insert({
        municipality_id: municipalityId,
        citizen_id: c.citizenId,
        category: c.category,
        provider_id: c.providerId,
        valid_from: c.validFrom,
        valid_to: c.validTo,
        requested_on: c.requestedOn,
        reason: c.reason,
      })
      .returning('*');
    return toChoice(row);
  },

  async end(tx: Knex.Transaction, municipalityId: number, id: number, validTo: string): Promise<ProviderChoice> {
    const [row] = await tx('provider_choices')
      .where({ municipality_id: municipalityId, id })
      .update({ valid_to: validTo, updated_at: tx.fn.now() })
      .returning('*');
    return toChoice(row);
  },

  /**
   * Moves every choice of `from` to `to` from `effectiveFrom`, set-based: choices open on that
   * date are ended there and continued for `to` (keeping a planned end); choices that start on
   * or after it have not begun yet, so they simply change provider.
   */
  async takeover(
    tx: Knex.Transaction,
    m: number,
    t: { fromProviderId: number; toProviderId: number; effectiveFrom: string; categories?: Category[] },
  ): Promise<{ closed: number[]; opened: number[]; reassigned: number[] }> {
    const cats = t.categories ?? null;
    const { rows } = await tx.raw(
      `with open as (
         select id, valid_to from provider_choices
          where municipality_id = :m and provider_id = :from
            and valid_from < :eff::date and (valid_to is null or valid_to > :eff::date)
            and (:cats::text[] is null or category = any(:cats::text[]))
          for update
       ), closed as (
         update provider_choices p set valid_to = :eff::date, updated_at = now()
           from open o where p.id = o.id
         returning p.id, p.citizen_id, p.category, o.valid_to as planned_end
       ), opened as (
         insert into provider_choices (municipality_id, citizen_id, category, provider_id, valid_from, valid_to, reason)
         select :m, citizen_id, category, :to, :eff::date, planned_end, 'takeover' from closed
         returning id
       )
       select coalesce((select array_agg(id order by id) from closed), '{}') as closed,
              coalesce((select array_agg(id order by id) from opened), '{}') as opened`,
      { m, from: t.fromProviderId, to: t.toProviderId, eff: t.effectiveFrom, cats },
    );
    const later = await tx('provider_choices')
      .where({ municipality_id: m, provider_id: t.fromProviderId })
      .andWhere('valid_from', '>=', t.effectiveFrom)
      .modify((q) => {
        if (cats) q.whereIn('category', cats);
      })
      .update({ provider_id: t.toProviderId, reason: 'takeover', updated_at: tx.fn.now() })
      .returning('id');
    return {
      closed: rows[0].closed.map(Number),
      opened: rows[0].opened.map(Number),
      reassigned: later.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b),
    };
  },
};

/**
 * Choices of one provider in force at any time in [from, to), for settlements and reports: which
 * citizens a provider may be paid for, and when.
 */
export async function choicesInForceForProvider(
  db: Db,
  municipalityId: number,
  providerId: number,
  period: { from: string; to: string },
): Promise<ProviderChoice[]> {
  const rows = await db('provider_choices')
    .where({ municipality_id: municipalityId, provider_id: providerId })
    .andWhere('valid_from', '<', period.to)
    .andWhere((w) => {
      w.whereNull('valid_to').orWhere('valid_to', '>', period.from);
    })
    .orderBy(['citizen_id', 'category', 'valid_from']);
  return rows.map(toChoice);
}
