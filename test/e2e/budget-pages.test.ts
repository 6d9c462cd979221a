import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServices, type Services } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { aMunicipality, aToken, asAdmin } from '../helpers/app.js';
import { aLevelWorld } from '../helpers/budget-builders.js';
import { useTestDatabase } from '../helpers/db.js';
import { hasChromium, launchBrowser, reportSkipped, serve, signInWithToken, type RunningBrowser } from './browser.js';

reportSkipped('test/e2e/budget-pages.test.ts (budget pages in Chromium)');

const t = useTestDatabase();

const cells = async (page: Page, rowName: string | RegExp) =>
  (await page.getByRole('row', { name: rowName }).first().locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());

/** The page's words, the chart's (axes, legend, tooltips) included, for the "no English" check. */
const pageText = (page: Page): Promise<string> =>
  page.evaluate(
    `document.querySelector('main').innerText + ' ' + [...document.querySelectorAll('main svg')].map((s) => s.textContent).join(' ')`,
  );
const ENGLISH = /\b(granted|affordable|forecast|delivered|spent|level|week status|year status|equivalent)\b/i;

/**
 * The budget controller's actions on the web (issue 19, "Budget controllers"), in Danish and in
 * Swedish, on aLevelWorld (test/helpers/budget-builders.ts) with a personal-care budget of
 * 340,000.00 for 2026 and week 2026-W10 checked. Worked by hand:
 * - W10 (2–8 March): C1 7 h × 500 = 3,500.00, L1 7 level-days × 300 = 2,100.00, L2 4 × 320 =
 *   1,280.00: 6,880.00 against the week's 7/372 × 340,000 = 6,397.85: +482.15; in hours 7 + 6.76
 *   equivalent − 12.80 affordable: +7.54 % → over budget this week.
 * - The year: spent 21,880.00 by 8 March, then 298 days × 6,880 ÷ 7 = 292,891.43: forecast
 *   314,771.43, 25,228.57 under the budget — the week is over, the year under.
 * - W12 (16–22 March, not checked until the controller runs it): 3,500 + 2,100 + 7 × 320 = 7,840.00.
 */
