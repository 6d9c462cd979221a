import { beforeAll, describe, expect, it } from 'vitest';
import { checkInvoiceResponse } from '../../src/features/invoice-control/invoice-response.js';
import { aMunicipality, aToken, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aBasis, aPaymentBasisWorld, aProviderInvoice, type ControlWorld } from '../helpers/provider-invoice-builder.js';

const t = useTestDatabase();
const CAP = 64 * 1024;

/** The Bad-input cases of a received document: each a rejected verdict with its reason, stored with the bytes, never a 500 or a payment. */
describe('received documents that are bad input', () => {
  let app: TestApp;
  let w: ControlWorld;
  let basis: Awaited<ReturnType<typeof aBasis>>;
  const send = (body: Buffer | string, token = w.finance) =>
    app
      .as(token)
      .post('/api/received-invoices')
      .set('content-type', 'application/xml')
      .send(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

  beforeAll(async () => {
    app = buildTestApp(t.db, { RECEIVED_INVOICE_MAX_BYTES: String(CAP) });
    w = await aPaymentBasisWorld(t.db, app, 'bad');
    basis = await aBasis(t.db, app, w, {
      provider: 'OMSORG',
      period: '2026-04',
      lines: [{ citizenRef: 'C-1', minutes: 90, rate: '450.00' }],
    });
  });

  const valid = () => aProviderInvoice(w, basis, { number: 'OK-1' });
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">&lol3;</cbc:ID></Invoice>`;
  const xxe = () =>
    valid()
      .replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
      )
      .replace('<cbc:ID>OK-1</cbc:ID>', '<cbc:ID>&xxe;</cbc:ID>');
  const cii = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>CII-1</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>`;

  const cases: [string, () => Buffer | string, { code: string; detail?: unknown }][] = [
    ['an empty body', () => Buffer.alloc(0), { code: 'empty' }],
    [
      'binary garbage',
      () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]),
      { code: 'not_xml' },
    ],
    ['text that is not XML', () => 'hello, this is my invoice', { code: 'not_xml', detail: 'no markup' }],
    ['XML that is not well-formed', () => valid().replace('</cbc:ID>', '</cbc:Id>'), { code: 'not_xml' }],
    ['a billion-laughs entity bomb', () => billionLaughs, { code: 'unsafe_xml', detail: 'DOCTYPE' }],
    ['an external entity (XXE, file:///etc/passwd)', xxe, { code: 'unsafe_xml', detail: 'DOCTYPE' }],
    [
      'a DOCTYPE in UTF-16',
      () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>', 'utf16le')]),
      { code: 'unsafe_xml', detail: 'DOCTYPE' },
    ],
    ['an entity not declared anywhere', () => valid().replace('<cbc:ID>OK-1</cbc:ID>', '<cbc:ID>&secret;</cbc:ID>'), { code: 'not_xml' }],
    ['XML that is not UBL', () => '<?xml version="1.0"?><order xmlns="urn:example"><id>1</id></order>', { code: 'not_ubl' }],
    ['a CII invoice', () => cii, { code: 'not_ubl' }],
    [
      'a UBL invoice that is not Peppol BIS Billing 3.0',
      () => valid().replace('urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0', 'urn:cen.eu:en16931:2017'),
      { code: 'not_peppol_billing', detail: 'urn:cen.eu:en16931:2017' },
    ],
    [
      'an invoice that breaks a fatal rule (totals do not add up)',
      () => valid().replace(/<cbc:TaxInclusiveAmount currencyID="DKK">[^<]+</, '<cbc:TaxInclusiveAmount currencyID="DKK">1.00<'),
      { code: 'rules_failed' },
    ],
  ];

  for (const [what, body, reason] of cases) {
    it(`${what}: rejected with the reason, stored with its bytes`, async () => {
      const bytes = body();
      const res = await send(bytes).expect(201);
      expect(res.body).toMatchObject({ verdict: 'rejected', outcome: 'rejected', readyForPayment: false });
      expect(res.body.reasons[0]).toMatchObject(reason);
      const row = await t.db('received_documents').where({ id: res.body.id }).first('content', 'size_bytes', 'claims_number');
      expect(Buffer.compare(row.content, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'))).toBe(0);
      expect(Number(row.size_bytes)).toBe(Buffer.byteLength(bytes));
      expect(row.claims_number).toBe(false);
    });
  }

  it('values that fit no column (a 30 February, an amount of 15 digits, a 300-character number) are kept in the original, never a 500', async () => {
    const odd = valid()
      .replace('<cbc:IssueDate>2026-05-04</cbc:IssueDate>', '<cbc:IssueDate>2026-02-30</cbc:IssueDate>')
      .replace('<cbc:ID>OK-1</cbc:ID>', `<cbc:ID>${'N'.repeat(300)}</cbc:ID>`)
      .replace('<cbc:StartDate>2026-04-01</cbc:StartDate>', '<cbc:StartDate>2026-04-31</cbc:StartDate>');
    expect(odd).toContain('2026-04-31');
    const res = await send(odd).expect(201);
    expect(res.body).toMatchObject({ issueDate: null, periodStart: null, number: 'N'.repeat(200) });
    expect(res.body.verdict).not.toBe('matched');
    const huge = await send(
      valid().replace(/<cbc:PayableAmount currencyID="DKK">[^<]+</, '<cbc:PayableAmount currencyID="DKK">123456789012345.00<'),
    ).expect(201);
    expect(huge.body).toMatchObject({ verdict: 'rejected', payable: null });
  });

  it('a document over the size limit (10 MB) is refused unread: its size and hash are kept, not its bytes', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    big.write('<?xml version="1.0"?><Invoice>', 0);
    const res = await send(big).expect(201);
    expect(res.body).toMatchObject({ verdict: 'rejected', reasons: [{ code: 'too_large', detail: String(CAP) }], sizeBytes: big.length });
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    await app.as(w.finance).get(`/api/received-invoices/${res.body.id}/original`).expect(404);
  });

  it('reads a valid invoice sent in UTF-16 with its byte-order mark, and names the reasons in Swedish when asked', async () => {
    const text = valid().replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const res = await send(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])).expect(201);
    expect(res.body.verdict).toBe('matched');
    const dup = await app
      .as(w.finance)
      .post('/api/received-invoices?language=sv')
      .set('content-type', 'application/xml')
      .send(Buffer.from(valid()))
      .expect(201);
    expect(dup.body.reasons).toEqual([
      { code: 'duplicate', detail: 'OK-1', text: 'Fakturanummer OK-1 från denna säljare har tagits emot tidigare.' },
    ]);
  });

  it('a rejected document still gets a valid Invoice Response when it names its seller and number', async () => {
    const res = await send(
      valid().replace('urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0', 'urn:other'),
    ).expect(201);
    const xml = (await app.as(w.finance).get(`/api/received-invoices/${res.body.id}/response.xml`).expect(200)).text;
    expect(xml).toContain('<cbc:ResponseCode>RE</cbc:ResponseCode>');
    expect(xml).toContain('<cbc:StatusReasonCode listID="OPStatusReason">LEG</cbc:StatusReasonCode>');
    expect(checkInvoiceResponse(xml)).toEqual([]);
    // Nothing to answer for an unreadable one.
    const garbage = await send('not xml').expect(201);
    const none = await app.as(w.finance).get(`/api/received-invoices/${garbage.body.id}/response.xml`).expect(404);
    expect(none.body.error.code).toBe('not_found');
  });

  describe('who sees what', () => {
    it('a provider token sees only the documents attributed to it; another municipality sees none; only finance receives', async () => {
      const other = await aBasis(t.db, app, w, {
        provider: 'HJEM',
        period: '2026-04',
        lines: [{ citizenRef: 'C-9', minutes: 30, rate: '450.00' }],
      });
      const hj = await send(aProviderInvoice(w, other, { from: 'HJEM', number: 'H-77' })).expect(201);
      expect(hj.body.verdict).toBe('matched');

      const omsorg = app.as(w.providerTokens.OMSORG!);
      const own = await omsorg.get('/api/received-invoices?limit=1000').expect(200);
      expect(own.body.total).toBeGreaterThan(0);
      expect(own.body.items.every((d: { providerRef: string }) => d.providerRef === 'OMSORG')).toBe(true);
      await omsorg.get(`/api/received-invoices/${hj.body.id}`).expect(404);
      await omsorg.get(`/api/received-invoices/${hj.body.id}/response.xml`).expect(404);
      await omsorg.get(`/api/received-invoices/${hj.body.id}/original`).expect(404);
      await omsorg.post('/api/received-invoices').set('content-type', 'application/xml').send(Buffer.from(valid())).expect(403);
      await omsorg.post(`/api/received-invoices/${hj.body.id}/decision`).send({ decision: 'accepted', note: 'x' }).expect(403);
      const hjem = await app.as(w.providerTokens.HJEM!).get(`/api/received-invoices/${hj.body.id}/response.xml`).expect(200);
      expect(hjem.text).toContain('<cbc:ResponseCode>AP</cbc:ResponseCode>');

      const elsewhere = await aMunicipality(app.services, 'bad-other');
      const stranger = await aToken(app.services, elsewhere, 'finance');
      expect((await app.as(stranger).get('/api/received-invoices').expect(200)).body.total).toBe(0);
      await app.as(stranger).get(`/api/received-invoices/${hj.body.id}`).expect(404);
      await app.as(stranger).get(`/api/payment-bases/${other.reference}`).expect(404);
    });
  });

  describe("finance's decision", () => {
    it('accepts a disputed invoice for payment with a note, audited, answered with a new AP response; a note is required; a rejected one cannot be accepted', async () => {
      const b = await aBasis(t.db, app, w, {
        provider: 'OMSORG',
        period: '2026-05',
        lines: [{ citizenRef: 'C-1', minutes: 90, rate: '450.00' }],
      });
      const disputed = await send(aProviderInvoice(w, b, { number: 'D-1', mistakes: { extraMinutes: 30 } })).expect(201);
      expect(disputed.body).toMatchObject({ verdict: 'disputed', readyForPayment: false });
      const id = disputed.body.id;
      await app.as(w.finance).post(`/api/received-invoices/${id}/decision`).send({ decision: 'accepted', note: '  ' }).expect(400);
      const accepted = await app
        .as(w.finance)
        .post(`/api/received-invoices/${id}/decision`)
        .send({ decision: 'accepted', note: 'Extra half hour agreed by phone' })
        .expect(200);
      expect(accepted.body).toMatchObject({
        verdict: 'disputed',
        outcome: 'accepted',
        readyForPayment: true,
        decision: { decision: 'accepted', note: 'Extra half hour agreed by phone' },
      });
      await app
        .as(w.finance)
        .post(`/api/received-invoices/${id}/decision`)
        .send({ decision: 'rejected', note: 'changed my mind' })
        .expect(422);
      const responses = await t
        .db('invoice_responses')
        .where({ received_document_id: id })
        .orderBy('sequence')
        .select('response_code', 'xml');
      expect(responses.map((r) => r.response_code)).toEqual(['UQ', 'AP']);
      expect(responses[1].xml).toContain('Godkendt af kommunens økonomiafdeling: Extra half hour agreed by phone');
      expect(checkInvoiceResponse(responses[1].xml)).toEqual([]);
      const latest = await app.as(w.providerTokens.OMSORG!).get(`/api/received-invoices/${id}/response.xml`).expect(200);
      expect(latest.text).toContain('<cbc:ResponseCode>AP</cbc:ResponseCode>');
      const audit = await t
        .db('audit_log')
        .where({ entity: 'received_document', entity_id: String(id) })
        .orderBy('id')
        .select('action', 'changes');
      expect(audit.map((a) => a.action)).toEqual(['receive', 'decide']);
      expect(audit[1].changes.after).toEqual({ decision: 'accepted', note: 'Extra half hour agreed by phone' });

      const rejected = await send('<?xml version="1.0"?><nope/>').expect(201);
      const refused = await app
        .as(w.finance)
        .post(`/api/received-invoices/${rejected.body.id}/decision`)
        .send({ decision: 'accepted', note: 'pay it' })
        .expect(422);
      expect(refused.body.error.message).toMatch(/cannot be accepted/);
    });
  });
});
