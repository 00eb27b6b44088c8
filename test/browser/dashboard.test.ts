import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { presetRange } from '../../web/src/ui/date-range.ts';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// The web app in Debian's Chromium against a real server on a fresh database, seeded through
// the API: sign in, Home's totals, a campaign's creators and orders, reject and undo.

const TIME_ZONE = 'Europe/Paris';
const LOCALE = 'en-US';

async function seed(admin: Client) {
  const creator = await admin.post('/api/creators', { name: 'Mia Chen', handle: '@mia' });
  const campaign = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } });
  const member = await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: ['MIA10'] });
  expect(member.status).toBe(201);
  const store = await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' });
  expect(store.status).toBe(201);
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const orders = [
    { id: 'A-1001', number: '#1001', subtotal: '100.00' },
    { id: 'A-1002', number: '#1002', subtotal: '50.00' },
  ];
  for (const o of orders) {
    const res = await admin.put(`/api/stores/${store.body.id}/orders/${o.id}`, {
      number: o.number,
      createdAt: yesterday,
      updatedAt: yesterday,
      currency: 'EUR',
      subtotal: o.subtotal,
      status: 'paid',
      codes: ['mia10'],
    });
    expect(res.status).toBe(200);
    expect(res.body.conversionId).toBeTruthy();
  }
  return { campaignId: campaign.body.id as string, creatorId: creator.body.id as string, storeId: store.body.id as string };
}

suite('web app in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  let seeded: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, timeZone: TIME_ZONE, defaultCurrency: 'EUR' });
    admin = account.admin;
    email = account.email;
    seeded = await seed(admin);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in and shows Total Sales Generated as the API sums it', async () => {
    await signIn(page, base, email);
    // Home opens on the last 30 days in the account's time zone.
    const range = presetRange('30d', TIME_ZONE);
    const dashboard = await admin.get(`/api/dashboard?from=${range.from}&to=${range.to}`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.totalSales).toEqual({ value: '150.00', currency: 'EUR' });
    const expected = formatMoney(dashboard.body.totalSales, LOCALE);
    await expect.poll(() => page.getByTestId('total-sales').textContent()).toBe(expected);
    expect(await page.getByTestId('commission').textContent()).toBe(formatMoney(dashboard.body.commission, LOCALE));
    expect(await page.getByTestId('orders').textContent()).toBe('2');
    expect(await page.getByRole('link', { name: 'Download' }).getAttribute('href')).toBe(
      `/api/sales/export?from=${range.from}&to=${range.to}`,
    );
    // A reload keeps the session.
    await page.reload();
    await expect.poll(() => page.getByTestId('total-sales').textContent()).toBe(expected);
  });

  it('rejects a conversion, sees the commission drop, and undoes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'Summer Launch' }).click();
    await page.getByRole('heading', { name: 'Summer Launch' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${seeded.campaignId}`);
    const commission = page.locator(
      `table[aria-label="Creator performance"] tr[data-creator-id="${seeded.creatorId}"] td[data-column="commission"]`,
    );
    const eur = (value: string) => formatMoney({ value, currency: 'EUR' }, LOCALE);
    await expect.poll(() => commission.textContent()).toBe(eur('15.00'));

    await page.getByRole('button', { name: 'Reject order #1002' }).click();
    await expect.poll(() => commission.textContent()).toBe(eur('10.00'));
    await page.getByRole('button', { name: 'Undo order #1002' }).waitFor();
    const row = page.locator('table[aria-label="Orders"] tr', { hasText: '#1002' });
    expect(await row.locator('td[data-column="approval"]').textContent()).toContain('Rejected');
    const performance = await admin.get(`/api/campaigns/${seeded.campaignId}/performance`);
    expect(performance.body.totals.commission).toEqual({ value: '10.00', currency: 'EUR' });

    await page.getByRole('button', { name: 'Undo order #1002' }).click();
    await expect.poll(() => commission.textContent()).toBe(eur('15.00'));
    await page.getByRole('button', { name: 'Reject order #1002' }).waitFor();
  });

  it("shows a new order and a colleague's reject without a reload", async () => {
    // The page is still the campaign's; a store delivers an order and a colleague rejects another.
    const now = new Date().toISOString();
    const put = await admin.put(`/api/stores/${seeded.storeId}/orders/A-1003`, {
      number: '#1003',
      createdAt: now,
      updatedAt: now,
      currency: 'EUR',
      subtotal: '20.00',
      status: 'paid',
      codes: ['MIA10'],
    });
    expect(put.status).toBe(200);
    const fresh = page.locator('table[aria-label="Orders"] tr', { hasText: '#1003' });
    await fresh.waitFor({ timeout: 10_000 });
    expect(await fresh.getAttribute('data-live')).toBe('true');
    const commission = page.locator(
      `table[aria-label="Creator performance"] tr[data-creator-id="${seeded.creatorId}"] td[data-column="commission"]`,
    );
    await expect.poll(() => commission.textContent(), { timeout: 10_000 }).toBe(formatMoney({ value: '17.00', currency: 'EUR' }, LOCALE));

    const first = page.locator('table[aria-label="Orders"] tr', { hasText: '#1001' });
    const conversionId = await first.getAttribute('data-conversion-id');
    expect((await admin.post(`/api/conversions/${conversionId}/reject`, { reason: 'colleague' })).status).toBe(200);
    await expect.poll(() => first.locator('td[data-column="approval"]').textContent(), { timeout: 10_000 }).toContain('Rejected');
    await expect.poll(() => commission.textContent(), { timeout: 10_000 }).toBe(formatMoney({ value: '7.00', currency: 'EUR' }, LOCALE));
    expect((await admin.post(`/api/conversions/${conversionId}/approve`, {})).status).toBe(200);
  });

  it('a client route loads directly, and the API keeps its own 404', async () => {
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await page.getByRole('heading', { name: 'Summer Launch' }).waitFor();
    const res = await fetch(`${base}/api/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('shows a viewer no Reject / Undo, and signs out', async () => {
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    const created = await admin.post('/api/users', { email: viewerEmail, password: PASSWORD, role: 'viewer' });
    expect(created.status).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await signIn(page, base, viewerEmail);
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await page.locator('table[aria-label="Orders"] tr', { hasText: '#1002' }).waitFor();
    expect(await page.getByRole('button', { name: /^(Reject|Undo) order/ }).count()).toBe(0);
  });
});
