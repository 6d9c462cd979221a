import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aToken, type TestApp } from '../helpers/app.js';
import { cliAgainst } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, binaryBody, buildInvoiceTestApp, pdfText } from '../helpers/invoice-builders.js';
import { aProviderInvoice } from '../helpers/provider-invoice-builder.js';
import { aRecalcWorld, RECALC_CATEGORIES, recalcFixture, type RecalcWorld } from '../helpers/recalc-builders.js';
import { Browser } from '../helpers/web-browser.js';

const t = useTestDatabase();
const NOW = new Date('2027-03-15T09:00:00Z');

/**
 * The recalculation of price-recalculation.test.ts (prices 290.44, 450.50, 669.92) with both
 * private providers on payment basis: they are never invoiced by the municipality, so their
 * adjustments are sent as payment bases and answered with their own invoice or credit note.
 *   HJEM    PH weekday_day 3000 min paid at 280.00 → × +10.44 =  522.00
 *           PPO 120 min at 50 % (60 paid) at 700.00 → × −30.08 =  −30.08   491.92 + 25 % = 614.90
 *   OMSORG  PPD 5400 min at 450.00 → × +0.50 = 45.00; PPO 1500 min at 700.00 → × −30.08 = −752.00
 *           −707.00 + 25 % = −883.75: the provider owes it, and credits it
 */
