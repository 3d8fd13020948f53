import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app.ts';
import { loginAs, startBrowserApp, type BrowserSession } from '../support/browser.ts';
import { openTask, submit } from '../support/cases.ts';

/** A real 1×1 PNG, so the browser renders it. */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

type Violation = { page: string; directive: string; blocked: string; source: string; line: number; sample: string };

/**
 * Every page of the app and the API page, loaded as the user it is for, under the CSP the
 * server sends (server/api/headers.ts): the browser reports no violation (the
 * `securitypolicyviolation` event, watched from before any page script runs, and any
 * console error about the Content Security Policy), and the pages carry the headers.
 */
describe('e2e: every page runs under the Content Security Policy without a violation', function () {
  let t: TestApp;
  let b: BrowserSession;
  let page: Page;
  const violations: Violation[] = [];
  let c: { id: number; caseNo: string; trackingCode: string };

  before(async function () {
    ({ t, b } = await startBrowserApp(this));
    await b.context.exposeBinding('__bangniCspViolation', ({ page: p }, v: Omit<Violation, 'page'>) => {
      violations.push({ page: p.url(), ...v });
    });
    await b.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = (window as unknown as { __bangniCspViolation?: (v: unknown) => void }).__bangniCspViolation;
        report?.({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
      });
    });
    c = (await submit(t, { region: 'saihan', category: 'road', title: '井盖缺失', description: '人民路口井盖丢了', location: { address: '赛罕区人民路 1 号' } })) as typeof c;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PIXEL_PNG)]), '现场照片.png');
    const up = await fetch(`${t.url}/api/v1/track/${c.caseNo}/attachments?code=${c.trackingCode}`, { method: 'POST', body: form });
    expect(up.status, await up.text()).to.equal(201);
    page = await b.open('/');
  });

  after(async () => {
    await b?.close();
    await t?.close();
  });

  afterEach(function () {
    expect(violations, `CSP violations on ${this.currentTest?.title}`).to.deep.equal([]);
  });

  /** Waits a moment after the page settled, for late violations (lazy chunks, fonts, images). */
  const settle = async () => {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
  };

  it('given a resource the policy forbids, the watcher reports it (so an empty list means something)', async () => {
    await page.goto('/login');
    await page.waitForSelector('[data-test=login-form]');
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'http://example.invalid/x.png';
      document.body.append(img);
    });
    for (let i = 0; i < 50 && !violations.length; i++) await page.waitForTimeout(100);
    expect(violations.map((v) => v.directive)).to.deep.equal(['img-src']);
    violations.length = 0;
  });

  it('serves the pages and the API with the security headers', async () => {
    const html = await fetch(`${t.url}/tasks`, { headers: { accept: 'text/html' } });
    const csp = html.headers.get('content-security-policy') ?? '';
    expect(csp).to.contain("frame-ancestors 'none'").and.contain("script-src 'self'").and.contain("object-src 'none'");
    expect(csp).not.to.match(/script-src[^;]*unsafe-inline/);
    expect(csp).not.to.contain('unsafe-eval');
    expect(html.headers.get('x-frame-options')).to.equal('DENY');
    expect(html.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(html.headers.get('referrer-policy')).to.equal('no-referrer');
    const token = await t.token('saihan.dispatcher');
    const detail = await fetch(`${t.url}/api/v1/cases/${c.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(detail.status).to.equal(200);
    expect(detail.headers.get('cache-control')).to.equal('no-store');
    expect(detail.headers.get('x-content-type-options')).to.equal('nosniff');
    const index = await html.text();
    const script = index.match(/src="(\/assets\/[^"]+\.js)"/)![1];
    const asset = await fetch(`${t.url}${script}`);
    expect(asset.headers.get('cache-control')).not.to.contain('no-store');
    expect(asset.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('the landing page', async () => {
    await page.goto('/');
    await page.waitForSelector('.hero a[href="/citizen"]');
    await settle();
  });

  it('the citizen submits a request with a photo (no login)', async () => {
    await page.goto('/citizen');
    await page.selectOption('[data-test=citizen-form] select[name=region]', 'saihan');
    await page.fill('[data-test=citizen-form] [data-test=category-search]', '垃圾');
    await page.click('[data-test=citizen-form] [data-test=category-hit][data-code=sanitation]');
    await page.fill('[data-test=citizen-form] input[name=title]', '垃圾桶满了');
    await page.fill('[data-test=citizen-form] textarea[name=description]', '三天没清运');
    await page.fill('[data-test=citizen-form] input[name=address]', '赛罕区大学西路 2 号');
    await page.fill('[data-test=citizen-form] input[name=phone]', '13900000003');
    await page.setInputFiles('[data-test=citizen-form] input[name=photo]', { name: 'bin.png', mimeType: 'image/png', buffer: PIXEL_PNG });
    await page.click('[data-test=citizen-form] button[type=submit]');
    await page.waitForSelector('[data-test=citizen-done]');
    await settle();
  });

  it('the tracking page, with the citizen’s photo', async () => {
    await page.goto(`/track/${c.caseNo}?code=${c.trackingCode}`);
    await page.waitForSelector('[data-test=track-result]');
    await page.waitForSelector('[data-test=track-your-photos] img');
    await settle();
  });

  it('the login page', async () => {
    await page.goto('/login');
    await page.waitForSelector('[data-test=login-form]');
    await settle();
  });

  it('the task list (dispatcher)', async () => {
    await loginAs(page, 'saihan.dispatcher');
    await page.goto('/tasks');
    await page.waitForSelector('[data-test=task-table] tbody tr');
    await settle();
  });

  it('the case page with its diagram, photos (from blobs) and the task form (dispatcher)', async () => {
    const task = await openTask(t, c.id, 'dispatch');
    await page.goto(`/cases/${c.id}?task=${task.id}`);
    await page.waitForSelector('.djs-element.path-current[data-element-id="dispatch"]');
    await page.waitForSelector('[data-test=task-form]');
    await page.waitForSelector('[data-test=photos] img[src^="blob:"]');
    await settle();
  });

  it('the designer: modeler, properties panel, live lint (designer)', async () => {
    await loginAs(page, 'saihan.designer');
    await page.goto('/designer');
    await page.waitForSelector('[data-element-id="dispatch"]');
    await page.click('.djs-element[data-element-id="dispatch"]');
    await page.waitForSelector('.bio-properties-panel-group-header');
    await page.waitForSelector('.bjsl-button-success, .bjsl-button-error, .bjsl-button-warning');
    await settle();
  });

  it('the incidents page (designer)', async () => {
    await page.goto('/incidents');
    await page.waitForSelector('[data-test=incident-table], .empty-note');
    await settle();
  });

  it('the audit dashboard and its CSV export (auditor)', async () => {
    await loginAs(page, 'saihan.auditor');
    await page.goto('/audit');
    await page.waitForSelector('[data-test=tile-satisfaction]');
    await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
    await settle();
  });

  it('the API page (/api/docs), its script a file of ours', async () => {
    const res = await page.goto('/api/docs');
    expect(res!.headers()['content-security-policy']).to.contain("script-src 'self'");
    await page.waitForSelector('#ops details');
    await page.fill('#filter', 'track');
    await page.waitForSelector('#ops details');
    await settle();
  });

  it('logged no console error about the Content Security Policy (nor any other)', () => {
    // Less the violation provoked on purpose by the first test.
    const errors = b.consoleErrors([/example\.invalid/]);
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
