import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's chromium, driven by playwright-core (a downloaded browser is not available here).
 * The flags keep Chromium off the network: without them it keeps trying Google's hosts.
 */
export const CHROMIUM = process.env.CAREPAY_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Says why browser tests are skipped; the only acceptable reason is a missing Chromium. */
export function reportSkipped(what: string): void {
  if (!hasChromium) {
    console.warn(
      `SKIPPED ${what}: ${CHROMIUM} not found. Install Debian's chromium (apt-get install chromium; .ci/run does) to run the browser tests.`,
    );
  }
}

export interface RunningBrowser {
  browser: Browser;
  context: BrowserContext;
  /** A new page in a fresh context (own cookies): one per user in a test. */
  newUser(): Promise<Page>;
  close(): Promise<void>;
}

/** A laptop screen (1366×768) by default; every user gets a fresh profile and cookie jar. */
export async function launchBrowser(viewport = { width: 1366, height: 768 }): Promise<RunningBrowser> {
  // playwright starts every launch with a new, empty --user-data-dir of its own (and refuses one in args).
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const ctx = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-GB' });
    contexts.push(ctx);
    return ctx;
  };
  const context = await newContext();
  return {
    browser,
    context,
    newUser: async () => {
      const page = await (await newContext()).newPage();
      // Fail a step with its own message well before the test's timeout.
      page.setDefaultTimeout(30_000);
      return page;
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Serves the app on a free loopback port. */
export async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Signs in through the sign-in page with an API token, as a person would. */
export async function signInWithToken(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/app/login`);
  await page.getByLabel('API token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.waitForURL((u) => !u.pathname.startsWith('/app/login'));
}
