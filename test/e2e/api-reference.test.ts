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

  it('renders the operations with nothing blocked by the Content-Security-Policy', async () => {
    const page = await browser.newUser();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') refused.push(m.text());
    });
    await page.goto(`${app.url}/docs/`);
    await page.locator('.opblock-summary-path', { hasText: '/citizens/{id}' }).first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(50);
    expect(await page.title()).toBe('carepay API reference');
    expect(refused).toEqual([]);
  });
});
