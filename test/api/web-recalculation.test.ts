import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { aToken, type TestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { anApprovedSettlement, buildInvoiceTestApp } from '../helpers/invoice-builders.js';
import { aRecalcWorld, type RecalcWorld } from '../helpers/recalc-builders.js';
import { Browser } from '../helpers/web-browser.js';

const t = useTestDatabase();
const NOW = new Date('2027-03-15T09:00:00Z');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/recalc/${name}`, import.meta.url), 'utf8');

/** The cells of the table row whose header cell starts with `head`. */
const row = (page: string, head: string): string[] => {
  const tr = [...page.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).find((x) => new RegExp(`<th[^>]*>${head}`).test(x));
  if (!tr) throw new Error(`no row ${head}`);
  return [...tr.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim(),
  );
};

/**
 * The recalculation page on the hand-worked figures of test/api/price-recalculation.test.ts:
 * costs PH 274 000.00 / 1000 h, PPD 850 000.00 / 2000 h, PPO 316 000.00 / 500 h, + 6 % overhead
 * → 290.44, 450.50, 669.92; OMSORG was paid 450.00 (90 h) and 700.00 (25 h): −707.00.
 */
describe('web interface: the annual price recalculation', () => {
  let app: TestApp;
  let w: RecalcWorld;

  beforeAll(async () => {
    app = buildInvoiceTestApp(t.db, () => NOW);
    w = await aRecalcWorld(t.db, app.services, 'RCWEB');
    const omsorg = await anApprovedSettlement(t.db, w, {
      provider: 'OMSORG',
      lines: [
        { citizenRef: 'C-1', minutes: 5400, rate: '450.00' },
        { citizenRef: 'C-1', minutes: 1500, rate: '700.00', band: 'other_times' },
        // A timely cancellation, paid at 0 %: its 10 hours are not hours paid.
        { citizenRef: 'C-2', minutes: 600, rate: '450.00', factor: '0' },
      ],
    });
    const hjem = await anApprovedSettlement(t.db, w, {
      provider: 'HJEM',
      lines: [{ citizenRef: 'C-3', serviceCode: 'PH', category: 'practical_help', minutes: 3000, rate: '280.00' }],
    });
    for (const id of [omsorg.id, hjem.id]) await app.services.invoices.issueForSettlement(w.who, id);
    const categories = [
      { code: 'PH', name: 'Praktisk hjælp', priceGroup: 'PH', timeBands: ['weekday_day', 'other_times'] },
      { code: 'PPD', name: 'Personlig pleje hverdag dag', priceGroup: 'PP', timeBands: ['weekday_day'] },
      { code: 'PPO', name: 'Personlig pleje øvrige tider', priceGroup: 'PP', timeBands: ['other_times'] },
    ];
    await app.services.priceRecalculation.putStatement(w.who, 2026, { hoursSource: 'visits', categories, lines: [], hours: [] });
    await app.services.priceRecalculation.importLinesCsv(w.who, 2026, fixture('costs-da.csv'));
    await app.services.priceRecalculation.importHoursCsv(w.who, 2026, fixture('hours-da.csv'));
  });

  it('lets finance compute the year, read prices against what was paid and the adjustments, approve and issue the documents', async () => {
    const b = new Browser(app);
    await b.signIn({ token: await aToken(app.services, w.municipalityId, 'finance') });
    let page = await b.get('/app/recalculation?year=2026');
    expect(page.text).toContain('Ingen efterberegning for dette år endnu.');
    await b.post('/app/recalculation/2026/run', { _csrf: Browser.csrf(page.text), back: '/app/recalculation?year=2026' });
    page = await b.get('/app/recalculation?year=2026');
    expect(page.text).toContain('Året er beregnet (2026): oprettet');
    expect(row(page.text, 'Praktisk hjælp')).toEqual([
      'Praktisk hjælp',
      '274.000,00 kr.',
      '1.000,00',
      '274,00 kr.',
      '290,44 kr.',
      '363,05 kr.',
      '280,00 kr.',
      '50,00',
      '10,44',
    ]);
    expect(row(page.text, 'Personlig pleje hverdag dag')).toEqual([
      'Personlig pleje hverdag dag',
      '850.000,00 kr.',
      '2.000,00',
      '425,00 kr.',
      '450,50 kr.',
      '563,13 kr.',
      '450,00 kr.',
      '90,00',
      '0,50',
    ]);
    expect(row(page.text, 'Personlig pleje øvrige tider')).toEqual([
      'Personlig pleje øvrige tider',
      '316.000,00 kr.',
      '500,00',
      '632,00 kr.',
      '669,92 kr.',
      '837,40 kr.',
      '700,00 kr.',
      '25,00',
      '-30,08',
    ]);
    // OMSORG: 90 h × +0.50 = 45.00 and 25 h × −30.08 = −752.00 → −707.00 (+ 25 % VAT).
    expect(row(page.text, '2026 · Omsorg')).toEqual([
      expect.stringMatching(/^2026 · Omsorg Ærø & Søby ApS OMSORG udkast$/),
      '-707,00 kr. + moms -176,75 kr. = -883,75 kr.',
    ]);
    // Every adjustment line: settled difference × hours paid = amount (issue 19).
    const adjustments = /<table class="adjustments">([\s\S]*?)<\/table>/.exec(page.text)![1]!;
    const lines = [...adjustments.matchAll(/<tr>\s*<td>([\s\S]*?)<\/tr>/g)].map((m) =>
      [...`<td>${m[1]!}`.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>|&nbsp;/g, '').trim()),
    );
    expect(lines.length).toBeGreaterThan(0);
    const num = (s: string) =>
      Number(
        s
          .replace(/ kr\.$/, '')
          .replace(/\./g, '')
          .replace(',', '.'),
      );
    for (const l of lines) expect([l[0], Math.round(num(l[4]!) * num(l[5]!) * 100) / 100]).toEqual([l[0], num(l[6]!)]);
    expect(lines.some((l) => l[5] === '90,00' && l[6] === '45,00 kr.')).toBe(true);
    expect(page.text).toContain('Myndighedens omkostninger (ikke fordelt)');

    const id = (await app.services.priceRecalculation.list(w.who, { year: 2026 }, { limit: 1, offset: 0 })).items[0]!.id;
    await b.post(`/app/recalculation/${id}/approve`, { _csrf: Browser.csrf(page.text), back: '/app/recalculation?year=2026' });
    page = await b.get('/app/recalculation?year=2026');
    expect(page.text).toContain('Efterberegningen er godkendt; priserne er foreslået for næste år');
    await b.post(`/app/recalculation/${id}/documents`, { _csrf: Browser.csrf(page.text), back: '/app/recalculation?year=2026' });
    page = await b.get('/app/recalculation?year=2026');
    expect(page.text).toMatch(/Dokumenterne er udstedt: HJEM 2027-\d{6}, OMSORG 2027-\d{6}/);
    // Every adjustment has its document: the button is gone.
    expect(page.text).not.toContain(`action="/app/recalculation/${id}/documents"`);
    const credit = /OMSORG 2027-(\d{6})/.exec(page.text)![0].slice(7);
    expect(page.text).toContain(`Kreditnota <a href="/app/invoices/${credit}.pdf"`);
    const report = await b.get(`/app/recalculation/${id}/report.pdf`);
    expect(report.headers['content-type']).toBe('application/pdf');
  });

  it('shows a provider its own adjustment only, and none of the costs', async () => {
    const b = new Browser(app);
    await b.signIn({ token: await aToken(app.services, w.municipalityId, 'provider', w.providers.OMSORG) });
    const page = await b.get('/app/recalculation');
    expect(page.text).toContain('Omsorg Ærø &amp; Søby ApS');
    expect(page.text).not.toContain('Hjemmehjælp Øst');
    // The year of the adjustment, and the provider's own details as its documents carry them.
    expect(page.text).toContain('<caption>Efterreguleringer 2026</caption>');
    expect(page.text).toContain('<h2 id="own-details">Dine oplysninger</h2>');
    expect(page.text).not.toContain('274.000,00');
    const id = (await app.services.priceRecalculation.list(w.who, { year: 2026 }, { limit: 1, offset: 0 })).items[0]!.id;
    expect((await b.get(`/app/recalculation/${id}/report.pdf`)).status).toBe(404);
    expect((await b.post(`/app/recalculation/${id}/approve`, { _csrf: Browser.csrf(page.text) })).status).toBe(403);
  });
});
