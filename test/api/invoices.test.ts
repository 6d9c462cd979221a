import { beforeAll, describe, expect, it } from 'vitest';
import { InvoicesService } from '../../src/features/invoices/invoices-service.js';
import { renderInvoiceUbl } from '../../src/features/invoices/invoice-ubl.js';
import { checkUbl } from '../../src/features/invoices/ubl-rules.js';
import { aToken, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import {
  anApprovedSettlement,
  anInvoiceWorld,
  asFinance,
  binaryBody,
  buildInvoiceTestApp,
  pdfText,
  type InvoiceWorld,
} from '../helpers/invoice-builders.js';

const t = useTestDatabase();
/** 23:30 UTC on 3 May is already 4 May in Copenhagen: the issue date is local. */
const NOW = new Date('2026-05-03T22:30:00Z');
const value = (xml: string, element: string) =>
  [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);
describe('invoices: issuing, numbering, documents, access', () => {
  let app: TestApp;
  let dk: InvoiceWorld;
  let finance: string;
  let providerToken: string;
  let otherProviderToken: string;

  beforeAll(async () => {
    app = buildInvoiceTestApp(t.db, () => NOW);
    dk = await anInvoiceWorld(t.db, app.services, 'INV-DK');
    finance = await aToken(app.services, dk.municipalityId, 'finance');
    providerToken = await aToken(app.services, dk.municipalityId, 'provider', dk.providers.OMSORG);
    otherProviderToken = await aToken(app.services, dk.municipalityId, 'provider', dk.providers.HJEM);
  });

  it("issues one invoice per approved settlement with the settlement's totals, and marks it invoiced", async () => {
    const s = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'C-0001', minutes: 610, rate: '450.00' },
        { citizenRef: 'C-0001', minutes: 95, rate: '540.00', band: 'other_times' },
        { citizenRef: 'C-0002', minutes: 47, rate: '452.3456' },
      ],
    });
    // 4575.00 + 855.00 + 354.34 = 5784.34; VAT 1446.085 → 1446.09
    expect(s).toMatchObject({ totalExclVat: '5784.34', vat: '1446.09', totalInclVat: '7230.43' });
    const res = await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(201);
    expect(res.body).toMatchObject({
      number: '2026-000001',
      kind: 'invoice',
      profile: 'self_billing',
      typeCode: '389',
      settlementId: s.id,
      providerId: dk.providers.OMSORG,
      providerRef: 'OMSORG',
      providerName: 'Omsorg Ærø & Søby ApS',
      period: '2026-04',
      periodStart: '2026-04-01',
      periodEnd: '2026-05-01',
      correctsNumber: null,
      issueDate: '2026-05-04',
      dueDate: '2026-06-03',
      currency: 'DKK',
      totalExclVat: '5784.34',
      vat: '1446.09',
      totalInclVat: '7230.43',
      lineCount: 3,
      issuedBy: expect.stringMatching(/^token:/),
      links: { pdf: '/api/invoices/2026-000001.pdf', xml: '/api/invoices/2026-000001.xml' },
    });
    const settlement = await t.db('settlements').where({ id: s.id }).first();
    expect(settlement.status).toBe('invoiced');
    expect(settlement.invoiced_at).toBeInstanceOf(Date);
    const audit = await t.db('audit_log').where({ municipality_id: dk.municipalityId, entity: 'invoice', action: 'issue' });
    expect(audit.map((a) => a.entity_id)).toEqual(['2026-000001']);

    // Issuing again returns the same invoice (200), nothing new is numbered.
    const again = await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(200);
    expect(again.body.number).toBe('2026-000001');
    expect(await t.db('invoices').where({ settlement_id: s.id }).count({ n: '*' })).toEqual([{ n: 1 }]);

    const detail = (await app.as(finance).get('/api/invoices/2026-000001').expect(200)).body;
    expect(detail.document.totals).toEqual({ exclVat: '5784.34', vat: '1446.09', inclVat: '7230.43' });
    expect(detail.document.vat).toEqual([{ category: 'S', percent: '25', exemptionReason: null, base: '5784.34', vat: '1446.09' }]);
    expect(detail.document.seller).toMatchObject({
      name: 'Omsorg Ærø & Søby ApS',
      vatId: 'DK31554411',
      endpoint: { id: '5790001234560', scheme: '0088' },
    });
    expect(detail.document.buyer).toMatchObject({
      name: 'Municipality INV-DK',
      companyNumber: '29189919',
      endpoint: { id: '5798000000001', scheme: '0088' },
    });
  });

  it('gives 20 concurrent issues of one settlement exactly one invoice', async () => {
    const s = await anApprovedSettlement(t.db, dk, { provider: 'HJEM', lines: [{ citizenRef: 'C-0100', minutes: 60, rate: '450.00' }] });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => app.services.invoices.issueForSettlement(asFinance(dk.municipalityId), s.id)),
    );
    expect(new Set(results.map((r) => r.invoice.number))).toEqual(new Set(['2026-000002']));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.db('invoices').where({ settlement_id: s.id }).count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await t.db('invoice_counters').where({ municipality_id: dk.municipalityId, year: 2026 }).first('last_number')).toEqual({
      last_number: 2,
    });
  });

  it('numbers concurrent issues of different settlements without gaps or duplicates', async () => {
    const ids = [];
    for (let i = 0; i < 8; i++) {
      ids.push(
        (
          await anApprovedSettlement(t.db, dk, {
            provider: 'HJEM',
            period: `2025-0${i + 1}`,
            lines: [{ citizenRef: `C-${i}`, minutes: 30 + i, rate: '450.00' }],
          })
        ).id,
      );
    }
    const results = await Promise.all(ids.map((id) => app.services.invoices.issueForSettlement(asFinance(dk.municipalityId), id)));
    expect(results.map((r) => r.invoice.number).sort()).toEqual([
      '2026-000003',
      '2026-000004',
      '2026-000005',
      '2026-000006',
      '2026-000007',
      '2026-000008',
      '2026-000009',
      '2026-000010',
    ]);
  });

  it('leaves no gap when an issue fails half-way, after its number was taken', async () => {
    const failing = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      period: '2026-02',
      lines: [{ citizenRef: 'C-7', minutes: 60, rate: '400' }],
    });
    const next = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      period: '2026-03',
      lines: [{ citizenRef: 'C-8', minutes: 60, rate: '400' }],
    });
    // A fault inside the issuing transaction, after the counter row was incremented.
    await t.db.raw(`create function fail_issue() returns trigger language plpgsql as $$
      begin if new.settlement_id = ${failing.id} then raise exception 'disk full' using errcode = '53100'; end if; return new; end $$`);
    await t.db.raw('create trigger fail_issue before insert on invoices for each row execute function fail_issue()');
    try {
      await expect(app.services.invoices.issueForSettlement(asFinance(dk.municipalityId), failing.id)).rejects.toThrow(/disk full/);
    } finally {
      await t.db.raw('drop trigger fail_issue on invoices');
      await t.db.raw('drop function fail_issue()');
    }
    expect((await t.db('settlements').where({ id: failing.id }).first()).status).toBe('approved');
    expect(await t.db('invoice_counters').where({ municipality_id: dk.municipalityId, year: 2026 }).first('last_number')).toEqual({
      last_number: 10,
    });
    expect((await app.services.invoices.issueForSettlement(asFinance(dk.municipalityId), next.id)).invoice.number).toBe('2026-000011');
    expect((await app.services.invoices.issueForSettlement(asFinance(dk.municipalityId), failing.id)).invoice.number).toBe('2026-000012');
    const numbers = (await t
      .db('invoices')
      .where({ municipality_id: dk.municipalityId, year: 2026 })
      .orderBy('sequence_no')
      .pluck('sequence_no')) as number[];
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it("refuses drafts, unknown settlements and providers' tokens", async () => {
    const draft = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      period: '2026-01',
      approve: false,
      lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }],
    });
    const r = await app.as(finance).post(`/api/settlements/${draft.id}/invoice`).expect(422);
    expect(r.body.error.message).toBe(`Settlement ${draft.id} is draft; only an approved settlement can be invoiced`);
    await app.as(finance).post('/api/settlements/999999/invoice').expect(404);
    await app.as(providerToken).post(`/api/settlements/${draft.id}/invoice`).expect(403);
    await app.as(finance).post('/api/settlements/abc/invoice').expect(400);
  });

  it('keeps issued invoices immutable', async () => {
    await expect(t.db('invoices').where({ number: '2026-000001' }).update({ total_excl_vat: '1.00' })).rejects.toThrow(
      /invoice 2026-000001 is issued and cannot be changed or removed/,
    );
    await expect(t.db('invoices').where({ number: '2026-000001' }).delete()).rejects.toThrow(/cannot be changed or removed/);
  });

  it('turns a negative correction into a credit note and a positive one into a supplementary invoice, both referring to the original', async () => {
    const regular = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      period: '2026-05',
      lines: [{ citizenRef: 'C-1', minutes: 600, rate: '450.00' }],
    });
    const minus = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      period: '2026-05',
      kind: 'correction',
      sequence: 1,
      correctsId: regular.id,
      lines: [
        { citizenRef: 'C-1', minutes: -90, rate: '450.00' },
        { citizenRef: 'C-2', minutes: 30, rate: '540.00', band: 'other_times' },
      ],
    });
    // The correction cannot be invoiced before the invoice it corrects.
    const early = await app.as(finance).post(`/api/settlements/${minus.id}/invoice`).expect(422);
    expect(early.body.error.message).toBe(
      `Settlement ${minus.id} corrects settlement ${regular.id}, which has no invoice yet: invoice that first`,
    );
    const original = (await app.as(finance).post(`/api/settlements/${regular.id}/invoice`).expect(201)).body;
    const credit = (await app.as(finance).post(`/api/settlements/${minus.id}/invoice`).expect(201)).body;
    // -675.00 + 270.00 = -405.00; VAT -101.25
    expect(credit).toMatchObject({
      kind: 'credit_note',
      typeCode: '261',
      correctsNumber: original.number,
      totalExclVat: '-405.00',
      vat: '-101.25',
      totalInclVat: '-506.25',
    });
    const plus = await anApprovedSettlement(t.db, dk, {
      provider: 'OMSORG',
      period: '2026-05',
      kind: 'correction',
      sequence: 2,
      correctsId: regular.id,
      lines: [{ citizenRef: 'C-3', minutes: 45, rate: '450.00' }],
    });
    const supplementary = (await app.as(finance).post(`/api/settlements/${plus.id}/invoice`).expect(201)).body;
    expect(supplementary).toMatchObject({
      kind: 'supplementary_invoice',
      typeCode: '389',
      correctsNumber: original.number,
      totalInclVat: '421.88',
    });

    const xml = (await app.as(finance).get(`/api/invoices/${credit.number}.xml`).expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(value(xml, 'cbc:ID').slice(0, 2)).toEqual([credit.number, original.number]);
    expect(value(xml, 'cbc:PayableAmount')).toEqual(['506.25']);
    const text = await pdfText(
      (await app.as(finance).get(`/api/invoices/${credit.number}.pdf`).buffer(true).parse(binaryBody).expect(200)).body,
    );
    for (const s of ['Kreditnota', `${original.number} (04.05.2026)`, '-675,00 kr.', '-405,00 kr.', '-101,25 kr.', '-506,25 kr.'])
      expect(text).toContain(s);
  });

  it("renders a PDF with the settlement's totals, Danish letters and the citizen reference only, the same bytes every time", async () => {
    const res = await app.as(finance).get('/api/invoices/2026-000001.pdf').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="2026-000001.pdf"');
    const text = await pdfText(res.body);
    for (const s of [
      'Faktura',
      '2026-000001',
      'Omsorg Ærø & Søby ApS',
      'Rådhustorvet 1',
      '5.784,34 kr.',
      '1.446,09 kr.',
      '7.230,43 kr.',
      'Borger C-0001',
      'Borger C-0002',
      'Personlig pleje',
      'Øvrige tider',
    ]) {
      expect(text).toContain(s);
    }
    // Master data changes after issuing do not change the issued document.
    await app.services.providers.update(asFinance(dk.municipalityId), dk.providers.OMSORG!, {
      name: 'Renamed ApS',
      address: 'Elsewhere 1, 9000 Aalborg',
    });
    const again = await app.as(finance).get('/api/invoices/2026-000001.pdf').buffer(true).parse(binaryBody).expect(200);
    expect(Buffer.compare(again.body, res.body)).toBe(0);
  });

  it('has the same totals in the UBL as in the PDF', async () => {
    const xml = (await app.as(finance).get('/api/invoices/2026-000001.xml').expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    const text = await pdfText(
      (await app.as(finance).get('/api/invoices/2026-000001.pdf').buffer(true).parse(binaryBody).expect(200)).body,
    );
    const [excl] = value(xml, 'cbc:TaxExclusiveAmount');
    const [vat] = value(xml, 'cbc:TaxAmount');
    const [payable] = value(xml, 'cbc:PayableAmount');
    expect([excl, vat, payable]).toEqual(['5784.34', '1446.09', '7230.43']);
    const danish = (s: string) => `${s.replace(/\B(?=(\d{3})+\.)/g, '.').replace(/\.(\d\d)$/, ',$1')} kr.`;
    expect(text).toMatch(new RegExp(`I alt ekskl\\. moms\\s+${danish(excl!).replace(/\./g, '\\.')}`));
    expect(text).toMatch(new RegExp(`I alt inkl\\. moms\\s+${danish(payable!).replace(/\./g, '\\.')}`));
    expect(text).toMatch(new RegExp(`Moms\\s+${danish(vat!).replace(/\./g, '\\.')}`));
  });

  it('lists and filters invoices; a provider sees and downloads only its own, anything else is 404', async () => {
    const all = (await app.as(finance).get('/api/invoices?year=2026&limit=100').expect(200)).body;
    expect(all.total).toBe(15);
    expect(all.items.map((i: { number: string }) => i.number)).toEqual(
      Array.from({ length: 15 }, (_, i) => `2026-${String(i + 1).padStart(6, '0')}`),
    );
    const credits = (await app.as(finance).get('/api/invoices?kind=credit_note').expect(200)).body;
    expect(credits.items.map((i: { kind: string }) => i.kind)).toEqual(['credit_note']);
    const april = (await app.as(finance).get(`/api/invoices?period=2026-04&providerId=${dk.providers.OMSORG}`).expect(200)).body;
    expect(april.items.map((i: { number: string }) => i.number)).toEqual(['2026-000001']);
    const paged = (await app.as(finance).get('/api/invoices?limit=2&offset=2').expect(200)).body;
    expect(paged).toMatchObject({ total: 15, limit: 2, offset: 2, items: [{ number: '2026-000003' }, { number: '2026-000004' }] });
    await app.as(finance).get('/api/invoices?kind=bill').expect(400);

    const own = (await app.as(providerToken).get('/api/invoices?limit=100').expect(200)).body;
    expect(own.items.every((i: { providerRef: string }) => i.providerRef === 'OMSORG')).toBe(true);
    expect(own.total).toBe(6);
    const hjem = (await app.as(otherProviderToken).get('/api/invoices?limit=100').expect(200)).body;
    expect(hjem.total).toBe(9);
    await app.as(providerToken).get('/api/invoices/2026-000001.pdf').expect(200);
    for (const path of ['/api/invoices/2026-000002', '/api/invoices/2026-000002.pdf', '/api/invoices/2026-000002.xml']) {
      const r = await app.as(providerToken).get(path).expect(404);
      expect(r.body.error.code).toBe('not_found');
    }
    const hjemSettlement = (await app.as(finance).get('/api/invoices/2026-000002').expect(200)).body.settlementId;
    await app.as(providerToken).get(`/api/settlements/${hjemSettlement}/lines.csv`).expect(404);
    await app.as(otherProviderToken).get(`/api/settlements/${hjemSettlement}/lines.csv`).expect(200);
    await app.as(finance).get('/api/invoices/2026-999999').expect(404);
    await app.as(finance).get('/api/invoices/26-1').expect(400);
  });

  it('opens a PDF through a signed link, with the same provider scope as the token', async () => {
    const link = (await app.as(providerToken).post('/api/links').send({ path: '/api/invoices/2026-000001.pdf' }).expect(201)).body;
    const res = await app.http.get(link.url).buffer(true).parse(binaryBody).expect(200);
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
    const other = (await app.as(providerToken).post('/api/links').send({ path: '/api/invoices/2026-000002.xml' }).expect(201)).body;
    await app.http.get(other.url).expect(404);
  });

  it('exports a settlement and its lines as CSV for the accounting system', async () => {
    const invoice = (await app.as(finance).get('/api/invoices/2026-000001').expect(200)).body;
    const res = await app.as(finance).get(`/api/settlements/${invoice.settlementId}/lines.csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.split('\r\n')).toEqual([
      'settlement_id;provider_ref;period;settlement_kind;sequence;status;invoice_number;currency;line_no;citizen_ref;service_code;category;line_kind;band;unit;visits;minutes;quantity;rate;factor;amount;vat_percent',
      `${invoice.settlementId};OMSORG;2026-04;regular;0;invoiced;2026-000001;DKK;1;C-0001;PC;personal_care;visit;weekday_day;per_hour;1;610;10.1667;450;1;4575.00;25`,
      `${invoice.settlementId};OMSORG;2026-04;regular;0;invoiced;2026-000001;DKK;2;C-0001;PC;personal_care;visit;other_times;per_hour;1;95;1.5833;540;1;855.00;25`,
      `${invoice.settlementId};OMSORG;2026-04;regular;0;invoiced;2026-000001;DKK;3;C-0002;PC;personal_care;visit;weekday_day;per_hour;1;47;0.7833;452.3456;1;354.34;25`,
      '',
    ]);
  });

  it("takes the due date from the municipality's payment terms", async () => {
    const admin = await aToken(app.services, dk.municipalityId, 'admin');
    expect((await app.as(finance).get('/api/invoice-settings').expect(200)).body).toEqual({ paymentTermsDays: 30 });
    await app.as(providerToken).patch('/api/invoice-settings').send({ paymentTermsDays: 14 }).expect(403);
    await app.as(admin).patch('/api/invoice-settings').send({ paymentTermsDays: 400 }).expect(400);
    expect((await app.as(admin).patch('/api/invoice-settings').send({ paymentTermsDays: 14 }).expect(200)).body).toEqual({
      paymentTermsDays: 14,
    });
    const s = await anApprovedSettlement(t.db, dk, {
      provider: 'HJEM',
      period: '2026-06',
      lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }],
    });
    const i = (await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(201)).body;
    expect(i).toMatchObject({ issueDate: '2026-05-04', dueDate: '2026-05-18' });
  });

  it('keeps municipalities apart: numbers, documents and settlements', async () => {
    const se = await anInvoiceWorld(t.db, app.services, 'INV-SE', 'SE');
    const seFinance = await aToken(app.services, se.municipalityId, 'finance');
    await app.as(seFinance).get('/api/invoices/2026-000001').expect(404);
    await app.as(seFinance).get('/api/invoices/2026-000001.pdf').expect(404);
    expect((await app.as(seFinance).get('/api/invoices').expect(200)).body.total).toBe(0);
    const dkSettlement = (await app.as(finance).get('/api/invoices/2026-000001').expect(200)).body.settlementId;
    await app.as(seFinance).post(`/api/settlements/${dkSettlement}/invoice`).expect(404);
    await app.as(seFinance).get(`/api/settlements/${dkSettlement}/lines.csv`).expect(404);

    // Sweden numbers from 1 on its own; personal care is exempt, cleaning standard-rated.
    const s = await anApprovedSettlement(t.db, se, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'B-åäö', minutes: 1234, rate: '456.70', band: 'day', vatPercent: '0' },
        { citizenRef: 'B-2', minutes: 90, rate: '380.00', band: 'day', category: 'practical_help', vatPercent: '25' },
      ],
    });
    const i = (await app.as(seFinance).post(`/api/settlements/${s.id}/invoice`).expect(201)).body;
    expect(i).toMatchObject({ number: '2026-000001', currency: 'SEK', totalExclVat: '9962.80', vat: '142.50', totalInclVat: '10105.30' });
    const text = await pdfText(
      (await app.as(seFinance).get('/api/invoices/2026-000001.pdf').buffer(true).parse(binaryBody).expect(200)).body,
    );
    for (const t2 of [
      'Omsorg i Västerås & Sköndal AB',
      'Omvårdnad',
      'Brukare B-åäö',
      '9 392,80 kr',
      '10 105,30 kr',
      'Momsfri (9 392,80 kr)',
      'mervärdesskattelagen',
    ]) {
      expect(text).toContain(t2);
    }
    const xml = (await app.as(seFinance).get('/api/invoices/2026-000001.xml').expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    expect(value(xml, 'cbc:TaxExemptionReason')).toEqual(['Social care is exempt from VAT (mervärdesskattelagen 3 kap. 7 §)']);
    // The Danish invoice 2026-000001 is still the Danish one.
    expect((await app.as(finance).get('/api/invoices/2026-000001').expect(200)).body.currency).toBe('DKK');
  });

  it('refuses to number an invoice that could never be delivered electronically', async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'INV-BARE');
    await t.db('providers').where({ id: w.providers.HJEM }).update({ company_number: null, electronic_address: null });
    const s = await anApprovedSettlement(t.db, w, { provider: 'HJEM', lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }] });
    const service = new InvoicesService(t.db, () => NOW);
    await expect(service.issueForSettlement(asFinance(w.municipalityId), s.id)).rejects.toMatchObject({
      status: 422,
      details: {
        missing: ['provider HJEM has no valid CVR number (8 digits)', 'provider HJEM has no electronic address (EAN/GLN or Peppol id)'],
      },
    });
    expect(await t.db('invoice_counters').where({ municipality_id: w.municipalityId })).toEqual([]);
  });

  it('renders the stored document again to the same UBL', async () => {
    const detail = (await app.as(finance).get('/api/invoices/2026-000001').expect(200)).body;
    const xml = (await app.as(finance).get('/api/invoices/2026-000001.xml').expect(200)).text;
    expect(renderInvoiceUbl(detail.document)).toBe(xml);
  });

  it('invoices a settlement with two 0 % groups of different exemption reasons as one exempt breakdown', async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'INV-SE2', 'SE');
    const seFinance = await aToken(app.services, w.municipalityId, 'finance');
    // 600/60 × 420.00 = 4200.00 personal care, 60/60 × 380.00 = 380.00 practical help, both 0 %.
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'B-1', minutes: 600, rate: '420.00', exemptionReason: 'Omvårdnad: 3 kap. 7 §' },
        {
          citizenRef: 'B-1',
          minutes: 60,
          rate: '380.00',
          serviceCode: 'STÄD',
          category: 'practical_help',
          exemptionReason: 'Hemtjänst: 3 kap. 7 § andra stycket',
        },
      ],
    });
    expect((await t.db('settlement_vat').where({ settlement_id: s.id })).map((g) => g.base).sort()).toEqual(['380.00', '4200.00']);
    const number = (await app.as(seFinance).post(`/api/settlements/${s.id}/invoice`).expect(201)).body.number;
    const detail = (await app.as(seFinance).get(`/api/invoices/${number}`).expect(200)).body;
    expect(detail.document.vat).toEqual([
      {
        category: 'E',
        percent: '0',
        exemptionReason: 'Hemtjänst: 3 kap. 7 § andra stycket; Omvårdnad: 3 kap. 7 §',
        base: '4580.00',
        vat: '0.00',
      },
    ]);
    const xml = (await app.as(seFinance).get(`/api/invoices/${number}.xml`).expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    expect(value(xml, 'cbc:TaxableAmount')).toEqual(['4580.00']);
  });
});
