import { beforeAll, describe, expect, it } from 'vitest';
import { checkUbl } from '../../src/features/invoices/ubl-rules.js';
import { aToken, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, binaryBody, buildInvoiceTestApp, pdfText } from '../helpers/invoice-builders.js';
import { aRecalcWorld, RECALC_CATEGORIES, recalcFixture, type RecalcWorld } from '../helpers/recalc-builders.js';

const t = useTestDatabase();
const NOW = new Date('2027-03-15T09:00:00Z');

/**
 * The hand-worked table of recalc-calculator.test.ts through the API and the database: costs
 * PH 274 000.00 / 1000 h, PPD 850 000.00 / 2000 h, PPO 316 000.00 / 500 h (assessment unit's
 * 500 000.00 excluded) → × 1.06 overhead → 290.44, 450.50, 669.92 (DK defaults: symmetric, 6 %).
 *
 * Paid to private providers in 2026 (approved settlements):
 *   OMSORG  PC weekday_day 6000 min at 450.00, corrected by −600 min → 90 h × +0.50   =    45.00
 *           PC other_times 1500 min at 700.00                      → 25 h × −30.08  =  −752.00
 *           PH weekday_day 600 min at 290.44 (equal price)          → nothing
 *           total −707.00, VAT −176.75, −883.75: a credit note
 *   HJEM    PH weekday_day 3000 min at 280.00                      → 50 h × +10.44  =   522.00
 *           PC other_times 120 min cancelled, paid at 50 %          →  1 h × −30.08  =   −30.08
 *           total 491.92, VAT 122.98, 614.90: a supplementary invoice
 */
