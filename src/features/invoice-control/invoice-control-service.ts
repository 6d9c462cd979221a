import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { forbidden, notFound, unprocessable } from '../../shared/errors.js';
import { appendAudit } from '../audit/audit-store.js';
import { mayWrite, scopeOf, type Acting } from '../auth/auth-types.js';
import { endpointOf, legalIdOf, vatIdOf } from '../invoices/invoice-document.js';
import type { Country, Language } from '../invoices/invoice-types.js';
import { CUSTOMIZATION_ID } from '../invoices/invoice-ubl.js';
import { checkUbl } from '../invoices/ubl-rules.js';
import { invoicesStore } from '../invoices/invoices-store.js';
import { controlWords, differenceText, reasonText } from './control-words.js';
import type { Outcome, Reason, ReceivedInvoice, Verdict } from './invoice-control-types.js';
import type { DecisionBody, PaymentBasis, ReceivedDocument } from './invoice-control-schemas.js';
import { invoiceControlStore as store, type NewReceived, type ProviderIdentity } from './invoice-control-store.js';
import { compareWithBasis } from './invoice-matching.js';
import { renderInvoiceResponse, responseStatuses, type ResponseCode } from './invoice-response.js';
import { adjustmentBasisReference, basisReference, buildAdjustmentBasisDocument, buildBasisDocument } from './payment-basis.js';
import { recalcStore } from '../price-recalculation/recalc-store.js';
import { renderBasisCsv, renderBasisPdf } from './payment-basis-render.js';
import { readReceivedInvoice } from './received-invoice.js';
import { inspectXml } from './xml-intake.js';

