import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { presetRange } from '../../web/src/ui/date-range.ts';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// The Settings page in Debian's Chromium against a real server: the default currency, a
// Shopify store with its webhook URL and secret, a failed delivery replayed, users, API keys,
// link domains, exchange rates, and who may see the page at all.

const TIME_ZONE = 'Europe/Paris';
const LOCALE = 'en-US';
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

async function seed(admin: Client) {
  const creator = await admin.post('/api/creators', { name: 'Mia Chen', handle: '@mia' });
  const campaign = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } });
  expect((await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: ['MIA10'] })).status).toBe(
    201,
  );
  const store = await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' });
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const put = await admin.put(`/api/stores/${store.body.id}/orders/A-1001`, {
    number: '#1001',
    createdAt: yesterday,
    updatedAt: yesterday,
    currency: 'EUR',
    subtotal: '100.00',
    status: 'paid',
    codes: ['mia10'],
  });
  expect(put.body.conversionId).toBeTruthy();
}

/** A Shopify orders/create body in EUR with the MIA10 code. */
function shopifyOrder(id: string): string {
  const at = new Date(Date.now() - 3600 * 1000).toISOString();
  const money = (amount: string) => ({ shop_money: { amount, currency_code: 'EUR' } });
  return JSON.stringify({
    id: Number(id),
    name: '#2001',
    created_at: at,
    updated_at: at,
    currency: 'EUR',
    financial_status: 'paid',
    cancelled_at: null,
    subtotal_price_set: money('40.00'),
    current_subtotal_price_set: money('40.00'),
    discount_codes: [{ code: 'MIA10' }],
    refunds: [],
  });
}

