import type { Knex } from 'knex';
import { formatMoney } from '../../shared/money.js';
import type { Scope } from '../auth/auth-types.js';
import type { LineData, VatData } from './invoice-document.js';
import type { InvoiceDocument, InvoiceKind } from './invoice-types.js';
import { ublProfileOf } from './invoice-ubl.js';
import type { Invoice, InvoiceDetail, InvoiceFilter } from './invoices-schemas.js';

type Db = Knex | Knex.Transaction;
type Page = { limit: number; offset: number };

const toInvoice = (r: Record<string, any>): Invoice => {
  const profile: Invoice['profile'] = r.profile ?? 'billing';
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    profile,
    typeCode: profile === 'internal' ? null : ublProfileOf({ profile, kind: r.kind }).typeCode,
    settlementId: r.settlement_id,
    priceAdjustmentId: r.price_adjustment_id ?? null,
    providerId: r.provider_id,
    providerRef: r.provider_ref,
    providerName: r.provider_name,
    period: r.price_adjustment_id ? String(r.period_start).slice(0, 4) : String(r.period_start).slice(0, 7),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    correctsNumber: r.corrects_number ?? null,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    totalExclVat: formatMoney(r.total_excl_vat),
    vat: formatMoney(r.vat),
    totalInclVat: formatMoney(r.total_incl_vat),
    lineCount: r.line_count,
    issuedAt: (r.issued_at as Date).toISOString(),
    issuedBy: r.issued_by,
    links: { pdf: `/api/invoices/${r.number}.pdf`, xml: profile === 'internal' ? null : `/api/invoices/${r.number}.xml` },
  };
};

/** Invoices with the provider's ref and name and the number they correct. A provider token sees its own only. */
const invoices = (db: Db, scope: Scope) => {
  const q = db('invoices as i')
    .join('providers as p', function () {
      this.on('p.municipality_id', 'i.municipality_id').andOn('p.id', 'i.provider_id');
    })
    .leftJoin('invoices as c', function () {
      this.on('c.municipality_id', 'i.municipality_id').andOn('c.id', 'i.corrects_invoice_id');
    })
    .where('i.municipality_id', scope.municipalityId);
  if (scope.providerId !== null) q.andWhere('i.provider_id', scope.providerId);
  return q;
};
const summary = (db: Db) => [
  'i.id',
  'i.number',
  'i.kind',
  'i.settlement_id',
  'i.price_adjustment_id',
  'i.provider_id',
  'i.period_start',
  'i.period_end',
  'i.issue_date',
  'i.due_date',
  'i.currency',
  'i.total_excl_vat',
  'i.vat',
  'i.total_incl_vat',
  'i.line_count',
  'i.issued_at',
  'i.issued_by',
  'p.ref as provider_ref',
  'p.name as provider_name',
  'c.number as corrects_number',
  db.raw("i.document->>'profile' as profile"),
];

export interface SettlementRow {
  id: number;
  providerId: number;
  kind: 'regular' | 'correction';
  sequence: number;
  correctsId: number | null;
  status: 'draft' | 'approved' | 'invoiced';
  periodStart: string;
  periodEnd: string;
  currency: string;
  totalExclVat: string;
  vat: string;
  totalInclVat: string;
}

const toSettlementRow = (r: Record<string, any>): SettlementRow => ({
  id: r.id,
  providerId: r.provider_id,
  kind: r.kind,
  sequence: r.sequence,
  correctsId: r.corrects_id,
  status: r.status,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  currency: r.currency,
  totalExclVat: r.total_excl_vat,
  vat: r.vat,
  totalInclVat: r.total_incl_vat,
});

export interface NewInvoice {
  municipalityId: number;
  number: string;
  year: number;
  sequenceNo: number;
  kind: InvoiceKind;
  /** Exactly one of settlementId and priceAdjustmentId. */
  settlementId: number | null;
  priceAdjustmentId?: number | null;
  providerId: number;
  periodStart: string;
  periodEnd: string;
  correctsInvoiceId: number | null;
  issueDate: string;
  dueDate: string;
  document: InvoiceDocument;
  issuedBy: string;
}