describe.skipIf(!hasChromium)('budget pages in Chromium, Danish and Swedish', { timeout: 120_000 }, () => {
  let services: Services;
  let app: { url: string; close(): Promise<void> };
  let browser: RunningBrowser;
  const tokens: Record<'DK' | 'SE', string> = { DK: '', SE: '' };

  beforeAll(async () => {
    services = buildServices(t.db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    for (const country of ['DK', 'SE'] as const) {
      const m = await aMunicipality(services, `BUD${country}`, country);
      await aLevelWorld(t.db, m);
      await services.budgetChecks.createBudget(asAdmin(m), { year: 2026, category: 'personal_care', amount: '340000.00' });
      await services.budgetChecks.runWeek(asAdmin(m), '2026-W10');
      tokens[country] = await aToken(services, m, 'budget_controller');
    }
    app = await serve(createApp({ services, log: createLogger('silent') }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const cases = [
    {
      country: 'DK' as const,
      title: 'Ugentlig budgetopfølgning',
      weekBadge: 'Over budget',
      dot: '2026-W10: visiteret 13,76 t, budgetteret 12,80 t, Over budget',
      weekSentence:
        'Personlig pleje · alle områder: i denne uge er der visiteret for 6.880,00 kr. mod ugens andel på 6.397,85 kr. (+7,54 %): Over budget.',
      yearSentence: 'År 2026: prognosen på 314.771,43 kr. er 25.228,57 kr. under budgettet på 340.000,00 kr.',
      // ("kr." ends the sentence: no second full stop)
      yearRow: ['Personlig pleje · alle områder', 'Under budget', '340.000,00 kr.', '21.880,00 kr.', '314.771,43 kr.', '-25.228,57 kr.'],
      deliveredRow: ['Personlig pleje · alle områder', '7,00', '1,00', '14,3 %'],
      weekLabel: 'Uge',
      show: 'Vis ugen',
      notChecked: 'Uge 2026-W12 er ikke kontrolleret endnu. Kør kontrollen for at se tallene.',
      run: 'Kør kontrollen for uge 2026-W12',
      done: 'Ugen er kontrolleret',
      w12Cost: '7.840,00 kr.',
      followUp: 'Månedlig opfølgning',
      month: 'Måned',
      showMonth: 'Vis',
      levelRow: ['Provider KOM', 'Helhedspleje niveau 2 (Personlig pleje, 5,00 t om ugen)', '1', '31', '22,14', '4,00', '18,1 %'],
    },
    {
      country: 'SE' as const,
      title: 'Veckovis budgetuppföljning',
      weekBadge: 'Över budget',
      dot: '2026-W10: beviljat 13,76 tim, budgeterat 12,80 tim, Över budget',
      weekSentence:
        'Omvårdnad · alla områden: denna vecka är det beviljat för 6 880,00 kr mot veckans andel på 6 397,85 kr (+7,54 %): Över budget.',
      yearSentence: 'År 2026: prognosen på 314 771,43 kr är 25 228,57 kr under budgeten på 340 000,00 kr.',
      yearRow: ['Omvårdnad · alla områden', 'Under budget', '340 000,00 kr', '21 880,00 kr', '314 771,43 kr', '-25 228,57 kr'],
      deliveredRow: ['Omvårdnad · alla områden', '7,00', '1,00', '14,3 %'],
      weekLabel: 'Vecka',
      show: 'Visa veckan',
      notChecked: 'Vecka 2026-W12 är inte kontrollerad ännu. Kör kontrollen för att se siffrorna.',
      run: 'Kör kontrollen för vecka 2026-W12',
      done: 'Veckan är kontrollerad',
      w12Cost: '7 840,00 kr',
      followUp: 'Månadsuppföljning',
      month: 'Månad',
      showMonth: 'Visa',
      levelRow: ['Provider KOM', 'Helhedspleje niveau 2 (Omvårdnad, 5,00 tim i veckan)', '1', '31', '22,14', '4,00', '18,1 %'],
    },
  ];

  for (const x of cases) {
    it(`${x.country}: the week's and the year's verdict in words, the year's budget and forecast, delivered against granted`, async () => {
      const page = await browser.newUser();
      await signInWithToken(page, app.url, tokens[x.country]);
      await expect(page.locator('h1').textContent()).resolves.toBe(`${x.title} · 2026-W10`);
      // the chart speaks the page's language: W10's dot counts the levels' equivalent hours (7 + 6.76)
      expect(await page.locator('figure.chart svg circle title').allTextContents()).toEqual([x.dot]);
      const explain = page.locator('section.explain');
      const sentences = (await explain.locator('li p').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      // each sentence after its badge: the week's status, then the year's
      expect(sentences).toEqual([`${x.weekBadge} ${x.weekSentence}`, `Under budget ${x.yearSentence}`]);
      expect(await cells(page, new RegExp(`^${x.yearRow[0]} ${x.yearRow[1]}`))).toEqual(x.yearRow);
      expect(await page.locator('table.delivered tbody tr').first().locator('th, td').allInnerTexts()).toEqual(x.deliveredRow);
      expect(await pageText(page)).not.toMatch(ENGLISH);
    });

    it(`${x.country}: any week can be chosen; a week not yet checked is run from the page`, async () => {
      const page = await browser.newUser();
      await signInWithToken(page, app.url, tokens[x.country]);
      await page.getByLabel(x.weekLabel, { exact: true }).fill('2026-W12');
      await page.getByRole('button', { name: x.show }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe(`${x.title} · 2026-W12`);
      expect((await page.getByRole('status').filter({ hasText: '2026-W12' }).innerText()).trim()).toBe(x.notChecked);
      expect(await page.locator('section.explain').count()).toBe(0);
      await page.getByRole('button', { name: x.run }).click();
      await page.getByRole('status').filter({ hasText: x.done }).waitFor();
      await expect(page.locator('h1').textContent()).resolves.toBe(`${x.title} · 2026-W12`);
      expect((await page.locator('section.explain li p').first().innerText()).replace(/\s+/g, ' ')).toContain(x.w12Cost);
      // the checked weeks now list W12 beside W10
      expect(await page.locator('table.weeks tbody th a').allInnerTexts()).toEqual(['2026-W12', '2026-W10']);
      expect(await pageText(page)).not.toMatch(ENGLISH);
    });

    it(`${x.country}: the monthly follow-up shows what each level buys against the time registered`, async () => {
      const page = await browser.newUser();
      await signInWithToken(page, app.url, tokens[x.country]);
      await page.getByRole('link', { name: x.followUp }).click();
      await page.getByLabel(x.month, { exact: true }).fill('2026-03');
      await page.getByRole('button', { name: x.showMonth, exact: true }).click();
      expect(
        (await page.locator('table.levels tbody tr').first().locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()),
      ).toEqual(x.levelRow);
      expect(await pageText(page)).not.toMatch(ENGLISH);
    });
  }
});
