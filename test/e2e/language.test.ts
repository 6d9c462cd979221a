import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServices, type Services } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { asAdmin } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';
import { englishIn, READABLE } from '../helpers/english.js';
import { aWebWorld } from '../helpers/web-builders.js';
import { hasChromium, launchBrowser, reportSkipped, serve, signInWithToken, type RunningBrowser } from './browser.js';

reportSkipped('test/e2e/language.test.ts (no English on Danish and Swedish pages)');

const t = useTestDatabase();

const readable = (page: Page) => page.evaluate<string>(READABLE);

/**
 * Names the municipality chose itself are its data, not our words: the test world's model is
 * called dk-granted and its document's title (the shipped English example) is left as written.
 */
const withoutOwnNames = (text: string) => text.replace(/dk-granted|Danish granted-time model/g, '');

describe.skipIf(!hasChromium)('Danish and Swedish pages contain no English (Chromium)', { timeout: 240_000 }, () => {
  let services: Services;
  let app: { url: string; close(): Promise<void> };
  let browser: RunningBrowser;
  const worlds: Record<'da' | 'sv', Awaited<ReturnType<typeof aWebWorld>>> = {} as never;

  beforeAll(async () => {
    services = buildServices(t.db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    worlds.da = await aWebWorld(services, 'WDA');
    worlds.sv = await aWebWorld(services, 'WSV');
    await services.municipalities.update(asAdmin(worlds.sv.municipalityId), { language: 'sv' });
    // A budget line for an area: the budget page names it in the municipality's words, never by its code (urban).
    for (const [lang, w] of Object.entries(worlds)) {
      const admin = asAdmin(w.municipalityId);
      await services.areas.create(admin, { code: 'urban', name: lang === 'da' ? 'Bydistrikt' : 'Tätort' });
      await services.budgetChecks.createBudget(admin, { year: 2026, category: 'practical_help', area: 'urban', amount: '50000.00' });
      await services.budgetChecks.runWeek(admin, '2026-W11');
    }
    // March computed, with its exception (a visit without a grant), as finance finds it.
    for (const w of Object.values(worlds)) await services.settlements.run(asAdmin(w.municipalityId), { period: '2026-03' });
    app = await serve(createApp({ services, log: createLogger('silent') }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const lang of ['da', 'sv'] as const)
    it(`shows the main pages of a ${lang === 'da' ? 'Danish' : 'Swedish'} municipality without English words`, async () => {
      const w = worlds[lang];
      const page = await browser.newUser();
      await signInWithToken(page, app.url, w.tokens.finance);
      const settlement = (
        await services.settlements.list(asAdmin(w.municipalityId), { period: '2026-03' }, { limit: 10, offset: 0 })
      ).items.find((s) => s.exceptionCount > 0)!;
      const found: Record<string, string[]> = {};
      for (const path of [
        '/app/settlements?month=2026-03',
        `/app/settlements/${settlement.id}`,
        '/app/invoices',
        '/app/payment-bases',
        '/app/compare',
        '/app/budget?year=2026',
        '/app/follow-up',
        '/app/recalculation',
        '/app/invoices/2026-999999.pdf',
        '/app/users',
      ]) {
        await page.goto(`${app.url}${path}`);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(lang);
        const english = englishIn(withoutOwnNames(await readable(page)));
        if (english.length > 0) found[path] = english;
      }
      expect(found).toEqual({});
      await page.goto(`${app.url}/app/budget?year=2026`);
      expect(await readable(page)).toContain(lang === 'da' ? 'Bydistrikt' : 'Tätort');
    });
});
