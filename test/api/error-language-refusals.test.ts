import type { Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { aToken, asAdmin, buildTestApp, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, anInvoiceWorld, asFinance } from '../helpers/invoice-builders.js';
import { aSettlementWorld, aSmallMonth, exampleModel, type SettlementWorld } from '../helpers/settlement-builders.js';

const t = useTestDatabase();

type Messages = { da: string; sv: string; en: string };

/**
 * Sends the same refused request with Accept-Language da, sv and en (and none): each answer has the
 * status, code and details it always had, and its message in the asked language; English stays the
 * text the error was raised with.
 */
async function refusedIn(send: (acceptLanguage: string) => Promise<Response>, status: number, messages: Messages) {
  const answers = [];
  for (const [accept, lang] of [
    ['da-DK,da;q=0.9', 'da'],
    ['sv', 'sv'],
    ['en', 'en'],
    ['', 'en'],
  ] as const) {
    const r = await send(accept);
    expect(r.status, `${accept}: ${JSON.stringify(r.body)}`).toBe(status);
    expect(r.body.error.message, accept).toBe(messages[lang]);
    answers.push(r.body.error);
  }
  // Only the message changes with the language.
  for (const a of answers.slice(1)) expect({ ...a, message: '', requestId: '' }).toEqual({ ...answers[0], message: '', requestId: '' });
}

/** 409 and 422 refusals of settlements, invoices, budgets, recalculations and master data speak the reader's language (issue 19). */
describe('business refusals in the request language', () => {
  let app: TestApp;

  beforeAll(() => {
    app = buildTestApp(t.db);
  });

  describe('settlements, exceptions, objections and period locks', () => {
    let w: SettlementWorld;
    let finance: string;
    let care: string;
    let settlementId: number;
    let exceptionId: number;

    beforeAll(async () => {
      const month = await aSmallMonth(app.services, 'LSET');
      w = month.w;
      finance = await w.token('finance');
      care = await w.token('provider', w.providers.p);
      const run = await app.as(finance).post('/api/settlements/run').send({ period: '2026-03' }).expect(200);
      settlementId = run.body.outcomes[0].settlement.id;
      const ex = await app.as(finance).get(`/api/settlements/${settlementId}/exceptions`).expect(200);
      exceptionId = ex.body.items[0].id;
    });

    it('a rejection without a note', async () => {
      await refusedIn(
        (l) => app.as(finance).post(`/api/settlement-exceptions/${exceptionId}/reject`).set('accept-language', l).send({ note: ' ' }),
        422,
        {
          da: 'En afvisning kræver en note, der siger, hvorfor afvigelsen ikke betales',
          sv: 'En avvisning kräver en anteckning som säger varför avvikelsen inte betalas',
          en: 'a rejection needs a note that says why the exception is not paid',
        },
      );
    });

    it('an objection to a line the settlement does not have', async () => {
      await refusedIn(
        (l) =>
          app
            .as(care)
            .post(`/api/settlements/${settlementId}/objections`)
            .set('accept-language', l)
            .send({ kind: 'objection', lineNo: 99, text: 'x' }),
        422,
        {
          da: `Afregning ${settlementId} har ingen linje 99`,
          sv: `Avräkning ${settlementId} har ingen rad 99`,
          en: `settlement ${settlementId} has no line 99`,
        },
      );
    });

    it('an objection answered twice', async () => {
      const o = await app
        .as(care)
        .post(`/api/settlements/${settlementId}/objections`)
        .send({ kind: 'comment', lineNo: 1, text: 'Besøget varede 40 minutter' })
        .expect(201);
      await app.as(finance).post(`/api/settlement-objections/${o.body.id}/answer`).send({ answer: 'Set' }).expect(200);
      await refusedIn(
        (l) => app.as(finance).post(`/api/settlement-objections/${o.body.id}/answer`).set('accept-language', l).send({ answer: 'igen' }),
        409,
        {
          da: `Indsigelse ${o.body.id} er allerede besvaret`,
          sv: `Invändning ${o.body.id} är redan besvarad`,
          en: `objection ${o.body.id} is already answered`,
        },
      );
    });

    it('a run whose price list lacks a rate the model needs', async () => {
      const nr = await aSettlementWorld(app.services, 'LNOR', { assign: false });
      const fin = await nr.token('finance');
      const doc = exampleModel('dk-granted-time') as { categories?: unknown };
      doc.categories = { practical_help: { basis: { type: 'per_visit', rateBand: 'visit' } } };
      const m = await app.as(fin).post('/api/models').send({ name: 'per-visit-ph', document: doc }).expect(201);
      await app.as(fin).post(`/api/models/${m.body.id}/assign`).send({ validFrom: '2026-01-01' }).expect(201);
      const c = await nr.citizen('C1');
      await nr.choose(c, nr.providers.p, 'practical_help');
      await nr.grant(c, 'PH', { frequency: { type: 'weekly' } });
      await nr.visit(nr.providers.p, c, 'PH', '2026-03-04 10:00', '2026-03-04 11:00');
      await refusedIn((l) => app.as(fin).post('/api/settlements/run').set('accept-language', l).send({ period: '2026-03' }), 422, {
        da: 'Leverandør CARE kan ikke afregnes under model per-visit-ph@1: prislisten har ingen sats (per_visit) for prisgruppe PH, tidsbånd visit, leverandørtype private',
        sv: 'Utförare CARE kan inte avräknas under modell per-visit-ph@1: prislistan har inget pris (per_visit) för prisgrupp PH, tidsband visit, utförartyp private',
        en: 'provider CARE cannot be settled under model per-visit-ph@1: no per_visit rate for price group PH, band visit, private provider',
      });
    });

    it('a period locked twice, and a month without a model', async () => {
      await app.as(finance).post('/api/periods/2026-04/lock').expect(201);
      await refusedIn((l) => app.as(finance).post('/api/periods/2026-04/lock').set('accept-language', l), 409, {
        da: '2026-04 er allerede låst',
        sv: '2026-04 är redan låst',
        en: '2026-04 is already locked',
      });
      const bare = await aSmallMonth(app.services, 'LNOM', { assign: false });
      const fin = await bare.w.token('finance');
      await refusedIn((l) => app.as(fin).post('/api/settlements/run').set('accept-language', l).send({ period: '2026-03' }), 422, {
        da: 'Leverandør CARE har ingen afregningsmodel for 2026-03-01 – 2026-03-31 (31 dage i 2026-03); tildel en (POST /api/models/{id}/assign)',
        sv: 'Utförare CARE har ingen ersättningsmodell för 2026-03-01 – 2026-03-31 (31 dagar i 2026-03); tilldela en (POST /api/models/{id}/assign)',
        en: 'no reimbursement model is assigned to provider CARE for 2026-03-01 – 2026-03-31 (31 day(s) of 2026-03); assign one (POST /api/models/{id}/assign)',
      });
    });
  });

  describe('invoices and payment bases', () => {
    it('an invoice on incomplete master data names every missing item in the language asked', async () => {
      const w = await anInvoiceWorld(t.db, app.services, 'LINV');
      await app.services.municipalities.update(asAdmin(w.municipalityId), { buyerReference: null, streetName: null });
      await app.services.providers.update(asFinance(w.municipalityId), w.providers.OMSORG!, {
        postalZone: null,
        cityName: null,
        bankAccount: 'DK50 0040 0440 1162 44',
      });
      const s = await anApprovedSettlement(t.db, w, { provider: 'OMSORG', lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }] });
      const finance = await aToken(app.services, w.municipalityId, 'finance');
      await refusedIn((l) => app.as(finance).post(`/api/settlements/${s.id}/invoice`).set('accept-language', l), 422, {
        da:
          `Afregning ${s.id} kan ikke faktureres, der mangler stamdata: kommunen mangler vejnavn i postadressen; ` +
          'leverandør OMSORG mangler postnummer, by i postadressen; ' +
          'kommunens egen reference på fakturaer (købers reference, en indstilling) er ikke udfyldt; ' +
          'bankkontoen DK50 0040 0440 1162 44 for leverandør OMSORG kan ikke læses (et IBAN eller reg.nr. og kontonummer)',
        sv:
          `Avräkning ${s.id} kan inte faktureras, grunddata saknas: kommunen saknar gatuadress i postadressen; ` +
          'utförare OMSORG saknar postnummer, ort i postadressen; ' +
          'kommunens köparreferens (dess egen referens på fakturor, en inställning) är inte angiven; ' +
          'bankkontot DK50 0040 0440 1162 44 för utförare OMSORG kan inte tolkas (ett IBAN eller reg.nr. och kontonummer)',
        en:
          `Settlement ${s.id} cannot be invoiced, master data is missing: the municipality has no street in its postal address; ` +
          'provider OMSORG has no postcode, city in its postal address; ' +
          "the municipality's buyer reference (its own reference on invoices, a setting) is not set; " +
          "provider OMSORG's bank account DK50 0040 0440 1162 44 is not understood (an IBAN or reg.nr. and account number)",
      });
    });

    it('a payment basis for a self-billed provider, and a draft that is invoiced', async () => {
      const w = await anInvoiceWorld(t.db, app.services, 'LPB');
      const finance = await aToken(app.services, w.municipalityId, 'finance');
      const s = await anApprovedSettlement(t.db, w, { provider: 'HJEM', lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }] });
      await refusedIn((l) => app.as(finance).post(`/api/settlements/${s.id}/payment-basis`).set('accept-language', l), 422, {
        da: 'Leverandør HJEM selvfaktureres; et afregningsgrundlag er kun for leverandører, der selv sender faktura',
        sv: 'Utförare HJEM självfaktureras; ett betalningsunderlag är bara för utförare som skickar egen faktura',
        en: 'Provider HJEM is self-billed; a payment basis is only for providers that send their own invoice',
      });
      const draft = await anApprovedSettlement(t.db, w, {
        provider: 'HJEM',
        period: '2026-05',
        approve: false,
        lines: [{ citizenRef: 'C-1', minutes: 60, rate: '400' }],
      });
      await refusedIn((l) => app.as(finance).post(`/api/settlements/${draft.id}/invoice`).set('accept-language', l), 422, {
        da: `Afregning ${draft.id} er udkast; kun en godkendt afregning kan faktureres`,
        sv: `Avräkning ${draft.id} är utkast; bara en godkänd avräkning kan faktureras`,
        en: `Settlement ${draft.id} is draft; only an approved settlement can be invoiced`,
      });
    });
  });

  describe('budget checks and price recalculation', () => {
    it('budget settings whose watch limit is above the over limit, and a budget file without its amount column', async () => {
      const { w } = await aSmallMonth(app.services, 'LBUD');
      const controller = await w.token('admin');
      await refusedIn(
        (l) =>
          app
            .as(controller)
            .put('/api/budget-check-settings')
            .set('accept-language', l)
            .send({ watchAbovePercent: '5', overAbovePercent: '1' }),
        422,
        {
          da: 'Grænsen for skærpet opmærksomhed (watchAbovePercent) må ikke ligge over grænsen for overskridelse (overAbovePercent)',
          sv: 'Gränsen för bevakning (watchAbovePercent) får inte ligga över gränsen för överskridande (overAbovePercent)',
          en: 'watchAbovePercent must not be above overAbovePercent',
        },
      );
      await refusedIn(
        (l) =>
          app
            .as(controller)
            .post('/api/budgets/import')
            .set('accept-language', l)
            .type('text/csv')
            .send('year;area;category\n2026;;personal_care\n'),
        400,
        { da: 'Kolonnen "amount" mangler', sv: 'Kolumnen "amount" saknas', en: 'The column "amount" is missing' },
      );
    });

    it('a recalculation of a year without a cost statement', async () => {
      const { w } = await aSmallMonth(app.services, 'LREC');
      const finance = await w.token('finance');
      await refusedIn((l) => app.as(finance).post('/api/price-recalculations/run').set('accept-language', l).send({ year: 2026 }), 422, {
        da: 'Der er ingen omkostningsopgørelse for 2026: importér først den kommunale leverandørs omkostninger',
        sv: 'Det finns ingen kostnadsredovisning för 2026: importera först kostnaderna för den egna regin',
        en: "there is no cost statement for 2026: import the municipal provider's costs first",
      });
    });
  });

  describe('master data: provider kinds, prices, choices, grants', () => {
    let w: SettlementWorld;
    let admin: string;

    beforeAll(async () => {
      w = (await aSmallMonth(app.services, 'LMD')).w;
      admin = await w.token('admin');
    });

    it('a provider kind in use is not deleted; what uses it is said in words', async () => {
      const en = await app.as(admin).delete('/api/provider-kinds/private').expect(409);
      const lists = en.body.error.details.inUse.priceLists.join(', ');
      expect(en.body.error.details.inUse.providers).toBe(1);
      await refusedIn((l) => app.as(admin).delete('/api/provider-kinds/private').set('accept-language', l), 409, {
        da: `Leverandørtypen private bruges af 1 leverandør; prisliste ${lists} og kan ikke slettes`,
        sv: `Utförartypen private används av 1 utförare; prislista ${lists} och kan inte tas bort`,
        en: `provider kind private is in use by 1 provider(s); price list(s) ${lists} and cannot be deleted`,
      });
    });

    it('a second adopted price list over the same dates', async () => {
      const first = (await app.as(admin).get('/api/price-lists').expect(200)).body.items[0];
      await refusedIn(
        (l) =>
          app
            .as(admin)
            .post('/api/price-lists')
            .set('accept-language', l)
            .send({ label: 'Igen', status: 'adopted', validFrom: '2026-06-01', rates: [] }),
        409,
        {
          da: `Den nye prisliste ville overlappe vedtaget prisliste ${first.id} "Timepriser 2026" [2026-01-01, åben); kun én vedtaget prisliste kan gælde på en dato — afslut den anden først`,
          sv: `Den nya prislistan skulle överlappa antagen prislista ${first.id} "Timepriser 2026" [2026-01-01, öppen); bara en antagen prislista kan gälla en dag — avsluta den andra först`,
          en: `the new price list would overlap adopted price list ${first.id} "Timepriser 2026" [2026-01-01, open); only one adopted price list may be in force on a date — close the other one first`,
        },
      );
    });

    it('a change of provider to the provider the citizen has: the category in words', async () => {
      const c = await w.citizen('LMD-C9');
      await w.choose(c, w.providers.p);
      await refusedIn(
        (l) =>
          app
            .as(admin)
            .post('/api/provider-choices')
            .set('accept-language', l)
            .send({ citizenId: c, providerId: w.providers.p, category: 'personal_care', requestedOn: '2026-02-01' }),
        422,
        {
          da: `Leverandør ${w.providers.p} er allerede borgerens leverandør til personlig pleje`,
          sv: `Utförare ${w.providers.p} är redan brukarens utförare för omvårdnad`,
          en: `Provider ${w.providers.p} is already the citizen's provider for personal_care`,
        },
      );
    });

    it('a grant for a service code the catalogue does not know', async () => {
      const c = await w.citizen('LMD-C10');
      await refusedIn(
        (l) =>
          app
            .as(admin)
            .post('/api/grants')
            .set('accept-language', l)
            .send({ citizenId: c, serviceCode: 'XX', frequency: { type: 'daily' }, validFrom: '2026-01-01', sourceSystem: 'visitation' }),
        422,
        { da: 'Ukendt ydelseskode XX', sv: 'Okänd insatskod XX', en: 'Unknown service code XX' },
      );
    });
  });

  describe('imports (file-level refusals)', () => {
    it('a file with unknown columns and a missing required one, and an empty file', async () => {
      const { w } = await aSmallMonth(app.services, 'LIMP');
      const finance = await w.token('finance');
      const upload = (l: string, body: string) =>
        app.as(finance).post('/api/imports/visits').set('accept-language', l).set('content-type', 'text/csv').send(body);
      const csv = 'external_id;provider_ref;service_codes;colour;Farve\nX;CARE;PC;red;blå\n';
      await refusedIn((l) => upload(l, csv), 400, {
        da: 'Filen blev afvist: ukendte kolonner: "colour", "Farve"; påkrævet kolonne mangler: citizen_ref',
        sv: 'Filen avvisades: okända kolumner: "colour", "Farve"; obligatorisk kolumn saknas: citizen_ref',
        en: 'The file was refused: unknown columns: "colour", "Farve"; missing required column: citizen_ref',
      });
      await refusedIn((l) => upload(l, ''), 400, {
        da: 'Filen er tom: der kræves en overskriftsrække',
        sv: 'Filen är tom: en rubrikrad krävs',
        en: 'The file is empty: a header row is required',
      });
    });
  });
});
