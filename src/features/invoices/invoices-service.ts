import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { forbidden, notFound, text, unprocessable, type LocalisedText } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { mayWrite, scopeOf, type Acting } from '../auth/auth-types.js';
import { recalcStore } from '../price-recalculation/recalc-store.js';
import {
  buildInvoiceDocument,
  DocumentError,
  missingMasterDataTexts,
  type LineData,
  type PartyData,
  type SettlementData,
  type VatData,
} from './invoice-document.js';
import { allocateInvoiceNumber } from './invoice-numbering.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { type AdjustmentSource, type DocumentProfile, type InvoiceKind } from './invoice-types.js';
import { NoUblError, renderInvoiceUbl } from './invoice-ubl.js';
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
  postal: {
    streetName: r.street_name ?? null,
    additionalStreetName: r.additional_street_name ?? null,
    cityName: r.city_name ?? null,
    postalZone: r.postal_zone ?? null,
  },
  email: r.email ?? null,
  bankAccount: r.bank_account ?? null,
  ref: r.ref ?? null,
});

/**
 * How a provider's document is made (docs/invoices.md, "Who issues what"): the in-house provider
 * gets an internal statement unless the municipality invoices it; otherwise the provider's
 * invoicing mode (or the municipality's) decides: self-billing needs the provider's recorded
 * agreement, and a provider on payment basis invoices the municipality itself.
 */
const adjustmentWhat = (id: number) => text(`Price adjustment ${id}`, 'invoice.what_adjustment', { id });