suite('settings in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  const nav = () => page.getByRole('navigation', { name: 'Main' });

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, timeZone: TIME_ZONE, defaultCurrency: 'EUR' });
    admin = account.admin;
    email = account.email;
    await seed(admin);
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('changes the default currency from EUR to USD, and Home shows the USD figure', async () => {
    await signIn(page, base, email);
    await expect.poll(() => page.getByTestId('total-sales').textContent()).toBe(formatMoney({ value: '100.00', currency: 'EUR' }, LOCALE));
    await nav().getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings');

    const currency = page.getByLabel('Default currency');
    expect(await currency.inputValue()).toBe('EUR');
    await expect.poll(() => currency.locator('option[value="USD"]').count()).toBe(1);
    expect(await page.getByLabel('Time zone').inputValue()).toBe(TIME_ZONE);
    await currency.selectOption('USD');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved. Every figure is now shown in USD.').waitFor();
    expect((await admin.get('/api/account')).body.defaultCurrency).toBe('USD');

    // The order is worth 100.00 EUR at the USD rate of its day: 100 × rate, exact to the cent.
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
    const usd = (await admin.get(`/api/fx-rates?date=${yesterday}`)).body.items.find((r: { currency: string }) => r.currency === 'USD');
    const [whole, fraction = ''] = (usd.perEur as string).split('.');
    const expectedValue = `${Number(whole) * 100 + Number(fraction.padEnd(4, '0').slice(0, 2))}.${fraction.padEnd(4, '0').slice(2, 4)}`;
    const range = presetRange('30d', TIME_ZONE);
    const dashboard = await admin.get(`/api/dashboard?from=${range.from}&to=${range.to}`);
    expect(dashboard.body.totalSales).toEqual({ value: expectedValue, currency: 'USD' });

    await nav().getByRole('link', { name: 'Home' }).click();
    await expect.poll(() => page.getByTestId('total-sales').textContent()).toBe(formatMoney(dashboard.body.totalSales, LOCALE));
  });

  it('creates a Shopify store and shows its webhook URL and secret', async () => {
    await nav().getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Add a store' });
    await form.getByLabel('Platform').selectOption('shopify');
    await form.getByLabel('Store name').fill('Main Street');
    expect(await form.getByLabel('Store currency').inputValue()).toBe('USD');
    await form.getByLabel('Shop domain').fill('mainstreet.example');
    await form.getByRole('button', { name: 'Add store' }).click();
    await form.getByText('Main Street was added.').waitFor();
    expect(await form.getByLabel('Shop domain').inputValue()).toBe('');

    const store = (await admin.get('/api/stores')).body.items.find((s: { name: string }) => s.name === 'Main Street');
    expect(store).toMatchObject({ platform: 'shopify', currency: 'USD', domain: 'mainstreet.example' });
    const card = page.locator(`li[data-store-id="${store.id}"]`);
    // The server's public address (PUBLIC_URL) and the store's path, as the API gives it.
    expect(store.webhookUrl).toMatch(new RegExp(`^https?://[^/]+/webhooks/shopify/${store.id}$`));
    expect(await card.getByTestId('webhook-url').textContent()).toBe(store.webhookUrl);
    const secret = card.getByTestId('secret');
    expect(await secret.textContent()).not.toContain(store.webhookSecret);
    await card.getByRole('button', { name: 'Reveal webhook secret of Main Street' }).click();
    expect(await secret.textContent()).toBe(store.webhookSecret);
    await card.getByRole('button', { name: 'Copy webhook secret of Main Street' }).click();
    await card.getByText('Copied').waitFor();
    // The page's own clipboard (an expression: this file is not compiled with the DOM's types).
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(store.webhookSecret);
    await card.getByText('No failed deliveries.').waitFor();
  });

  it('lists a delivery in the wrong currency as failed, and Replay applies it once the store is fixed', async () => {
    const store = (await admin.get('/api/stores')).body.items.find((s: { name: string }) => s.name === 'Main Street');
    const card = page.locator(`li[data-store-id="${store.id}"]`);
    // The store signs with its secret and posts to the path the page shows (the test server
    // listens on a port of its own rather than at the public address).
    const shown = await card.getByTestId('webhook-url').textContent();
    const url = `${base}${new URL(shown!).pathname}`;
    const body = shopifyOrder('7001');
    const res = await fetch(url!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': 'wh-7001',
        'x-shopify-hmac-sha256': sign(store.webhookSecret, body),
      },
      body,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ outcome: 'dead', reason: 'the order is in EUR but the store is set to USD' });

    await page.reload();
    const row = card.locator('tr[data-dead-letter-id]');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').nth(1).textContent()).toBe('orders/create');
    expect(await row.locator('td').nth(2).textContent()).toBe('the order is in EUR but the store is set to USD');
    const letterId = await row.getAttribute('data-dead-letter-id');

    // Replayed as it is, it still fails, and says why.
    await card.getByRole('button', { name: `Replay delivery ${letterId}` }).click();
    await card.getByText(`Delivery ${letterId} still fails: the order is in EUR but the store is set to USD.`).waitFor();

    await card.getByRole('button', { name: 'Edit Main Street' }).click();
    const edit = page.getByRole('form', { name: 'Edit Main Street' });
    await edit.getByLabel('Currency').selectOption('EUR');
    expect(await edit.getByLabel('Shop domain').inputValue()).toBe('mainstreet.example');
    await edit.getByLabel('Shop domain').fill('www.mainstreet.example');
    await edit.getByRole('button', { name: 'Save store' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => card.locator('.store-head .muted').textContent()).toBe('Shopify · EUR');

    await card.getByRole('button', { name: `Replay delivery ${letterId}` }).click();
    await card.getByText(`Delivery ${letterId} was applied.`).waitFor();
    await card.getByText('No failed deliveries.').waitFor();
    const order = await admin.get(`/api/stores/${store.id}/orders/7001`);
    expect(order.body).toMatchObject({ number: '#2001', status: 'paid', amount: { value: '40.00', currency: 'EUR' } });
    expect((await admin.get(`/api/stores/${store.id}`)).body.domain).toBe('www.mainstreet.example');
    const conversion = await admin.get(`/api/conversions/${order.body.conversionId}`);
    expect(conversion.body).toMatchObject({ status: 'paid', counted: true, via: { type: 'code', value: 'MIA10' } });
  });

  it('adds a viewer, and says why a duplicate or a short password is refused', async () => {
    const form = page.getByRole('form', { name: 'Add a user' });
    const viewer = `viewer-${Date.now()}@example.com`;
    await form.getByLabel('User email').fill(viewer);
    await form.getByLabel('User password').fill('short');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Add user' }).click();
    expect(await form.getByRole('alert').textContent()).toBe('The password needs at least 10 characters.');

    await form.getByLabel('User password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Add user' }).click();
    await form.getByText(`${viewer} was added as viewer.`).waitFor();
    const row = page.getByRole('table', { name: 'Users' }).locator('tr', { hasText: viewer });
    expect(await row.getByLabel(`Role of ${viewer}`).inputValue()).toBe('viewer');
    const users = (await admin.get('/api/users')).body.items;
    expect(users.find((u: { email: string }) => u.email === viewer)).toMatchObject({ role: 'viewer' });

    await form.getByLabel('User email').fill(viewer);
    await form.getByLabel('User password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('A user with this e-mail already exists.');
    expect((await admin.get('/api/users')).body.items).toHaveLength(users.length);
  });

  it("changes a user's role, resets their password, and removes them after a confirmation", async () => {
    const colleague = `colleague-${Date.now()}@example.com`;
    const created = await admin.post('/api/users', { email: colleague, password: PASSWORD, role: 'viewer' });
    expect(created.status).toBe(201);
    await page.reload();
    const table = page.getByRole('table', { name: 'Users' });
    const row = table.locator(`tr[data-user-id="${created.body.id}"]`);
    await row.getByLabel(`Role of ${colleague}`).selectOption('member');
    await row.getByText(`${colleague} is now member.`).waitFor();
    const roleOf = async () => (await admin.get('/api/users')).body.items.find((u: { id: string }) => u.id === created.body.id)?.role;
    expect(await roleOf()).toBe('member');

    await row.getByRole('button', { name: `Reset password of ${colleague}` }).click();
    const reset = row.getByRole('form', { name: `New password for ${colleague}` });
    await reset.getByLabel('New password').fill('short');
    await reset.getByRole('button', { name: 'Set password' }).click();
    expect((await reset.getByRole('alert').textContent())?.trim()).toBe('The password needs at least 10 characters.');
    await reset.getByLabel('New password').fill('a brand new password');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await row.getByText(`Password set; ${colleague} was signed out everywhere.`).waitFor();
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: colleague, password: 'a brand new password' }),
    });
    expect(login.status).toBe(200);

    await row.getByRole('button', { name: `Remove ${colleague}` }).click();
    await row
      .getByRole('group', { name: `Confirm removing ${colleague}` })
      .getByRole('button', { name: 'Cancel' })
      .click();
    expect(await roleOf()).toBe('member');
    await row.getByRole('button', { name: `Remove ${colleague}` }).click();
    await row.getByRole('button', { name: 'Yes, remove' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await roleOf()).toBeUndefined();
    // Your own row has nothing to change: another admin changes it, your password is under Your account.
    const mine = table.locator('tr', { hasText: email });
    expect([await mine.getByRole('button').count(), await mine.getByRole('combobox').count()]).toEqual([0, 0]);
  });

  it('creates an API key shown once, which works until it is revoked', async () => {
    const form = page.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Key name').fill('Warehouse sync');
    await form.getByLabel('Key role').selectOption('viewer');
    await form.getByRole('button', { name: 'Create key' }).click();
    const shown = form.getByTestId('new-api-key');
    await shown.waitFor();
    const key = (await shown.textContent())!;
    expect(key).toMatch(/^tly_/);
    await form.getByText('copy it now, it will not be shown again').waitFor();
    const account = await fetch(`${base}/api/account`, { headers: { authorization: `Bearer ${key}` } });
    expect(account.status).toBe(200);
    expect(((await account.json()) as { defaultCurrency: string }).defaultCurrency).toBe('USD');

    await form.getByRole('button', { name: 'I have copied it' }).click();
    expect(await shown.count()).toBe(0);
    await page.reload();
    const row = page.getByRole('table', { name: 'API keys' }).locator('tr', { hasText: 'Warehouse sync' });
    await row.waitFor();
    expect(await page.content()).not.toContain(key);
    expect(await row.locator('td').nth(3).textContent()).toBe('Active');

    await row.getByRole('button', { name: 'Revoke Warehouse sync' }).click();
    await row.getByRole('group', { name: 'Confirm revoking Warehouse sync' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await fetch(`${base}/api/account`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke Warehouse sync' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await expect.poll(() => row.locator('td').nth(3).textContent()).toMatch(/^Revoked /);
    const after = await fetch(`${base}/api/account`, { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
  });

  it("adds and removes a link domain, beside the stores' domains, and says why a bad one is refused", async () => {
    const section = page.getByRole('region', { name: 'Link domains' });
    // The domain the store was given when it was edited, above.
    await expect
      .poll(() => section.locator('p', { hasText: 'From your stores' }).locator('code').allTextContents())
      .toEqual(['www.mainstreet.example']);
    await section.getByText('No other domains yet.').waitFor();
    const form = section.getByRole('form', { name: 'Add a link domain' });
    await form.getByLabel('Domain').fill('https://brand.example/');
    await form.getByRole('button', { name: 'Add domain' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toContain('a domain name such as shop.example.com: no scheme, port or path');
    await form.getByLabel('Domain').fill('Brand.Example');
    await form.getByRole('button', { name: 'Add domain' }).click();
    const list = section.getByRole('list', { name: 'Added link domains' });
    await expect.poll(() => list.locator('code').allTextContents()).toEqual(['brand.example']);
    expect(await form.getByLabel('Domain').inputValue()).toBe('');
    expect((await admin.get('/api/account/link-domains')).body.domains).toEqual(['brand.example']);

    await list.getByRole('button', { name: 'Remove brand.example' }).click();
    await section.getByText('No other domains yet.').waitFor();
    expect((await admin.get('/api/account/link-domains')).body.domains).toEqual([]);
  });

  it('adds a rate, imports an ECB CSV and shows the count, and shows the error of a wrong file', async () => {
    const add = page.getByRole('form', { name: 'Add a rate' });
    await add.getByLabel('Rate currency').fill('NGN');
    await add.getByLabel('Rate date').fill('2026-01-01');
    await add.getByLabel('Units per 1 EUR').fill('1600');
    await add.getByRole('button', { name: 'Add rate' }).click();
    await add.getByText('Added 1 EUR = 1600 NGN from 2026-01-01; 0 conversions refigured.').waitFor();
    const rates = page.getByRole('table', { name: 'Exchange rates' });
    const ngn = rates.locator('tr[data-currency="NGN"]');
    await expect.poll(() => ngn.locator('td').allTextContents()).toEqual(['1600', '2026-01-01', 'This account']);

    // The ECB's CSV layout: a Date column, a column per currency, N/A where none was quoted,
    // and the trailing comma the ECB writes on every line.
    const csv = 'Date, ISK, THB,\n2026-11-20, 150.10, N/A,\n2026-11-19, 149.90, 38.125,\n';
    const importForm = page.getByRole('form', { name: 'Import an ECB file' });
    await importForm
      .getByLabel('ECB reference-rate file')
      .setInputFiles({ name: 'eurofxref-hist.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await importForm.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => importForm.getByTestId('import-result').textContent())
      .toBe('Imported 3 rates for 2 currencies, from 2026-11-19 to 2026-11-20; 0 conversions refigured.');
    const own = await admin.get('/api/fx-rates?date=2026-11-20');
    const isk = own.body.items.find((r: { currency: string }) => r.currency === 'ISK');
    expect(isk).toEqual({ currency: 'ISK', perEur: '150.10', day: '2026-11-20', source: 'account' });
    await expect
      .poll(() => rates.locator('tr[data-currency="ISK"] td').allTextContents())
      .toEqual(['150.10', '2026-11-20', 'This account']);
    await expect
      .poll(() => rates.locator('tr[data-currency="THB"] td').allTextContents())
      .toEqual(['38.125', '2026-11-19', 'This account']);

    await importForm
      .getByLabel('ECB reference-rate file')
      .setInputFiles({ name: 'rates.csv', mimeType: 'text/csv', buffer: Buffer.from('Day,USD\n2026-11-20,1.1\n') });
    await importForm.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => importForm.getByRole('alert').textContent()).toBe('not an ECB rates CSV: the first column is not "Date"');
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.reload();
      await page.getByRole('heading', { name: 'Exchange rates' }).waitFor();
      await page.locator('li[data-store-id]').first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows a member and a viewer only their own account in Settings; a removed member is sent back to sign in', async () => {
    const memberEmail = `member-only-${Date.now()}@example.com`;
    const member = await admin.post('/api/users', { email: memberEmail, password: PASSWORD, role: 'member' });
    expect(member.status).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await signIn(page, base, memberEmail);
    await nav().getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByRole('alert').textContent()).toContain("The account's settings are for admins. You are signed in as a member;");
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Stores' }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Users' }).count()).toBe(0);
    // Removed while signed in: the event stream ends, its reconnection is refused, and the
    // page goes back to signing in.
    expect((await admin.delete(`/api/users/${member.body.id}`)).status).toBe(204);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });

  it('lets a viewer change their own password and sign out everywhere', async () => {
    const viewerEmail = `viewer-only-${Date.now()}@example.com`;
    expect((await admin.post('/api/users', { email: viewerEmail, password: PASSWORD, role: 'viewer' })).status).toBe(201);
    await signIn(page, base, viewerEmail);
    await nav().getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password').fill('my new password 2026');
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('The current password is wrong.');
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Password changed. Your other sessions were signed out.').waitFor();
    const login = (password: string) =>
      fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: viewerEmail, password }),
      });
    expect((await login(PASSWORD)).status).toBe(401);
    const other = await login('my new password 2026');
    expect(other.status).toBe(200);
    const otherCookie = other.headers
      .getSetCookie()
      .find((c) => c.startsWith('tally_session='))!
      .split(';')[0]!;

    await page.getByRole('group', { name: 'Sign out everywhere' }).getByRole('button', { name: 'End all my sessions' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect((await fetch(`${base}/api/me`, { headers: { cookie: otherCookie } })).status).toBe(401);
  });
});
