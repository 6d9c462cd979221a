import type { Knex } from 'knex';
import type { Scope } from '../auth/auth-types.js';
import { formatRate } from '../../shared/money.js';
import type { Adjustment, RecalculationSummary } from './recalc-schemas.js';
import type { AdjustmentResult, CostLine, PriceCategory, RecalcResult, RecalcSettings } from './recalc-types.js';

type Db = Knex | Knex.Transaction;
type Page = { limit: number; offset: number };
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface StatementRow {
  id: number;
  year: number;
  /** The span the statement covers, [periodFrom, periodTo): the whole year unless it was given one. */
  periodFrom: string;
  periodTo: string;
  providerId: number;
  providerRef: string;
  hoursSource: 'visits' | 'entered';
  note: string | null;
  frozenAt: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface EnteredHoursRow {
  categoryCode: string;
  deliveredHours: string | null;
  /** A level category's delivered level-days, when entered. */
  deliveredDays: string | null;
  staffHours: string | null;
  method: string | null;
}

export interface StatementContent {
  /** A span of the year ([from, to), 1sts of months); null or absent: the whole year. */
  span?: { from: string; to: string } | null;
  providerId: number;
  hoursSource: 'visits' | 'entered';
  note: string | null;
  categories: PriceCategory[];
  lines: CostLine[];
  hours: EnteredHoursRow[];
}

const toStatement = (r: Record<string, any>): StatementRow => ({
  id: r.id,
  year: r.year,
  periodFrom: r.period_from ?? `${r.year}-01-01`,
  periodTo: r.period_to ?? `${r.year + 1}-01-01`,
  providerId: r.provider_id,
  providerRef: r.provider_ref,
  hoursSource: r.hours_source,
  note: r.note,
  frozenAt: iso(r.frozen_at),
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
  updatedAt: r.updated_at.toISOString(),
  updatedBy: r.updated_by,
});

/** Recalculations with the span of their cost statement. */
const withSpan = (db: Db) =>
  db('price_recalculations as r')
    .join('cost_statements as c', function () {
      this.on('c.municipality_id', 'r.municipality_id').andOn('c.id', 'r.cost_statement_id');
    })
    .select('r.*', 'c.period_from', 'c.period_to');

// numeric arrives as text: "12.5000" → "12.5" (trailing zeros trimmed), never through a JS number.
const trim = (s: string | null) => (s === null ? null : s.includes('.') ? s.replace(/\.?0+$/, '') : s);

export interface RecalcRow {
  id: number;
  year: number;
  /** The span of its cost statement, [periodFrom, periodTo). */
  periodFrom: string;
  periodTo: string;
  status: 'draft' | 'approved';
  costStatementId: number;
  settings: RecalcSettings;
  result: RecalcResult;
  fingerprint: string;
  currency: string;
  computedAt: string;
  computedBy: string;
  approvedAt: string | null;
  approvedBy: string | null;
  proposedPriceListId: number | null;
  adoptedAt: string | null;
  adoptedBy: string | null;
}

const toRecalc = (r: Record<string, any>): RecalcRow => ({
  id: r.id,
  year: r.year,
  periodFrom: r.period_from ?? `${r.year}-01-01`,
  periodTo: r.period_to ?? `${r.year + 1}-01-01`,
  status: r.status,
  costStatementId: r.cost_statement_id,
  settings: r.settings,
  result: r.result,
  fingerprint: r.fingerprint,
  currency: r.currency,
  computedAt: r.computed_at.toISOString(),
  computedBy: r.computed_by,
  approvedAt: iso(r.approved_at),
  approvedBy: r.approved_by,
  proposedPriceListId: r.proposed_price_list_id,
  adoptedAt: iso(r.adopted_at),
  adoptedBy: r.adopted_by,
});

export const summaryOf = (r: RecalcRow): RecalculationSummary => {
  const { result, ...rest } = r;
  return {
    ...rest,
    prices: result.categories.map((c) => ({ code: c.code, name: c.name, price: c.price, publishedPriceInclVat: c.publishedPriceInclVat })),
    adjustmentsExclVat: result.totals.adjustmentsExclVat,
  };
};

export const recalcStore = {
  // ---- settings ------------------------------------------------------------------------------
  async settings(db: Db, m: number): Promise<RecalcSettings | null> {
    const r = await db('price_recalculation_settings').where({ municipality_id: m }).first();
    if (!r) return null;
    return {
      policy: r.policy,
      overheadPercent: trim(r.overhead_percent),
      priceDecimals: r.price_decimals,
      rounding: r.rounding,
      publishedVatPercent: trim(r.published_vat_percent)!,
      ...(Object.keys(r.kind_policies ?? {}).length > 0 ? { kindPolicies: r.kind_policies } : {}),
    };
  },

  async putSettings(tx: Knex.Transaction, m: number, s: RecalcSettings, actor: string) {
    const row = {
      municipality_id: m,
      policy: s.policy,
      overhead_percent: s.overheadPercent,
      price_decimals: s.priceDecimals,
      rounding: s.rounding,
      published_vat_percent: s.publishedVatPercent,
      kind_policies: JSON.stringify(s.kindPolicies ?? {}),
      updated_at: tx.fn.now(),
      updated_by: actor,
    };
    await tx('price_recalculation_settings').insert(row).onConflict('municipality_id').merge();
  },

  // ---- cost statements -----------------------------------------------------------------------
  /** The statement of a year that starts on `from` (default 1 January: the whole year, or its first span). */
  async statement(db: Db, m: number, year: number, lock = false, from = `${year}-01-01`): Promise<StatementRow | undefined> {
    const q = db('cost_statements as c')
      .join('providers as p', function () {
        this.on('p.municipality_id', 'c.municipality_id').andOn('p.id', 'c.provider_id');
      })
      .where({ 'c.municipality_id': m, 'c.year': year })
      .andWhereRaw('coalesce(c.period_from, make_date(c.year, 1, 1)) = ?::date', [from])
      .first('c.*', 'p.ref as provider_ref');
    if (lock) q.forUpdate();
    const r = await q;
    return r ? toStatement(r) : undefined;
  },

  async statementContent(db: Db, m: number, statementId: number): Promise<Pick<StatementContent, 'categories' | 'lines' | 'hours'>> {
    // One after the other: inside a transaction there is one connection.
    const cats = await db('cost_statement_categories').where({ municipality_id: m, statement_id: statementId }).orderBy('position');
    const lines = await db('cost_lines').where({ municipality_id: m, statement_id: statementId }).orderBy('line_no');
    const hours = await db('cost_statement_hours as h')
      .join('cost_statement_categories as c', function () {
        this.on('c.statement_id', 'h.statement_id').andOn('c.code', 'h.category_code');
      })
      .where({ 'h.municipality_id': m, 'h.statement_id': statementId })
      .orderBy('c.position')
      .select('h.*');
    return {
      // Level and overhead fields only where set, so an hourly statement reads back (and fingerprints) as before.
      categories: cats.map((c) => ({
        code: c.code,
        name: c.name,
        priceGroup: c.price_group,
        timeBands: c.time_bands,
        ...(c.level_code ? { level: { code: c.level_code, unit: c.unit } } : {}),
        ...(c.overhead_percent !== null ? { overheadPercent: trim(c.overhead_percent) } : {}),
      })),
      lines: lines.map((l) => ({
        lineNo: l.line_no,
        element: l.element,
        description: l.description,
        amount: l.amount,
        costType: l.cost_type,
        assessmentUnit: l.assessment_unit,
        allocation:
          l.allocation === 'shares' ? { type: 'shares' as const, shares: l.shares } : { type: 'driver' as const, driver: l.allocation },
      })),
      hours: hours.map((h) => ({
        categoryCode: h.category_code,
        deliveredHours: trim(h.delivered_hours),
        deliveredDays: trim(h.delivered_days),
        staffHours: trim(h.staff_hours),
        method: h.method,
      })),
    };
  },

  /** Writes the whole statement (header, categories, lines, hours), replacing what was there. */
  async replaceStatement(
    tx: Knex.Transaction,
    m: number,
    year: number,
    existingId: number | null,
    c: StatementContent,
    actor: string,
  ): Promise<number> {
    let id = existingId;
    const span = c.span && !(c.span.from === `${year}-01-01` && c.span.to === `${year + 1}-01-01`) ? c.span : null;
    const header = {
      period_from: span?.from ?? null,
      period_to: span?.to ?? null,
      provider_id: c.providerId,
      hours_source: c.hoursSource,
      note: c.note,
      updated_at: tx.fn.now(),
      updated_by: actor,
    };
    if (id === null) {
      const [row] = await tx('cost_statements')
        .insert({ municipality_id: m, year, created_by: actor, ...header })
        .returning('id');
      id = row.id as number;
    } else {
      await tx('cost_statements').where({ municipality_id: m, id }).update(header);
      await tx('cost_lines').where({ municipality_id: m, statement_id: id }).delete();
      await tx('cost_statement_categories').where({ municipality_id: m, statement_id: id }).delete();
    }
    if (c.categories.length) {
      await tx('cost_statement_categories').insert(
        c.categories.map((k, i) => ({
          municipality_id: m,
          statement_id: id,
          position: i + 1,
          code: k.code,
          name: k.name,
          price_group: k.priceGroup,
          time_bands: k.timeBands,
          level_code: k.level?.code ?? null,
          unit: k.level?.unit ?? null,
          overhead_percent: k.overheadPercent ?? null,
        })),
      );
    }
    if (c.lines.length) {
      await tx('cost_lines').insert(
        c.lines.map((l) => ({
          municipality_id: m,
          statement_id: id,
          line_no: l.lineNo,
          element: l.element,
          description: l.description,
          amount: l.amount,
          cost_type: l.costType,
          assessment_unit: l.assessmentUnit,
          allocation: l.allocation.type === 'shares' ? 'shares' : l.allocation.driver,
          shares: l.allocation.type === 'shares' ? JSON.stringify(l.allocation.shares) : null,
        })),
      );
    }
    if (c.hours.length) {
      await tx('cost_statement_hours').insert(
        c.hours.map((h) => ({
          municipality_id: m,
          statement_id: id,
          category_code: h.categoryCode,
          delivered_hours: h.deliveredHours,
          delivered_days: h.deliveredDays,
          staff_hours: h.staffHours,
          method: h.method,
        })),
      );
    }
    return id;
  },

  async freezeStatement(tx: Knex.Transaction, m: number, id: number) {
    await tx('cost_statements').where({ municipality_id: m, id }).whereNull('frozen_at').update({ frozen_at: tx.fn.now() });
  },

  // ---- recalculations ------------------------------------------------------------------------
  async recalc(db: Db, m: number, id: number, lock = false): Promise<RecalcRow | undefined> {
    const q = withSpan(db).where({ 'r.municipality_id': m, 'r.id': id }).first();
    if (lock) q.forUpdate('r');
    const r = await q;
    return r ? toRecalc(r) : undefined;
  },

  /** The recalculation of a year whose statement starts on `from` (default 1 January). */
  async recalcOfYear(db: Db, m: number, year: number, lock = false, from = `${year}-01-01`): Promise<RecalcRow | undefined> {
    const q = withSpan(db)
      .where({ 'r.municipality_id': m, 'r.year': year })
      .andWhereRaw('coalesce(c.period_from, make_date(c.year, 1, 1)) = ?::date', [from])
      .first();
    if (lock) q.forUpdate('r');
    const r = await q;
    return r ? toRecalc(r) : undefined;
  },

  /** The recalculation computed from a cost statement (one each). */
  async recalcOfStatement(db: Db, m: number, statementId: number, lock = false): Promise<RecalcRow | undefined> {
    const q = withSpan(db).where({ 'r.municipality_id': m, 'r.cost_statement_id': statementId }).first();
    if (lock) q.forUpdate('r');
    const r = await q;
    return r ? toRecalc(r) : undefined;
  },

  async statementById(db: Db, m: number, id: number): Promise<StatementRow | undefined> {
    const r = await db('cost_statements as c')
      .join('providers as p', function () {
        this.on('p.municipality_id', 'c.municipality_id').andOn('p.id', 'c.provider_id');
      })
      .where({ 'c.municipality_id': m, 'c.id': id })
      .first('c.*', 'p.ref as provider_ref');
    return r ? toStatement(r) : undefined;
  },

  async list(db: Db, m: number, f: { year?: number }, page: Page) {
    const q = withSpan(db).where({ 'r.municipality_id': m });
    if (f.year) q.andWhere('r.year', f.year);
    const [{ count }] = (await q.clone().clearSelect().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .orderBy([
        { column: 'r.year', order: 'desc' },
        { column: 'period_from', order: 'desc' },
      ])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toRecalc), total: Number(count) };
  },

  async writeDraft(
    tx: Knex.Transaction,
    m: number,
    existingId: number | null,
    d: {
      year: number;
      costStatementId: number;
      settings: RecalcSettings;
      result: RecalcResult;
      fingerprint: string;
      currency: string;
      actor: string;
    },
  ): Promise<number> {
    const row = {
      cost_statement_id: d.costStatementId,
      settings: JSON.stringify(d.settings),
      result: JSON.stringify(d.result),
      fingerprint: d.fingerprint,
      currency: d.currency,
      computed_at: tx.fn.now(),
      computed_by: d.actor,
    };
    if (existingId !== null) {
      await tx('price_adjustments').where({ municipality_id: m, recalculation_id: existingId }).delete();
      await tx('price_recalculations').where({ municipality_id: m, id: existingId }).update(row);
      return existingId;
    }
    const [r] = await tx('price_recalculations')
      .insert({ municipality_id: m, year: d.year, status: 'draft', ...row })
      .returning('id');
    return r.id as number;
  },

  async insertAdjustments(
    tx: Knex.Transaction,
    m: number,
    recalculationId: number,
    currency: string,
    adjustments: readonly AdjustmentResult[],
    serviceCategory: (priceGroup: string) => string,
  ) {
    for (const a of adjustments) {
      const [row] = await tx('price_adjustments')
        .insert({
          municipality_id: m,
          recalculation_id: recalculationId,
          provider_id: a.providerId,
          currency,
          total_excl_vat: a.totalExclVat,
          vat: a.vatTotal,
          total_incl_vat: a.totalInclVat,
          vat_groups: JSON.stringify(a.vat),
        })
        .returning('id');
      if (a.lines.length === 0) continue;
      await tx('price_adjustment_lines').insert(
        a.lines.map((l) => ({
          municipality_id: m,
          adjustment_id: row.id,
          line_no: l.lineNo,
          unit: l.unit ?? 'per_hour',
          category_code: l.categoryCode,
          service_category: serviceCategory(l.priceGroup),
          price_group: l.priceGroup,
          band: l.band,
          paid_rate: l.paidRate,
          new_price: l.newPrice,
          difference: l.difference,
          minutes: l.minutes,
          hours: l.hours,
          amount: l.amount,
          vat_percent: l.vatPercent,
        })),
      );
    }
  },

  async approve(tx: Knex.Transaction, m: number, id: number, actor: string, proposedPriceListId: number) {
    await tx('price_recalculations')
      .where({ municipality_id: m, id })
      .update({ status: 'approved', approved_at: tx.fn.now(), approved_by: actor, proposed_price_list_id: proposedPriceListId });
  },

  async setAdopted(tx: Knex.Transaction, m: number, id: number, actor: string) {
    await tx('price_recalculations').where({ municipality_id: m, id }).update({ adopted_at: tx.fn.now(), adopted_by: actor });
  },

  // ---- adjustments ---------------------------------------------------------------------------
  /** Adjustments with provider, recalculation status and the invoice issued for each; a provider scope sees its own only. */
  async adjustments(
    db: Db,
    scope: Scope,
    f: { recalculationId?: number; year?: number; providerId?: number; id?: number },
    page: Page = { limit: 1000, offset: 0 },
  ) {
    const q = db('price_adjustments as a')
      .join('price_recalculations as r', function () {
        this.on('r.municipality_id', 'a.municipality_id').andOn('r.id', 'a.recalculation_id');
      })
      .join('providers as p', function () {
        this.on('p.municipality_id', 'a.municipality_id').andOn('p.id', 'a.provider_id');
      })
      .leftJoin('invoices as i', function () {
        this.on('i.municipality_id', 'a.municipality_id').andOn('i.price_adjustment_id', 'a.id');
      })
      .leftJoin('payment_bases as pb', function () {
        this.on('pb.municipality_id', 'a.municipality_id').andOn('pb.price_adjustment_id', 'a.id');
      })
      .where('a.municipality_id', scope.municipalityId);
    if (scope.providerId !== null) q.andWhere('a.provider_id', scope.providerId);
    if (f.recalculationId) q.andWhere('a.recalculation_id', f.recalculationId);
    if (f.year) q.andWhere('r.year', f.year);
    if (f.providerId) q.andWhere('a.provider_id', f.providerId);
    if (f.id) q.andWhere('a.id', f.id);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .orderBy([{ column: 'r.year', order: 'desc' }, { column: 'p.ref' }])
      .limit(page.limit)
      .offset(page.offset)
      .select(
        'a.*',
        'r.year',
        'r.status',
        'p.ref as provider_ref',
        'p.name as provider_name',
        'i.number as invoice_number',
        'i.kind as invoice_kind',
        'i.issue_date as invoice_issue_date',
        'pb.reference as payment_basis',
      );
    const ids = rows.map((r) => r.id as number);
    const lines = ids.length
      ? await db('price_adjustment_lines')
          .where('municipality_id', scope.municipalityId)
          .whereIn('adjustment_id', ids)
          .orderBy(['adjustment_id', 'line_no'])
      : [];
    const items: Adjustment[] = rows.map((r) => ({
      id: r.id,
      recalculationId: r.recalculation_id,
      year: r.year,
      status: r.status,
      providerId: r.provider_id,
      providerRef: r.provider_ref,
      providerName: r.provider_name,
      currency: r.currency,
      totalExclVat: r.total_excl_vat,
      vat: r.vat,
      totalInclVat: r.total_incl_vat,
      lines: lines
        .filter((l) => l.adjustment_id === r.id)
        .map((l) => ({
          lineNo: l.line_no,
          unit: l.unit,
          categoryCode: l.category_code,
          priceGroup: l.price_group,
          band: l.band,
          paidRate: formatRate(l.paid_rate),
          newPrice: formatRate(l.new_price),
          difference: l.difference,
          minutes: l.minutes,
          hours: l.hours,
          amount: l.amount,
          vatPercent: l.vat_percent,
        })),
      invoice: r.invoice_number ? { number: r.invoice_number, kind: r.invoice_kind, issueDate: r.invoice_issue_date } : null,
      paymentBasis: r.payment_basis ?? null,
    }));
    return { items, total: Number(count) };
  },

  /** An adjustment with everything an invoice needs, locked until the transaction ends (concurrent issues queue here). */
  async lockAdjustment(tx: Knex.Transaction, m: number, id: number) {
    const a = await tx('price_adjustments').where({ municipality_id: m, id }).forUpdate().first();
    if (!a) return undefined;
    const r = await withSpan(tx).where({ 'r.municipality_id': m, 'r.id': a.recalculation_id }).first();
    const lines = await tx('price_adjustment_lines').where({ municipality_id: m, adjustment_id: id }).orderBy('line_no');
    return {
      id: a.id as number,
      recalculationId: a.recalculation_id as number,
      year: r.year as number,
      periodFrom: (r.period_from as string | null) ?? `${r.year}-01-01`,
      periodTo: (r.period_to as string | null) ?? `${r.year + 1}-01-01`,
      status: r.status as 'draft' | 'approved',
      providerId: a.provider_id as number,
      currency: a.currency as string,
      totalExclVat: a.total_excl_vat as string,
      vat: a.vat as string,
      totalInclVat: a.total_incl_vat as string,
      vatGroups: a.vat_groups as { percent: string; base: string; vat: string }[],
      lines: lines.map((l) => ({
        lineNo: l.line_no as number,
        unit: l.unit as 'per_hour' | 'per_day' | 'per_week' | 'per_month',
        categoryCode: l.category_code as string,
        serviceCategory: l.service_category as string,
        band: l.band as string,
        paidRate: l.paid_rate as string,
        newPrice: l.new_price as string,
        difference: l.difference as string,
        minutes: l.minutes as number,
        hours: l.hours as string,
        amount: l.amount as string,
        vatPercent: l.vat_percent as string,
      })),
    };
  },
};

export type LockedAdjustment = NonNullable<Awaited<ReturnType<typeof recalcStore.lockAdjustment>>>;
