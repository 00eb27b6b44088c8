import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// A creator's own page in Chromium, on a phone-sized screen, without signing in: the figures
// the API gives, then, after an admin makes a new link and revokes it from the Community
// table, a plain "no longer valid". On the way, Payments names the pending payout the PayPal
// file leaves out until the creator's PayPal e-mail is set in their Community row.

const LOCALE = 'en-US';
const PHONE = { width: 390, height: 844 };
const eur = (value: string) => formatMoney({ value, currency: 'EUR' }, LOCALE);
const tokenOf = (url: string) => /\/portal\/([A-Za-z0-9_-]{43})$/.exec(url)![1]!;

suite('creator portal in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  let creatorId: string;

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, defaultCurrency: 'EUR', timeZone: 'Europe/Paris' });
    ({ admin, email } = account);
    creatorId = (await admin.post('/api/creators', { name: 'Mia Chen' })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } })).body.id;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId, codes: ['MIA10'] });
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' })).body.id;
    const order = async (id: string, subtotal: string, createdAt: string) => {
      const res = await admin.put(`/api/stores/${store}/orders/${id}`, {
        number: `#${id}`,
        createdAt,
        updatedAt: createdAt,
        currency: 'EUR',
        subtotal,
        status: 'paid',
        codes: ['mia10'],
        country: 'FR',
      });
      expect(res.status).toBe(200);
    };
    await order('1001', '100.00', '2026-03-06T10:00:00Z');
    expect((await admin.post('/api/payouts', { note: 'March' })).body.items[0].amount).toEqual({ value: '10.00', currency: 'EUR' });
    await order('1002', '40.00', '2026-03-10T10:00:00Z');
    await order('1003', '50.00', new Date(Date.now() - 86_400_000).toISOString());
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the creator their figures, orders and payouts on a phone, without signing in', async () => {
    const token = tokenOf((await admin.post(`/api/creators/${creatorId}/portal-link`)).body.url);
    await page.setViewportSize(PHONE);
    const response = await page.goto(`${base}/portal/${token}`);
    expect([response?.headers()['cache-control'], response?.headers()['referrer-policy']]).toEqual(['no-store', 'no-referrer']);
    await page.getByRole('heading', { level: 1, name: 'Mia Chen' }).waitFor();
    expect(await page.locator('[data-figure="on-hold"]').textContent()).toBe(eur('5.00'));
    expect(await page.locator('[data-figure="amount-due"]').textContent()).toBe(eur('4.00'));
    const orders = page.getByRole('list', { name: 'Orders' }).getByRole('listitem');
    expect(await orders.evaluateAll((items) => items.map((i) => i.getAttribute('data-order')))).toEqual(['#1003', '#1002', '#1001']);
    const row = (n: string) => page.locator(`[data-order="${n}"]`);
    expect(await row('#1002').locator('[data-column="amount"]').textContent()).toBe(eur('40.00'));
    expect(await row('#1002').locator('[data-column="commission"]').textContent()).toBe(eur('4.00'));
    expect(await row('#1003').locator('[data-column="commission"]').textContent()).toBe(eur('5.00'));
    expect(await row('#1001').getByText('Paid', { exact: true }).count()).toBe(1);
    const payouts = page.getByRole('list', { name: 'Payouts' }).getByRole('listitem');
    expect(await payouts.count()).toBe(1);
    expect(await payouts.first().textContent()).toContain(`${eur('10.00')}Pending`);
    // Nothing of the customer, no dashboard around it, and nothing wider than the phone.
    expect(await page.locator('body').textContent()).not.toMatch(/FR|Sign out|Community/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
  });

  it('says the link is no longer valid once an admin makes a new one, and after it is revoked', async () => {
    const old = tokenOf((await admin.post(`/api/creators/${creatorId}/portal-link`)).body.url);
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, base, email);
    const main = page.getByRole('navigation', { name: 'Main' });
    await main.getByRole('link', { name: 'Payments' }).click();
    // Mia's pending payout is not in the PayPal file until she has a PayPal e-mail.
    const hint = page.getByTestId('without-paypal');
    await hint.waitFor();
    expect(await hint.getByRole('listitem').allTextContents()).toEqual([`Mia Chen · ${eur('10.00')}`]);
    // The payout files are on Payments alone.
    await main.getByRole('link', { name: 'Community' }).click();
    await page.getByRole('heading', { name: 'Community', level: 1 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Payout files' }).count()).toBe(0);
    await page.getByRole('button', { name: 'PayPal e-mail of Mia Chen' }).click();
    await page.getByRole('textbox', { name: 'PayPal e-mail of Mia Chen' }).fill('mia@pay.example');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await main.getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('heading', { name: 'Payout files' }).waitFor();
    await expect.poll(() => hint.count()).toBe(0);
    await main.getByRole('link', { name: 'Community' }).click();
    expect((await admin.get(`/api/creators/${creatorId}`)).body.paypalEmail).toBe('mia@pay.example');
    expect((await admin.get('/api/payouts/paypal-batch')).text).toMatch(/^mia@pay\.example,10\.00,EUR,[0-9]+,March,PAYPAL\n$/);

    await page.getByRole('button', { name: 'Make page link for Mia Chen' }).click();
    const link = page.getByRole('textbox', { name: 'Page link for Mia Chen' });
    await link.waitFor();
    const fresh = tokenOf(await link.inputValue());
    expect(fresh).not.toBe(old);

    await page.setViewportSize(PHONE);
    await page.goto(`${base}/portal/${old}`);
    await page.getByRole('heading', { level: 1, name: 'This link is no longer valid' }).waitFor();
    await page.goto(`${base}/portal/${fresh}`);
    await page.getByRole('heading', { level: 1, name: 'Mia Chen' }).waitFor();

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/community`);
    await page.getByRole('button', { name: 'Revoke page link for Mia Chen' }).click();
    await page.getByText('The link no longer works.').waitFor();
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/portal/${fresh}`);
    await page.getByRole('heading', { level: 1, name: 'This link is no longer valid' }).waitFor();
    expect(await page.getByText('Ask the brand for a new link.').count()).toBe(1);
  });
});
