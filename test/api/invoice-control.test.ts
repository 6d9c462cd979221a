import { beforeAll, describe, expect, it } from 'vitest';
import { checkInvoiceResponse } from '../../src/features/invoice-control/invoice-response.js';
import { aMunicipality, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, binaryBody, pdfText } from '../helpers/invoice-builders.js';
import { aBasis, aPaymentBasisWorld, aProviderInvoice, type ControlWorld } from '../helpers/provider-invoice-builder.js';

const t = useTestDatabase();

/** Hourly lines of a Danish month: 25 % VAT, two bands, and one line a rounding of its own. */
const LINES = [
  { citizenRef: 'C-1', minutes: 95, rate: '450.00', band: 'weekday_day' },
  { citizenRef: 'C-2', minutes: 95, rate: '450.00', band: 'weekday_day' },
  { citizenRef: 'C-1', minutes: 40, rate: '540.00', band: 'evening' },
  { citizenRef: 'C-3', minutes: 7, rate: '540.00', band: 'evening' },
];

describe("payment basis, then the provider's own invoice", () => {
  let app: TestApp;
  let w: ControlWorld;
  const send = (xml: string | Buffer, token = w.finance, query = '') =>
    app
      .as(token)
      .post(`/api/received-invoices${query}`)
      .set('content-type', 'application/xml')
      .send(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml);

  beforeAll(async () => {
    app = buildTestApp(t.db, { RECEIVED_INVOICE_MAX_BYTES: String(2 * 1024 * 1024) });
    w = await aPaymentBasisWorld(t.db, app, 'ctl');
  });

  it('sends the approved basis: a stable reference, rows where quantity × price = amount adding up to the settlement, PDF and CSV for the provider', async () => {
    const b = await aBasis(t.db, app, w, { provider: 'OMSORG', period: '2026-03', lines: LINES });
    expect(b.reference).toBe(`AG-2026-${String(b.settlementId).padStart(6, '0')}`);
    // Issuing again returns the same basis.
    const again = await app.as(w.finance).post(`/api/settlements/${b.settlementId}/payment-basis`).expect(200);
    expect(again.body.reference).toBe(b.reference);
    // 190 min × 450/60 = 1425.00; 47 min × 540/60 = 423.00; the lines were rounded one by one: 712.50 + 712.50 + 360.00 + 63.00 = 1848.00.
    expect(b.rows.map((r) => [r.itemId, r.quantity, r.unitCode, r.price, r.amount])).toEqual([
      ['personal_care.evening.visit', '47', 'MIN', '540', '423.00'],
      ['personal_care.weekday_day.visit', '190', 'MIN', '450', '1425.00'],
    ]);
    expect(b.totals).toEqual({ exclVat: '1848.00', vat: '462.00', inclVat: '2310.00' });

    const provider = app.as(w.providerTokens.OMSORG!);
    const list = await provider.get('/api/payment-bases').expect(200);
    expect(list.body.items.map((x: { reference: string }) => x.reference)).toEqual([b.reference]);
    expect((await app.as(w.providerTokens.HJEM!).get('/api/payment-bases').expect(200)).body.total).toBe(0);
    await app.as(w.providerTokens.HJEM!).get(`/api/payment-bases/${b.reference}.pdf`).expect(404);

    const pdf = await provider.get(`/api/payment-bases/${b.reference}.pdf`).buffer(true).parse(binaryBody).expect(200);
    const text = await pdfText(pdf.body);
    expect(text).toContain('Afregningsgrundlag');
    expect(text).toContain(b.reference);
    expect(text).toContain('BT-13');
    expect(text).toContain('0088:5798000000001');
    // Kept for years like the invoices: PDF/A with the font embedded.
    const raw = (pdf.body as Buffer).toString('latin1');
    expect(raw).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).not.toContain('/BaseFont /Helvetica');
    const csv = await provider.get(`/api/payment-bases/${b.reference}.csv`).expect(200);
    expect(csv.text.split('\r\n')[1]).toBe(
      `${b.reference};personal_care.evening.visit;personal_care;evening;visit;MIN;47;60;540;423.00;25;2;47`,
    );
  });

  it('refuses a basis for a self-billed provider or a draft', async () => {
    await t.db('providers').where({ id: w.providers.HJEM }).update({ invoicing_mode: 'self_billing' });
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      period: '2026-01',
      lines: [{ citizenRef: 'X', minutes: 60, rate: '450' }],
    });
    const res = await app.as(w.finance).post(`/api/settlements/${s.id}/payment-basis`).expect(422);
    expect(res.body.error.message).toMatch(/self-billed/);
    await t.db('providers').where({ id: w.providers.HJEM }).update({ invoicing_mode: 'payment_basis' });
    const draft = await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      period: '2026-02',
      lines: [{ citizenRef: 'X', minutes: 60, rate: '450' }],
      approve: false,
    });
    await app.as(w.finance).post(`/api/settlements/${draft.id}/payment-basis`).expect(422);
    await app.as(w.providerTokens.HJEM!).post(`/api/settlements/${s.id}/payment-basis`).expect(403);
    // A settlement self-billed before the provider changed mode gets no basis: it would be paid twice.
    await t.db('providers').where({ id: w.providers.HJEM }).update({ invoicing_mode: 'self_billing' });
    await app.services.invoices.issueForSettlement(
      { principal: { municipalityId: w.municipalityId, role: 'finance', providerId: null, actor: 't', tokenId: null }, requestId: null },
      s.id,
    );
    await t.db('providers').where({ id: w.providers.HJEM }).update({ invoicing_mode: 'payment_basis' });
    const twice = await app.as(w.finance).post(`/api/settlements/${s.id}/payment-basis`).expect(422);
    expect(twice.body.error.message).toMatch(/pay it twice/);
  });

  describe('received invoices and their verdicts', () => {
    let april: Awaited<ReturnType<typeof aBasis>>;
    let may: Awaited<ReturnType<typeof aBasis>>;
    let hjem: Awaited<ReturnType<typeof aBasis>>;
    beforeAll(async () => {
      april = await aBasis(t.db, app, w, { provider: 'OMSORG', period: '2026-04', lines: LINES });
      may = await aBasis(t.db, app, w, { provider: 'OMSORG', period: '2026-05', lines: LINES });
      hjem = await aBasis(t.db, app, w, { provider: 'HJEM', period: '2026-04', lines: LINES.slice(0, 2) });
    });

    it('matches an invoice with a line per basis row and answers AP', async () => {
      const res = await send(aProviderInvoice(w, april, { number: 'F-2001' }), w.finance, '?filename=F-2001.xml').expect(201);
      expect(res.body).toMatchObject({
        verdict: 'matched',
        outcome: 'matched',
        readyForPayment: true,
        number: 'F-2001',
        paymentBasisReference: april.reference,
        reasons: [],
        differences: [],
      });
      expect(res.body.totalExclVat).toBe('1848.00');
      const xml = (await app.as(w.finance).get(`/api/received-invoices/${res.body.id}/response.xml`).expect(200)).text;
      expect(checkInvoiceResponse(xml)).toEqual([]);
      expect(xml).toContain('<cbc:ResponseCode>AP</cbc:ResponseCode>');
      expect(xml).toContain('<cbc:ID>F-2001</cbc:ID>');
      expect(xml).toContain('<cbc:EndpointID schemeID="0088">5790001234560</cbc:EndpointID>');
      const original = await app
        .as(w.finance)
        .get(`/api/received-invoices/${res.body.id}/original`)
        .buffer(true)
        .parse(binaryBody)
        .expect(200);
      expect(original.body.toString('utf8')).toBe(aProviderInvoice(w, april, { number: 'F-2001' }));
    });

    it('the same invoice again is a duplicate: rejected, stored, never counted twice', async () => {
      const res = await send(aProviderInvoice(w, april, { number: 'F-2001' })).expect(201);
      expect(res.body).toMatchObject({ verdict: 'rejected', readyForPayment: false, reasons: [{ code: 'duplicate', detail: 'F-2001' }] });
      const rows = await t.db('received_documents').where({ number: 'F-2001' }).orderBy('id').select('verdict', 'claims_number', 'sha256');
      expect(rows.map((r) => [r.verdict, r.claims_number])).toEqual([
        ['matched', true],
        ['rejected', false],
      ]);
      expect(rows[0].sha256).toBe(rows[1].sha256);
      const xml = (await app.as(w.finance).get(`/api/received-invoices/${res.body.id}/response.xml`).expect(200)).text;
      expect(xml).toContain('<cbc:ResponseCode>RE</cbc:ResponseCode>');
      expect(checkInvoiceResponse(xml)).toEqual([]);
    });

    it('matches one summary line with the reference as buyer reference and the amount due rounded to whole kroner', async () => {
      const xml = aProviderInvoice(w, may, {
        number: 'F-2002',
        lines: 'summary',
        referenceIn: 'buyer',
        roundToKrone: true,
        allowance: '100',
        charge: '100',
      });
      expect(xml).toContain('<cbc:BuyerReference>' + may.reference);
      const res = await send(xml).expect(201);
      expect(res.body).toMatchObject({ verdict: 'matched', differences: [] });
    });

    it('disputes (does not refuse) an honest invoice with a discount the basis does not have: the rules pass, the amounts differ', async () => {
      const res = await send(aProviderInvoice(w, hjem, { from: 'HJEM', number: 'H-0', lines: 'summary', allowance: '50' })).expect(201);
      expect([res.body.verdict, res.body.reasons, res.body.violations]).toEqual(['disputed', [], []]);
      expect(res.body.differences.map((d: { code: string }) => d.code)).toContain('payable');
    });

    it('disputes a wrong VAT rate, naming each VAT difference in the language asked for', async () => {
      const res = await send(
        aProviderInvoice(w, hjem, { from: 'HJEM', number: 'H-1', mistakes: { vatPercent: '12' } }),
        w.finance,
        '?language=da',
      ).expect(201);
      expect(res.body.verdict).toBe('disputed');
      const codes = res.body.differences.map((d: { code: string; subject: string | null }) => `${d.code}:${d.subject ?? ''}`);
      expect(codes).toEqual(['vat_total:', 'vat_base:25', 'vat_rate:25', 'vat_base:12', 'vat_rate:12', 'tax_inclusive:', 'payable:']);
      const vat25 = res.body.differences.find((d: { code: string; subject: string }) => d.code === 'vat_rate' && d.subject === '25');
      expect(vat25).toMatchObject({
        expected: '356.25',
        received: null,
        difference: '356.25',
        text: 'Moms 25 %: forventet 356.25, modtaget –, forskel 356.25.',
      });
      const xml = (await app.as(w.providerTokens.HJEM!).get(`/api/received-invoices/${res.body.id}/response.xml`).expect(200)).text;
      expect(xml).toContain('<cbc:ResponseCode>UQ</cbc:ResponseCode>');
      expect(xml).toContain('<cbc:StatusReasonCode listID="OPStatusReason">FIN</cbc:StatusReasonCode>');
      expect(checkInvoiceResponse(xml)).toEqual([]);
    });

    it('disputes a wrong total line by line: the extra hour shows as quantity, amount and totals', async () => {
      const june = await aBasis(t.db, app, w, { provider: 'OMSORG', period: '2026-06', lines: LINES });
      const res = await send(aProviderInvoice(w, june, { number: 'F-2003', mistakes: { extraMinutes: 60 } })).expect(201);
      expect(res.body.verdict).toBe('disputed');
      expect(res.body.differences).toEqual([
        { code: 'tax_exclusive', subject: null, expected: '1848.00', received: '2388.00', difference: '-540.00' },
        { code: 'vat_total', subject: null, expected: '462.00', received: '597.00', difference: '-135.00' },
        { code: 'vat_base', subject: '25', expected: '1848.00', received: '2388.00', difference: '-540.00' },
        { code: 'vat_rate', subject: '25', expected: '462.00', received: '597.00', difference: '-135.00' },
        { code: 'tax_inclusive', subject: null, expected: '2310.00', received: '2985.00', difference: '-675.00' },
        { code: 'payable', subject: null, expected: '2310.00', received: '2985.00', difference: '-675.00' },
        { code: 'line_amount', subject: 'personal_care.evening.visit', expected: '423.00', received: '963.00', difference: '-540.00' },
        { code: 'line_quantity', subject: 'personal_care.evening.visit', expected: '47 MIN', received: '107 MIN', difference: '-60' },
      ]);
    });

    it('a tolerance lets a difference of a few øre through, and no more', async () => {
      // 1 + 1 + 60 minutes at 451.00: the lines were rounded one by one (7.52 + 7.52 + 451.00 = 466.04),
      // the row is 62 min × 451 / 60 = 466.03, so the basis has a rounding row of 0.01.
      const july = await aBasis(t.db, app, w, {
        provider: 'OMSORG',
        period: '2026-07',
        lines: [1, 1, 60].map((minutes, i) => ({ citizenRef: `R-${i}`, minutes, rate: '451.00' })),
      });
      expect(july.rows.map((r) => [r.itemId, r.amount])).toEqual([
        ['personal_care.weekday_day.visit', '466.03'],
        ['rounding.25', '0.01'],
      ]);
      const first = (await send(aProviderInvoice(w, july, { number: 'F-2004', mistakes: { dropRounding: true } })).expect(201)).body;
      expect(first.verdict).toBe('disputed');
      expect(first.differences.map((d: { code: string; difference: string }) => `${d.code} ${d.difference}`)).toEqual([
        'tax_exclusive 0.01',
        'vat_base 0.01',
        'tax_inclusive 0.01',
        'payable 0.01',
        'line_missing 0.01',
      ]);
      await t.db('municipalities').where({ id: w.municipalityId }).update({ received_invoice_tolerance: '0.01' });
      try {
        // One minute more is 7.52 more: beyond the tolerance.
        const more = await send(aProviderInvoice(w, july, { number: 'F-2006', mistakes: { extraMinutes: 1, dropRounding: true } })).expect(
          201,
        );
        expect(more.body.verdict).toBe('disputed');
        const again = await send(aProviderInvoice(w, july, { number: 'F-2005', mistakes: { dropRounding: true } })).expect(201);
        expect(again.body.verdict).toBe('matched');
        // The basis is now invoiced: a further invoice for it is refused.
        const third = await send(aProviderInvoice(w, july, { number: 'F-2007' })).expect(201);
        expect(third.body.reasons).toEqual([{ code: 'already_invoiced', detail: july.reference }]);
      } finally {
        await t.db('municipalities').where({ id: w.municipalityId }).update({ received_invoice_tolerance: '0.00' });
      }
    });

    it("refuses another provider's basis, no reference, an unknown seller and another municipality's buyer endpoint", async () => {
      const other = await send(aProviderInvoice(w, hjem, { from: 'OMSORG', number: 'F-3001' })).expect(201);
      expect(other.body).toMatchObject({
        verdict: 'rejected',
        reasons: [{ code: 'reference_other_seller', detail: hjem.reference }],
        providerRef: 'OMSORG',
        paymentBasisReference: null,
      });
      const none = await send(aProviderInvoice(w, april, { number: 'F-3002', mistakes: { noReference: true } })).expect(201);
      expect(none.body.reasons).toEqual([{ code: 'no_reference', detail: 'our order 4711, Kommunen' }]);
      const stranger = aProviderInvoice(w, april, { number: 'S-1' })
        .replace(/5790001234560/g, '5790000000012')
        .replace(/DK31554411/g, 'DK11111111');
      const unknown = await send(stranger).expect(201);
      expect(unknown.body.reasons).toEqual([{ code: 'seller_unknown', detail: '0088:5790000000012' }]);
      expect(unknown.body.providerId).toBeNull();
      const otherId = await aMunicipality(app.services, 'ctl-other');
      await t
        .db('municipalities')
        .where({ id: otherId })
        .update({ electronic_address: '5798000000094', electronic_address_scheme: '0088' });
      const elsewhere = await send(
        aProviderInvoice(w, hjem, { from: 'HJEM', number: 'H-3003' }).replace('>5798000000001<', '>5798000000094<'),
      ).expect(201);
      expect(elsewhere.body.reasons).toEqual([{ code: 'buyer_other_municipality', detail: '0088:5798000000094' }]);
    });

    it('matches a credit note against the negative basis of a correction', async () => {
      const regular = await t.db('payment_bases').where({ reference: april.reference }).first('settlement_id');
      const s = await anApprovedSettlement(t.db, w, {
        provider: 'OMSORG',
        period: '2026-04',
        kind: 'correction',
        correctsId: regular.settlement_id,
        lines: [{ citizenRef: 'C-1', minutes: -40, rate: '540.00', band: 'evening' }],
      });
      const { basis } = await app.services.invoiceControl.issueBasis(
        { principal: { municipalityId: w.municipalityId, role: 'finance', providerId: null, actor: 't', tokenId: null }, requestId: null },
        s.id,
      );
      expect(basis.totalInclVat).toBe('-450.00');
      const doc = (await app.as(w.finance).get(`/api/payment-bases/${basis.reference}`).expect(200)).body.document;
      expect(doc.settlement.correctsReference).toBe(april.reference);
      const xml = aProviderInvoice(w, doc, { number: 'K-1', billingReference: 'F-2001' });
      expect(xml).toContain('<CreditNote');
      const res = await send(xml).expect(201);
      expect(res.body).toMatchObject({ documentType: 'credit_note', verdict: 'matched', totalExclVat: '-360.00', payable: '-450.00' });
      // An invoice (not a credit note) for a negative basis is disputed.
      const wrongType = await send(
        aProviderInvoice(w, doc, { number: 'K-2', billingReference: 'F-2001' })
          .replace(/CreditNote/g, 'Invoice')
          .replace(/CreditedQuantity/g, 'InvoicedQuantity')
          .replace(/<cbc:InvoiceTypeCode>381/, '<cbc:InvoiceTypeCode>380'),
      ).expect(201);
      expect(wrongType.body.verdict).not.toBe('matched');
    });
  });

  it("in Sweden: a fakturaunderlag (FU-…) at 0 % VAT, and the provider's invoice matched", async () => {
    const se = await aPaymentBasisWorld(t.db, app, 'ctl-se', 'SE');
    const b = await aBasis(t.db, app, se, {
      provider: 'OMSORG',
      period: '2026-04',
      lines: [{ citizenRef: 'B-1', minutes: 150, rate: '512.40' }],
    });
    expect(b.reference).toMatch(/^FU-2026-\d{6}$/);
    expect(b.vat).toEqual([
      { percent: '0', base: '1281.00', vat: '0.00', exemptionReason: 'Social care is exempt from VAT (mervärdesskattelagen 3 kap. 7 §)' },
    ]);
    const pdf = await app
      .as(se.providerTokens.OMSORG!)
      .get(`/api/payment-bases/${b.reference}.pdf`)
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const text = await pdfText(pdf.body);
    expect(text).toContain('Fakturaunderlag');
    expect(text).toContain('Momsfri');
    const res = await app
      .as(se.finance)
      .post('/api/received-invoices?language=sv')
      .set('content-type', 'application/xml')
      .send(Buffer.from(aProviderInvoice(se, b, { number: 'SE-1' })))
      .expect(201);
    expect(res.body).toMatchObject({ verdict: 'matched', violations: [], currency: 'SEK', payable: '1281.00' });
  });

  it('documents its endpoints in the OpenAPI document from the same schemas', async () => {
    const doc = (await app.http.get('/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/payment-bases',
        '/payment-bases/{reference}.pdf',
        '/settlements/{id}/payment-basis',
        '/received-invoices',
        '/received-invoices/{id}/response.xml',
        '/received-invoices/{id}/decision',
      ]),
    );
    expect(Object.keys(doc.paths['/received-invoices'].post.requestBody.content)).toEqual(['application/xml']);
    expect(doc.components.schemas.ReceivedDocument.properties.verdict.enum).toEqual(['matched', 'disputed', 'rejected']);
  });
});
