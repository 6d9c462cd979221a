import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { forbidden, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { mayWrite, scopeOf, type Acting } from '../auth/auth-types.js';
import { buildInvoiceDocument, DocumentError, missingMasterData, type PartyData } from './invoice-document.js';
import { allocateInvoiceNumber } from './invoice-numbering.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import type { InvoiceKind } from './invoice-types.js';
import { renderInvoiceUbl } from './invoice-ubl.js';
import type { Invoice, InvoiceDetail, InvoiceFilter, InvoiceSettingsUpdate } from './invoices-schemas.js';
import { invoicesStore } from './invoices-store.js';
import { settlementCsv } from './settlement-csv.js';

export interface IssueResult {
  invoice: Invoice;
  /** false when the settlement had been invoiced already (issuing is idempotent). */
  created: boolean;
}

const partyOf = (r: Record<string, any>): PartyData => ({
  name: r.name,
  companyNumber: r.company_number,
  electronicAddress: r.electronic_address,
  electronicAddressScheme: r.electronic_address_scheme,
  address: r.address,
  email: r.email ?? null,
  bankAccount: r.bank_account ?? null,
  ref: r.ref ?? null,
});

const strip = ({ document: _document, ...invoice }: InvoiceDetail): Invoice => invoice;

export class InvoicesService {
  /** `now` is injectable so tests can issue on a chosen day; the issue date is that instant's local date. */
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(who: Acting, filter: InvoiceFilter, page: { limit: number; offset: number }) {
    return invoicesStore.list(this.db, scopeOf(who.principal), filter, page);
  }

  async get(who: Acting, number: string): Promise<InvoiceDetail> {
    const i = await invoicesStore.getByNumber(this.db, scopeOf(who.principal), number);
    if (!i) throw notFound('invoice', number);
    return i;
  }

  async pdf(who: Acting, number: string): Promise<{ invoice: Invoice; pdf: Buffer }> {
    const i = await this.get(who, number);
    return { invoice: strip(i), pdf: await renderInvoicePdf(i.document) };
  }

  async ubl(who: Acting, number: string): Promise<{ invoice: Invoice; xml: string }> {
    const i = await this.get(who, number);
    return { invoice: strip(i), xml: renderInvoiceUbl(i.document) };
  }

  async getSettings(who: Acting) {
    return { paymentTermsDays: await invoicesStore.paymentTerms(this.db, who.principal.municipalityId) };
  }

  async updateSettings(who: Acting, input: InvoiceSettingsUpdate) {
    return this.db.transaction(async (tx) => {
      const before = await invoicesStore.paymentTerms(tx, who.principal.municipalityId);
      await invoicesStore.setPaymentTerms(tx, who.principal.municipalityId, input.paymentTermsDays);
      await appendAudit(tx, {
        municipalityId: who.principal.municipalityId,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'update',
        entity: 'invoice_settings',
        entityId: who.principal.municipalityId,
        changes: { before: { paymentTermsDays: before }, after: input },
      });
      return { paymentTermsDays: input.paymentTermsDays };
    });
  }

  /** The settlement and its lines as CSV for the accounting system. */
  async settlementCsv(who: Acting, settlementId: number): Promise<string> {
    const scope = scopeOf(who.principal);
    const s = await invoicesStore.getSettlement(this.db, scope, settlementId);
    if (!s) throw notFound('settlement', settlementId);
    const [lines, invoice] = await Promise.all([
      invoicesStore.settlementLines(this.db, scope.municipalityId, settlementId),
      invoicesStore.getBySettlement(this.db, scope.municipalityId, settlementId),
    ]);
    return settlementCsv(s, lines, invoice?.number ?? null);
  }

  /** The municipality a settlement belongs to (for the command line, where ids are given bare). */
  municipalityOfSettlement(settlementId: number) {
    return invoicesStore.municipalityOfSettlement(this.db, settlementId);
  }

  /** Approved settlements without an invoice, in the order they can be issued. */
  uninvoicedSettlements(who: Acting) {
    return invoicesStore.uninvoiced(this.db, who.principal.municipalityId);
  }

  /**
   * Issues the invoice (or credit note) of an approved settlement. Idempotent: the settlement row
   * is locked first, so concurrent calls queue and the later ones find the invoice the first one
   * issued (backed by a unique key on invoices.settlement_id). Number, invoice, the settlement's
   * status and the audit record commit together or not at all.
   */
  async issueForSettlement(who: Acting, settlementId: number): Promise<IssueResult> {
    if (who.principal.providerId !== null || !mayWrite(who.principal.role, 'invoices')) throw forbidden('Your role may not issue invoices');
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const s = await invoicesStore.lockSettlement(tx, m, settlementId);
      if (!s) throw notFound('settlement', settlementId);
      const existing = await invoicesStore.getBySettlement(tx, m, settlementId);
      if (existing) return { invoice: strip(existing), created: false };
      if (s.status !== 'approved') throw unprocessable(`Settlement ${settlementId} is ${s.status}; only an approved settlement can be invoiced`);

      let kind: InvoiceKind = 'invoice';
      let corrected: InvoiceDetail | undefined;
      const total = new Decimal(s.totalInclVat);
      if (s.kind === 'regular') {
        if (total.isNegative()) throw unprocessable(`Settlement ${settlementId} has a negative total; only a correction can produce a credit note`);
      } else {
        corrected = await invoicesStore.getBySettlement(tx, m, s.correctsId!);
        if (!corrected) throw unprocessable(`Settlement ${settlementId} corrects settlement ${s.correctsId}, which has no invoice yet: invoice that first`);
        kind = total.isNegative() ? 'credit_note' : 'supplementary_invoice';
      }

      // One connection per transaction: its queries run one after the other.
      const municipality = await invoicesStore.municipality(tx, m);
      const provider = await invoicesStore.provider(tx, m, s.providerId);
      const lines = await invoicesStore.settlementLines(tx, m, settlementId);
      const vat = await invoicesStore.settlementVat(tx, m, settlementId);
      const issueDate = DateTime.fromJSDate(this.now(), { zone: municipality.time_zone }).toISODate()!;
      const terms: number = municipality.invoice_payment_terms_days;
      const dueDate = DateTime.fromISO(issueDate).plus({ days: terms }).toISODate()!;
      const input = {
        kind,
        number: '',
        issueDate,
        dueDate,
        paymentTermsDays: terms,
        language: municipality.language,
        country: municipality.country,
        buyer: partyOf(municipality),
        seller: { ...partyOf(provider), vatStatus: provider.vat_status },
        settlement: s,
        lines,
        vat,
        corrects: corrected ? { number: corrected.number, issueDate: corrected.issueDate } : null,
      };
      const missing = missingMasterData(input);
      if (missing.length) throw unprocessable(`Settlement ${settlementId} cannot be invoiced: ${missing.join('; ')}`, { missing });
      let document;
      try {
        document = buildInvoiceDocument(input);
      } catch (e) {
        if (e instanceof DocumentError) throw unprocessable(`Settlement ${settlementId} does not reconcile: ${e.message}`, { issues: e.issues });
        throw e;
      }
      // The number is taken last, after every check, and inside the transaction that uses it.
      const year = Number(issueDate.slice(0, 4));
      const { number, sequenceNo } = await allocateInvoiceNumber(tx, m, year);
      document.number = number;
      await invoicesStore.insert(tx, {
        municipalityId: m,
        number,
        year,
        sequenceNo,
        kind,
        settlementId,
        providerId: s.providerId,
        periodStart: s.periodStart,
        periodEnd: s.periodEnd,
        correctsInvoiceId: corrected?.id ?? null,
        issueDate,
        dueDate,
        document,
        issuedBy: who.principal.actor,
      });
      await invoicesStore.markInvoiced(tx, m, settlementId);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'issue',
        entity: 'invoice',
        entityId: number,
        changes: { after: { number, kind, settlementId, corrects: corrected?.number ?? null, totals: document.totals, issueDate, dueDate } },
      });
      const issued = await invoicesStore.getBySettlement(tx, m, settlementId);
      return { invoice: strip(issued!), created: true };
    });
  }
}
