import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { readPage } from '../../db/keyset-page.js';
import type { KeysetPage } from '../../http/common-schemas.js';
import { formatMoney } from '../../shared/money.js';
import type { Scope } from '../auth/auth-types.js';
import type { Doc, DocLine } from './settlement-document.js';
import type { Period } from './settlement-period.js';
import type { Settlement, SettlementException, SettlementFilter, SettlementLine } from './settlement-schemas.js';

type Db = Knex | Knex.Transaction;
type Page = { limit: number; offset: number };

/** Joins reason codes for the trip into text[] (a code never contains it). */
const SEP = '\u001f';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const pct = (s: string) => new Decimal(s).toString();

const toSettlement = (r: Record<string, any>): Settlement => ({
  id: r.id,
  providerId: r.provider_id,
  providerRef: r.provider_ref,
  period: String(r.period_start).slice(0, 7),
  periodStart: r.period_start,
  periodEnd: r.period_end,
  kind: r.kind,
  sequence: r.sequence,
  correctsId: r.corrects_id,
  status: r.status,
  model: { id: r.model_id, name: r.model_name, version: r.model_version },
  priceList: { id: r.price_list_id, label: r.price_list_label },
  fingerprint: r.fingerprint,
  currency: r.currency,
  totalExclVat: formatMoney(r.total_excl_vat),
  vat: formatMoney(r.vat),
  totalInclVat: formatMoney(r.total_incl_vat),
  lineCount: r.line_count,
  exceptionCount: r.exception_count,
  computedAt: (r.computed_at as Date).toISOString(),
  computedBy: r.computed_by,
  approvedAt: iso(r.approved_at),
  approvedBy: r.approved_by,
  invoicedAt: iso(r.invoiced_at),
});

/**
 * A page of lines is printed by PostgreSQL: four decimals per line made in JavaScript took as long
 * as reading the rows. Each expression gives the text of its `shared/money` counterpart (a test
 * compares them): trailing zeros dropped, a rate with at least two decimals, money with two.
 */
export const LINE_NUMBER_TEXT = {
  quantity: 'trim_scale(quantity)::text',
  rate: 'case when scale(trim_scale(rate)) <= 2 then round(rate, 2)::text else trim_scale(round(rate, 4))::text end',
  factor: 'trim_scale(factor)::text',
  amount: 'round(amount, 2)::text',
  vat_percent: 'trim_scale(vat_percent)::text',
} as const;

const lineColumns = (db: Db) => [
  ...['line_no', 'citizen_id', 'citizen_ref', 'service_code', 'category', 'kind', 'band', 'unit', 'visits', 'minutes', 'reason_codes'],
  ...Object.entries(LINE_NUMBER_TEXT).map(([column, text]) => db.raw(`${text} as ??`, [column])),
];

const toFormattedLine = (r: Record<string, any>): SettlementLine => ({
  lineNo: r.line_no,
  citizenId: r.citizen_id,
  citizenRef: r.citizen_ref,
  serviceCode: r.service_code,
  category: r.category,
  kind: r.kind,
  band: r.band,
  unit: r.unit,
  visits: r.visits,
  minutes: r.minutes,
  quantity: r.quantity,
  rate: r.rate,
  factor: r.factor,
  amount: r.amount,
  vatPercent: r.vat_percent,
  reasonCodes: r.reason_codes,
});

const toException = (r: Record<string, any>): SettlementException => ({
  id: r.id,
  settlementId: r.settlement_id,
  kind: r.kind,
  subjectKey: r.subject_key,
  citizenId: r.citizen_id,
  citizenRef: r.citizen_ref,
  serviceCode: r.service_code,
  category: r.category,
  date: r.date,
  visitId: r.visit_id,
  externalId: r.external_id,
  grantId: r.grant_id,
  minutes: r.minutes,
  amount: formatMoney(r.amount),
  message: r.message,
  params: r.params ?? {},
  reasonCodes: r.reason_codes,
  decision: r.decision
    ? { decision: r.decision, note: r.note, decidedBy: r.decided_by, decidedAt: (r.decided_at as Date).toISOString() }
    : null,
});

