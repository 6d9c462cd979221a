import type { Knex } from 'knex';
import { formatMoney } from '../../shared/money.js';
import type { Scope } from '../auth/auth-types.js';
import type { BasisDocument, Difference, Outcome, Reason, Verdict } from './invoice-control-types.js';
import type { PaymentBasis, ReceivedDocument } from './invoice-control-schemas.js';

type Db = Knex | Knex.Transaction;
type Page = { limit: number; offset: number };

const money = (v: string | null) => (v === null ? null : formatMoney(v));

const toBasis = (r: Record<string, any>): PaymentBasis => ({
  id: r.id,
  reference: r.reference,
  settlementId: r.settlement_id,
  priceAdjustmentId: r.price_adjustment_id ?? null,
  providerId: r.provider_id,
  providerRef: r.provider_ref,
  providerName: r.provider_name,
  // An adjustment's basis is for the year it recalculates.
  period: String(r.period_start).slice(0, r.price_adjustment_id ? 4 : 7),
  periodStart: r.period_start,
  periodEnd: r.period_end,
  currency: r.currency,
  totalExclVat: formatMoney(r.total_excl_vat),
  vat: formatMoney(r.vat),
  totalInclVat: formatMoney(r.total_incl_vat),
  issuedAt: (r.issued_at as Date).toISOString(),
  issuedBy: r.issued_by,
  links: { pdf: `/api/payment-bases/${r.reference}.pdf`, csv: `/api/payment-bases/${r.reference}.csv` },
});

export const outcomeOf = (verdict: Verdict, decision: 'accepted' | 'rejected' | null): Outcome => decision ?? verdict;

const toReceived = (r: Record<string, any>): ReceivedDocument => ({
  id: r.id,
  source: r.source,
  filename: r.filename,
  sizeBytes: Number(r.size_bytes),
  sha256: r.sha256,
  documentType: r.document_type,
  typeCode: r.type_code,
  number: r.number,
  issueDate: r.issue_date,
  sellerName: r.seller_name,
  sellerEndpoint: r.seller_endpoint ? `${r.seller_endpoint_scheme}:${r.seller_endpoint}` : null,
  providerId: r.provider_id,
  providerRef: r.provider_ref ?? null,
  paymentBasisReference: r.basis_reference ?? null,
  quotedReference: r.quoted_reference,
  currency: r.currency,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  totalExclVat: money(r.total_excl_vat),
  vat: money(r.vat),
  payable: money(r.payable),
  verdict: r.verdict,
  outcome: outcomeOf(r.verdict, r.decision),
  readyForPayment: outcomeOf(r.verdict, r.decision) === 'matched' || r.decision === 'accepted',
  reasons: r.reasons,
  differences: r.differences,
  violations: r.violations,
  decision: r.decision ? { decision: r.decision, note: r.decision_note, by: r.decided_by, at: (r.decided_at as Date).toISOString() } : null,
  receivedAt: (r.received_at as Date).toISOString(),
  receivedBy: r.received_by,
  links: { original: `/api/received-invoices/${r.id}/original`, response: `/api/received-invoices/${r.id}/response.xml` },
});

const bases = (db: Db, scope: Scope) => {
  const q = db('payment_bases as b')
    .join('providers as p', function () {
      this.on('p.municipality_id', 'b.municipality_id').andOn('p.id', 'b.provider_id');
    })
    .where('b.municipality_id', scope.municipalityId);
  if (scope.providerId !== null) q.andWhere('b.provider_id', scope.providerId);
  return q;
};
const BASIS_COLUMNS = ['b.*', 'p.ref as provider_ref', 'p.name as provider_name'];