describe('price recalculation: cost statement, calculation, approval, documents, new price list', () => {
  let app: TestApp;
  let w: RecalcWorld;
  let finance: string;
  let auditor: string;
  let omsorgToken: string;
  let recalcId: number;

  beforeAll(async () => {
    app = buildInvoiceTestApp(t.db, () => NOW);
    w = await aRecalcWorld(t.db, app.services, 'RC-DK');
    finance = await aToken(app.services, w.municipalityId, 'finance');
    auditor = await aToken(app.services, w.municipalityId, 'auditor');
    omsorgToken = await aToken(app.services, w.municipalityId, 'provider', w.providers.OMSORG);
    const omsorg = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'C-1', minutes: 6000, rate: '450.00' },
        { citizenRef: 'C-1', minutes: 1500, rate: '700.00', band: 'other_times' },
        { citizenRef: 'C-2', serviceCode: 'PH', category: 'practical_help', minutes: 600, rate: '290.44' },
        {
          citizenRef: 'C-2',
          serviceCode: 'MEAL',
          category: 'meals',
          unit: 'per_visit',
          visits: 4,
          quantity: '4',
          rate: '58.00',
          band: null,
        },
      ],
    });
    const hjem = await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      period: '2026-05',
      lines: [
        { citizenRef: 'C-3', serviceCode: 'PH', category: 'practical_help', minutes: 3000, rate: '280.00' },
        { citizenRef: 'C-4', kind: 'cancellation', minutes: 120, rate: '700.00', factor: '0.5', band: 'other_times' },
      ],
    });
    // Issued on NOW: OMSORG's invoice is 2027-000001, HJEM's 2027-000002.
    for (const id of [omsorg.id, hjem.id]) await app.as(finance).post(`/api/settlements/${id}/invoice`).expect(201);
    await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      kind: 'correction',
      sequence: 1,
      correctsId: omsorg.id,
      lines: [{ citizenRef: 'C-1', minutes: -600, rate: '450.00' }],
    });
    // A draft is not paid and does not count.
    await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      period: '2026-06',
      approve: false,
      lines: [{ citizenRef: 'C-3', minutes: 6000, rate: '450.00' }],
    });
  });

  it('imports cost lines from a Danish CSV all or nothing, naming each bad row', async () => {
    await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send({ hoursSource: 'entered', categories: RECALC_CATEGORIES, lines: [], hours: [] })
      .expect(422);
    const put = await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send({ hoursSource: 'visits', categories: RECALC_CATEGORIES, lines: [] })
      .expect(200);
    expect(put.body).toMatchObject({
      year: 2026,
      providerId: w.home,
      providerRef: 'HOME',
      categories: RECALC_CATEGORIES,
      totals: { lines: 0, amount: '0.00' },
    });

    const bad =
      'Omkostningsart;Beløb;Type;Myndighed;Fordelingsnøgle\nLøn;1.000,00;Direkte;Nej;PPD:60|PPO:30\nKaffe;12,00;Direkte;Nej;PH\nLøn;abc;Direkte;Måske;XX\n';
    const res = await app.as(finance).post('/api/cost-statements/2026/lines').set('content-type', 'text/csv').send(bad).expect(422);
    expect(res.body.error.details.rejected).toEqual([
      { row: 2, field: 'allocation', message: 'shares add up to 90 %, not 100 %' },
      { row: 3, field: 'element', message: expect.stringMatching(/^must be one of wages, pensions, .* got "Kaffe"$/) },
      { row: 4, field: 'amount', message: 'must be an amount with at most 2 decimals, got "abc"' },
      { row: 4, field: 'assessment', message: 'must be yes or no (ja/nej), got "Måske"' },
      { row: 4, field: 'allocation', message: 'unknown category "XX" (categories: PH, PPD, PPO)' },
    ]);
    expect((await app.as(finance).get('/api/cost-statements/2026').expect(200)).body.totals.lines).toBe(0);

    const ok = await app
      .as(finance)
      .post('/api/cost-statements/2026/lines')
      .set('content-type', 'text/csv')
      .send(recalcFixture('costs-da.csv'))
      .expect(200);
    expect(ok.body.totals).toEqual({ lines: 4, amount: '1940000.00', assessmentUnit: '500000.00' });
    expect(ok.body.lines[0]).toEqual({
      lineNo: 1,
      element: 'wages',
      description: 'Løn inkl. vikarer og elever',
      amount: '1000000.00',
      costType: 'direct',
      assessmentUnit: false,
      allocation: { type: 'shares', shares: { PPD: '60', PPO: '25', PH: '15' } },
    });
    expect(ok.body.lines.map((l: { allocation: unknown }) => l.allocation).slice(1)).toEqual([
      { type: 'driver', driver: 'delivered_hours' },
      { type: 'driver', driver: 'staff_hours' },
      { type: 'driver', driver: 'delivered_hours' },
    ]);
    const hours = await app
      .as(finance)
      .post('/api/cost-statements/2026/hours')
      .set('content-type', 'text/csv')
      .send(recalcFixture('hours-da.csv'))
      .expect(200);
    expect(hours.body.hoursSource).toBe('entered');
    expect(hours.body.hours).toEqual([
      { categoryCode: 'PH', deliveredHours: '1000', deliveredDays: null, staffHours: '1200', method: 'Fremmøde × brugertidsprocent' },
      { categoryCode: 'PPD', deliveredHours: '2000', deliveredDays: null, staffHours: '2500', method: 'Fremmøde × brugertidsprocent' },
      { categoryCode: 'PPO', deliveredHours: '500', deliveredDays: null, staffHours: '800', method: 'Fremmøde × brugertidsprocent' },
    ]);
    const csv = await app.as(finance).get('/api/cost-statements/2026/lines.csv').expect(200);
    expect(csv.text.split('\r\n').slice(0, 3)).toEqual([
      'element;description;amount;type;assessment;allocation',
      'wages;Løn inkl. vikarer og elever;1000000.00;direct;no;PH:15|PPD:60|PPO:25',
      'administration;Fællesadministration;350000.00;indirect;no;delivered_hours',
    ]);
    await app.as(omsorgToken).get('/api/cost-statements/2026').expect(404);
    await app
      .as(auditor)
      .post('/api/cost-statements/2026/lines')
      .set('content-type', 'text/csv')
      .send(recalcFixture('costs-da.csv'))
      .expect(403);
  });

  it("computes prices, the comparison and each provider's adjustment; a re-run on the same inputs changes nothing", async () => {
    await app.as(auditor).post('/api/price-recalculations/run').send({ year: 2026 }).expect(403);
    const res = await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200);
    expect(res.body.outcome).toBe('created');
    const r = res.body.recalculation;
    recalcId = r.id;
    expect(r).toMatchObject({
      year: 2026,
      status: 'draft',
      currency: 'DKK',
      settings: { policy: 'symmetric', overheadPercent: '6', priceDecimals: 2, rounding: 'half_up', publishedVatPercent: '25' },
    });
    expect(
      r.categories.map((c: any) => [c.code, c.costs.total, c.hours.deliveredHours, c.costPerHour, c.price, c.publishedPriceInclVat]),
    ).toEqual([
      ['PH', '274000.00', '1000', '274.0000', '290.44', '363.05'],
      ['PPD', '850000.00', '2000', '425.0000', '450.50', '563.13'],
      ['PPO', '316000.00', '500', '632.0000', '669.92', '837.40'],
    ]);
    expect(r.categories.map((c: any) => [c.code, c.paid])).toEqual([
      [
        'PH',
        [
          { rate: '280.00', hours: '50.0000', difference: '10.4400', settled: '10.4400' },
          { rate: '290.44', hours: '10.0000', difference: '0.0000', settled: '0.0000' },
        ],
      ],
      ['PPD', [{ rate: '450.00', hours: '90.0000', difference: '0.5000', settled: '0.5000' }]],
      ['PPO', [{ rate: '700.00', hours: '26.0000', difference: '-30.0800', settled: '-30.0800' }]],
    ]);
    expect(r.excluded).toEqual([
      { lineNo: 4, element: 'administration', description: 'Visitationen', amount: '500000.00', reason: 'assessment_unit' },
    ]);
    expect(r.allocations.filter((a: any) => a.lineNo === 3)).toEqual([
      { lineNo: 3, element: 'premises', costType: 'indirect', categoryCode: 'PH', amount: '24000.00', basis: 'staff_hours 1200 of 4500' },
      { lineNo: 3, element: 'premises', costType: 'indirect', categoryCode: 'PPD', amount: '50000.00', basis: 'staff_hours 2500 of 4500' },
      { lineNo: 3, element: 'premises', costType: 'indirect', categoryCode: 'PPO', amount: '16000.00', basis: 'staff_hours 800 of 4500' },
    ]);
    const adj = Object.fromEntries(r.adjustments.map((a: any) => [a.providerRef, a]));
    expect(adj.OMSORG).toMatchObject({ status: 'draft', totalExclVat: '-707.00', vat: '-176.75', totalInclVat: '-883.75', invoice: null });
    expect(adj.OMSORG.lines.map((l: any) => [l.categoryCode, l.band, l.paidRate, l.newPrice, l.difference, l.minutes, l.amount])).toEqual([
      ['PPD', 'weekday_day', '450.00', '450.50', '0.5000', 5400, '45.00'],
      ['PPO', 'other_times', '700.00', '669.92', '-30.0800', 1500, '-752.00'],
    ]);
    expect(adj.HJEM).toMatchObject({ totalExclVat: '491.92', vat: '122.98', totalInclVat: '614.90' });
    expect(adj.HJEM.lines.map((l: any) => [l.categoryCode, l.paidRate, l.hours, l.amount])).toEqual([
      ['PH', '280.00', '50.00000000', '522.00'],
      ['PPO', '700.00', '1.00000000', '-30.08'],
    ]);
    expect(r.totals).toEqual({ statement: '1940000.00', excluded: '500000.00', allocated: '1440000.00', adjustmentsExclVat: '-215.08' });

    const again = await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200);
    expect(again.body.outcome).toBe('unchanged');
    expect(again.body.recalculation).toEqual(r);
    // Deleting the stored figures and computing again gives them back identically.
    const before = await t.db('price_recalculations').where({ id: recalcId }).first('result', 'fingerprint');
    await t
      .db('price_recalculations')
      .where({ id: recalcId })
      .update({ fingerprint: '0'.repeat(64), result: '{}' });
    expect((await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200)).body.outcome).toBe('replaced');
    expect(await t.db('price_recalculations').where({ id: recalcId }).first('result', 'fingerprint')).toEqual(before);
  });

  it('shows a provider token its own adjustment only, and nothing of the costs', async () => {
    await app.as(omsorgToken).get(`/api/price-recalculations/${recalcId}`).expect(404);
    expect((await app.as(omsorgToken).get('/api/price-recalculations').expect(200)).body.total).toBe(0);
    const own = await app.as(omsorgToken).get('/api/price-adjustments?year=2026').expect(200);
    expect(own.body.items.map((a: any) => [a.providerRef, a.totalInclVat])).toEqual([['OMSORG', '-883.75']]);
    expect((await app.as(finance).get('/api/price-adjustments?year=2026').expect(200)).body.total).toBe(2);
  });

  it("refuses documents for a draft; approval freezes the figures and the statement and proposes next year's price list", async () => {
    await app.as(finance).post(`/api/price-recalculations/${recalcId}/documents`).expect(422);
    const res = await app.as(finance).post(`/api/price-recalculations/${recalcId}/approve`).expect(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedBy: expect.stringMatching(/^token:/), adoptedAt: null });
    const list = await app.as(finance).get(`/api/price-lists/${res.body.proposedPriceListId}`).expect(200);
    expect(list.body).toMatchObject({
      label: 'Timepriser 2027 (efterberegning 2026)',
      status: 'proposed',
      validFrom: '2027-01-01',
      validTo: null,
    });
    const rate = (kind: string, group: string, band: string) =>
      list.body.rates.find((x: any) => x.providerKind === kind && x.priceGroup === group && x.timeBand === band)?.rate;
    expect([
      rate('private', 'PP', 'weekday_day'),
      rate('municipal', 'PP', 'weekday_day'),
      rate('private', 'PP', 'other_times'),
      rate('private', 'PH', 'weekday_day'),
      rate('private', 'PH', 'other_times'),
    ]).toEqual(['450.50', '450.50', '669.92', '290.44', '290.44']);

    await app.as(finance).post(`/api/price-recalculations/${recalcId}/approve`).expect(409);
    await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(409);
    await app
      .as(finance)
      .post('/api/cost-statements/2026/lines')
      .set('content-type', 'text/csv')
      .send(recalcFixture('costs-da.csv'))
      .expect(409);
    await expect(t.db('price_recalculations').where({ id: recalcId }).update({ result: '{}' })).rejects.toThrow(
      /approved and cannot be changed/,
    );
    await expect(t.db('cost_lines').where({ municipality_id: w.municipalityId }).delete()).rejects.toThrow(/cannot change/);
    await expect(t.db('price_adjustment_lines').where({ municipality_id: w.municipalityId }).update({ amount: '0' })).rejects.toThrow(
      /cannot change/,
    );
    const audit = await t
      .db('audit_log')
      .where({ municipality_id: w.municipalityId })
      .whereIn('entity', ['price_recalculation', 'cost_statement'])
      .orderBy('id')
      .pluck('action');
    expect(audit).toEqual(['create', 'replace', 'replace', 'compute', 'recompute', 'approve']);
  });

  it('issues a credit note and a supplementary invoice through the invoice feature, once', async () => {
    const res = await app.as(finance).post(`/api/price-recalculations/${recalcId}/documents`).expect(200);
    expect(res.body.items).toEqual([
      {
        adjustmentId: expect.any(Number),
        providerRef: 'HJEM',
        number: '2027-000003',
        kind: 'supplementary_invoice',
        paymentBasis: null,
        totalInclVat: '614.90',
        created: true,
        note: null,
      },
      {
        adjustmentId: expect.any(Number),
        providerRef: 'OMSORG',
        number: '2027-000004',
        kind: 'credit_note',
        paymentBasis: null,
        totalInclVat: '-883.75',
        created: true,
        note: null,
      },
    ]);
    const again = await app.as(finance).post(`/api/price-recalculations/${recalcId}/documents`).expect(200);
    expect(again.body.items.map((i: any) => [i.number, i.created])).toEqual([
      ['2027-000003', false],
      ['2027-000004', false],
    ]);

    const credit = await app.as(omsorgToken).get('/api/invoices/2027-000004').expect(200);
    expect(credit.body).toMatchObject({
      kind: 'credit_note',
      profile: 'self_billing',
      typeCode: '261',
      settlementId: null,
      period: '2026',
      periodStart: '2026-01-01',
      periodEnd: '2027-01-01',
      correctsNumber: '2027-000001',
      totalExclVat: '-707.00',
      vat: '-176.75',
      totalInclVat: '-883.75',
      issueDate: '2027-03-15',
    });
    expect(credit.body.document).toMatchObject({
      settlement: null,
      adjustment: { recalculationId: recalcId, year: 2026 },
      buyerReference: 'Ældre og Sundhed 4410',
    });
    await app.as(omsorgToken).get('/api/invoices/2027-000003').expect(404);
    const xml = (await app.as(finance).get('/api/invoices/2027-000004.xml').expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain('<cbc:CreditNoteTypeCode>261</cbc:CreditNoteTypeCode>');
    expect(checkUbl((await app.as(finance).get('/api/invoices/2027-000003.xml').expect(200)).text)).toEqual([]);
    const pdf = await app.as(finance).get('/api/invoices/2027-000003.pdf').buffer(true).parse(binaryBody).expect(200);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('Efterregulering af timepris');
    expect(text).toContain('timepriser 2026');
    expect(text).toContain('614,90 kr.');
    expect(text).not.toContain('Bilag: ydelser pr. borger');
  });

  it('adopts the new price list explicitly, closing the open list in force and leaving its rates as they were', async () => {
    const r = (await app.as(finance).post(`/api/price-recalculations/${recalcId}/adopt-prices`).expect(200)).body;
    expect(r.adoptedAt).not.toBeNull();
    const adopted = await app.as(finance).get(`/api/price-lists/${r.proposedPriceListId}`).expect(200);
    expect(adopted.body).toMatchObject({ status: 'recalculated', validFrom: '2027-01-01' });
    const old = await app.as(finance).get(`/api/price-lists/${w.adoptedListId}`).expect(200);
    expect(old.body).toMatchObject({ status: 'adopted', validFrom: '2026-01-01', validTo: '2027-01-01' });
    expect(old.body.rates.filter((x: any) => x.providerKind === 'private').map((x: any) => x.rate)).toEqual([
      '290.44',
      '290.44',
      '700.00',
      '450.00',
    ]);
    await app.as(finance).post(`/api/price-recalculations/${recalcId}/adopt-prices`).expect(409);
  });

  it('writes the council report as JSON and PDF', async () => {
    const json = (await app.as(auditor).get(`/api/price-recalculations/${recalcId}/report.json`).expect(200)).body;
    expect(json.costsByElement.columns).toEqual(['element', 'PH', 'PPD', 'PPO', 'total']);
    expect(json.costsByElement.rows).toEqual([
      ['wages', '150000.00', '600000.00', '250000.00', '1000000.00'],
      ['administration', '100000.00', '200000.00', '50000.00', '350000.00'],
      ['premises', '24000.00', '50000.00', '16000.00', '90000.00'],
      ['total', '274000.00', '850000.00', '316000.00', '1440000.00'],
    ]);
    expect(json.adjustments.map((a: any) => [a.providerRef, a.invoice.number])).toEqual([
      ['HJEM', '2027-000003'],
      ['OMSORG', '2027-000004'],
    ]);
    const pdf = await app.as(auditor).get(`/api/price-recalculations/${recalcId}/report.pdf`).buffer(true).parse(binaryBody).expect(200);
    const text = await pdfText(pdf.body as Buffer);
    for (const s of [
      'Efterberegning af timepriser 2026',
      'Løn (inkl. vikarer og elever)',
      '1.440.000,00',
      '450,50',
      '669,92',
      'Kreditnota 2027-000004',
      '-883,75 kr.',
      'Visitationen',
    ])
      expect(text).toContain(s);
    // Columns and rows name the categories in words, never by their codes; the approver by name (issue 19).
    expect(text.replace(/\s+/g, ' ')).toContain('Element Praktisk hjælp Personlig pleje hverdag dag Personlig pleje øvrige tider I alt');
    expect(text).toContain('Godkendt af finance token');
    expect(text).not.toMatch(/\bPPD\b|\bPPO\b|token:\d/);
  });
});