/** What was received: the bytes, or (over the size limit) only their size and hash; nothing more was kept. */
export type ReceivedBody = { bytes: Buffer } | { tooLarge: { size: number; sha256: string } };
export interface ReceiveMeta {
  source: ReceivedDocument['source'];
  filename?: string | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const compact = (s: string) => s.replace(/[\s-]/g, '').toUpperCase();
const digits = (s: string | null | undefined) => (s ?? '').replace(/[^0-9]/g, '');
const sameEndpoint = (a: { id: string; scheme: string } | null, b: { id: string; scheme: string } | null) =>
  !!a && !!b && a.scheme.trim() === b.scheme.trim() && compact(a.id) === compact(b.id);

/** The words of a document's reasons and differences, added when the caller asks for a language. */
export function explainReceived(d: ReceivedDocument, language: Language | undefined): ReceivedDocument {
  if (!language) return d;
  return {
    ...d,
    reasons: d.reasons.map((r) => ({ ...r, text: reasonText(r, language) })),
    differences: d.differences.map((x) => ({ ...x, text: differenceText(x, language) })),
  };
}

/**
 * Payment bases and the control of the invoices providers send against them (docs/invoices.md,
 * "Payment basis and the provider's own invoice"). The checks of a received document run in the
 * order of the docs; each stored document keeps its original bytes, what was read from it, every
 * reason or difference and its verdict. Only a matched document (or one finance accepted) is ready
 * for payment.
 */
export class InvoiceControlService {
  constructor(
    private readonly db: Knex,
    private readonly opts: { maxBytes: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  private mayManage(who: Acting) {
    if (who.principal.providerId !== null || !mayWrite(who.principal.role, 'invoices'))
      throw forbidden('Your role may not manage payment bases and received invoices');
  }

  private today(zone: string) {
    return DateTime.fromJSDate(this.now(), { zone }).toISODate()!;
  }

  // ---- Payment bases -------------------------------------------------------------------------

  /**
   * The payment basis of an approved settlement of a provider in payment-basis mode: built,
   * frozen and made available to the provider. A settlement that was self-billed (it has an
   * invoice) gets none: it would be paid twice. Idempotent (the settlement row is locked first, and one basis per settlement is a unique key).
   */
  async issueBasis(who: Acting, settlementId: number): Promise<{ basis: PaymentBasis; created: boolean }> {
    this.mayManage(who);
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const s = await invoicesStore.lockSettlement(tx, m, settlementId);
      if (!s) throw notFound('settlement', settlementId);
      const existing = await store.basisBySettlement(tx, m, settlementId);
      if (existing) return { basis: stripDoc(existing), created: false };
      if (s.status === 'draft')
        throw unprocessable(`Settlement ${settlementId} is a draft; only an approved settlement has a payment basis`).localised(
          'basis.settlement_draft',
          { id: settlementId },
        );
      if (s.status === 'invoiced')
        throw unprocessable(
          `Settlement ${settlementId} has been invoiced already (self-billed); a payment basis as well would pay it twice`,
        ).localised('basis.settlement_invoiced', { id: settlementId });
      const municipality = await store.municipality(tx, m);
      const provider = await store.provider(tx, m, s.providerId);
      const mode = provider.invoicing_mode ?? municipality.invoicing_mode;
      if (mode !== 'payment_basis')
        throw unprocessable(
          `Provider ${provider.ref} is self-billed; a payment basis is only for providers that send their own invoice`,
        ).localised('basis.provider_self_billed', { provider: provider.ref });
      const lines = await invoicesStore.settlementLines(tx, m, settlementId);
      if (lines.length === 0)
        throw unprocessable(`Settlement ${settlementId} has no lines: there is nothing to invoice`).localised('basis.no_lines', {
          id: settlementId,
        });
      const country = municipality.country as Country;
      const correctsReference = s.correctsId ? ((await store.basisBySettlement(tx, m, s.correctsId))?.reference ?? null) : null;
      const document = buildBasisDocument({
        reference: basisReference(country, s.periodStart, settlementId),
        issueDate: this.today(municipality.time_zone),
        language: municipality.language,
        country,
        settlement: { ...s },
        correctsReference,
        buyerReference: municipality.buyer_reference ?? null,
        buyer: partyOf(country, municipality, false),
        seller: partyOf(country, provider, true),
        lines,
        vat: await invoicesStore.settlementVat(tx, m, settlementId),
      });
      await store.insertBasis(tx, m, s.providerId, { settlementId }, document, who.principal.actor);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'issue',
        entity: 'payment_basis',
        entityId: document.reference,
        changes: { after: { reference: document.reference, settlementId, providerId: s.providerId, totals: document.totals } },
      });
      return { basis: stripDoc((await store.basisBySettlement(tx, m, settlementId))!), created: true };
    });
  }

  /**
   * The payment basis of an approved retro price adjustment of a provider in payment-basis mode
   * (the provider invoices the difference, or credits it, from its own system). Idempotent like a
   * settlement's: the adjustment row is locked first, and one basis per adjustment is a unique
   * key. An adjustment that was invoiced (self-billed before the provider changed mode) or that
   * amounts to 0.00 gets none.
   */
  async issueAdjustmentBasis(who: Acting, adjustmentId: number): Promise<{ basis: PaymentBasis; created: boolean }> {
    this.mayManage(who);
    const m = who.principal.municipalityId;
    return this.db.transaction(async (tx) => {
      const a = await recalcStore.lockAdjustment(tx, m, adjustmentId);
      if (!a) throw notFound('price adjustment', adjustmentId);
      const existing = await store.basisByAdjustment(tx, m, adjustmentId);
      if (existing) return { basis: stripDoc(existing), created: false };
      if (a.status !== 'approved')
        throw unprocessable(`Price adjustment ${adjustmentId} belongs to a recalculation that is not approved yet`).localised(
          'adjustment.not_approved',
          { id: adjustmentId },
        );
      if (new Decimal(a.totalInclVat).isZero())
        throw unprocessable(`Price adjustment ${adjustmentId} amounts to 0.00: there is nothing to invoice or credit`).localised(
          'adjustment.zero',
          { id: adjustmentId },
        );
      if (await invoicesStore.getByAdjustment(tx, m, adjustmentId))
        throw unprocessable(
          `Price adjustment ${adjustmentId} has been invoiced already (self-billed); a payment basis as well would settle it twice`,
        ).localised('basis.adjustment_invoiced', { id: adjustmentId });
      const municipality = await store.municipality(tx, m);
      const provider = await store.provider(tx, m, a.providerId);
      if ((provider.invoicing_mode ?? municipality.invoicing_mode) !== 'payment_basis')
        throw unprocessable(
          `Provider ${provider.ref} is self-billed; its adjustment is invoiced by the municipality, not sent as a payment basis`,
        ).localised('basis.adjustment_self_billed', { provider: provider.ref });
      const country = municipality.country as Country;
      const vat = [];
      for (const g of a.vatGroups) {
        const exemptionReason = new Decimal(g.percent).isZero()
          ? await invoicesStore.exemptionReasonOfYear(tx, m, a.providerId, a.year, g.percent)
          : null;
        vat.push({ ...g, exemptionReason });
      }
      const document = buildAdjustmentBasisDocument({
        reference: adjustmentBasisReference(country, a.year, adjustmentId),
        issueDate: this.today(municipality.time_zone),
        language: municipality.language,
        country,
        buyerReference: municipality.buyer_reference ?? null,
        buyer: partyOf(country, municipality, false),
        seller: partyOf(country, provider, true),
        adjustment: a,
        lines: a.lines,
        vat,
      });
      await store.insertBasis(tx, m, a.providerId, { adjustmentId }, document, who.principal.actor);
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'issue',
        entity: 'payment_basis',
        entityId: document.reference,
        changes: {
          after: {
            reference: document.reference,
            priceAdjustmentId: adjustmentId,
            recalculationId: a.recalculationId,
            providerId: a.providerId,
            totals: document.totals,
          },
        },
      });
      return { basis: stripDoc((await store.basisByAdjustment(tx, m, adjustmentId))!), created: true };
    });
  }

  /** The bases of every approved settlement of a payment-basis provider that has none yet. */
  async issueDue(who: Acting): Promise<{ basis: PaymentBasis; created: boolean }[]> {
    this.mayManage(who);
    const out = [];
    for (const id of await store.settlementsDue(this.db, who.principal.municipalityId)) out.push(await this.issueBasis(who, id));
    return out;
  }

  listBases(
    who: Acting,
    filter: { providerId?: number | undefined; period?: string | undefined },
    page: { limit: number; offset: number },
  ) {
    return store.listBases(this.db, scopeOf(who.principal), filter, page);
  }

  async basis(who: Acting, reference: string) {
    const b = await store.basisByReference(this.db, scopeOf(who.principal), reference);
    if (!b) throw notFound('payment basis', reference);
    return b;
  }

  async basisPdf(who: Acting, reference: string): Promise<{ basis: PaymentBasis; pdf: Buffer }> {
    const b = await this.basis(who, reference);
    return { basis: stripDoc(b), pdf: await renderBasisPdf(b.document) };
  }

  async basisCsv(who: Acting, reference: string): Promise<{ basis: PaymentBasis; csv: string }> {
    const b = await this.basis(who, reference);
    return { basis: stripDoc(b), csv: renderBasisCsv(b.document) };
  }

  // ---- Received documents --------------------------------------------------------------------

  listReceived(
    who: Acting,
    filter: { providerId?: number | undefined; outcome?: Outcome | undefined },
    page: { limit: number; offset: number },
  ) {
    return store.listReceived(this.db, scopeOf(who.principal), filter, page);
  }

  async getReceived(who: Acting, id: number): Promise<ReceivedDocument> {
    const d = await store.getReceived(this.db, scopeOf(who.principal), id);
    if (!d) throw notFound('received document', id);
    return d;
  }

  async original(who: Acting, id: number): Promise<{ content: Buffer; filename: string | null }> {
    const o = await store.original(this.db, scopeOf(who.principal), id);
    if (!o) throw notFound('received document', id);
    if (!o.content) throw notFound(`the original of received document ${id} (it was over the size limit and not kept)`);
    return { content: o.content, filename: o.filename };
  }

  /** The latest Invoice Response of a document (after an override, the new one). */
  async response(who: Acting, id: number): Promise<{ xml: string; sequence: number; code: string }> {
    await this.getReceived(who, id);
    const r = await store.latestResponse(this.db, who.principal.municipalityId, id);
    if (!r)
      throw notFound(
        `an Invoice Response for received document ${id} (the document names no seller endpoint or number to answer, or the municipality has no electronic address)`,
      );
    return { xml: r.xml, sequence: r.sequence, code: r.response_code };
  }

  async responses(who: Acting, id: number) {
    await this.getReceived(who, id);
    return store.responses(this.db, who.principal.municipalityId, id);
  }

  /**
   * Receives one document: checks it, stores it with its original bytes and verdict, and issues
   * its Invoice Response. A refusal is a verdict (rejected, with reasons), never an error: the
   * document is stored all the same.
   */
  async receive(who: Acting, body: ReceivedBody, meta: ReceiveMeta): Promise<ReceivedDocument> {
    this.mayManage(who);
    const m = who.principal.municipalityId;
    const municipality = await store.municipality(this.db, m);
    const judged = await this.judge(municipality, body);
    const row: NewReceived = {
      ...judged,
      municipalityId: m,
      source: meta.source,
      filename: meta.filename ?? null,
      receivedBy: who.principal.actor,
    };
    let id: number;
    try {
      id = await this.store(who, municipality, row);
    } catch (e) {
      // Two copies of one invoice at the same moment: the unique index lets one count, the other is a duplicate.
      if ((e as { code?: string; constraint?: string }).constraint !== 'received_documents_one_number') throw e;
      id = await this.store(who, municipality, {
        ...row,
        verdict: 'rejected',
        claimsNumber: false,
        differences: [],
        reasons: [{ code: 'duplicate', detail: row.number ?? '' }],
      });
    }
    return (await store.getReceived(this.db, { municipalityId: m, providerId: null }, id))!;
  }

  private async store(who: Acting, municipality: Record<string, any>, judged: NewReceived): Promise<number> {
    return this.db.transaction(async (tx) => {
      let row = judged;
      if (row.paymentBasisId !== null && row.verdict !== 'rejected') {
        // Two invoices for one basis at the same moment: the basis row queues them, and the later one finds it paid.
        const reference = await store.lockBasis(tx, row.municipalityId, row.paymentBasisId);
        if (await store.basisSettled(tx, row.municipalityId, row.paymentBasisId, row.documentType!)) {
          row = {
            ...row,
            verdict: 'rejected',
            claimsNumber: false,
            differences: [],
            reasons: [{ code: 'already_invoiced', detail: reference }],
          };
        }
      }
      const id = await store.insertReceived(tx, row);
      await this.respond(tx, who, municipality, id, row, responseCodeOf(row.verdict), []);
      await appendAudit(tx, {
        municipalityId: row.municipalityId,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'receive',
        entity: 'received_document',
        entityId: id,
        changes: {
          after: {
            source: row.source,
            number: row.number,
            providerId: row.providerId,
            verdict: row.verdict,
            reasons: row.reasons.map((r) => r.code),
            differences: row.differences.length,
            sha256: row.sha256,
          },
        },
      });
      return id;
    });
  }

  /** Writes the Invoice Response of a document, when there is someone to send it to and something to refer to. */
  private async respond(
    tx: Knex.Transaction,
    who: Acting,
    municipality: Record<string, any>,
    id: number,
    d: Pick<NewReceived, 'number' | 'typeCode' | 'sellerEndpoint' | 'sellerName' | 'reasons' | 'differences'>,
    code: ResponseCode,
    extra: { reasonCode: string; text: string }[],
  ): Promise<void> {
    const sender = endpointOf(municipality.country, {
      electronicAddress: municipality.electronic_address,
      electronicAddressScheme: municipality.electronic_address_scheme,
      companyNumber: municipality.company_number,
    });
    if (!sender || !d.sellerEndpoint || !d.number) return;
    const previous = await store.latestResponse(tx, municipality.id, id);
    const sequence = (previous?.sequence ?? 0) + 1;
    const xml = renderInvoiceResponse({
      id: `IR-${municipality.code}-${id}-${sequence}`,
      issueDate: this.today(municipality.time_zone),
      sender: { name: municipality.name, endpoint: sender },
      receiver: { name: d.sellerName ?? d.sellerEndpoint.id, endpoint: d.sellerEndpoint },
      document: { number: d.number, typeCode: d.typeCode ?? '380' },
      code,
      statuses: [...extra, ...responseStatuses(d.reasons, d.differences, municipality.language)],
    });
    await store.insertResponse(tx, municipality.id, id, code, xml, who.principal.actor);
  }

  /**
   * Finance's decision on a received document: accept a disputed one for payment, or reject one
   * (a matched one too). A note is required; the decision is audited and answered with a new
   * Invoice Response. A rejected document (by the checks) cannot be accepted: it is unreadable,
   * unsafe, a duplicate or has no basis to pay against.
   */
  async decide(who: Acting, id: number, body: DecisionBody): Promise<ReceivedDocument> {
    this.mayManage(who);
    const m = who.principal.municipalityId;
    await this.db.transaction(async (tx) => {
      const d = await store.lockReceived(tx, m, id);
      if (!d) throw notFound('received document', id);
      if (d.decision)
        throw unprocessable(`Received document ${id} was already ${d.decision} by finance`).localised('received.already_decided', {
          id,
          decision: d.decision,
        });
      if (body.decision === 'accepted' && d.verdict === 'rejected')
        throw unprocessable(
          `Received document ${id} was rejected by the checks (unreadable, unsafe, a duplicate or without a payment basis) and cannot be accepted for payment`,
        ).localised('received.rejected_by_checks', { id });
      if (body.decision === 'accepted' && d.payment_basis_id !== null) {
        const reference = await store.lockBasis(tx, m, d.payment_basis_id);
        if (await store.basisSettled(tx, m, d.payment_basis_id, d.document_type))
          throw unprocessable(`Payment basis ${reference} is already invoiced by another document that is ready for payment`).localised(
            'received.basis_taken',
            { reference },
          );
      }
      await store.decide(tx, m, id, body.decision, body.note, who.principal.actor);
      const municipality = await store.municipality(tx, m);
      const doc = (await store.getReceived(tx, { municipalityId: m, providerId: null }, id))!;
      const W = controlWords(municipality.language);
      const endpoint = doc.sellerEndpoint
        ? { scheme: doc.sellerEndpoint.split(':')[0]!, id: doc.sellerEndpoint.slice(doc.sellerEndpoint.indexOf(':') + 1) }
        : null;
      await this.respond(
        tx,
        who,
        municipality,
        id,
        {
          number: doc.number,
          typeCode: doc.typeCode,
          sellerEndpoint: endpoint,
          sellerName: doc.sellerName,
          reasons: body.decision === 'rejected' ? doc.reasons : [],
          differences: body.decision === 'rejected' ? doc.differences : [],
        },
        body.decision === 'accepted' ? 'AP' : 'RE',
        [
          {
            reasonCode: body.decision === 'accepted' ? 'NON' : 'OTH',
            text: body.decision === 'accepted' ? W.overrideAccepted(body.note) : W.overrideRejected(body.note),
          },
        ],
      );
      await appendAudit(tx, {
        municipalityId: m,
        actor: who.principal.actor,
        requestId: who.requestId,
        action: 'decide',
        entity: 'received_document',
        entityId: id,
        changes: { before: { verdict: d.verdict, decision: null }, after: { decision: body.decision, note: body.note } },
      });
    });
    return this.getReceived(who, id);
  }

  /** The municipality of a code (the command line and the inbox job name municipalities by code). */
  municipalityIdByCode(code: string) {
    return store.municipalityIdByCode(this.db, code);
  }

  // ---- The checks ----------------------------------------------------------------------------

  private async judge(
    municipality: Record<string, any>,
    body: ReceivedBody,
  ): Promise<Omit<NewReceived, 'municipalityId' | 'source' | 'filename' | 'receivedBy'>> {
    type Fields = Omit<
      NewReceived,
      'municipalityId' | 'source' | 'filename' | 'receivedBy' | 'verdict' | 'reasons' | 'sizeBytes' | 'sha256'
    >;
    const empty: Fields = {
      content: null,
      documentType: null,
      typeCode: null,
      number: null,
      issueDate: null,
      sellerName: null,
      sellerEndpoint: null,
      providerId: null,
      paymentBasisId: null,
      quotedReference: null,
      currency: null,
      periodStart: null,
      periodEnd: null,
      totalExclVat: null,
      vat: null,
      payable: null,
      claimsNumber: false,
      differences: [],
      violations: [],
    };
    const refused = (reasons: Reason[], extra: Partial<Fields> = {}) => ({ ...empty, ...extra, verdict: 'rejected' as Verdict, reasons });
    if ('tooLarge' in body)
      return {
        ...refused([{ code: 'too_large', detail: String(this.opts.maxBytes) }]),
        sizeBytes: body.tooLarge.size,
        sha256: body.tooLarge.sha256,
      };
    const bytes = body.bytes;
    const base = { sizeBytes: bytes.length, sha256: sha256(bytes) };
    const kept = { content: bytes };
    const intake = inspectXml(bytes, this.opts.maxBytes);
    if (!intake.ok) return { ...refused([intake.reason], intake.reason.code === 'too_large' ? {} : kept), ...base };
    const inv = readReceivedInvoice(intake.text);
    if (!inv) return { ...refused([{ code: 'not_ubl' }], kept), ...base };

    const read = {
      ...kept,
      documentType: inv.documentType,
      typeCode: inv.typeCode,
      number: inv.number,
      issueDate: inv.issueDate,
      sellerName: inv.seller.name,
      sellerEndpoint: inv.seller.endpoint,
      quotedReference: inv.orderReference ?? inv.buyerReference,
      currency: inv.currency,
      periodStart: inv.period?.start ?? null,
      periodEnd: inv.period?.end ?? null,
      ...signedTotals(inv),
    };
    const reasons: Reason[] = [];
    if (inv.customizationId !== CUSTOMIZATION_ID) reasons.push({ code: 'not_peppol_billing', detail: inv.customizationId ?? undefined });
    let violations: { rule: string; message: string }[];
    try {
      violations = checkUbl(intake.text);
    } catch (e) {
      violations = [{ rule: 'UBL', message: e instanceof Error ? e.message.slice(0, 200) : 'unreadable' }];
    }
    if (violations.length)
      reasons.push({ code: 'rules_failed', detail: [...new Set(violations.map((v) => v.rule))].slice(0, 12).join(', ') });

    const country = municipality.country as Country;
    const own = endpointOf(country, {
      electronicAddress: municipality.electronic_address,
      electronicAddressScheme: municipality.electronic_address_scheme,
      companyNumber: municipality.company_number,
    });
    const buyer = inv.buyer.endpoint;
    if (!sameEndpoint(own, buyer)) {
      const others = await store.municipalityEndpoints(this.db);
      const other = others.some(
        (o) =>
          o.id !== municipality.id &&
          sameEndpoint(
            endpointOf(o.country, {
              electronicAddress: o.electronic_address,
              electronicAddressScheme: o.electronic_address_scheme,
              companyNumber: o.company_number,
            }),
            buyer,
          ),
      );
      reasons.push({ code: other ? 'buyer_other_municipality' : 'buyer_unknown', detail: buyer ? `${buyer.scheme}:${buyer.id}` : '' });
    }
    const provider = identify(country, await store.providers(this.db, municipality.id), inv);
    const duplicate = !!provider && !!inv.number && (await store.numberTaken(this.db, municipality.id, provider.id, inv.number));
    if (!provider)
      reasons.push({
        code: 'seller_unknown',
        detail: inv.seller.endpoint ? `${inv.seller.endpoint.scheme}:${inv.seller.endpoint.id}` : (inv.seller.name ?? ''),
      });
    else if (duplicate) reasons.push({ code: 'duplicate', detail: inv.number! });

    const candidates = [inv.orderReference, inv.buyerReference].filter((r): r is string => !!r);
    let basis: Awaited<ReturnType<typeof store.basisByReference>>;
    for (const ref of candidates) {
      basis ??= await store.basisByReference(this.db, { municipalityId: municipality.id, providerId: null }, ref.trim());
    }
    if (!basis) reasons.push({ code: 'no_reference', detail: candidates.join(', ') || undefined });
    else if (provider && basis.providerId !== provider.id) reasons.push({ code: 'reference_other_seller', detail: basis.reference });
    else if (provider && !duplicate && (await store.basisSettled(this.db, municipality.id, basis.id, inv.documentType)))
      reasons.push({ code: 'already_invoiced', detail: basis.reference });

    const attributed = {
      ...read,
      providerId: provider?.id ?? null,
      paymentBasisId: basis && provider && basis.providerId === provider.id ? basis.id : null,
      violations,
    };
    if (reasons.length) return { ...refused(reasons.map(clean), attributed), ...base };
    const differences = compareWithBasis(inv, basis!.document, municipality.received_invoice_tolerance ?? '0');
    return {
      ...empty,
      ...attributed,
      ...base,
      verdict: differences.length ? 'disputed' : 'matched',
      claimsNumber: inv.number !== null,
      reasons: [],
      differences,
    };
  }
}

