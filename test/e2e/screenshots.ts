/**
 * `npm run screenshots`: the three main pages of the web interface on the demo municipality, as
 * PNG files in docs/screenshots/ (finance's settlements, the budget controller's chart, a
 * provider's invoices), plus a settlement's lines and the recalculation. Uses a throwaway embedded PostgreSQL and Debian's chromium.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importRunner } from '../../seeds/demo-command.js';
import { loadDemo } from '../../seeds/demo.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createKnex } from '../../src/db/database.js';
import { startThrowawayServer } from '../../src/db/embedded.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { buildServices } from '../../src/services.js';
import { createLogger } from '../../src/shared/logger.js';
import { CHROMIUM, hasChromium, launchBrowser, serve, signInWithToken } from './browser.js';

const OUT = path.resolve('docs/screenshots');

async function main() {
  if (!hasChromium) throw new Error(`${CHROMIUM} not found: install Debian's chromium first (apt-get install chromium)`);
  const pg = await startThrowawayServer();
  const invoiceDir = mkdtempSync(path.join(os.tmpdir(), 'carepay-shots-'));
  const admin = createKnex(pg.url, { min: 0, max: 1 });
  await admin.raw('create database carepay_shots');
  await admin.destroy();
  const db = createKnex(pg.urlFor('carepay_shots'));
  try {
    await migrateLatest(db);
    const services = buildServices(db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' }));
    process.stderr.write('… loading the demo municipality (200 citizens)\n');
    const demo = await loadDemo(services, { code: 'demo', citizens: 200, actor: 'screenshots', invoiceDir }, importRunner(services));
    const m = (await services.municipalities.getByCode('demo')).id;
    // The demo's own tokens, so the pages name the demo's people (Anne Holm, økonomi; …).
    const token = (role: 'finance' | 'budget_controller' | 'provider', providerRef?: string) =>
      demo.tokens.find((x) => x.role === role && (providerRef === undefined || x.provider === providerRef))!.token;
    const app = await serve(createApp({ services, log: createLogger('silent') }));
    const browser = await launchBrowser();
    try {
      mkdirSync(OUT, { recursive: true });
      const hjem = (
        await services.settlements.list(
          { principal: { municipalityId: m, role: 'finance', providerId: null, actor: 'screenshots', tokenId: null }, requestId: null },
          { period: demo.month },
          { limit: 10, offset: 0 },
        )
      ).items.find((s) => s.providerRef === 'HJEM-SYD')!;
      const provider = token('provider', 'HJEM-SYD');
      // The three main pages whole; a settlement's detail (hundreds of lines) as one laptop screen from its lines.
      const shots: [string, string, string, boolean][] = [
        [token('finance'), `/app/settlements?period=${demo.month}`, 'finance-settlements.png', true],
        [token('budget_controller'), '/app/budget?week=2026-W15', 'budget-chart.png', true],
        [provider, '/app/invoices', 'provider-invoices.png', true],
        [provider, `/app/settlements/${hjem.id}#lines`, 'provider-settlement-lines.png', false],
        [token('finance'), '/app/recalculation', 'finance-recalculation.png', true],
      ];
      for (const [t, url, file, fullPage] of shots) {
        const page = await browser.newUser();
        await signInWithToken(page, app.url, t);
        await page.goto(`${app.url}${url}`);
        await page.screenshot({ path: path.join(OUT, file), fullPage });
        process.stderr.write(`… ${path.join('docs/screenshots', file)}\n`);
      }
    } finally {
      await browser.close();
      await app.close();
    }
  } finally {
    await db.destroy();
    await pg.stop();
    rmSync(invoiceDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