describe("price recalculation: delivered hours from the municipal provider's visits", () => {
  it('splits registered minutes × staff over bands and price groups, in the local year only', async () => {
    const app = buildInvoiceTestApp(t.db, () => NOW);
    const w = await aRecalcWorld(t.db, app.services, 'RC-VIS');
    await w.visit('PC', '2026-03-02 07:30', '2026-03-02 08:30'); // Monday: 60 weekday_day
    await w.visit('PC', '2026-03-02 14:30', '2026-03-02 15:30'); // 30 weekday_day + 30 other_times
    await w.visit('PH', '2026-03-07 10:00', '2026-03-07 10:45', { staffCount: 2 }); // Saturday: 45 × 2 = 90 other_times
    await w.visit('PC', '2026-12-31 23:30', '2027-01-01 00:30'); // starts in 2026: 60 other_times
    await w.visit('PC', '2027-01-01 00:10', '2027-01-01 00:40'); // starts in 2027: not counted
    await w.visit('PC', '2026-03-03 08:00', '2026-03-03 09:00', { status: 'no_show', actualStart: undefined, actualEnd: undefined }); // not delivered
    const finance = await aToken(app.services, w.municipalityId, 'finance');
    const lines = [{ element: 'wages', amount: '1500.00', costType: 'direct', allocation: { type: 'driver', driver: 'delivered_hours' } }];
    await app.as(finance).put('/api/cost-statements/2026').send({ categories: RECALC_CATEGORIES, lines }).expect(200);
    await app
      .as(finance)
      .put('/api/price-recalculation-settings')
      .send({ policy: 'upward_only', overheadPercent: null, priceDecimals: 2, rounding: 'half_up', publishedVatPercent: '25' })
      .expect(200);
    const r = (await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200)).body.recalculation;
    // PH 1.5 h, PPD 1.5 h, PPO 1.5 h (30 + 60 min): 1500.00 by delivered hours → 500.00 each → 333.33 per hour
    expect(r.categories.map((c: any) => [c.code, c.hours.byBand, c.hours.deliveredHours, c.hours.source, c.costs.total, c.price])).toEqual([
      ['PH', { weekday_day: '0', other_times: '90' }, '1.5', 'visits', '500.00', '333.33'],
      ['PPD', { weekday_day: '90' }, '1.5', 'visits', '500.00', '333.33'],
      ['PPO', { other_times: '90' }, '1.5', 'visits', '500.00', '333.33'],
    ]);
    expect(r.settings.policy).toBe('upward_only');
    expect(r.adjustments).toEqual([]);
  });
});