function profileOf(what: LocalisedText, municipality: Record<string, any>, provider: Record<string, any>): DocumentProfile {
  if (provider.in_house && !municipality.invoice_in_house_provider) return 'internal';
  const mode = provider.invoicing_mode ?? municipality.invoicing_mode;
  if (mode === 'payment_basis') {
    throw unprocessable(
      `${what.message}: provider ${provider.ref} invoices the municipality itself (invoicing mode payment basis); send it the payment basis instead`,
      { invoicingMode: 'payment_basis' },
    ).localised('invoice.payment_basis_mode', { what, provider: provider.ref });
  }
  if (!provider.self_billing_agreed_on) {
    throw unprocessable(
      `${what.message} cannot be self-billed: provider ${provider.ref} has no self-billing agreement recorded (selfBillingAgreedOn)`,
      { missing: ['self-billing agreement'] },
    ).localised('invoice.no_self_billing_agreement', { what, provider: provider.ref });
  }
  return 'self_billing';
}

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
    try {
      return { invoice: strip(i), xml: renderInvoiceUbl(i.document) };
    } catch (e) {
      if (e instanceof NoUblError) throw notFound('e-invoice', `${number} (an internal settlement statement is a PDF only)`);
      throw e;
    }
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
      if (s.status !== 'approved')
        throw unprocessable(`Settlement ${settlementId} is ${s.status}; only an approved settlement can be invoiced`).localised(
          'invoice.settlement_not_approved',
          { id: settlementId, status: s.status },
        );

      let kind: InvoiceKind = 'invoice';
      let corrected: InvoiceDetail | undefined;
      const total = new Decimal(s.totalInclVat);
      if (s.kind === 'regular') {
        if (total.isNegative())
          throw unprocessable(`Settlement ${settlementId} has a negative total; only a correction can produce a credit note`).localised(
            'invoice.negative_total',
            { id: settlementId },
          );
      } else {
        corrected = await invoicesStore.getBySettlement(tx, m, s.correctsId!);
        if (!corrected)
          throw unprocessable(
            `Settlement ${settlementId} corrects settlement ${s.correctsId}, which has no invoice yet: invoice that first`,
          ).localised('invoice.corrected_not_invoiced', { id: settlementId, corrected: s.correctsId! });
        kind = total.isNegative() ? 'credit_note' : 'supplementary_invoice';
      }

      await this.issueIn(tx, who, {
        kind,
        source: s,
        what: text(`Settlement ${settlementId}`, 'invoice.what_settlement', { id: settlementId }),
        providerId: s.providerId,
        settlementId,
        lines: await invoicesStore.settlementLines(tx, m, settlementId),
        vat: await invoicesStore.settlementVat(tx, m, settlementId),
        corrected: corrected ?? null,
      });
      await invoicesStore.markInvoiced(tx, m, settlementId);
      const issued = await invoicesStore.getBySettlement(tx, m, settlementId);
      return { invoice: strip(issued!), created: true };
    });
  }

  /**
   * Issues the supplementary invoice (or credit note, for a negative total) of a private
   * provider's retro price adjustment, once its recalculation is approved
   * (docs/price-recalculation.md). Same numbering, checks, frozen document and renderers as a
   * settlement's invoice; it refers to the provider's latest invoice of the year. Idempotent like
   * issueForSettlement: the adjustment row is locked first.
   */
  async issueForAdjustment(who: Acting, adjustmentId: number): Promise<IssueResult> {
    if (who.principal.providerId !== null || !mayWrite(who.principal.role, 'invoices')) throw forbidden('Your role may not issue invoices');
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const a = await recalcStore.lockAdjustment(tx, m, adjustmentId);
      if (!a) throw notFound('price adjustment', adjustmentId);
      const existing = await invoicesStore.getByAdjustment(tx, m, adjustmentId);
      if (existing) return { invoice: strip(existing), created: false };
      if (a.status !== 'approved')
        throw unprocessable(`Price adjustment ${adjustmentId} belongs to a recalculation that is not approved yet`).localised(
          'adjustment.not_approved',
          { id: adjustmentId },
        );
      const total = new Decimal(a.totalInclVat);
      if (total.isZero())
        throw unprocessable(`Price adjustment ${adjustmentId} amounts to 0.00: there is nothing to invoice or credit`).localised(
          'adjustment.zero',
          { id: adjustmentId },
        );
      // The mode first: a provider on payment basis has no invoice of ours to refer to.
      profileOf(adjustmentWhat(adjustmentId), await invoicesStore.municipality(tx, m), await invoicesStore.provider(tx, m, a.providerId));
      const corrected = await invoicesStore.lastInvoiceOfYear(tx, m, a.providerId, a.year);
      if (!corrected)
        throw unprocessable(
          `Price adjustment ${adjustmentId}: the provider has no invoice for ${a.year} to refer to; invoice its settlements first`,
        ).localised('adjustment.no_invoice_of_year', { id: adjustmentId, year: a.year });
      const vat = [];
      for (const g of a.vatGroups) {
        const exemptionReason = new Decimal(g.percent).isZero()
          ? await invoicesStore.exemptionReasonOfYear(tx, m, a.providerId, a.year, g.percent)
          : null;
        vat.push({ percent: g.percent, exemptionReason, base: g.base, vat: g.vat });
      }
      await this.issueIn(tx, who, {
        kind: total.isNegative() ? 'credit_note' : 'supplementary_invoice',
        source: {
          id: a.id,
          kind: 'correction',
          sequence: 0,
          periodStart: a.periodFrom,
          periodEnd: a.periodTo,
          currency: a.currency,
          totalExclVat: a.totalExclVat,
          vat: a.vat,
          totalInclVat: a.totalInclVat,
        },
        what: adjustmentWhat(adjustmentId),
        providerId: a.providerId,
        adjustment: { id: a.id, recalculationId: a.recalculationId, year: a.year },
        lines: a.lines.map((l) => ({
          lineNo: l.lineNo,
          citizenRef: '',
          serviceCode: l.categoryCode,
          category: l.serviceCategory,
          kind: 'price_adjustment',
          band: l.band,
          // A level price's line (§ 19): the paid days, weeks or months at the difference per unit.
          unit: l.unit ?? ('per_hour' as const),
          visits: 0,
          minutes: l.unit === 'per_hour' ? l.minutes : 0,
          quantity: l.hours,
          rate: l.difference,
          factor: '1',
          amount: l.amount,
          vatPercent: l.vatPercent,
        })),
        vat,
        corrected,
      });
      const issued = await invoicesStore.getByAdjustment(tx, m, adjustmentId);
      return { invoice: strip(issued!), created: true };
    });
  }

  /**
   * The part of issuing shared by settlements and price adjustments, inside the caller's
   * transaction: master data, dates, the reconciled frozen document, then (last, after every
   * check) the number, the invoice row and the audit record.
   */
  private async issueIn(
    tx: Knex.Transaction,
    who: Acting,
    o: {
      kind: InvoiceKind;
      source: SettlementData;
      what: LocalisedText;
      providerId: number;
      settlementId?: number;
      adjustment?: AdjustmentSource;
      lines: LineData[];
      vat: VatData[];
      corrected: InvoiceDetail | null;
    },
  ): Promise<void> {
    const m = who.principal.municipalityId;
    // One connection per transaction: its queries run one after the other.
    const municipality = await invoicesStore.municipality(tx, m);
    const provider = await invoicesStore.provider(tx, m, o.providerId);
    const profile = profileOf(o.what, municipality, provider);
    const kind: InvoiceKind = profile !== 'internal' ? o.kind : o.corrected ? 'internal_correction' : 'internal_statement';
    const issueDate = DateTime.fromJSDate(this.now(), { zone: municipality.time_zone }).toISODate()!;
    // An internal statement is not paid by transfer: it has no payment terms.
    const terms: number = profile === 'internal' ? 0 : municipality.invoice_payment_terms_days;
    const dueDate = DateTime.fromISO(issueDate).plus({ days: terms }).toISODate()!;
    const input = {
      kind,
      profile,
      selfBillingAgreedOn: profile === 'self_billing' ? (provider.self_billing_agreed_on as string) : null,
      buyerReference: profile === 'internal' ? null : ((municipality.buyer_reference as string | null) ?? ''),
      number: '',
      issueDate,
      dueDate,
      paymentTermsDays: terms,
      language: municipality.language,
      country: municipality.country,
      buyer: partyOf(municipality),
      seller: { ...partyOf(provider), vatStatus: provider.vat_status },
      settlement: o.source,
      lines: o.lines,
      vat: o.vat,
      corrects: o.corrected ? { number: o.corrected.number, issueDate: o.corrected.issueDate } : null,
      adjustment: o.adjustment ?? null,
    };
    const missingTexts = missingMasterDataTexts(input);
    const missing = missingTexts.map((t) => t.message);
    if (missing.length)
      throw unprocessable(`${o.what.message} cannot be invoiced, master data is missing: ${missing.join('; ')}`, { missing }).localised(
        'invoice.master_data_missing',
        { what: o.what, missing: missingTexts },
      );
    let document;
    try {
      document = buildInvoiceDocument(input);
    } catch (e) {
      if (e instanceof DocumentError) throw unprocessable(`${o.what.message} does not reconcile: ${e.message}`, { issues: e.issues });
      throw e;
    }
    // The number is taken last, after every check, and inside the transaction that uses it.
    const year = Number(issueDate.slice(0, 4));
    const { number, sequenceNo } = await allocateInvoiceNumber(tx, m, year, profile === 'internal' ? 'I' : '');
    document.number = number;
    await invoicesStore.insert(tx, {
      municipalityId: m,
      number,
      year,
      sequenceNo,
      kind,
      settlementId: o.settlementId ?? null,
      priceAdjustmentId: o.adjustment?.id ?? null,
      providerId: o.providerId,
      periodStart: o.source.periodStart,
      periodEnd: o.source.periodEnd,
      correctsInvoiceId: o.corrected?.id ?? null,
      issueDate,
      dueDate,
      document,
      issuedBy: who.principal.actor,
    });
    await appendAudit(tx, {
      municipalityId: m,
      actor: who.principal.actor,
      requestId: who.requestId,
      action: 'issue',
      entity: 'invoice',
      entityId: number,
      changes: {
        after: {
          number,
          kind,
          profile,
          ...(o.adjustment ? { priceAdjustmentId: o.adjustment.id } : { settlementId: o.settlementId }),
          corrects: o.corrected?.number ?? null,
          totals: document.totals,
          issueDate,
          dueDate,
        },
      },
    });
  }
}
