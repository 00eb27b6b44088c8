import type { ConsoleMessage, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// The built dashboard under its content security policy (SPEC §9): no inline script in the
// page, the sales chart still draws, and no page of the app makes Chromium report a violation,
// an error or a warning.

const CSP =
  "default-src 'self';base-uri 'self';form-action 'self';frame-ancestors 'none';object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self'";

suite('the dashboard under its content security policy', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  let campaignId: string;
  const messages: string[] = [];
  const responses: Response[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, defaultCurrency: 'EUR', timeZone: 'UTC' });
    admin = account.admin;
    email = account.email;
    const creator = (await admin.post('/api/creators', { name: 'Mia Chen', handle: '@mia' })).body.id as string;
    campaignId = (await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } })).body.id as string;
    expect((await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: creator, codes: ['MIA10'] })).status).toBe(201);
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' })).body.id as string;
    // Sales on three days, so the chart has an area to draw.
    for (const daysAgo of [1, 2, 3]) {
      const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      const res = await admin.put(`/api/stores/${store}/orders/A-${daysAgo}`, {
        number: `#${daysAgo}`,
        createdAt: at,
        updatedAt: at,
        currency: 'EUR',
        subtotal: `${daysAgo * 10}.00`,
        status: 'paid',
        codes: ['MIA10'],
      });
      expect(res.status).toBe(200);
    }
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Violations are reported to the page as events (and on the console); collect both.
    await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
      console.error('securitypolicyviolation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' (' + e.sourceFile + ':' + e.lineNumber + ')'))`);
    page.on('console', (m: ConsoleMessage) => {
      // Errors and warnings; the app has no favicon, whose 404 Chromium reports.
      if (!['error', 'warning'].includes(m.type()) || new URL(m.location().url || base).pathname === '/favicon.ico') return;
      messages.push(`${m.type()}: ${m.text()} @ ${m.location().url}`);
    });
    page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
    page.on('response', (r) => responses.push(r));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the built page with no inline script, under the policy', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/);
      expect(body).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\son[a-z]+=/i);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it("draws Home's chart and every page without a violation, an error or a warning", async () => {
    await signIn(page, base, email);
    const chart = page.getByRole('figure', { name: 'Sales over time' });
    await chart.locator('.recharts-area-area').waitFor();
    // The area has a shape, and the axes their ticks.
    expect(await chart.locator('.recharts-area-area').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
    expect(await chart.locator('.recharts-xAxis .recharts-cartesian-axis-tick').count()).toBeGreaterThan(0);
    // The tooltip is drawn with inline styles set from script, which the policy allows.
    const box = (await chart.locator('.recharts-surface').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await chart.locator('.recharts-tooltip-wrapper').getByText('Sales').waitFor();

    for (const path of ['/campaigns', `/campaigns/${campaignId}`, `/campaigns/${campaignId}/settings`, '/community', '/settings']) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(messages).toEqual([]);
  });

  it("keeps the assets' long caching and gives the API no-store", async () => {
    const assets = responses.filter((r) => new URL(r.url()).pathname.startsWith('/assets/'));
    expect(assets.length).toBeGreaterThan(0);
    for (const r of assets) expect([r.url(), r.headers()['cache-control']]).toEqual([r.url(), 'public, max-age=31536000, immutable']);
    const api = responses.filter((r) => new URL(r.url()).pathname.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    for (const r of api) expect([r.url(), r.headers()['cache-control']]).toEqual([r.url(), 'no-store']);
  });
});