/** Settlements with what a reader needs alongside (provider ref, model and price-list versions). A provider token sees its own only. */
const settlements = (db: Db, scope: Scope) => {
  const q = db('settlements as s')
    .join('providers as p', 'p.id', 's.provider_id')
    .join('reimbursement_models as rm', 'rm.id', 's.model_id')
    .join('price_lists as pl', 'pl.id', 's.price_list_id')
    .where('s.municipality_id', scope.municipalityId)
    .select('s.*', 'p.ref as provider_ref', 'rm.name as model_name', 'rm.version as model_version', 'pl.label as price_list_label');
  if (scope.providerId !== null) q.andWhere('s.provider_id', scope.providerId);
  return q;
};

export interface PeriodDoc {
  id: number;
  kind: 'regular' | 'correction';
  sequence: number;
  status: 'draft' | 'approved' | 'invoiced';
  fingerprint: string;
  /** Null on settlements written before the digest was kept: such a draft is recomputed, never 'unchanged'. */
  decisionsDigest: string | null;
  modelId: number;
  priceListId: number;
}

export const settlementStore = {
  async list(db: Db, scope: Scope, f: SettlementFilter, page: Page) {
    const q = settlements(db, scope);
    if (f.period) q.andWhere('s.period_start', `${f.period}-01`);
    if (f.providerId) q.andWhere('s.provider_id', f.providerId);
    if (f.status) q.andWhere('s.status', f.status);
    if (f.kind) q.andWhere('s.kind', f.kind);
    const [{ count }] = (await q.clone().clearSelect().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .orderBy([{ column: 's.period_start', order: 'desc' }, { column: 'p.ref' }, { column: 's.sequence' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toSettlement), total: Number(count) };
  },

  async get(db: Db, scope: Scope, id: number): Promise<Settlement | undefined> {
    const row = await settlements(db, scope).andWhere('s.id', id).first();
    return row ? toSettlement(row) : undefined;
  },

  /** Totals per category and band, and VAT groups: the summary of a settlement. */
  async summary(db: Db, m: number, id: number) {
    const [byCategory, byBand, vat] = await Promise.all([
      db.raw(
        `select category, sum(minutes)::int as minutes, sum(amount) as amount from settlement_lines where municipality_id = ? and settlement_id = ? group by category order by category`,
        [m, id],
      ),
      db.raw(
        `select band, sum(minutes)::int as minutes, sum(amount) as amount from settlement_lines where municipality_id = ? and settlement_id = ? group by band order by band nulls last`,
        [m, id],
      ),
      db('settlement_vat')
        .where({ municipality_id: m, settlement_id: id })
        .orderBy([{ column: 'percent', order: 'desc' }, { column: 'exemption_reason' }]),
    ]);
    const hours = (min: number) => new Decimal(min).div(60).toFixed(2);
    return {
      totalsByCategory: (byCategory.rows as Record<string, any>[]).map((r) => ({
        category: r.category,
        minutes: r.minutes,
        hours: hours(r.minutes),
        amount: formatMoney(r.amount),
      })),
      totalsByBand: (byBand.rows as Record<string, any>[]).map((r) => ({
        band: r.band,
        minutes: r.minutes,
        hours: hours(r.minutes),
        amount: formatMoney(r.amount),
      })),
      vatGroups: vat.map((r) => ({
        percent: pct(r.percent),
        exemptionReason: r.exemption_reason,
        base: formatMoney(r.base),
        vat: formatMoney(r.vat),
      })),
    };
  },

  async lines(db: Db, m: number, id: number, f: { citizenRef?: string; serviceCode?: string; category?: string }, page: KeysetPage) {
    const q = db('settlement_lines').where({ municipality_id: m, settlement_id: id });
    if (f.citizenRef) q.andWhere('citizen_ref', f.citizenRef);
    if (f.serviceCode) q.andWhere('service_code', f.serviceCode);
    if (f.category) q.andWhere('category', f.category);
    const rows = q.clone().select(lineColumns(db)).orderBy('line_no');
    if (page.after !== undefined) rows.andWhere('line_no', '>', page.after);
    return readPage(q, rows, page, (r) => r.line_no, toFormattedLine);
  },

  /** Exceptions of a settlement with finance's decision (kept per provider, month and subject). */
  async exceptions(
    db: Db,
    m: number,
    id: number,
    f: { id?: number; kind?: string; decision?: 'accepted' | 'rejected' | 'open' },
    page: Page,
  ) {
    const q = db('settlement_exceptions as e')
      .join('settlements as s', function () {
        this.on('s.municipality_id', 'e.municipality_id').andOn('s.id', 'e.settlement_id');
      })
      .leftJoin('exception_decisions as d', function () {
        this.on('d.municipality_id', 's.municipality_id')
          .andOn('d.provider_id', 's.provider_id')
          .andOn('d.period_start', 's.period_start')
          .andOn('d.kind', 'e.kind')
          .andOn('d.subject_key', 'e.subject_key');
      })
      .where({ 'e.municipality_id': m, 'e.settlement_id': id });
    if (f.id !== undefined) q.andWhere('e.id', f.id);
    if (f.kind) q.andWhere('e.kind', f.kind);
    if (f.decision === 'open') q.whereNull('d.decision');
    else if (f.decision) q.andWhere('d.decision', f.decision);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .select('e.*', 'd.decision', 'd.note', 'd.decided_by', 'd.decided_at')
      .orderBy([{ column: 'e.date' }, { column: 'e.citizen_ref' }, { column: 'e.id' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toException), total: Number(count) };
  },

  async exception(db: Db, scope: Scope, id: number) {
    const q = db('settlement_exceptions as e')
      .join('settlements as s', function () {
        this.on('s.municipality_id', 'e.municipality_id').andOn('s.id', 'e.settlement_id');
      })
      .where({ 'e.municipality_id': scope.municipalityId, 'e.id': id })
      .select('e.id', 'e.kind', 'e.subject_key', 'e.settlement_id', 's.provider_id', 's.period_start', 's.kind as settlement_kind');
    if (scope.providerId !== null) q.andWhere('s.provider_id', scope.providerId);
    const row = await q.first();
    return row as
      | {
          id: number;
          kind: string;
          subject_key: string;
          settlement_id: number;
          provider_id: number;
          period_start: string;
          settlement_kind: 'regular' | 'correction';
        }
      | undefined;
  },

  async decide(
    tx: Knex.Transaction,
    d: {
      municipalityId: number;
      providerId: number;
      periodStart: string;
      kind: string;
      subjectKey: string;
      decision: 'accepted' | 'rejected';
      note: string | null;
      actor: string;
    },
  ) {
    await tx.raw(
      `insert into exception_decisions (municipality_id, provider_id, period_start, kind, subject_key, decision, note, decided_by)
       values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (municipality_id, provider_id, period_start, kind, subject_key)
       do update set note = excluded.note,
                     decided_by = case when exception_decisions.decision = excluded.decision then exception_decisions.decided_by else excluded.decided_by end,
                     decided_at = case when exception_decisions.decision = excluded.decision then exception_decisions.decided_at else now() end,
                     decision = excluded.decision`,
      [d.municipalityId, d.providerId, d.periodStart, d.kind, d.subjectKey, d.decision, d.note, d.actor],
    );
  },

  /** The digest of the exception decisions the settlement was computed with (null: written before digests were kept). */
  async decisionsDigest(db: Db, m: number, settlementId: number): Promise<string | null> {
    const row = await db('settlements').where({ municipality_id: m, id: settlementId }).first('decisions_digest');
    return (row?.decisions_digest as string | null | undefined) ?? null;
  },

  /** Serialises runs and approvals of one provider's month across processes, for the transaction. */
  async lockProviderPeriod(tx: Knex.Transaction, m: number, providerId: number, p: Period) {
    await tx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [m, `settlement:${providerId}:${p.from}`]);
  },

  async periodDocs(db: Db, m: number, providerId: number, p: Period): Promise<PeriodDoc[]> {
    const rows = await db('settlements').where({ municipality_id: m, provider_id: providerId, period_start: p.from }).orderBy('sequence');
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      sequence: r.sequence,
      status: r.status,
      fingerprint: r.fingerprint,
      decisionsDigest: r.decisions_digest,
      modelId: r.model_id,
      priceListId: r.price_list_id,
    }));
  },

  /** The lines of every approved (or invoiced) document of the provider's month, for a correction. */
  async approvedLines(db: Db, m: number, providerId: number, p: Period): Promise<DocLine[]> {
    const r = await db.raw(
      `select l.* from settlement_lines l join settlements s on s.municipality_id = l.municipality_id and s.id = l.settlement_id
        where s.municipality_id = ? and s.provider_id = ? and s.period_start = ? and s.status <> 'draft'`,
      [m, providerId, p.from],
    );
    return (r.rows as Record<string, any>[]).map((x) => ({
      citizenId: x.citizen_id,
      citizenRef: x.citizen_ref,
      serviceCode: x.service_code,
      category: x.category,
      kind: x.kind,
      band: x.band,
      unit: x.unit,
      visits: x.visits,
      minutes: x.minutes,
      quantity: new Decimal(x.quantity),
      rate: new Decimal(x.rate),
      factor: new Decimal(x.factor),
      amount: new Decimal(x.amount),
      vatPercent: new Decimal(x.vat_percent),
      exemptionReason: x.exemption_reason ?? null,
      reasonCodes: x.reason_codes,
    }));
  },

  async approvedExceptionKeys(db: Db, m: number, providerId: number, p: Period): Promise<Set<string>> {
    const r = await db.raw(
      `select e.kind, e.subject_key from settlement_exceptions e join settlements s on s.municipality_id = e.municipality_id and s.id = e.settlement_id
        where s.municipality_id = ? and s.provider_id = ? and s.period_start = ? and s.status <> 'draft'`,
      [m, providerId, p.from],
    );
    return new Set((r.rows as { kind: string; subject_key: string }[]).map((x) => `${x.kind}|${x.subject_key}`));
  },

  async delete(tx: Knex.Transaction, m: number, id: number) {
    await tx('settlements').where({ municipality_id: m, id, status: 'draft' }).delete();
  },

  /**
   * Writes a settlement with its lines, VAT groups and exceptions in one statement (one round trip,
   * whatever the number of lines); the caller's transaction adds the audit entry to it.
   */
  async insert(
    tx: Knex.Transaction,
    s: {
      municipalityId: number;
      providerId: number;
      period: Period;
      kind: 'regular' | 'correction';
      sequence: number;
      correctsId: number | null;
      modelId: number;
      priceListId: number;
      fingerprint: string;
      decisionsDigest: string;
      currency: string;
      computedBy: string;
    },
    doc: Doc,
  ): Promise<{ id: number; computedAt: string }> {
    const lines = doc.lines.map((l) => [
      l.citizenId,
      l.citizenRef,
      l.serviceCode,
      l.category,
      l.kind,
      l.band,
      l.unit,
      l.visits,
      l.minutes,
      l.quantity.toFixed(),
      l.rate.toFixed(),
      l.factor.toFixed(),
      l.amount.toFixed(2),
      l.vatPercent.toFixed(2),
      l.reasonCodes.join(SEP),
      l.exemptionReason,
    ]);
    const exceptions = doc.exceptions.map((e) => [
      e.kind,
      e.subjectKey,
      e.citizenId,
      e.citizenRef,
      e.serviceCode,
      e.category,
      e.date,
      e.visitId,
      e.externalId,
      e.grantId,
      e.minutes,
      e.amount.toFixed(2),
      e.message,
      e.reasonCodes.join(SEP),
      e.params,
    ]);
    const vat = doc.vat.map((g) => [g.percent.toFixed(2), g.exemptionReason, g.base.toFixed(2), g.vat.toFixed(2)]);
    const r = await tx.raw(
      `with h as (
         insert into settlements (municipality_id, provider_id, period_start, period_end, kind, sequence, corrects_id, status, model_id, price_list_id,
                                  fingerprint, decisions_digest, currency, total_excl_vat, vat, total_incl_vat, line_count, exception_count, computed_by)
         values (:m, :provider, :from, :to, :kind, :sequence, :corrects, 'draft', :model, :priceList, :fingerprint, :decisionsDigest, :currency,
                 :excl, :vat, :incl, :lineCount, :exceptionCount, :by)
         returning id, computed_at
       ), l as (
         insert into settlement_lines (municipality_id, settlement_id, line_no, citizen_id, citizen_ref, service_code, category, kind, band, unit,
                                       visits, minutes, quantity, rate, factor, amount, vat_percent, reason_codes, exemption_reason)
         select :m, h.id, x.n, (x.v->>0)::int, x.v->>1, x.v->>2, x.v->>3, x.v->>4, x.v->>5, x.v->>6, (x.v->>7)::int, (x.v->>8)::int,
                (x.v->>9)::numeric, (x.v->>10)::numeric, (x.v->>11)::numeric, (x.v->>12)::numeric, (x.v->>13)::numeric,
                string_to_array(x.v->>14, :sep), x.v->>15
           from h, jsonb_array_elements(:lines::jsonb) with ordinality as x(v, n)
       ), e as (
         insert into settlement_exceptions (municipality_id, settlement_id, kind, subject_key, citizen_id, citizen_ref, service_code, category, date,
                                            visit_id, external_id, grant_id, minutes, amount, message, reason_codes, params)
         select :m, h.id, x->>0, x->>1, (x->>2)::int, x->>3, x->>4, x->>5, (x->>6)::date, (x->>7)::bigint, x->>8, (x->>9)::int, (x->>10)::int,
                (x->>11)::numeric, x->>12, string_to_array(x->>13, :sep), coalesce(x->14, '{}'::jsonb)
           from h, jsonb_array_elements(:exceptions::jsonb) x
       ), v as (
         insert into settlement_vat (municipality_id, settlement_id, percent, exemption_reason, base, vat)
         select :m, h.id, (x->>0)::numeric, x->>1, (x->>2)::numeric, (x->>3)::numeric from h, jsonb_array_elements(:vatGroups::jsonb) x
       )
       select id, computed_at from h`,
      {
        m: s.municipalityId,
        provider: s.providerId,
        from: s.period.from,
        to: s.period.to,
        kind: s.kind,
        sequence: s.sequence,
        corrects: s.correctsId,
        model: s.modelId,
        priceList: s.priceListId,
        fingerprint: s.fingerprint,
        decisionsDigest: s.decisionsDigest,
        currency: s.currency,
        excl: doc.totalExclVat.toFixed(2),
        vat: doc.vatTotal.toFixed(2),
        incl: doc.totalInclVat.toFixed(2),
        lineCount: doc.lines.length,
        exceptionCount: doc.exceptions.length,
        by: s.computedBy,
        sep: SEP,
        lines: JSON.stringify(lines),
        exceptions: JSON.stringify(exceptions),
        vatGroups: JSON.stringify(vat),
      },
    );
    const row = r.rows[0] as { id: number; computed_at: Date };
    return { id: row.id, computedAt: row.computed_at.toISOString() };
  },

  async approve(tx: Knex.Transaction, m: number, id: number, actor: string) {
    await tx('settlements').where({ municipality_id: m, id }).update({ status: 'approved', approved_at: tx.fn.now(), approved_by: actor });
  },

  async lock(tx: Knex.Transaction, m: number, p: Period, actor: string) {
    const r = await tx.raw(
      `insert into period_locks (municipality_id, period_start, locked_by) values (?, ?, ?) on conflict do nothing returning locked_at`,
      [m, p.from, actor],
    );
    return r.rows.length > 0;
  },

  async unlock(tx: Knex.Transaction, m: number, p: Period) {
    return (await tx('period_locks').where({ municipality_id: m, period_start: p.from }).delete()) > 0;
  },

  async locks(db: Db, m: number) {
    const rows = await db('period_locks').where({ municipality_id: m }).orderBy('period_start', 'desc');
    return rows.map((r) => ({
      period: String(r.period_start).slice(0, 7),
      locked: true,
      lockedAt: (r.locked_at as Date).toISOString(),
      lockedBy: r.locked_by as string,
    }));
  },
};
