import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRunner } from '../../seeds/demo-command.js';
import { loadDemo, type DemoSummary } from '../../seeds/demo.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServices, type Services } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { useTestDatabase } from '../helpers/db.js';
import { englishIn, READABLE } from '../helpers/english.js';
import { hasChromium, launchBrowser, reportSkipped, serve, signInWithToken, type RunningBrowser } from './browser.js';

reportSkipped('test/e2e/demo-language.test.ts (the Danish and Swedish demos without English, in Chromium)');

const t = useTestDatabase();
const readable = (page: Page) => page.evaluate<string>(READABLE);

/**
 * Issue 19, "The main pages and documents of the Danish and Swedish demos contain no English":
 * each demo (`npx carepay demo`, `npx carepay demo --country SE`, 40 citizens each) as finance,
 * the budget controller, the administrator and the provider see it in a browser — what the reader
 * sees, the chart's texts, titles and labels included.
 */
const DEMOS = [
  {
    country: 'SE' as const,
    code: 'demo-se',
    lang: 'sv',
    provider: 'HEM-SYD',
    // The Swedish demo's usernames are Swedish words (demo-ekonomi, demo-utforare-hem-syd, …).
    person: 'Anna Johansson',
    username: 'demo-utforare-hem-syd',
    ownWords: (s: string) => s,
  },
  {
    country: 'DK' as const,
    code: 'demo',
    lang: 'da',
    provider: 'HJEM-SYD',
    person: 'Anne Holm',
    username: 'demo-provider-hjem-syd',
    // The Danish demo's usernames (demo-finance, demo-provider-hjem-syd) are sign-in names the
    // README documents, not words of the page; the models' names are the municipality's own.
    ownWords: (s: string) => s.replace(/\bdemo-[a-z-]+/g, ''),
  },
];

for (const d of DEMOS)
  describe.skipIf(!hasChromium)(`the ${d.country} demo in Chromium contains no English`, { timeout: 300_000 }, () => {
    let services: Services;
    let app: { url: string; close(): Promise<void> };
    let browser: RunningBrowser;
    let demo: DemoSummary;
    let municipalityId: number;

    beforeAll(async () => {
      services = buildServices(t.db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
      const invoiceDir = await mkdtemp(path.join(os.tmpdir(), `carepay-e2e-${d.code}-`));
      demo = await loadDemo(
        services,
        { code: d.code, country: d.country, citizens: 40, actor: 'test', invoiceDir },
        importRunner(services),
      );
      municipalityId = (await services.municipalities.getByCode(d.code)).id;
      app = await serve(createApp({ services, log: createLogger('silent') }));
      browser = await launchBrowser();
    }, 240_000);
    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    const token = (role: string) => demo.tokens.find((x) => x.role === role)!.token;

    /** Visits each page as `role` and returns the English words found per page (none expected). */
    async function englishOn(role: string, paths: string[]): Promise<Record<string, string[]>> {
      const page = await browser.newUser();
      await signInWithToken(page, app.url, token(role));
      const found: Record<string, string[]> = {};
      for (const p of paths) {
        const res = await page.goto(`${app.url}${p}`);
        expect([p, res?.status()]).toEqual([p, 200]);
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(d.lang);
        const english = englishIn(d.ownWords(await readable(page)));
        if (english.length > 0) found[p] = english;
      }
      return found;
    }

    it("shows finance's main pages: settlements, each settlement, invoices, payment bases, models, follow-up, recalculation", async () => {
      const settlements = await t.db('settlements').where({ municipality_id: municipalityId }).orderBy('id').pluck('id');
      expect(settlements.length).toBeGreaterThanOrEqual(6); // April (approved, invoiced) and May (drafts with exceptions)
      const found = await englishOn('finance', [
        '/app/settlements?period=2026-04',
        '/app/settlements?period=2026-05',
        ...settlements.map((id) => `/app/settlements/${id}`),
        '/app/invoices',
        '/app/payment-bases',
        '/app/compare',
        '/app/follow-up',
        '/app/recalculation',
      ]);
      expect(found).toEqual({});
    });

    it("shows the budget controller's budget page and its chart", async () => {
      const found = await englishOn('budget_controller', [
        '/app/budget?year=2026',
        '/app/budget?year=2026&week=2026-W15',
        '/app/follow-up',
      ]);
      expect(found).toEqual({});
    });

    it("shows the administrator's users page with the demo's people and roles", async () => {
      const page = await browser.newUser();
      await signInWithToken(page, app.url, token('admin'));
      await page.goto(`${app.url}/app/users`);
      const text = await readable(page);
      expect(text).toContain(d.person);
      expect(text).toContain(d.username);
      expect(englishIn(d.ownWords(text))).toEqual([]);
    });

    it("shows the provider's own settlements and documents", async () => {
      const own = await t
        .db('settlements as s')
        .join('providers as p', function () {
          this.on('p.municipality_id', 's.municipality_id').andOn('p.id', 's.provider_id');
        })
        .where({ 'p.ref': d.provider, 's.municipality_id': municipalityId })
        .orderBy('s.id')
        .pluck('s.id');
      expect(own.length).toBeGreaterThanOrEqual(2);
      const found = await englishOn('provider', [
        '/app/settlements?period=2026-04',
        ...own.map((id) => `/app/settlements/${id}`),
        '/app/invoices',
      ]);
      expect(found).toEqual({});
    });
  });
