import { beforeAll, describe, expect, it } from 'vitest';
import { renderInvoiceUbl } from '../../src/features/invoices/invoice-ubl.js';
import { checkUbl } from '../../src/features/invoices/ubl-rules.js';
import { aToken, asAdmin, type TestApp } from '../helpers/app.js';
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

/**
 * Who gets which document (docs/invoices.md): self-billing needs the provider's agreement, a
 * provider on payment basis invoices itself, the in-house provider gets an internal statement in
 * its own number series, and nothing is numbered on incomplete master data.
 */
const t = useTestDatabase();
const NOW = new Date('2026-05-04T08:00:00Z');
const counters = (municipalityId: number) =>
  t.db('invoice_counters').where({ municipality_id: municipalityId }).orderBy('series').select('series', 'year', 'last_number');

describe('invoicing modes and master data', () => {
  let app: TestApp;

  beforeAll(() => {
    app = buildInvoiceTestApp(t.db, () => NOW);
  });

  it("self-bills only with the provider's recorded agreement, and says so on the PDF", async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'MODE-SB');
    await app.services.providers.update(asFinance(w.municipalityId), w.providers.HJEM!, { selfBillingAgreedOn: null });
    const s = await anApprovedSettlement(t.db, w, { provider: 'HJEM', lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }] });
    const finance = await aToken(app.services, w.municipalityId, 'finance');
    const refused = await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(422);
    expect(refused.body.error.message).toMatch(/provider HJEM has no self-billing agreement recorded/);
    expect(await counters(w.municipalityId)).toEqual([]);

    await app.as(finance).patch(`/api/providers/${w.providers.HJEM}`).send({ selfBillingAgreedOn: '2026-02-01' }).expect(200);
    const issued = (await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(201)).body;
    expect(issued).toMatchObject({ number: '2026-000001', profile: 'self_billing', typeCode: '389' });
    const pdf = await app.as(finance).get(`/api/invoices/${issued.number}.pdf`).buffer(true).parse(binaryBody).expect(200);
    const text = (await pdfText(pdf.body)).replace(/\n/g, ' ');
    expect(text).toContain('Selvfakturering');
    expect(text).toContain('Aftale om selvfakturering');
    expect(text).toContain('01.02.2026');
    const xml = (await app.as(finance).get(`/api/invoices/${issued.number}.xml`).expect(200)).text;
    expect(checkUbl(xml)).toEqual([]);
    expect(xml).toContain('<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>');
    expect(xml).toContain('<cbc:BuyerReference>Ældre og Sundhed 4410</cbc:BuyerReference>');
  });

  it("refuses to issue for a provider on payment basis (its own or the municipality's mode): it invoices itself", async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'MODE-PB');
    const finance = await aToken(app.services, w.municipalityId, 'finance');
    await app.as(finance).patch(`/api/providers/${w.providers.HJEM}`).send({ invoicingMode: 'payment_basis' }).expect(200);
    const s = await anApprovedSettlement(t.db, w, { provider: 'HJEM', lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }] });
    const refused = await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(422);
    expect(refused.body.error.message).toMatch(/provider HJEM invoices the municipality itself \(invoicing mode payment basis\)/);
    expect(refused.body.error.details).toEqual({ invoicingMode: 'payment_basis' });

    const admin = await aToken(app.services, w.municipalityId, 'admin');
    await app.as(admin).patch('/api/municipality').send({ invoicingMode: 'payment_basis' }).expect(200);
    const o = await anApprovedSettlement(t.db, w, { provider: 'OMSORG', lines: [{ citizenRef: 'C-2', minutes: 60, rate: '400' }] });
    await app.as(finance).post(`/api/settlements/${o.id}/invoice`).expect(422);
    // A provider's own mode wins over the municipality's.
    await app.as(finance).patch(`/api/providers/${w.providers.OMSORG}`).send({ invoicingMode: 'self_billing' }).expect(200);
    await app.as(finance).post(`/api/settlements/${o.id}/invoice`).expect(201);
    expect(await counters(w.municipalityId)).toEqual([{ series: '', year: 2026, last_number: 1 }]);
  });

  it('gives the in-house provider an internal statement in its own series, PDF only, with its corrections in the same series', async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'MODE-IH');
    const finance = await aToken(app.services, w.municipalityId, 'finance');
    const inHouse = await app.services.providers.create(asFinance(w.municipalityId), {
      ref: 'KOMMUNAL',
      name: 'Hjemmeplejen',
      kind: 'municipal',
      vatStatus: 'not_registered',
      approvedFrom: '2020-01-01',
      companyNumber: '29189919',
    });
    w.providers.KOMMUNAL = inHouse.id;
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'KOMMUNAL',
      lines: [{ citizenRef: 'C-1', minutes: 90, rate: '400', vatPercent: '0', exemptionReason: 'Intern' }],
    });
    const statement = (await app.as(finance).post(`/api/settlements/${s.id}/invoice`).expect(201)).body;
    expect(statement).toMatchObject({
      number: 'I2026-000001',
      kind: 'internal_statement',
      profile: 'internal',
      typeCode: null,
      totalInclVat: '600.00',
      links: { xml: null },
    });
    const xml = await app.as(finance).get('/api/invoices/I2026-000001.xml').expect(404);
    expect(xml.body.error.message).toMatch(/internal settlement statement is a PDF only/);
    const text = await pdfText(
      (await app.as(finance).get('/api/invoices/I2026-000001.pdf').buffer(true).parse(binaryBody).expect(200)).body,
    );
    expect(text).toContain('Intern afregning');
    expect(text).not.toContain('Til betaling');

    // A private provider's invoice keeps its own series.
    const p = await anApprovedSettlement(t.db, w, { provider: 'OMSORG', lines: [{ citizenRef: 'C-2', minutes: 60, rate: '400' }] });
    expect((await app.as(finance).post(`/api/settlements/${p.id}/invoice`).expect(201)).body.number).toBe('2026-000001');

    const c = await anApprovedSettlement(t.db, w, {
      provider: 'KOMMUNAL',
      kind: 'correction',
      correctsId: s.id,
      lines: [{ citizenRef: 'C-1', minutes: -30, rate: '400', vatPercent: '0', exemptionReason: 'Intern' }],
    });
    const correction = (await app.as(finance).post(`/api/settlements/${c.id}/invoice`).expect(201)).body;
    expect(correction).toMatchObject({
      number: 'I2026-000002',
      kind: 'internal_correction',
      correctsNumber: 'I2026-000001',
      totalInclVat: '-200.00',
    });
    const list = (await app.as(finance).get('/api/invoices?year=2026').expect(200)).body;
    expect(list.items.map((i: { number: string }) => i.number).sort()).toEqual(['2026-000001', 'I2026-000001', 'I2026-000002']);
    expect(await counters(w.municipalityId)).toEqual([
      { series: '', year: 2026, last_number: 1 },
      { series: 'I', year: 2026, last_number: 2 },
    ]);
  });

  it('invoices the in-house provider like the others when the municipality chooses so', async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'MODE-IH2');
    await app.services.municipalities.update(asAdmin(w.municipalityId), { invoiceInHouseProvider: true });
    const inHouse = await app.services.providers.create(asFinance(w.municipalityId), {
      ref: 'KOMMUNAL',
      name: 'Hjemmeplejen',
      kind: 'municipal',
      vatStatus: 'exempt',
      approvedFrom: '2020-01-01',
      companyNumber: '29189919',
      electronicAddress: '5790001234560',
      address: 'Rådhusgade 2, 6200 Aabenraa',
      selfBillingAgreedOn: '2026-01-01',
    });
    w.providers.KOMMUNAL = inHouse.id;
    const s = await anApprovedSettlement(t.db, w, {
      provider: 'KOMMUNAL',
      lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400', vatPercent: '0' }],
    });
    const { invoice } = await app.services.invoices.issueForSettlement(asFinance(w.municipalityId), s.id);
    expect(invoice).toMatchObject({ number: '2026-000001', kind: 'invoice', profile: 'self_billing' });
    expect(checkUbl((await app.services.invoices.ubl(asFinance(w.municipalityId), invoice.number)).xml)).toEqual([]);
  });

  it('numbers nothing on incomplete master data and names everything missing at once', async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'MODE-MD');
    await app.services.municipalities.update(asAdmin(w.municipalityId), { buyerReference: null, streetName: null });
    await app.services.providers.update(asFinance(w.municipalityId), w.providers.OMSORG!, {
      postalZone: null,
      cityName: null,
      bankAccount: 'DK50 0040 0440 1162 44',
    });
    const s = await anApprovedSettlement(t.db, w, { provider: 'OMSORG', lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }] });
    await expect(app.services.invoices.issueForSettlement(asFinance(w.municipalityId), s.id)).rejects.toMatchObject({
      status: 422,
      details: {
        missing: [
          'the municipality has no street in its postal address',
          'provider OMSORG has no postcode, city in its postal address',
          "the municipality's buyer reference (its own reference on invoices, a setting) is not set",
          "provider OMSORG's bank account DK50 0040 0440 1162 44 is not understood (an IBAN or reg.nr. and account number)",
        ],
      },
    });
    expect(await counters(w.municipalityId)).toEqual([]);
  });

  it('keeps the invoicing settings and postal addresses of municipality and provider (API)', async () => {
    const w = await anInvoiceWorld(t.db, app.services, 'MODE-API');
    const admin = await aToken(app.services, w.municipalityId, 'admin');
    const m = (
      await app
        .as(admin)
        .patch('/api/municipality')
        .send({
          invoicingMode: 'payment_basis',
          invoiceInHouseProvider: true,
          buyerReference: 'Sundhed 77',
          receivedInvoiceTolerance: '1.5',
          streetName: 'Skelbækvej 2',
          additionalStreetName: 'Indgang B',
        })
        .expect(200)
    ).body;
    expect(m).toMatchObject({
      invoicingMode: 'payment_basis',
      invoiceInHouseProvider: true,
      buyerReference: 'Sundhed 77',
      receivedInvoiceTolerance: '1.50',
      streetName: 'Skelbækvej 2',
      additionalStreetName: 'Indgang B',
      postalZone: '6200',
      cityName: 'Aabenraa',
      address: 'Skelbækvej 2, Indgang B, 6200 Aabenraa',
    });
    await app.as(admin).patch('/api/municipality').send({ receivedInvoiceTolerance: '-1' }).expect(400);
    await app.as(admin).patch('/api/municipality').send({ invoicingMode: 'post' }).expect(400);
    const p = (await app.as(admin).get(`/api/providers/${w.providers.OMSORG}`).expect(200)).body;
    expect(p).toMatchObject({
      streetName: 'Søndergade 4',
      postalZone: '5970',
      cityName: 'Ærøskøbing',
      invoicingMode: null,
      selfBillingAgreedOn: '2020-01-01',
    });
    await app.as(admin).patch(`/api/providers/${w.providers.OMSORG}`).send({ postalZone: '59' }).expect(400);
    const schemas = (await app.http.get('/openapi.json').expect(200)).body.components.schemas;
    expect(Object.keys(schemas.Provider.properties)).toEqual(
      expect.arrayContaining(['streetName', 'postalZone', 'invoicingMode', 'selfBillingAgreedOn']),
    );
    expect(Object.keys(schemas.MunicipalityUpdate.properties)).toEqual(
      expect.arrayContaining(['invoicingMode', 'invoiceInHouseProvider', 'buyerReference', 'receivedInvoiceTolerance', 'cityName']),
    );
  });
});

