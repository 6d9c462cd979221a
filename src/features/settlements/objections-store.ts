import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import type { Objection } from './objection-schemas.js';

type Db = Knex | Knex.Transaction;

const toObjection = (r: Record<string, any>): Objection => ({
  id: r.id,
  providerId: r.provider_id,
  period: String(r.period_start).slice(0, 7),
  settlementId: r.settlement_id,
  raisedOn: r.raised_on,
  target: r.target,
  lineNo: r.line_no,
  exceptionKind: r.exception_kind,
  subjectKey: r.subject_key,
  subject: r.subject,
  kind: r.kind,
  text: r.text,
  raisedBy: r.raised_by,
  raisedAt: (r.raised_at as Date).toISOString(),
  status: r.answer === null ? 'open' : 'answered',
  answer: r.answer,
  answeredBy: r.answered_by,
  answeredAt: r.answered_at ? (r.answered_at as Date).toISOString() : null,
});

/** Objections are kept per provider and month; a provider's scope sees its own only. */
export const objectionsStore = {
  async list(db: Db, scope: Scope, providerId: number, periodStart: string, f: { status?: 'open' | 'answered' }) {
    const q = db('settlement_objections').where({
      municipality_id: scope.municipalityId,
      provider_id: providerId,
      period_start: periodStart,
    });
    if (scope.providerId !== null) q.andWhere('provider_id', scope.providerId);
    if (f.status === 'open') q.whereNull('answer');
    else if (f.status === 'answered') q.whereNotNull('answer');
    return (await q.orderBy('id')).map(toObjection);
  },

  async get(db: Db, scope: Scope, id: number): Promise<Objection | undefined> {
    const q = db('settlement_objections').where({ municipality_id: scope.municipalityId, id });
    if (scope.providerId !== null) q.andWhere('provider_id', scope.providerId);
    const row = await q.first();
    return row ? toObjection(row) : undefined;
  },

  /** Open (unanswered) objections per provider of a month. */
  async openByProvider(db: Db, m: number, periodStart: string): Promise<Map<number, number>> {
    const rows = await db('settlement_objections')
      .where({ municipality_id: m, period_start: periodStart })
      .whereNull('answer')
      .groupBy('provider_id')
      .select('provider_id', db.raw('count(*)::int as n'));
    return new Map(rows.map((r: { provider_id: number; n: number }) => [r.provider_id, r.n]));
  },

  async insert(
    tx: Knex.Transaction,
    o: {
      municipalityId: number;
      providerId: number;
      periodStart: string;
      settlementId: number;
      target: 'line' | 'exception';
      lineNo: number | null;
      exceptionKind: string | null;
      subjectKey: string | null;
      subject: string;
      kind: 'comment' | 'objection';
      text: string;
      actor: string;
    },
  ): Promise<Objection> {
    const [row] = await tx('settlement_objections')
      .insert({
        municipality_id: o.municipalityId,
        provider_id: o.providerId,
        period_start: o.periodStart,
        settlement_id: o.settlementId,
        raised_on: o.settlementId,
        target: o.target,
        line_no: o.lineNo,
        exception_kind: o.exceptionKind,
        subject_key: o.subjectKey,
        subject: o.subject.slice(0, 500),
        kind: o.kind,
        text: o.text,
        raised_by: o.actor,
      })
      .returning('*');
    return toObjection(row);
  },

  async answer(tx: Knex.Transaction, m: number, id: number, answer: string, actor: string): Promise<Objection> {
    const [row] = await tx('settlement_objections')
      .where({ municipality_id: m, id })
      .update({ answer, answered_by: actor, answered_at: tx.fn.now() })
      .returning('*');
    return toObjection(row);
  },
};