describe('price recalculation in Sweden: no VAT on personal care', () => {
  it("credits a provider without VAT, repeating its settlements' exemption reason", async () => {
    const app = buildInvoiceTestApp(t.db, () => NOW);
    const w = await aRecalcWorld(t.db, app.services, 'RC-SE', 'SE');
    const finance = await aToken(app.services, w.municipalityId, 'finance');
    const reason = 'Omvårdnad är undantagen från skatteplikt (3 kap. 7 § mervärdesskattelagen)';
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      exemptionReasons: { '0.00': reason },
      lines: [{ citizenRef: 'C-1', minutes: 600, rate: '450.00' }],
    });
    await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(201);
    await app
      .as(finance)
      .put('/api/price-recalculation-settings')
      .send({ policy: 'symmetric', overheadPercent: null, priceDecimals: 0, rounding: 'up', publishedVatPercent: '0' })
      .expect(200);
    const lines = [{ element: 'wages', amount: '8800.00', costType: 'direct', allocation: { type: 'driver', driver: 'delivered_hours' } }];
    const hours = RECALC_CATEGORIES.map((c) => ({ categoryCode: c.code, deliveredHours: '20' }));
    await app
      .as(finance)
      .put('/api/cost-statements/2026')
      .send({ hoursSource: 'entered', categories: RECALC_CATEGORIES, lines, hours })
      .expect(200);
    const r = (await app.as(finance).post('/api/price-recalculations/run').send({ year: 2026 }).expect(200)).body.recalculation;
    // 8800.00 / 60 h = 146.666… per hour and category (2933.33 + 2933.33 + 2933.34), rounded up to whole kronor: 147 / 147 / 147
    expect(r.categories.map((c: any) => [c.costs.total, c.price, c.publishedPriceInclVat])).toEqual([
      ['2933.34', '147', '147.00'],
      ['2933.33', '147', '147.00'],
      ['2933.33', '147', '147.00'],
    ]);
    // OMSORG: 10 h of PPD at 450.00 → (147 − 450) × 10 = −3030.00, no VAT
    expect(r.adjustments.map((a: any) => [a.providerRef, a.totalExclVat, a.vat, a.totalInclVat])).toEqual([
      ['OMSORG', '-3030.00', '0.00', '-3030.00'],
    ]);
    await app.as(finance).post(`/api/price-recalculations/${r.id}/approve`).expect(200);
    const docs = (await app.as(finance).post(`/api/price-recalculations/${r.id}/documents`).expect(200)).body.items;
    expect(docs.map((d: any) => [d.providerRef, d.kind, d.totalInclVat])).toEqual([['OMSORG', 'credit_note', '-3030.00']]);
    const xml = (await app.as(finance).get(`/api/invoices/${docs[0].number}.xml`).expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain(`<cbc:TaxExemptionReason>${reason}</cbc:TaxExemptionReason>`);
    expect(xml).toContain('<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>');
  });
});
