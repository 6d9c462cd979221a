import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServices, type Services } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { useTestDatabase } from '../helpers/db.js';
import { pdfText } from '../helpers/invoice-builders.js';
import { aWebWorld } from '../helpers/web-builders.js';
import { hasChromium, launchBrowser, reportSkipped, serve, signInWithToken, type RunningBrowser } from './browser.js';

reportSkipped('test/e2e/web-interface.test.ts (web interface in Chromium)');

const t = useTestDatabase();

/** The CSRF token of the signed-in page (every page has one in its sign-out form). */
const csrfOf = (page: Page) => page.locator('input[name="_csrf"]').first().inputValue();

/** The cells of a table row, as the user reads them. */
const cells = async (page: Page, rowName: string | RegExp) =>
  (await page.getByRole('row', { name: rowName }).first().locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());

// A browser shares two cores with the rest of `npm test`: generous limits, no timing assertions.
describe.skipIf(!hasChromium)('web interface in Chromium (Debian chromium, playwright-core)', { timeout: 120_000 }, () => {
  let services: Services;
  let world: Awaited<ReturnType<typeof aWebWorld>>;
  let app: { url: string; close(): Promise<void> };
  let browser: RunningBrowser;

  beforeAll(async () => {
    services = buildServices(t.db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    world = await aWebWorld(services);
    app = await serve(createApp({ services, log: createLogger('silent') }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finance runs March, accepts an exception, approves, issues the invoice and downloads its PDF', async () => {
    const page = await browser.newUser();
    await signInWithToken(page, app.url, world.tokens.finance);
    // The municipality's language (Danish) from here on; the skip link is the first stop for the keyboard.
    await page.keyboard.press('Tab');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Gå til indhold');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');

    await page.getByLabel('Måned', { exact: true }).fill('2026-03');
    await page.getByRole('button', { name: 'Vis' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Afregninger 2026-03');
    expect(await page.getByText('Ingen afregninger for denne måned endnu.').count()).toBe(1);

    await page.getByRole('button', { name: 'Beregn måneden 2026-03' }).click();
    await page.getByRole('status').filter({ hasText: 'Måneden er beregnet' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Måneden er beregnet' }).textContent()).toBe(
      'Måneden er beregnet (2026-03): CARE oprettet, HOME oprettet',
    );
    // CARE: 2 × 30 granted minutes at 450.00/h = 450.00, VAT 25 %; the visit without a grant is an open exception.
    expect(await cells(page, /Omsorg Ærø ApS/)).toEqual(
      expect.arrayContaining(['udkast', '450,00 kr.', '112,50 kr.', '562,50 kr.', '1 1 åbne']),
    );
    expect(await cells(page, /Webby Hjemmepleje/)).toEqual(
      expect.arrayContaining(['udkast', '225,00 kr.', '56,25 kr.', '281,25 kr.', '0']),
    );

    // Why CARE was paid what it was, and the exception to decide.
    await page.getByRole('link', { name: /Detaljer: CARE/ }).click();
    const lines = page.locator('table.lines');
    expect(await lines.getByRole('rowheader').allInnerTexts()).toEqual(['Borger C-001']);
    expect(await lines.locator('tbody tr').nth(1).locator('td').allInnerTexts()).toEqual([
      'PC Personlig pleje',
      'Besøg',
      'Hverdag dag',
      '2',
      '1,00 timer',
      '450,00 kr.',
      '1,0000',
      '450,00 kr.',
      'betalt efter visiteret tid',
    ]);
    const exception = page.locator('table.exceptions tbody tr');
    expect(await exception.count()).toBe(1);
    expect(await exception.locator('td').nth(2).innerText()).toBe('C-002');
    expect(await exception.locator('td').nth(4).innerText()).toContain('besøg uden visitation til borgeren og ydelsen');
    expect(await exception.locator('td').nth(6).innerText()).toBe('225,00 kr.');
    // Decided in bulk: tick it, one note, accept the selected.
    await exception.getByRole('checkbox', { name: /^Vælg C-002/ }).check();
    await page.getByLabel(/^Note til de valgte afvigelser/).fill('Akut besøg, visitation følger');
    await page.getByRole('button', { name: 'Godkend valgte' }).click();
    expect(await page.getByRole('status').first().textContent()).toBe('Beslutninger gemt: 1; beregn måneden igen for at anvende dem.');
    expect(await page.locator('table.exceptions tbody tr td').nth(7).innerText()).toContain('godkendt');

    // Run again: the accepted exception is now paid; approve from the overview, then issue the invoice.
    await page.getByRole('link', { name: 'Afregninger', exact: true }).click();
    await page.getByRole('button', { name: /^Beregn måneden/ }).click();
    await page.getByRole('status').filter({ hasText: 'CARE erstattet, HOME uændret' }).waitFor();
    expect(await cells(page, /Omsorg Ærø ApS/)).toEqual(expect.arrayContaining(['udkast', '675,00 kr.', '168,75 kr.', '843,75 kr.']));
    const care = (
      await services.settlements.list(
        {
          principal: { municipalityId: world.municipalityId, role: 'finance', providerId: null, actor: 'test', tokenId: null },
          requestId: null,
        },
        { period: '2026-03', providerId: world.providers.CARE },
        { limit: 1, offset: 0 },
      )
    ).items[0]!;
    await page.getByRole('button', { name: `Godkend CARE #${care.id}` }).click();
    expect(await page.getByRole('status').first().textContent()).toBe(`Afregningen er godkendt: #${care.id} CARE 2026-03, 843,75 kr.`);
    expect(await cells(page, /Omsorg Ærø ApS/)).toContain('godkendt');

    await page.getByRole('button', { name: `Udsted faktura CARE #${care.id}` }).click();
    const issued = await page.getByRole('status').first().textContent();
    expect(issued).toMatch(/^Fakturaen er udstedt: \d{4}-\d{6} \(CARE, 843,75 kr\.\)$/);
    const number = /\d{4}-\d{6}/.exec(issued!)![0];
    expect(await cells(page, number)).toEqual([
      number,
      'Faktura',
      'Omsorg Ærø ApS CARE',
      '2026-03',
      expect.stringMatching(/^\d\d\.\d\d\.\d{4}$/),
      expect.stringMatching(/^\d\d\.\d\d\.\d{4}$/),
      '675,00 kr.',
      '843,75 kr.',
      'PDF XML',
    ]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `PDF ${number}` }).click()]);
    expect(download.suggestedFilename()).toBe(`${number}.pdf`);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain(number);
    expect(text).toContain('843,75 kr.');
    expect(text).toContain('Omsorg Ærø ApS');
  });

  it("a budget controller opens the chart of the year and sees the week's verdict per category and area", async () => {
    const page = await browser.newUser();
    await signInWithToken(page, app.url, world.tokens.budgetController);
    // The budget controller's home is the budget check, on the latest checked week.
    expect(new URL(page.url()).pathname).toBe('/app/budget');
    await expect(page.locator('h1').textContent()).resolves.toBe('Ugentlig budgetopfølgning · 2026-W11');
    const chart = page.locator('figure.chart svg');
    expect(await chart.locator('title').first().textContent()).toBe('Visiterede og budgetterede timer pr. uge 2026: I alt (alle linjer)');
    // Two checked weeks: two dots on the granted line, each with its figures.
    expect(await chart.locator('circle title').allTextContents()).toEqual([
      expect.stringMatching(/^2026-W10: visiteret 7,00 t, budgetteret [\d.]+,\d\d t, Over budget$/),
      expect.stringMatching(/^2026-W11: visiteret 7,00 t, budgetteret [\d.]+,\d\d t, Over budget$/),
    ]);
    const box = await chart.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(1366);
    expect(await cells(page, /^Personlig pleje alle områder/)).toEqual(
      expect.arrayContaining(['Personlig pleje', 'alle områder', 'Over budget', '7,00', '2', '3,50']),
    );
    expect(await page.locator('.card').filter({ hasText: 'Gennemsnitlige timer' }).innerText()).toContain('3,50');

    // Another week from the list of checked weeks.
    await page.getByRole('link', { name: '2026-W10' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Ugentlig budgetopfølgning · 2026-W10');

    // The monthly follow-up per provider: CARE was granted 30 min × 31 days and delivered 30 + 41 + 30 minutes (one without a grant).
    await page.getByRole('link', { name: 'Månedlig opfølgning' }).click();
    await page.getByLabel('Måned', { exact: true }).fill('2026-03');
    await page.getByRole('button', { name: 'Vis' }).click();
    expect(await cells(page, /^Omsorg Ærø ApS/)).toEqual([expect.stringContaining('Omsorg Ærø ApS'), '15,50', '1,68', '10,9 %']);

    // The server refuses what the role may not do, whatever the page shows.
    const refused = await page.request.post(`${app.url}/app/settlements/run`, {
      form: { _csrf: await csrfOf(page), period: '2026-03' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
  });

  it("a provider sees only its own settlements and invoices, and is refused another provider's", async () => {
    const page = await browser.newUser();
    await signInWithToken(page, app.url, world.tokens.care);
    await page.getByRole('link', { name: 'Fakturaer' }).click();
    const own = world.invoices.CARE!;
    const other = world.invoices.HOME!;
    const numbers = await page.locator('table.invoices tbody th').allInnerTexts();
    expect(numbers).toContain(own);
    expect(numbers).not.toContain(other);
    expect(await page.locator('table.invoices tbody').innerText()).not.toContain('Webby Hjemmepleje');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: `XML (Peppol UBL) ${own}` }).click(),
    ]);
    const xml = readFileSync(await download.path(), 'utf8');
    expect(xml).toContain(`<cbc:ID>${own}</cbc:ID>`);

    // Why February was paid: the settlement's lines with their reasons, in words.
    await page.goto(`${app.url}/app/settlements/${world.februarySettlements.CARE}`);
    expect(await page.locator('table.lines tbody tr').nth(1).locator('td').last().innerText()).toBe('betalt efter visiteret tid');

    // Another provider's invoice and settlement do not exist for this provider.
    for (const path of [`/app/invoices/${other}.pdf`, `/app/invoices/${other}.xml`, `/app/settlements/${world.februarySettlements.HOME}`]) {
      const res = await page.goto(`${app.url}${path}`);
      expect([path, res!.status()]).toEqual([path, 404]);
    }
    expect(await page.locator('h1').textContent()).toBe('Findes ikke');
    // And actions are refused by the server (403), not just hidden.
    const approve = await page.request.post(`${app.url}/app/settlements/${world.februarySettlements.CARE}/approve`, {
      form: { _csrf: await csrfOf(page) },
      maxRedirects: 0,
    });
    expect(approve.status()).toBe(403);
  });
});
