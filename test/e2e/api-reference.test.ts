import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buildServices } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { useTestDatabase } from '../helpers/db.js';
import { hasChromium, launchBrowser, reportSkipped, serve, type RunningBrowser } from './browser.js';

reportSkipped('test/e2e/api-reference.test.ts (Swagger UI at /docs in Chromium)');

const t = useTestDatabase();

describe.skipIf(!hasChromium)('the API reference at /docs in Chromium, under the security headers', { timeout: 120_000 }, () => {
  let app: { url: string; close(): Promise<void> };
  let browser: RunningBrowser;

  beforeAll(async () => {
    const services = buildServices(t.db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
    app = await serve(createApp({ services, log: createLogger('silent') }));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  // Swagger UI (5.3x) virtualizes the operation list once tags plus operations reach 150: only the rows
  // near the viewport are in the DOM, the rest appear on scrolling. So the test scrolls through the whole
  // page, as a reader would, and checks that every operation of the document was rendered on the way.
  it('renders every operation of the document, with nothing blocked by the Content-Security-Policy', async () => {
    const spec = (await (await fetch(`${app.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
    const expected = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => methods.has(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );

    const page = await browser.newUser();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') refused.push(m.text());
    });
    await page.goto(`${app.url}/docs/`);
    await page.locator('.opblock').first().waitFor();
    const rendered = new Set<string>();
    // The page's height settles as the virtualizer measures rows: stop after a few scrolls that move nothing.
    for (let step = 0, stuck = 0; step < 2000 && stuck < 3; step++) {
      const rows = await page
        .locator('.opblock-summary')
        .evaluateAll((els) =>
          els.map(
            (e) =>
              `${e.querySelector('.opblock-summary-method')?.textContent ?? ''} ${e.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`,
          ),
        );
      for (const r of rows) rendered.add(r);
      // Scroll half a screen, then let the virtualizer render the rows now in view (two animation frames).
      // (A string: the test's TypeScript has no DOM types.)
      const atEnd = await page.evaluate<boolean>(`(async () => {
        const before = window.scrollY;
        window.scrollBy(0, window.innerHeight / 2);
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return window.scrollY === before;
      })()`);
      stuck = atEnd ? stuck + 1 : 0;
    }
    expect(expected.length).toBeGreaterThan(100);
    expect([...rendered].sort()).toEqual([...expected].sort());
    expect(await page.title()).toBe('carepay API reference');
    expect(refused).toEqual([]);
  });
});
