import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Acting } from '../../src/features/auth/auth-types.js';
import { buildServices, type Services } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { useTestDatabase } from '../helpers/db.js';
import { exampleModel } from '../helpers/settlement-builders.js';
import { aWebWorld } from '../helpers/web-builders.js';
import { hasChromium, launchBrowser, reportSkipped, serve, signInWithToken, type RunningBrowser } from './browser.js';

reportSkipped('test/e2e/web-finance-provider.test.ts (finance and provider actions, axe-core, in Chromium)');

const t = useTestDatabase();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type World = Awaited<ReturnType<typeof aWebWorld>>;

const cells = async (page: Page, rowName: string | RegExp) =>
  (await page.getByRole('row', { name: rowName }).first().locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
const statusText = async (page: Page) => (await page.locator('main p.flash').first().textContent())?.trim();

/** axe-core in the page: the serious and critical violations, as "rule: target" strings. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the pages' CSP (script-src 'self') stays as it is.
  await page.evaluate(AXE_SOURCE);
  // A string, not a function: the test code is compiled without the DOM types.
  const result = await page.evaluate<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> }>(
    "axe.run(document, { resultTypes: ['violations'] })",
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

const asFinance = (w: World): Acting => ({
  principal: { municipalityId: w.municipalityId, role: 'finance', providerId: null, actor: 'test', tokenId: null },
  requestId: null,
});

describe.skipIf(!hasChromium)('finance and provider actions in Chromium (issue 19)', { timeout: 180_000 }, () => {
  let services: Services;
  let da: World;
  let sv: World;
  let app: { url: string; close(): Promise<void> };
  let browser: RunningBrowser;

  beforeAll(async () => {
    services = buildServices(t.db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    da = await aWebWorld(services, 'WEBDA');
    sv = await aWebWorld(services, 'WEBSV');
    await services.municipalities.update(
      { principal: { municipalityId: sv.municipalityId, role: 'admin', providerId: null, actor: 'test', tokenId: null }, requestId: null },
      { language: 'sv' },
    );
    app = await serve(createApp({ services, log: createLogger('silent') }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const settlementOf = async (w: World, ref: 'CARE' | 'HOME', period = '2026-03') =>
    (await services.settlements.list(asFinance(w), { period, providerId: w.providers[ref] }, { limit: 1, offset: 0 })).items[0]!;

  it('da: the run reports real progress, the month has a total row, a provider objects, finance decides in bulk and confirms an approval with open items', async () => {
    const finance = await browser.newUser();
    await signInWithToken(finance, app.url, da.tokens.finance);
    await finance.goto(`${app.url}/app/settlements?period=2026-03`);
    // The progress box: an indeterminate bar until the server says how many providers there are.
    expect(await finance.locator('#run-progress progress').getAttribute('value')).toBeNull();
    await finance.getByRole('button', { name: 'Beregn måneden 2026-03' }).click();
    await finance.getByRole('status').filter({ hasText: 'Måneden er beregnet' }).waitFor();

    // The total row sums the month: CARE 450.00 + HOME 225.00 excl. VAT, one line each.
    expect(await cells(finance, /^I alt for måneden/)).toEqual([
      'I alt for måneden',
      '675,00 kr.',
      '168,75 kr.',
      '843,75 kr.',
      '2',
      '1 1 åbne',
      '',
    ]);

    // What the page's script reads while a run works: the number of providers first, then one line each.
    const csrf = await finance.locator('input[name="_csrf"]').first().inputValue();
    const stream = await finance.request.post(`${app.url}/app/settlements/run`, {
      form: { _csrf: csrf, period: '2026-03' },
      headers: { 'x-carepay-progress': '1' },
    });
    const events = (await stream.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { done?: number; total?: number; text?: string; redirect?: string });
    expect(events.map((e) => [e.done, e.total])).toEqual([
      [0, 0],
      [0, 2],
      [1, 2],
      [2, 2],
      [undefined, undefined],
    ]);
    expect(events[1]!.text).toBe('Beregner måneden: 0/2…');
    expect(events[3]!.text).toMatch(/^Beregnet: 2\/2 · .+: uændret$/);

    const care = await settlementOf(da, 'CARE');
    // The provider objects to a line of its own draft.
    const provider = await browser.newUser();
    await signInWithToken(provider, app.url, da.tokens.care);
    // Its own details, as they go on its documents.
    await provider.goto(`${app.url}/app/settlements?period=2026-03`);
    const details = provider.getByRole('region', { name: 'Dine oplysninger' });
    expect((await details.locator('dd').allInnerTexts()).map((x) => x.trim())).toEqual([
      'Omsorg Ærø ApS (CARE)',
      '31554411',
      'Søndergade 4, 5970 Ærøskøbing',
      '0088:5790001234560',
    ]);
    await provider.goto(`${app.url}/app/settlements/${care.id}`);
    expect(await provider.getByRole('checkbox').count()).toBe(0);
    await provider.getByRole('link', { name: 'Kommentér eller gør indsigelse: linje 1 C-001 PC' }).click();
    await expect(provider.locator('h1').textContent()).resolves.toBe(`Kommentér eller gør indsigelse · afregning #${care.id}`);
    expect(await provider.getByRole('radio', { name: 'Indsigelse' }).isChecked()).toBe(true);
    await provider.getByLabel('Din tekst').fill('Besøget den 3. marts varede 41 minutter');
    await provider.getByRole('button', { name: 'Send til økonomi' }).click();
    expect(await statusText(provider)).toBe('Sendt til økonomi.');
    expect(await cells(provider, /^Indsigelse/)).toEqual([
      'Indsigelse',
      expect.stringMatching(new RegExp(`^linje 1: C-001 · PC · .* på udkast #${care.id}$`)),
      expect.stringMatching(/^token:\d+/),
      'Besøget den 3. marts varede 41 minutter',
      'åben',
      '',
    ]);

    // Finance sees it on the overview and the settlement.
    await finance.goto(`${app.url}/app/settlements?period=2026-03`);
    expect((await cells(finance, /Omsorg Ærø ApS/)).join(' ')).toContain('åbne indsigelser: 1');
    await finance.goto(`${app.url}/app/settlements/${care.id}`);
    expect(await finance.getByRole('note').textContent()).toBe('Stadig åbne: afvigelser 1, kommentarer eller indsigelser 1');

    // A rejection without a note is refused, with the reason in Danish; nothing is recorded.
    await finance.getByRole('checkbox', { name: /^Vælg C-002/ }).check();
    await finance.getByRole('button', { name: 'Afvis valgte' }).click();
    expect(await statusText(finance)).toBe('En afvisning skal have en note, der siger, hvorfor afvigelsen ikke betales.');
    expect(await finance.locator('table.exceptions tbody tr td').nth(7).innerText()).toBe('åben');

    // Approving with the exception and the objection open asks first.
    await finance.getByRole('button', { name: 'Godkend', exact: true }).click();
    await expect(finance.locator('h1').textContent()).resolves.toBe(`Godkend afregning #${care.id} med åbne punkter?`);
    expect(await finance.getByRole('alert').textContent()).toContain('uafgjorte afvigelser 1, ubesvarede kommentarer eller indsigelser 1');
    expect((await settlementOf(da, 'CARE')).status).toBe('draft');
    await finance.getByRole('button', { name: 'Godkend alligevel' }).click();
    expect(await statusText(finance)).toBe(`Afregningen er godkendt: #${care.id} CARE 2026-03, 562,50 kr.`);
    const [audit] = await t
      .db('audit_log')
      .where({ municipality_id: da.municipalityId, entity: 'settlement', entity_id: String(care.id), action: 'approve' });
    expect(audit.changes).toMatchObject({ openExceptions: 1, openObjections: 1, confirmedOpen: true });
    // Approved: no approve button any more, the invoice button instead; the provider can no longer object.
    expect(await finance.getByRole('button', { name: 'Godkend', exact: true }).count()).toBe(0);
    expect(await finance.getByRole('button', { name: 'Udsted faktura' }).count()).toBe(1);
    await provider.goto(`${app.url}/app/settlements/${care.id}`);
    expect(await provider.getByRole('link', { name: /^Kommentér eller gør indsigelse/ }).count()).toBe(0);
  });

  it('da: the compare page keeps model B when it is named without a version, and says decisions are not applied', async () => {
    const admin = {
      principal: { municipalityId: da.municipalityId, role: 'admin' as const, providerId: null, actor: 'test', tokenId: null },
      requestId: null,
    };
    const doc = exampleModel('dk-granted-time');
    await services.models.create(admin, {
      name: 'dk-delivered',
      document: { ...doc, defaults: { ...(doc.defaults as object), basis: { type: 'delivered' } } },
    });
    const finance = await browser.newUser();
    await signInWithToken(finance, app.url, da.tokens.finance);
    // The empty page: A is the model in force, B the other one.
    await finance.goto(`${app.url}/app/compare?period=2026-03`);
    expect(await finance.getByLabel('Model A').inputValue()).toBe('dk-granted@1');
    expect(await finance.getByLabel('Model B').inputValue()).toBe('dk-delivered@1');
    // Names without a version: the latest version of each, and the page shows what it compared.
    await finance.goto(`${app.url}/app/compare?period=2026-03&modelA=dk-granted&modelB=dk-delivered`);
    expect(await finance.getByLabel('Model B').inputValue()).toBe('dk-delivered@1');
    expect(await finance.locator('caption').first().textContent()).toContain('A = dk-granted@1, B = dk-delivered@1');
    expect(await finance.locator('#compare-decisions').textContent()).toMatch(/^Beslutninger om afvigelser er ikke anvendt/);
    // Submitting again keeps the pair.
    await finance.getByRole('button', { name: 'Sammenlign' }).click();
    await finance.waitForURL(/modelB=dk-delivered%401/);
    expect(await finance.getByLabel('Model B').inputValue()).toBe('dk-delivered@1');
  });

  it('sv: finance rejects in bulk with a note, the provider comments on an exception, finance answers, runs again and approves without a question', async () => {
    const finance = await browser.newUser();
    await signInWithToken(finance, app.url, sv.tokens.finance);
    await finance.goto(`${app.url}/app/settlements?period=2026-03`);
    await finance.getByRole('button', { name: 'Kör månaden 2026-03' }).click();
    await finance.getByRole('status').filter({ hasText: 'Månaden är körd' }).waitFor();
    expect((await cells(finance, /^Summa för månaden/)).slice(0, 1)).toEqual(['Summa för månaden']);
    const care = await settlementOf(sv, 'CARE');

    const provider = await browser.newUser();
    await signInWithToken(provider, app.url, sv.tokens.care);
    await provider.goto(`${app.url}/app/settlements/${care.id}`);
    await provider.getByRole('link', { name: /^Kommentera eller invänd: avvikelse C-002/ }).click();
    await provider.getByRole('radio', { name: 'Kommentar' }).check();
    await provider.getByLabel('Din text').fill('Biståndsbeslut kommer');
    await provider.getByRole('button', { name: 'Skicka till ekonomi' }).click();
    expect(await statusText(provider)).toBe('Skickat till ekonomi.');

    await finance.goto(`${app.url}/app/settlements/${care.id}`);
    await finance.getByRole('checkbox', { name: 'Välj alla' }).check();
    expect(await finance.getByRole('checkbox', { name: /^Välj C-002/ }).isChecked()).toBe(true);
    await finance.getByLabel(/^Anteckning för de valda avvikelserna/).fill('Inget biståndsbeslut');
    await finance.getByRole('button', { name: 'Avvisa valda' }).click();
    expect(await statusText(finance)).toBe('Sparade beslut: 1; beräkna månaden igen för att tillämpa dem.');
    expect(await finance.locator('table.exceptions tbody tr td').nth(7).innerText()).toContain('avvisad');

    await finance.getByLabel(/^Svar: C-002/).fill('Vi väntar på beslutet');
    await finance.getByRole('button', { name: /^Skicka svar/ }).click();
    expect(await statusText(finance)).toBe('Svaret har sparats.');
    expect(await cells(finance, /^Kommentar/)).toEqual(expect.arrayContaining(['Biståndsbeslut kommer', 'besvarad']));

    // Decisions apply from the next run; then nothing is open and approval asks nothing.
    await finance.goto(`${app.url}/app/settlements?period=2026-03`);
    await finance.getByRole('button', { name: 'Kör månaden 2026-03' }).click();
    await finance.getByRole('status').filter({ hasText: 'Månaden är körd' }).waitFor();
    const again = await settlementOf(sv, 'CARE');
    await finance.goto(`${app.url}/app/settlements/${again.id}`);
    await finance.getByRole('button', { name: 'Godkänn', exact: true }).click();
    expect(await statusText(finance)).toMatch(new RegExp(`#${again.id} CARE 2026-03`));
    expect((await settlementOf(sv, 'CARE')).status).toBe('approved');
  });

  it('axe-core finds no serious or critical violation on the main pages (Danish and Swedish)', async () => {
    const found: string[] = [];
    for (const [w, who] of [
      [da, 'finance'],
      [da, 'care'],
      [sv, 'finance'],
      [da, 'budgetController'],
    ] as const) {
      const page = await browser.newUser();
      await signInWithToken(page, app.url, w.tokens[who]);
      const care = await settlementOf(w, 'CARE');
      const feb = await settlementOf(w, 'CARE', '2026-02');
      const paths =
        who === 'budgetController'
          ? ['/app/budget', '/app/follow-up', '/app/settlements']
          : who === 'care'
            ? ['/app/settlements?period=2026-03', `/app/settlements/${care.id}`, '/app/invoices', '/app/recalculation']
            : [
                '/app/settlements?period=2026-03',
                `/app/settlements/${care.id}`,
                `/app/settlements/${feb.id}`,
                '/app/invoices',
                '/app/compare?period=2026-03',
                '/app/recalculation',
                '/app/payment-bases',
              ];
      for (const p of paths) {
        const res = await page.goto(`${app.url}${p}`);
        expect([p, res!.status()]).toEqual([p, 200]);
        for (const v of await axeViolations(page)) found.push(`${w === sv ? 'sv' : 'da'} ${who} ${p} ${v}`);
      }
    }
    const login = await browser.newUser();
    await login.goto(`${app.url}/app/login`);
    for (const v of await axeViolations(login)) found.push(`login ${v}`);
    expect(found).toEqual([]);
  });
});
