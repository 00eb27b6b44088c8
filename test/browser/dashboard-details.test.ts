import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// Four details of the dashboard, in Chromium against a real server: a row rejected under the
// "Approved" filter leaves the table at once; a download whose answer is an error shows the
// error instead of saving it as the file; the sales chart has a text alternative; the app has
// an icon, and /favicon.ico answers. The event stream is refused (204, which browsers do not
// retry), so nothing on screen changes but by the app's own requests.

const LOCALE = 'en-US';
const eur = (value: string) => formatMoney({ value, currency: 'EUR' }, LOCALE);
const orderNumbers = (page: Page) => page.locator('table[aria-label="Orders"] tbody td[data-column="orderNumber"]').allTextContents();

suite('dashboard details in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  let campaignId: string;
  const days: string[] = [];
  const downloads: Download[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, defaultCurrency: 'EUR', timeZone: 'UTC' });
    admin = account.admin;
    email = account.email;
    const creator = (await admin.post('/api/creators', { name: 'Mia Chen' })).body.id as string;
    campaignId = (await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } })).body.id as string;
    expect((await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: creator, codes: ['MIA10'] })).status).toBe(201);
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' })).body.id as string;
    // Orders #1, #2, #3 one, two and three days ago, of 10, 20 and 30 EUR.
    for (const daysAgo of [1, 2, 3]) {
      const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      days.push(at.slice(0, 10));
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
    await browser.context.route('**/api/events', (route) => route.fulfill({ status: 204 }));
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('download', (download) => downloads.push(download));
    await signIn(page, base, email);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('takes a row rejected under "Approved" out of the table at once, and lists it under "Rejected"', async () => {
    await page.goto(`${base}/campaigns/${campaignId}`);
    await expect.poll(() => orderNumbers(page)).toEqual(['#1', '#2', '#3']);
    const approval = page.getByRole('combobox', { name: 'Approval' });
    await approval.selectOption({ label: 'Approved' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1', '#2', '#3']);
    await page.getByRole('button', { name: 'Reject order #2' }).click();
    await expect.poll(() => orderNumbers(page)).toEqual(['#1', '#3']);
    expect(await page.locator('.orders > p[role="status"]').textContent()).toBe('Order #2 rejected.');
    await approval.selectOption({ label: 'Rejected' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#2']);
    await page.getByRole('button', { name: 'Undo order #2' }).click();
    await expect.poll(() => orderNumbers(page)).toEqual([]);
    await approval.selectOption({ label: 'Any approval' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1', '#2', '#3']);
  });

  it('describes the sales chart in words and in a table of every day', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    const chart = page.getByRole('figure', { name: 'Sales over time' });
    await chart.locator('.recharts-area-area').waitFor();
    const dashboard = await admin.get(`/api/dashboard?from=${days[2]}&to=${days[0]}`);
    expect(dashboard.status).toBe(200);
    const summaryId = await chart.getAttribute('aria-describedby');
    const summary = page.locator(`[id="${summaryId}"]`);
    const series = dashboard.body.series as Array<{ date: string; sales: { value: string } }>;
    expect(series.map((p) => p.sales.value)).toEqual(['30.00', '20.00', '10.00']);
    // Home shows the last 30 days: the table has a row for each, the three sales among them.
    const rows = chart.getByRole('table', { name: 'Sales per day' }).locator('tbody tr');
    const texts = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]),
    );
    expect(texts.length).toBe(30);
    expect(texts.filter(([, sales]) => sales !== eur('0.00'))).toEqual([
      [days[2], eur('30.00')],
      [days[1], eur('20.00')],
      [days[0], eur('10.00')],
    ]);
    expect(await summary.textContent()).toBe(
      `Sales per day from ${texts[0]?.[0]} to ${texts.at(-1)?.[0]}; the highest, ${eur('30.00')}, on ${days[2]}. The table after the chart lists every day.`,
    );
  });

  it('downloads the sales, and shows why when the session has ended instead of saving the error', async () => {
    const link = page.getByRole('link', { name: 'Download' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const before = downloads.length;

    await browser.context.clearCookies();
    await link.click();
    await page.getByRole('alert').filter({ hasText: 'Download failed' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Download failed' }).textContent()).toBe(
      'Download failed: Sign in or send an API key.',
    );
    expect(downloads.length).toBe(before);
  });

  it('has an icon: the SVG the page links to, and /favicon.ico', async () => {
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBe('/favicon.svg');
    const svg = await page.request.get(`${base}${icon}`);
    expect(svg.status()).toBe(200);
    expect(svg.headers()['content-type']).toMatch(/^image\/svg\+xml/);
    expect((await svg.text()).startsWith('<svg')).toBe(true);
    const ico = await page.request.get(`${base}/favicon.ico`);
    expect(ico.status()).toBe(200);
    expect(ico.headers()['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    // An ICO file: reserved 0, type 1 (icon), one image.
    expect([...(await ico.body()).subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
  });
});