const received = (db: Db, scope: Scope) => {
  const q = db('received_documents as d')
    .leftJoin('providers as p', function () {
      this.on('p.municipality_id', 'd.municipality_id').andOn('p.id', 'd.provider_id');
    })
    .leftJoin('payment_bases as b', function () {
      this.on('b.municipality_id', 'd.municipality_id').andOn('b.id', 'd.payment_basis_id');
    })
    .where('d.municipality_id', scope.municipalityId);
  // A provider sees the documents carepay attributed to it; an unattributed one belongs to no provider.
  if (scope.providerId !== null) q.andWhere('d.provider_id', scope.providerId);
  return q;
};
const RECEIVED_COLUMNS = [
  'd.id',
  'd.source',
  'd.filename',
  'd.size_bytes',
  'd.sha256',
  'd.document_type',
  'd.type_code',
  'd.number',
  'd.issue_date',
  'd.seller_name',
  'd.seller_endpoint',
  'd.seller_endpoint_scheme',
  'd.provider_id',
  'd.quoted_reference',
  'd.currency',
  'd.period_start',
  'd.period_end',
  'd.total_excl_vat',
  'd.vat',
  'd.payable',
  'd.verdict',
  'd.reasons',
  'd.differences',
  'd.violations',
  'd.decision',
  'd.decision_note',
  'd.decided_by',
  'd.decided_at',
  'd.received_at',
  'd.received_by',
  'p.ref as provider_ref',
  'b.reference as basis_reference',
];

export interface NewReceived {
  municipalityId: number;
  source: ReceivedDocument['source'];
  filename: string | null;
  content: Buffer | null;
  sizeBytes: number;
  sha256: string;
  documentType: 'invoice' | 'credit_note' | null;
  typeCode: string | null;
  number: string | null;
  issueDate: string | null;
  sellerName: string | null;
  sellerEndpoint: { id: string; scheme: string } | null;
  providerId: number | null;
  paymentBasisId: number | null;
  quotedReference: string | null;
  currency: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  totalExclVat: string | null;
  vat: string | null;
  payable: string | null;
  verdict: Verdict;
  claimsNumber: boolean;
  reasons: Reason[];
  differences: Difference[];
  violations: { rule: string; message: string }[];
  receivedBy: string;
}

export interface ProviderIdentity {
  id: number;
  ref: string;
  name: string;
  companyNumber: string | null;
  electronicAddress: string | null;
  electronicAddressScheme: string | null;
  invoicingMode: 'self_billing' | 'payment_basis' | null;
}

/** A date column, or null when the document's text is not a real date (it is kept as read, not guessed). */
const dateOrNull = (v: string | null) => {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v ? v : null;
};
/** An amount that fits NUMERIC(14,2), or null (the exact text is in the stored original). */
const amountOrNull = (v: string | null) => (v && /^-?\d{1,12}(\.\d{1,2})?$/.test(v) ? v : null);
const short = (v: string | null, n = 200) => (v === null ? null : v.slice(0, n));

