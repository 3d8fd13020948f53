/**
 * Real headless Chromium for the e2e suite: Debian's /usr/bin/chromium driven by playwright-core
 * (no browser download), a fresh profile per run, console errors collected per page, screenshots
 * under test-results/. The suite needs the built app (modeler/dist, made by `npm ci` / `npm run build`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../server/app.ts';
import { startTestApp, type TestApp } from './app.ts';

export const CHROMIUM = process.env.BANGNI_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // This machine's network is closed: without these Chromium keeps dialling Google's hosts.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Skips the calling suite (with a message) on a developer machine without Chromium; fails it in
 * CI, where `.ci/run` installs Chromium, so a missing browser can never pass as green.
 */
export function requireChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM)) return;
  const msg = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-microhei)`;
  if (process.env.CI) throw new Error(`${msg}; CI must have it.`);
  console.log(`  skipping browser tests: ${msg}`);
  ctx.skip();
}

/** Fails with a clear message when the browser app was never built. */
export function requireBuild(): void {
  const index = path.join(REPO_ROOT, 'modeler', 'dist', 'index.html');
  if (!fs.existsSync(index)) throw new Error(`The browser app is not built (${index} is missing): run \`npm run build\` (npm ci runs it).`);
}

/** Both checks every browser suite starts with: Chromium is here (else skip, or fail in CI) and the app is built. */
export function requireBrowser(ctx: Mocha.Context): void {
  requireChromium(ctx);
  requireBuild();
}

/**
 * The usual browser suite's `before`: the checks, a test app whose clock starts
 * at real time (so due times look as they would in production), and a browser on it.
 */
export async function startBrowserApp(ctx: Mocha.Context): Promise<{ t: TestApp; b: BrowserSession }> {
  requireBrowser(ctx);
  const t = await startTestApp({ clockStart: new Date().toISOString() });
  // A page's first request must not wait for an engine worker to start (seconds under tsx on a loaded machine).
  await t.app.ctx.runtime.runner.warm();
  return { t, b: await launchBrowser(t.url) };
}

export interface BrowserSession {
  context: BrowserContext;
  /** A new tab at `baseUrl + path`; its console errors and page errors are collected. */
  open(pathname: string, opts?: { phone?: boolean }): Promise<Page>;
  /** Console errors of every page opened so far, minus those matching `allowed`. */
  consoleErrors(allowed?: RegExp[]): string[];
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(baseUrl: string): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bangni-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    baseURL: baseUrl,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    async open(pathname, opts = {}) {
      const page = context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage());
      if (opts.phone) await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(pathname);
      return page;
    },
    consoleErrors(allowed = []) {
      return errors.filter((e) => !allowed.some((re) => re.test(e)));
    },
    async screenshot(page, name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Whether the page scrolls sideways (a phone layout must not). */
export const overflowsX = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

/** Logs in through the login page and waits for the role's home page. */
export async function loginAs(page: Page, username: string, password = 'demo'): Promise<void> {
  await page.goto('/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('form[data-test=login-form] button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