export const invoicesStore = {
  async list(db: Db, scope: Scope, f: InvoiceFilter, page: Page) {
    const q = invoices(db, scope);
    if (f.providerId) q.andWhere('i.provider_id', f.providerId);
    if (f.period) q.andWhere('i.period_start', `${f.period}-01`);
    if (f.kind) q.andWhere('i.kind', f.kind);
    if (f.year) q.andWhere('i.year', f.year);
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .select(summary(db))
      .orderBy([{ column: 'i.year' }, { column: 'i.sequence_no' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toInvoice), total: Number(count) };
  },

  async getByNumber(db: Db, scope: Scope, number: string): Promise<InvoiceDetail | undefined> {
    const row = await invoices(db, scope)
      .andWhere('i.number', number)
      .first([...summary(db), 'i.document']);
    return row ? { ...toInvoice(row), document: row.document as InvoiceDocument } : undefined;
  },

  async getBySettlement(db: Db, municipalityId: number, settlementId: number): Promise<InvoiceDetail | undefined> {
    const row = await invoices(db, { municipalityId, providerId: null })
      .andWhere('i.settlement_id', settlementId)
      .first([...summary(db), 'i.document']);
    return row ? { ...toInvoice(row), document: row.document as InvoiceDocument } : undefined;
  },

  async getByAdjustment(db: Db, municipalityId: number, adjustmentId: number): Promise<InvoiceDetail | undefined> {
    const row = await invoices(db, { municipalityId, providerId: null })
      .andWhere('i.price_adjustment_id', adjustmentId)
      .first([...summary(db), 'i.document']);
    return row ? { ...toInvoice(row), document: row.document as InvoiceDocument } : undefined;
  },

  /** The provider's latest invoice (kind invoice) for a month of the year: what a retro price adjustment refers to. */
  async lastInvoiceOfYear(db: Db, municipalityId: number, providerId: number, year: number): Promise<InvoiceDetail | undefined> {
    const row = await invoices(db, { municipalityId, providerId })
      .andWhere('i.kind', 'invoice')
      .whereNotNull('i.settlement_id')
      .andWhere('i.period_start', '>=', `${year}-01-01`)
      .andWhere('i.period_start', '<', `${year + 1}-01-01`)
      .orderBy([
        { column: 'i.period_start', order: 'desc' },
        { column: 'i.year', order: 'desc' },
        { column: 'i.sequence_no', order: 'desc' },
      ])
      .first([...summary(db), 'i.document']);
    return row ? { ...toInvoice(row), document: row.document as InvoiceDocument } : undefined;
  },

  /**
   * The exemption reasons the provider's settlements of the year gave for a VAT rate (what an
   * adjustment at that rate repeats), in order and joined by "; " when there were several; null
   * when none gave one.
   */
  async exemptionReasonOfYear(db: Db, municipalityId: number, providerId: number, year: number, percent: string): Promise<string | null> {
    const rows: { exemption_reason: string }[] = await db('settlement_vat as v')
      .join('settlements as s', function () {
        this.on('s.municipality_id', 'v.municipality_id').andOn('s.id', 'v.settlement_id');
      })
      .where({ 'v.municipality_id': municipalityId, 's.provider_id': providerId, 'v.percent': percent })
      .whereNotNull('v.exemption_reason')
      .andWhere('s.period_start', '>=', `${year}-01-01`)
      .andWhere('s.period_start', '<', `${year + 1}-01-01`)
      .distinct('v.exemption_reason');
    return rows.length
      ? rows
          .map((r) => r.exemption_reason)
          .sort()
          .join('; ')
      : null;
  },

  /** The settlement, locked until the transaction ends: concurrent issues of it queue here. */
  async lockSettlement(tx: Knex.Transaction, municipalityId: number, id: number): Promise<SettlementRow | undefined> {
    const row = await tx('settlements').where({ municipality_id: municipalityId, id }).forUpdate().first();
    return row ? toSettlementRow(row) : undefined;
  },

  async getSettlement(db: Db, scope: Scope, id: number): Promise<(SettlementRow & { providerRef: string }) | undefined> {
    const q = db('settlements as s')
      .join('providers as p', 'p.id', 's.provider_id')
      .where({ 's.municipality_id': scope.municipalityId, 's.id': id })
      .first('s.*', 'p.ref as provider_ref');
    if (scope.providerId !== null) q.andWhere('s.provider_id', scope.providerId);
    const row = await q;
    return row ? { ...toSettlementRow(row), providerRef: row.provider_ref } : undefined;
  },

  async municipalityOfSettlement(db: Db, id: number): Promise<string | undefined> {
    const row = await db('settlements as s').join('municipalities as m', 'm.id', 's.municipality_id').where('s.id', id).first('m.code');
    return row?.code;
  },

  async settlementLines(db: Db, municipalityId: number, settlementId: number): Promise<LineData[]> {
    const rows = await db('settlement_lines').where({ municipality_id: municipalityId, settlement_id: settlementId }).orderBy('line_no');
    return rows.map((r) => ({
      lineNo: r.line_no,
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
    }));
  },

  async settlementVat(db: Db, municipalityId: number, settlementId: number): Promise<VatData[]> {
    const rows = await db('settlement_vat')
      .where({ municipality_id: municipalityId, settlement_id: settlementId })
      .orderBy('percent', 'desc');
    return rows.map((r) => ({ percent: r.percent, exemptionReason: r.exemption_reason, base: r.base, vat: r.vat }));
  },

  async municipality(db: Db, id: number) {
    return db('municipalities').where({ id }).first();
  },

  /** The provider with `in_house`: whether its kind is the municipality's own provision. */
  async provider(db: Db, municipalityId: number, id: number) {
    return db('providers as p')
      .leftJoin('provider_kinds as k', (j) => j.on('k.municipality_id', 'p.municipality_id').andOn('k.code', 'p.kind'))
      .where({ 'p.municipality_id': municipalityId, 'p.id': id })
      .first('p.*', db.raw('coalesce(k.in_house, false) as in_house'));
  },

  async insert(tx: Knex.Transaction, i: NewInvoice): Promise<void> {
    const t = i.document.totals;
    await tx('invoices').insert({
      municipality_id: i.municipalityId,
      number: i.number,
      year: i.year,
      sequence_no: i.sequenceNo,
      kind: i.kind,
      series: i.number.startsWith('I') ? 'I' : '',
      settlement_id: i.settlementId,
      price_adjustment_id: i.priceAdjustmentId ?? null,
      provider_id: i.providerId,
      period_start: i.periodStart,
      period_end: i.periodEnd,
      corrects_invoice_id: i.correctsInvoiceId,
      issue_date: i.issueDate,
      due_date: i.dueDate,
      currency: i.document.currency,
      total_excl_vat: t.exclVat,
      vat: t.vat,
      total_incl_vat: t.inclVat,
      line_count: i.document.lines.length,
      document: JSON.stringify(i.document),
      issued_by: i.issuedBy,
    });
  },

  async markInvoiced(tx: Knex.Transaction, municipalityId: number, settlementId: number): Promise<void> {
    await tx('settlements')
      .where({ municipality_id: municipalityId, id: settlementId })
      .update({ status: 'invoiced', invoiced_at: tx.fn.now() });
  },

  /** Approved settlements of a municipality that have no invoice yet, regular ones first (corrections refer to them). */
  async uninvoiced(db: Db, municipalityId: number): Promise<number[]> {
    const rows = await db('settlements')
      .where({ municipality_id: municipalityId, status: 'approved' })
      .orderBy([{ column: 'period_start' }, { column: 'sequence' }, { column: 'provider_id' }])
      .select('id');
    return rows.map((r) => r.id);
  },

  async paymentTerms(db: Db, municipalityId: number): Promise<number> {
    const row = await db('municipalities').where({ id: municipalityId }).first('invoice_payment_terms_days');
    return row.invoice_payment_terms_days;
  },

  async setPaymentTerms(tx: Knex.Transaction, municipalityId: number, days: number): Promise<void> {
    await tx('municipalities').where({ id: municipalityId }).update({ invoice_payment_terms_days: days, updated_at: tx.fn.now() });
  },
};