export const invoiceControlStore = {
  async municipality(db: Db, id: number) {
    return db('municipalities').where({ id }).first();
  },

  /** Every municipality's code, country and electronic address: only to tell "another municipality" from "unknown" in a buyer check. */
  async municipalityEndpoints(db: Db) {
    return db('municipalities').select('id', 'code', 'country', 'company_number', 'electronic_address', 'electronic_address_scheme');
  },

  async providers(db: Db, municipalityId: number): Promise<ProviderIdentity[]> {
    const rows = await db('providers').where({ municipality_id: municipalityId }).orderBy('id');
    return rows.map((r) => ({
      id: r.id,
      ref: r.ref,
      name: r.name,
      companyNumber: r.company_number,
      electronicAddress: r.electronic_address,
      electronicAddressScheme: r.electronic_address_scheme,
      invoicingMode: r.invoicing_mode ?? null,
    }));
  },

  async provider(db: Db, municipalityId: number, id: number) {
    return db('providers').where({ municipality_id: municipalityId, id }).first();
  },

  async listBases(db: Db, scope: Scope, f: { providerId?: number | undefined; period?: string | undefined }, page: Page) {
    const q = bases(db, scope);
    if (f.providerId) q.andWhere('b.provider_id', f.providerId);
    // A year names the adjustment bases of that year, a month the settlement bases of that month.
    if (f.period?.length === 4) q.andWhere('b.period_start', `${f.period}-01-01`).whereNotNull('b.price_adjustment_id');
    else if (f.period) q.andWhere('b.period_start', `${f.period}-01`).whereNotNull('b.settlement_id');
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q
      .select(BASIS_COLUMNS)
      .orderBy([{ column: 'b.period_start', order: 'desc' }, { column: 'b.id' }])
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toBasis), total: Number(count) };
  },

  async basisByReference(db: Db, scope: Scope, reference: string): Promise<(PaymentBasis & { document: BasisDocument }) | undefined> {
    const row = await bases(db, scope).andWhereRaw('upper(b.reference) = upper(?)', [reference]).first(BASIS_COLUMNS);
    return row ? { ...toBasis(row), document: row.document as BasisDocument } : undefined;
  },

  async basisBySettlement(
    db: Db,
    municipalityId: number,
    settlementId: number,
  ): Promise<(PaymentBasis & { document: BasisDocument }) | undefined> {
    const row = await bases(db, { municipalityId, providerId: null }).andWhere('b.settlement_id', settlementId).first(BASIS_COLUMNS);
    return row ? { ...toBasis(row), document: row.document as BasisDocument } : undefined;
  },

  async basisByAdjustment(
    db: Db,
    municipalityId: number,
    adjustmentId: number,
  ): Promise<(PaymentBasis & { document: BasisDocument }) | undefined> {
    const row = await bases(db, { municipalityId, providerId: null }).andWhere('b.price_adjustment_id', adjustmentId).first(BASIS_COLUMNS);
    return row ? { ...toBasis(row), document: row.document as BasisDocument } : undefined;
  },

  /** A basis pays exactly one source: an approved settlement or a retro price adjustment. */
  async insertBasis(
    tx: Knex.Transaction,
    municipalityId: number,
    providerId: number,
    source: { settlementId: number } | { adjustmentId: number },
    doc: BasisDocument,
    issuedBy: string,
  ) {
    await tx('payment_bases').insert({
      municipality_id: municipalityId,
      reference: doc.reference,
      settlement_id: 'settlementId' in source ? source.settlementId : null,
      price_adjustment_id: 'adjustmentId' in source ? source.adjustmentId : null,
      provider_id: providerId,
      period_start: doc.period.start,
      period_end: doc.period.end,
      currency: doc.currency,
      total_excl_vat: doc.totals.exclVat,
      vat: doc.totals.vat,
      total_incl_vat: doc.totals.inclVat,
      document: JSON.stringify(doc),
      issued_by: issuedBy,
    });
  },

  /** Approved settlements of providers in payment-basis mode without a basis (or an invoice), regular ones first. */
  async settlementsDue(db: Db, municipalityId: number): Promise<number[]> {
    const rows = await db('settlements as s')
      .join('providers as p', function () {
        this.on('p.municipality_id', 's.municipality_id').andOn('p.id', 's.provider_id');
      })
      .join('municipalities as m', 'm.id', 's.municipality_id')
      .leftJoin('payment_bases as b', function () {
        this.on('b.municipality_id', 's.municipality_id').andOn('b.settlement_id', 's.id');
      })
      .where('s.municipality_id', municipalityId)
      .where('s.status', 'approved')
      .whereNull('b.id')
      .whereRaw(`coalesce(p.invoicing_mode, m.invoicing_mode) = 'payment_basis'`)
      .andWhere('s.line_count', '>', 0)
      .orderBy([{ column: 's.period_start' }, { column: 's.sequence' }, { column: 's.provider_id' }])
      .select('s.id');
    return rows.map((r) => r.id);
  },

  async listReceived(db: Db, scope: Scope, f: { providerId?: number | undefined; outcome?: Outcome | undefined }, page: Page) {
    const q = received(db, scope);
    if (f.providerId) q.andWhere('d.provider_id', f.providerId);
    if (f.outcome === 'accepted') q.andWhere('d.decision', 'accepted');
    else if (f.outcome) q.andWhere('d.verdict', f.outcome).whereNull('d.decision');
    const [{ count }] = (await q.clone().count({ count: '*' })) as [{ count: number }];
    const rows = await q.select(RECEIVED_COLUMNS).orderBy('d.id', 'desc').limit(page.limit).offset(page.offset);
    return { items: rows.map(toReceived), total: Number(count) };
  },

  async getReceived(db: Db, scope: Scope, id: number): Promise<ReceivedDocument | undefined> {
    const row = await received(db, scope).andWhere('d.id', id).first(RECEIVED_COLUMNS);
    return row ? toReceived(row) : undefined;
  },

  async lockBasis(tx: Knex.Transaction, municipalityId: number, id: number): Promise<string> {
    return (await tx('payment_bases').where({ municipality_id: municipalityId, id }).forUpdate().first('reference')).reference;
  },

  async lockReceived(tx: Knex.Transaction, municipalityId: number, id: number) {
    return tx('received_documents')
      .where({ municipality_id: municipalityId, id })
      .forUpdate()
      .first('id', 'verdict', 'decision', 'payment_basis_id', 'document_type');
  },

  async original(db: Db, scope: Scope, id: number): Promise<{ content: Buffer | null; filename: string | null } | undefined> {
    const q = db('received_documents').where({ municipality_id: scope.municipalityId, id });
    if (scope.providerId !== null) q.andWhere('provider_id', scope.providerId);
    return q.first('content', 'filename');
  },

  /** Whether the seller's number is taken by a document that counted (the duplicate check; the unique index is the backstop). */
  async numberTaken(db: Db, municipalityId: number, providerId: number, number: string): Promise<boolean> {
    return !!(await db('received_documents')
      .where({ municipality_id: municipalityId, provider_id: providerId, number, claims_number: true })
      .first('id'));
  },

  /** Whether the basis already has a document of this type that is ready for payment. */
  async basisSettled(db: Db, municipalityId: number, basisId: number, documentType: string): Promise<boolean> {
    const row = await db('received_documents')
      .where({ municipality_id: municipalityId, payment_basis_id: basisId, document_type: documentType })
      .andWhere(function () {
        this.where('decision', 'accepted').orWhere(function () {
          this.where('verdict', 'matched').whereNull('decision');
        });
      })
      .first('id');
    return !!row;
  },

  async insertReceived(tx: Knex.Transaction, d: NewReceived): Promise<number> {
    const [row] = await tx('received_documents')
      .insert({
        municipality_id: d.municipalityId,
        source: d.source,
        filename: short(d.filename, 255),
        content: d.content,
        size_bytes: d.sizeBytes,
        sha256: d.sha256,
        document_type: d.documentType,
        type_code: short(d.typeCode, 10),
        number: short(d.number),
        issue_date: dateOrNull(d.issueDate),
        seller_name: short(d.sellerName),
        seller_endpoint: short(d.sellerEndpoint?.id ?? null),
        seller_endpoint_scheme: short(d.sellerEndpoint?.scheme ?? null, 10),
        provider_id: d.providerId,
        payment_basis_id: d.paymentBasisId,
        quoted_reference: short(d.quotedReference),
        currency: short(d.currency, 3),
        period_start: dateOrNull(d.periodStart),
        period_end: dateOrNull(d.periodEnd),
        total_excl_vat: amountOrNull(d.totalExclVat),
        vat: amountOrNull(d.vat),
        payable: amountOrNull(d.payable),
        verdict: d.verdict,
        claims_number: d.claimsNumber,
        reasons: JSON.stringify(d.reasons),
        differences: JSON.stringify(d.differences),
        violations: JSON.stringify(d.violations),
        received_by: d.receivedBy,
      })
      .returning('id');
    return row.id;
  },

  async decide(tx: Knex.Transaction, municipalityId: number, id: number, decision: 'accepted' | 'rejected', note: string, by: string) {
    await tx('received_documents')
      .where({ municipality_id: municipalityId, id })
      .update({ decision, decision_note: note, decided_by: by, decided_at: tx.fn.now() });
  },

  async insertResponse(tx: Knex.Transaction, municipalityId: number, receivedId: number, code: string, xml: string, by: string) {
    const last = await tx('invoice_responses')
      .where({ municipality_id: municipalityId, received_document_id: receivedId })
      .max({ n: 'sequence' })
      .first();
    const sequence = (Number(last?.n) || 0) + 1;
    await tx('invoice_responses').insert({
      municipality_id: municipalityId,
      received_document_id: receivedId,
      sequence,
      response_code: code,
      xml,
      issued_by: by,
    });
    return sequence;
  },

  async latestResponse(
    db: Db,
    municipalityId: number,
    receivedId: number,
  ): Promise<{ sequence: number; response_code: string; xml: string } | undefined> {
    return db('invoice_responses')
      .where({ municipality_id: municipalityId, received_document_id: receivedId })
      .orderBy('sequence', 'desc')
      .first('sequence', 'response_code', 'xml');
  },

  async responses(db: Db, municipalityId: number, receivedId: number) {
    return db('invoice_responses')
      .where({ municipality_id: municipalityId, received_document_id: receivedId })
      .orderBy('sequence')
      .select('sequence', 'response_code', 'issued_at', 'issued_by');
  },

  async municipalityIdByCode(db: Db, code: string): Promise<number | undefined> {
    return (await db('municipalities').where({ code }).first('id'))?.id;
  },
};