describe('every document the database flow issues passes the rule check', () => {
  it('Danish and Swedish invoices, credit notes and supplementary invoices', async () => {
    const app = buildInvoiceTestApp(t.db, () => NOW);
    for (const country of ['DK', 'SE'] as const) {
      const w: InvoiceWorld = await anInvoiceWorld(t.db, app.services, `MODE-ALL-${country}`, country);
      const s = await anApprovedSettlement(t.db, w, {
        provider: 'OMSORG',
        lines: [
          { citizenRef: 'C-1', minutes: 610, rate: '450.00' },
          { citizenRef: 'C-2', minutes: 47, rate: '452.3456', kind: 'cancellation', factor: '0.5' },
        ],
      });
      const down = await anApprovedSettlement(t.db, w, {
        provider: 'OMSORG',
        kind: 'correction',
        correctsId: s.id,
        lines: [{ citizenRef: 'C-1', minutes: -60, rate: '450.00' }],
      });
      const up = await anApprovedSettlement(t.db, w, {
        provider: 'OMSORG',
        kind: 'correction',
        sequence: 2,
        correctsId: s.id,
        lines: [{ citizenRef: 'C-1', minutes: 30, rate: '450.00' }],
      });
      for (const id of [s.id, down.id, up.id]) {
        const { invoice } = await app.services.invoices.issueForSettlement(asFinance(w.municipalityId), id);
        const detail = await app.services.invoices.get(asFinance(w.municipalityId), invoice.number);
        expect(checkUbl(renderInvoiceUbl(detail.document)), `${country} ${invoice.kind}`).toEqual([]);
      }
    }
  });
});