describe('price recalculation: payment bases for the adjustments of providers that invoice themselves', () => {
  let app: TestApp;
  let w: RecalcWorld;
  let finance: string;
  let hjemToken: string;
  let recalcId: number;
  let refs: { HJEM: string; OMSORG: string };
  const basisOf = async (ref: string) =>
    (
      await app.services.invoiceControl.basis(
        {
          principal: { municipalityId: w.municipalityId, role: 'finance', providerId: null, actor: 'test', tokenId: null },
          requestId: null,
        },
        ref,
      )
    ).document;
  const send = (xml: string) =>
    app.as(finance).post('/api/received-invoices').set('content-type', 'application/xml').send(Buffer.from(xml, 'utf8')).expect(201);

  beforeAll(async () => {
    app = buildInvoiceTestApp(t.db, () => NOW);
    w = await aRecalcWorld(t.db, app.services, 'RC-PB');
    await t.db('providers').where({ municipality_id: w.municipalityId, kind: 'private' }).update({ invoicing_mode: 'payment_basis' });
    finance = await aToken(app.services, w.municipalityId, 'finance');
    hjemToken = await aToken(app.services, w.municipalityId, 'provider', w.providers.HJEM);
    const omsorg = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'C-1', minutes: 6000, rate: '450.00' },
        { citizenRef: 'C-1', minutes: 1500, rate: '700.00', band: 'other_times' },
        { citizenRef: 'C-2', serviceCode: 'PH', category: 'practical_help', minutes: 600, rate: '290.44' },
      ],
    });
    await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      period: '2026-05',
      lines: [
        { citizenRef: 'C-3', serviceCode: 'PH', category: 'practical_help', minutes: 3000, rate: '280.00' },
        { citizenRef: 'C-4', kind: 'cancellation', minutes: 120, rate: '700.00', factor: '0.5', band: 'other_times' },
      ],
    });
    await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      kind: 'correction',
      sequence: 1,
      correctsId: omsorg.id,
      lines: [{ citizenRef: 'C-1', minutes: -600, rate: '450.00' }],
    });
    await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send({ hoursSource: 'visits', categories: RECALC_CATEGORIES, lines: [] })
      .expect(200);
    await app
      .as(finance)
      .post('/api/cost-statements/2026/lines')
      .set('content-type', 'text/csv')
      .send(recalcFixture('costs-da.csv'))
      .expect(200);
    await app
      .as(finance)
      .post('/api/cost-statements/2026/hours')
      .set('content-type', 'text/csv')
      .send(recalcFixture('hours-da.csv'))
      .expect(200);
    recalcId = (await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200)).body.recalculation.id;
    await app.as(finance).post(`/api/price-recalculations/${recalcId}/approve`).expect(200);
  });

  it('sends each provider on payment basis the basis of its adjustment, once', async () => {
    const res = await app.as(finance).post(`/api/price-recalculations/${recalcId}/documents`).expect(200);
    const items = res.body.items;
    expect(items.map((i: any) => [i.providerRef, i.number, i.kind, i.paymentBasis, i.totalInclVat, i.created])).toEqual([
      ['HJEM', null, null, `AG-2026-R${String(items[0].adjustmentId).padStart(6, '0')}`, '614.90', true],
      ['OMSORG', null, null, `AG-2026-R${String(items[1].adjustmentId).padStart(6, '0')}`, '-883.75', true],
    ]);
    refs = { HJEM: items[0].paymentBasis, OMSORG: items[1].paymentBasis };
    // The adjustments name their basis, as they name an invoice.
    const listed = (await app.as(finance).get(`/api/price-adjustments?year=2026`).expect(200)).body.items;
    expect(listed.map((a: any) => [a.providerRef, a.invoice, a.paymentBasis])).toEqual([
      ['HJEM', null, refs.HJEM],
      ['OMSORG', null, refs.OMSORG],
    ]);
    // Nothing was invoiced by the municipality, and a second run sends nothing new.
    expect(Number((await t.db('invoices').where({ municipality_id: w.municipalityId }).count({ n: '*' }).first())!.n)).toBe(0);
    const again = await app.as(finance).post(`/api/price-recalculations/${recalcId}/documents`).expect(200);
    expect(again.body.items.map((i: any) => [i.paymentBasis, i.created])).toEqual([
      [refs.HJEM, false],
      [refs.OMSORG, false],
    ]);
    expect(
      Number(
        (await t
          .db('payment_bases')
          .where({ municipality_id: w.municipalityId })
          .whereNotNull('price_adjustment_id')
          .count({ n: '*' })
          .first())!.n,
      ),
    ).toBe(2);
    const audit = await t
      .db('audit_log')
      .where({ municipality_id: w.municipalityId, entity: 'payment_basis', action: 'issue' })
      .pluck('entity_id');
    expect(audit.sort()).toEqual([refs.HJEM, refs.OMSORG].sort());
  });

  it('states hours paid × difference per hour = amount exactly, VAT per rate, negative when the provider owes', async () => {
    const hjem = (await app.as(finance).get(`/api/payment-bases/${refs.HJEM}`).expect(200)).body;
    expect(hjem).toMatchObject({
      reference: refs.HJEM,
      settlementId: null,
      priceAdjustmentId: expect.any(Number),
      providerRef: 'HJEM',
      period: '2026',
      periodStart: '2026-01-01',
      periodEnd: '2027-01-01',
      totalExclVat: '491.92',
      vat: '122.98',
      totalInclVat: '614.90',
    });
    const doc = await basisOf(refs.HJEM);
    expect(doc.settlement).toBeNull();
    expect(doc.adjustment).toEqual({ id: hjem.priceAdjustmentId, recalculationId: recalcId, year: 2026 });
    expect(
      doc.rows.map((r) => [
        r.itemId,
        r.category,
        r.band,
        r.unitCode,
        r.quantity,
        r.price,
        r.baseQuantity,
        r.amount,
        r.vatPercent,
        r.paidRate,
        r.newPrice,
      ]),
    ).toEqual([
      ['retro.PH.weekday_day', 'practical_help', 'weekday_day', 'MIN', '3000', '10.44', 60, '522.00', '25', '280', '290.44'],
      ['retro.PPO.other_times', 'personal_care', 'other_times', 'MIN', '-60', '30.08', 60, '-30.08', '25', '700', '669.92'],
    ]);
    expect(doc.vat).toEqual([{ percent: '25', base: '491.92', vat: '122.98', exemptionReason: null }]);
    const omsorg = await basisOf(refs.OMSORG);
    expect(omsorg.rows.map((r) => [r.itemId, r.quantity, r.price, r.amount])).toEqual([
      ['retro.PPD.weekday_day', '5400', '0.5', '45.00'],
      ['retro.PPO.other_times', '-1500', '30.08', '-752.00'],
    ]);
    expect(omsorg.totals).toEqual({ exclVat: '-707.00', vat: '-176.75', inclVat: '-883.75' });

    const pdf = await app.as(finance).get(`/api/payment-bases/${refs.HJEM}.pdf`).buffer(true).parse(binaryBody).expect(200);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('Efterregulering af timepriser 2026');
    expect(text).toContain(refs.HJEM);
    expect(text).toContain('betalt 280,00');
    const csv = (await app.as(finance).get(`/api/payment-bases/${refs.HJEM}.csv`).expect(200)).text;
    expect(csv).toContain(`${refs.HJEM};retro.PH.weekday_day;practical_help;weekday_day;price_adjustment;MIN;3000;60;10.44;522.00;25`);
  });

  it('shows a provider its own adjustment basis only', async () => {
    const own = await app.as(hjemToken).get('/api/payment-bases').expect(200);
    expect(own.body.items.map((b: any) => b.reference)).toEqual([refs.HJEM]);
    await app.as(hjemToken).get(`/api/payment-bases/${refs.OMSORG}`).expect(404);
    await app.as(hjemToken).get(`/api/payment-bases/${refs.OMSORG}.pdf`).expect(404);
    await app.as(hjemToken).get(`/api/payment-bases/${refs.HJEM}.csv`).expect(200);
  });

  it('lists, sends and writes adjustment bases from the command line, and shows them in the provider portal', async () => {
    const cli = (args: string[]) => cliAgainst(t.url, args);
    const year = await cli(['payment-basis', 'list', '--period', '2026', '--municipality', 'RC-PB']);
    expect(year.out.split('\n').map((l) => l.replace(/\s+/g, ' '))).toEqual([
      // A Danish municipality: amounts the Danish way.
      `${refs.HJEM} HJEM 2026 614,90 kr.`,
      `${refs.OMSORG} OMSORG 2026 -883,75 kr.`,
    ]);
    expect((await cli(['payment-basis', 'list', '--period', '2026-01', '--municipality', 'RC-PB'])).out).not.toContain('-R');
    const adjustmentId = Number(refs.HJEM.slice(-6));
    expect((await cli(['payment-basis', 'issue', '--adjustment', String(adjustmentId), '--municipality', 'RC-PB'])).out).toMatch(
      new RegExp(`^findes\\s+${refs.HJEM} `),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carepay-adjbasis-'));
    try {
      const file = path.join(dir, 'b.csv');
      expect((await cli(['payment-basis', 'csv', refs.OMSORG.toLowerCase(), '--municipality', 'RC-PB', '--out', file])).code).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toContain(
        `${refs.OMSORG};retro.PPO.other_times;personal_care;other_times;price_adjustment;MIN;-1500;60;30.08;-752.00;25`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    const b = new Browser(app);
    await b.signIn({ token: hjemToken });
    const page = await b.get('/app/payment-bases');
    expect(page.text).toContain(refs.HJEM);
    expect(page.text).toContain('2026 <span class="muted">efterregulering</span>');
    expect(page.text).not.toContain(refs.OMSORG);
    expect((await b.get(`/app/payment-bases/${refs.HJEM}.pdf`)).headers['content-type']).toBe('application/pdf');
  });

  it('disputes an invoice with a wrong amount, matches the right one and matches a credit note against the negative basis', async () => {
    const hjem = await basisOf(refs.HJEM);
    const wrong = (
      await send(aProviderInvoice(w, hjem, { from: 'HJEM', number: 'H-9001', issueDate: '2027-03-20', mistakes: { extraMinutes: 60 } }))
    ).body;
    expect(wrong).toMatchObject({ verdict: 'disputed', paymentBasisReference: refs.HJEM, readyForPayment: false });
    expect(wrong.differences.map((d: any) => [d.code, d.subject, d.expected, d.received])).toContainEqual([
      'line_quantity',
      'retro.PH.weekday_day',
      '3000 MIN',
      '3060 MIN',
    ]);
    expect(wrong.differences.map((d: any) => d.code)).toContain('tax_exclusive');

    const right = (await send(aProviderInvoice(w, hjem, { from: 'HJEM', number: 'H-9002', issueDate: '2027-03-20' }))).body;
    expect(right).toMatchObject({
      verdict: 'matched',
      documentType: 'invoice',
      paymentBasisReference: refs.HJEM,
      totalExclVat: '491.92',
      payable: '614.90',
      readyForPayment: true,
      differences: [],
    });

    const credit = (
      await send(aProviderInvoice(w, await basisOf(refs.OMSORG), { from: 'OMSORG', number: 'O-7001', issueDate: '2027-03-21' }))
    ).body;
    expect(credit).toMatchObject({
      verdict: 'matched',
      documentType: 'credit_note',
      typeCode: '381',
      paymentBasisReference: refs.OMSORG,
      totalExclVat: '-707.00',
      vat: '-176.75',
      payable: '-883.75',
      reasons: [],
      differences: [],
    });
    const response = (await app.as(finance).get(`/api/received-invoices/${credit.id}/response.xml`).expect(200)).text;
    expect(response).toContain('<cbc:ResponseCode>AP</cbc:ResponseCode>');
  });
});
