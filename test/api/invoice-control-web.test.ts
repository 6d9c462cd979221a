import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { aBasis, aPaymentBasisWorld, aProviderInvoice, type ControlWorld } from '../helpers/provider-invoice-builder.js';
import { Browser, setCookies } from '../helpers/web-browser.js';

const t = useTestDatabase();

describe('web interface: payment bases and received invoices', () => {
  let app: TestApp;
  let w: ControlWorld;
  let basis: Awaited<ReturnType<typeof aBasis>>;

  beforeAll(async () => {
    app = buildTestApp(t.db);
    w = await aPaymentBasisWorld(t.db, app, 'ctl-web');
    basis = await aBasis(t.db, app, w, {
      provider: 'OMSORG',
      period: '2026-04',
      lines: [{ citizenRef: 'C-1', minutes: 90, rate: '450.00' }],
    });
  });

  /** Signs in with a token; returns the browser and its session cookie (for the multipart upload). */
  const signIn = async (token: string) => {
    const b = new Browser(app);
    const res = await b.signIn({ token });
    const cookie = setCookies(res)
      .map((c) => c.split(';')[0])
      .join('; ');
    return { b, cookie };
  };
  const upload = (cookie: string, csrf: string, xml: string, name = 'invoice.xml') =>
    app.http
      .post('/app/received-invoices')
      .set('cookie', cookie)
      .field('_csrf', csrf)
      .attach('file', Buffer.from(xml, 'utf8'), { filename: name, contentType: 'application/xml' });

  it('finance uploads an e-invoice, reads the differences in Danish and accepts it with a note', async () => {
    const { b, cookie } = await signIn(w.finance);
    let page = await b.get('/app/payment-bases');
    expect(page.text).toContain('<a href="/app/payment-bases" aria-current="page">Afregningsgrundlag</a>');
    expect(page.text).toContain(basis.reference);
    const pdf = await b.get(`/app/payment-bases/${basis.reference}.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    page = await b.get('/app/received-invoices');
    expect(page.text).toContain('enctype="multipart/form-data"');

    const sent = await upload(
      cookie,
      Browser.csrf(page.text),
      aProviderInvoice(w, basis, { number: 'W-1', mistakes: { extraMinutes: 30 } }),
      'W-1.xml',
    );
    expect(sent.status).toBe(303);
    page = await b.get(sent.headers.location!);
    expect(page.text).toContain('#1: afviger');
    expect(page.text).toContain('Linje personal_care.weekday_day.visit: antal: forventet 90 MIN, modtaget 120 MIN, forskel -30.');
    expect(page.text).toContain('Fakturasvar (UQ)');
    const xml = await b.get('/app/received-invoices/1/response.xml');
    expect(xml.text).toContain('<cbc:ResponseCode>UQ</cbc:ResponseCode>');

    const empty = await b.post('/app/received-invoices/1/decision', { _csrf: Browser.csrf(page.text), decision: 'accepted', note: '' });
    expect(empty.status).toBe(400);
    await b.post('/app/received-invoices/1/decision', {
      _csrf: Browser.csrf(page.text),
      decision: 'accepted',
      note: 'Aftalt pr. telefon',
      back: '/app/received-invoices/1',
    });
    page = await b.get('/app/received-invoices/1');
    expect(page.text).toContain('godkendt af økonomi: klar til betaling');
    expect(page.text).toContain('Aftalt pr. telefon');
    expect(page.text).toContain('Fakturasvar (AP)');

    // The form's CSRF field is checked for the multipart upload too.
    expect((await upload(cookie, 'forged', aProviderInvoice(w, basis, { number: 'W-2' }))).status).toBe(403);
  });

  it("a provider sees its own bases and verdicts, can neither upload nor decide, and another provider's document is not found", async () => {
    const { b, cookie } = await signIn(w.providerTokens.OMSORG!);
    const page = await b.get('/app/received-invoices');
    expect(page.text).not.toContain('enctype="multipart/form-data"');
    expect(page.text).toContain('godkendt af økonomi');
    const detail = await b.get('/app/received-invoices/1');
    expect(detail.text).not.toContain('name="decision"');
    expect((await upload(cookie, Browser.csrf(page.text), aProviderInvoice(w, basis, { number: 'W-3' }))).status).toBe(403);

    const { b: other } = await signIn(w.providerTokens.HJEM!);
    expect((await other.get('/app/received-invoices/1')).status).toBe(404);
    expect((await other.get('/app/received-invoices/1/response.xml')).status).toBe(404);
    expect((await other.get('/app/payment-bases')).text).not.toContain(basis.reference);
  });
});