/** A party of a basis as the provider's system needs it: name, registration, VAT id (a registered seller's), Peppol endpoint. */
const partyOf = (country: Country, r: Record<string, any>, seller: boolean) => ({
  name: r.name as string,
  ref: seller ? (r.ref as string) : null,
  companyNumber: r.company_number ?? null,
  vatId: seller && r.vat_status === 'registered' ? vatIdOf(country, r.company_number) : null,
  endpoint: endpointOf(country, {
    electronicAddress: r.electronic_address,
    electronicAddressScheme: r.electronic_address_scheme,
    companyNumber: r.company_number,
  }),
  address: r.address ?? null,
});

const clean = (r: Reason): Reason => (r.detail === undefined || r.detail === '' ? { code: r.code } : r);

const stripDoc = <T extends { document: unknown }>({ document: _d, ...rest }: T) => rest;

export const responseCodeOf = (v: Verdict): ResponseCode => (v === 'matched' ? 'AP' : v === 'disputed' ? 'UQ' : 'RE');

/** Totals as stored: signed as the basis (a credit note's negated). */
function signedTotals(inv: ReceivedInvoice) {
  const neg = (v: string | null) =>
    v === null ? null : inv.documentType === 'credit_note' ? (v.startsWith('-') ? v.slice(1) : `-${v}`) : v;
  return { totalExclVat: neg(inv.totals.taxExclusive), vat: neg(inv.totals.vat), payable: neg(inv.totals.payable) };
}

/**
 * The provider that sent the document, among the municipality's: by Peppol endpoint first, then
 * by company number (the legal registration), then by VAT identifier. Several providers may share
 * a company number (two units of one company): then only the endpoint can tell, and none is
 * chosen by guess.
 */
export function identify(country: Country, providers: readonly ProviderIdentity[], inv: ReceivedInvoice): ProviderIdentity | null {
  const byEndpoint = providers.filter((p) => sameEndpoint(endpointOf(country, p), inv.seller.endpoint));
  if (byEndpoint.length === 1) return byEndpoint[0]!;
  const company = digits(inv.seller.companyId);
  const byCompany = company ? providers.filter((p) => digits(legalIdOf(country, p.companyNumber)?.id) === company) : [];
  if (byCompany.length === 1) return byCompany[0]!;
  const vat = inv.seller.vatId ? compact(inv.seller.vatId) : null;
  const byVat = vat ? providers.filter((p) => vatIdOf(country, p.companyNumber) === vat) : [];
  return byVat.length === 1 ? byVat[0]! : null;
}
