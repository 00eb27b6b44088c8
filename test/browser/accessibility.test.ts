import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// Every screen of the web app checked with axe-core (WCAG 2.1 A and AA, and axe's best
// practices) at a desktop width and a phone width, as an admin and as a viewer, on a small
// but realistic workspace seeded through the API; a phone width never scrolls the page
// sideways. Then the keyboard alone: sign in, open a campaign, reject an order and undo it.

const TIME_ZONE = 'Europe/Paris';
const LOCALE = 'en-US';
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RULE_SETS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();

async function seed(admin: Client) {
  const creator = async (name: string, handle: string) => {
    const res = await admin.post('/api/creators', { name, handle });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const mia = await creator('Mia Chen', '@mia');
  const leo = await creator('Leo Park', '@leo');
  await creator('Ava Stone', '@ava');
  const campaign = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } });
  expect(campaign.status).toBe(201);
  const campaignId = campaign.body.id as string;
  expect((await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: mia, codes: ['MIA10', 'MIASUMMER'] })).status).toBe(201);
  expect((await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: leo, codes: ['LEO5'] })).status).toBe(201);
  const store = await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR', domain: 'shop.example.com' });
  expect(store.status).toBe(201);
  const link = await admin.post(`/api/campaigns/${campaignId}/members/${mia}/links`, {
    destination: 'https://shop.example.com/products/tee',
  });
  expect(link.status).toBe(201);
  const orders = [
    { id: 'A-1001', number: '#1001', code: 'MIA10', days: 6, subtotal: '100.00', status: 'paid' },
    { id: 'A-1002', number: '#1002', code: 'LEO5', days: 5, subtotal: '40.00', status: 'pending' },
    { id: 'A-1003', number: '#1003', code: 'MIA10', days: 4, subtotal: '75.50', status: 'paid', refunded: '20.00' },
    { id: 'A-1004', number: '#1004', code: 'LEO5', days: 3, subtotal: '60.00', status: 'paid' },
    { id: 'A-1005', number: '#1005', code: 'MIA10', days: 2, subtotal: '15.00', status: 'canceled' },
  ];
  const conversions: Record<string, string> = {};
  for (const o of orders) {
    const at = daysAgo(o.days);
    const res = await admin.put(`/api/stores/${store.body.id}/orders/${o.id}`, {
      number: o.number,
      createdAt: at,
      updatedAt: at,
      currency: 'EUR',
      subtotal: o.subtotal,
      ...(o.refunded && { refunded: o.refunded }),
      status: o.status,
      codes: [o.code],
    });
    expect(res.status).toBe(200);
    conversions[o.number] = res.body.conversionId;
  }
  expect((await admin.post(`/api/conversions/${conversions['#1004']}/reject`, { reason: 'duplicate' })).status).toBe(200);

  // A Shopify store in USD that received an order in EUR: a failed delivery.
  const shopify = await admin.post('/api/stores', { platform: 'shopify', name: 'Main Street', currency: 'USD' });
  expect(shopify.status).toBe(201);
  const at = daysAgo(1);
  const money = (amount: string) => ({ shop_money: { amount, currency_code: 'EUR' } });
  const body = JSON.stringify({
    id: 7001,
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
  const delivery = await admin.app.inject({
    method: 'POST',
    url: new URL(shopify.body.webhookUrl).pathname,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': 'wh-7001',
      'x-shopify-hmac-sha256': sign(shopify.body.webhookSecret, body),
    },
    payload: body,
  });
  expect(delivery.statusCode).toBe(202);
  expect(delivery.json().outcome).toBe('dead');

  const viewerEmail = `viewer-${Date.now()}@example.com`;
  expect((await admin.post('/api/users', { email: viewerEmail, password: PASSWORD, role: 'viewer' })).status).toBe(201);
  expect((await admin.post('/api/api-keys', { name: 'Warehouse sync', role: 'member' })).status).toBe(201);
  return { campaignId, viewerEmail };
}

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

/** axe-core's violations on the page as it is now, injected once per document. */
async function axeViolations(page: Page): Promise<Violation[]> {
  // Evaluated, not added as a script tag: the page's policy refuses inline scripts.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  return page.evaluate(`axe.run(document, { runOnly: ${JSON.stringify(RULE_SETS)}, resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) })))`);
}

const report = (violations: Violation[]) =>
  violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target}\n    ${n.summary.replace(/\n/g, '\n    ')}`).join('\n')}`,
    )
    .join('\n');

/** The innermost elements reaching past the right edge of a `width` wide page, as selectors. */
async function overflowing(page: Page, width: number): Promise<string[]> {
  return page.evaluate(`[...document.body.querySelectorAll('*')]
    .filter((e) => !e.parentElement?.closest('.table-wrap') && e.getBoundingClientRect().right > ${width} && ![...e.children].some((c) => c.getBoundingClientRect().right > ${width}))
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)')`);
}

/** At each width: no axe violation, and at a phone's width no sideways scrolling of the page. */
async function checkScreen(page: Page, name: string) {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    // Let a resize settle (the chart measures its box) before reading the page.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    const violations = await axeViolations(page);
    expect.soft(violations, `${name} at ${size.width}px:\n${report(violations)}`).toEqual([]);
    const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
    const wide = scrollWidth > size.width ? await overflowing(page, size.width) : [];
    expect
      .soft(scrollWidth, `${name} at ${size.width}px scrolls sideways, past the edge: ${wide.join(', ')}`)
      .toBeLessThanOrEqual(size.width);
  }
  await page.setViewportSize(WIDTHS[0]!);
}

/** What has the focus: its tag, accessible label or text, and whether it shows an outline. */
async function focused(page: Page): Promise<{ tag: string; name: string; outline: string }> {
  return page.evaluate(`(() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].textContent : '') || e.textContent || '';
    return { tag: e.tagName.toLowerCase(), name: name.trim(), outline: style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 ? 'none' : style.outlineStyle + ' ' + style.outlineWidth };
  })()`);
}

suite('accessibility of the web app in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let email: string;
  let admin: Client;
  let seeded: Awaited<ReturnType<typeof seed>>;
  const main = () => page.getByRole('main');
  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const approvalOf = (number: string) =>
    page.locator('table[aria-label="Orders"] tr', { hasText: number }).locator('td[data-column="approval"] .badge');

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, timeZone: TIME_ZONE, defaultCurrency: 'EUR' });
    email = account.email;
    admin = account.admin;
    seeded = await seed(account.admin);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sign-in and sign-up forms', async () => {
    await page.goto(base);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.title()).toBe('Sign in · Tally');
    await checkScreen(page, 'Sign in');
    // A failed sign-in says why, in an alert.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await checkScreen(page, 'Sign in, refused');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    expect(await page.title()).toBe('Create an account · Tally');
    await checkScreen(page, 'Sign up');
  });

  it('signs in, opens a campaign, rejects and undoes an order with the keyboard alone', async () => {
    await page.goto(base);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'Email' });
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'Password' });
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByTestId('total-sales').waitFor();
    expect(await page.title()).toBe('Home · Tally');

    // The first stop is the skip link, shown when focused; it moves the focus to the content.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', name: 'Skip to content' });
    expect((await focused(page)).outline).not.toBe('none');
    expect(await page.getByRole('link', { name: 'Skip to content' }).isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('content');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'select', name: 'Range' });

    // Back to the top: Shift+Tab out of the content reaches the navigation's Campaigns link.
    await page.keyboard.press('Shift+Tab');
    let stops = 0;
    while ((await focused(page)).name !== 'Campaigns' && stops++ < 10) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', name: 'Campaigns' });
    expect((await focused(page)).outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(await page.title()).toBe('Campaigns · Tally');
    // A new page takes the focus to its content, so the next Tab is inside it.
    expect(await page.evaluate('document.activeElement.id')).toBe('content');
    await main().getByRole('link', { name: 'Summer Launch' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', name: 'Summer Launch' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Summer Launch', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${seeded.campaignId}`);
    expect(await page.title()).toBe('Summer Launch · Tally');
    await approvalOf('#1001').waitFor();
    const commission = page.getByTestId('total-commission');
    await expect.poll(() => commission.textContent()).toBe(formatMoney({ value: '15.55', currency: 'EUR' }, LOCALE));

    // Tab to #1001's Reject button, every stop on the way showing its focus.
    stops = 0;
    while ((await focused(page)).name !== 'Reject order #1001' && stops++ < 60) {
      await page.keyboard.press('Tab');
      const stop = await focused(page);
      expect(stop.outline, `${stop.tag} "${stop.name}" shows no focus`).not.toBe('none');
    }
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Reject order #1001' });
    expect(await approvalOf('#1001').textContent()).toBe('Approved');

    await page.keyboard.press('Enter');
    await expect.poll(() => approvalOf('#1001').textContent()).toBe('Rejected');
    // The focus stays on the same button, now the row's Undo, and the change is announced.
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', name: 'Undo order #1001' });
    expect((await focused(page)).outline).not.toBe('none');
    await page.getByRole('status').filter({ hasText: 'Order #1001 rejected.' }).waitFor();
    // #1003's 5.55 is left (75.50 less 20.00 refunded); #1002 is pending, #1004 rejected, #1005 canceled.
    await expect.poll(() => commission.textContent()).toBe(formatMoney({ value: '5.55', currency: 'EUR' }, LOCALE));

    await page.keyboard.press('Space');
    await expect.poll(() => approvalOf('#1001').textContent()).toBe('Approved');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', name: 'Reject order #1001' });
    await page.getByRole('status').filter({ hasText: 'Order #1001 approved again.' }).waitFor();
    await expect.poll(() => commission.textContent()).toBe(formatMoney({ value: '15.55', currency: 'EUR' }, LOCALE));
  });

  it('Home, as an admin', async () => {
    await page.goto(base);
    await page.getByTestId('total-sales').waitFor();
    await main().locator('figure.chart svg, p:text("No sales in this range.")').first().waitFor();
    expect(await page.title()).toBe('Home · Tally');
    await checkScreen(page, 'Home');
    await page.getByLabel('Range').selectOption('custom');
    await page.getByLabel('From').waitFor();
    await checkScreen(page, 'Home, custom dates');
  });

  it('Campaigns and the new campaign form', async () => {
    await nav().getByRole('link', { name: 'Campaigns' }).click();
    await main().getByRole('link', { name: 'Summer Launch' }).waitFor();
    expect(await page.title()).toBe('Campaigns · Tally');
    await checkScreen(page, 'Campaigns');
    // A refused form says what is wrong, in an alert.
    await page.getByLabel('Campaign name').fill('Autumn');
    await page.getByLabel('Percent of sale').fill('ten');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    expect(await page.getByRole('alert').textContent()).toBe(
      '"ten" is not a percent: give a number from 0 to 100 with at most 4 decimals, such as 12.5.',
    );
    await checkScreen(page, 'Campaigns, invalid new campaign');
  });

  it("a campaign's Performance tab: creators, orders, filters and selection", async () => {
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await approvalOf('#1004').waitFor();
    await page.getByRole('table', { name: 'Creator performance' }).waitFor();
    expect(await approvalOf('#1004').textContent()).toBe('Rejected');
    expect(await page.getByRole('button', { name: 'Undo order #1004' }).count()).toBe(1);
    await checkScreen(page, 'Campaign performance');
    await page.getByRole('checkbox', { name: 'Select all loaded orders' }).check();
    await page.getByText('All 5 loaded rows are selected.').waitFor();
    await checkScreen(page, 'Campaign performance, rows selected');
    await page.getByRole('button', { name: 'Select all orders matching these filters' }).click();
    await checkScreen(page, 'Campaign performance, all matching selected');
    await page.getByRole('button', { name: 'Clear selection' }).first().click();
    await page.getByRole('combobox', { name: 'Status' }).selectOption('refunded');
    await page.getByText('No orders match these filters.').waitFor();
    await checkScreen(page, 'Campaign performance, no order matches');
    await page.getByRole('form', { name: 'Filter orders' }).getByRole('button', { name: 'Clear filters' }).click();
  });

  it("a campaign's Settings tab: terms, members, codes and links", async () => {
    await main().getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Mia Chen', level: 3 }).waitFor();
    await page.getByRole('form', { name: 'Add a member' }).waitFor();
    expect(await page.title()).toBe('Summer Launch settings · Tally');
    await checkScreen(page, 'Campaign settings');
    // Freeing a code by keyboard: its × goes, and the focus moves to the member's new-code field.
    await page.getByRole('button', { name: 'Remove code MIASUMMER' }).press('Enter');
    await page.getByRole('button', { name: 'Remove code MIASUMMER' }).waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'input', name: 'New code for Mia Chen' });
    expect(await page.getByRole('list', { name: 'Codes of Mia Chen' }).getByRole('listitem').allTextContents()).toEqual(['MIA10×']);
    // Removing a member hands the focus to its Re-add, and re-adding hands it back.
    await page.getByRole('button', { name: 'Remove Leo Park' }).press('Enter');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', name: 'Re-add Leo Park' });
    await page.getByRole('heading', { name: 'Removed members' }).waitFor();
    await checkScreen(page, 'Campaign settings with a removed member');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', name: 'Remove Leo Park' });
    expect(await page.getByRole('heading', { name: 'Removed members' }).count()).toBe(0);
  });

  it('Community', async () => {
    await nav().getByRole('link', { name: 'Community' }).click();
    await page.getByRole('table', { name: 'Community' }).getByRole('rowheader', { name: 'Ava Stone' }).waitFor();
    await page.getByText('No creator has been removed.').waitFor();
    expect(await page.title()).toBe('Community · Tally');
    await checkScreen(page, 'Community');
    // Removing a creator hands the focus to its Restore, and restoring hands it back.
    await page.getByRole('button', { name: 'Remove Ava Stone' }).press('Enter');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', name: 'Restore Ava Stone' });
    expect(await page.getByRole('table', { name: 'Community' }).getByRole('rowheader', { name: 'Ava Stone' }).count()).toBe(0);
    await checkScreen(page, 'Community with a removed creator');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', name: 'Remove Ava Stone' });
    await page.getByText('No creator has been removed.').waitFor();
  });

  it("Payments, and a creator's page reached from the Community", async () => {
    await nav().getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('table', { name: 'Payouts' }).waitFor();
    await main().locator('[role="status"]:text("Loading…")').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('Payments · Tally');
    await checkScreen(page, 'Payments');
    await nav().getByRole('link', { name: 'Community' }).click();
    await page.getByRole('table', { name: 'Community' }).getByRole('link', { name: 'Ava Stone' }).click();
    await page.getByRole('heading', { name: 'Ava Stone', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Adjustments' }).waitFor();
    await main().locator('[role="status"]:text("Loading…")').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('Ava Stone · Tally');
    await checkScreen(page, "A creator's page");
  });

  it('Settings: account, stores and a failed delivery, users, API keys, exchange rates', async () => {
    await nav().getByRole('link', { name: 'Settings' }).click();
    await page.locator('tr[data-dead-letter-id]').waitFor();
    await page.getByRole('table', { name: 'API keys' }).getByText('Warehouse sync').waitFor();
    await page.getByRole('table', { name: 'Users' }).getByText(seeded.viewerEmail).waitFor();
    await page.getByRole('button', { name: 'Reveal webhook secret of Main Street' }).waitFor();
    await main().locator('[role="status"]:text("Loading…")').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('Settings · Tally');
    await checkScreen(page, 'Settings');
    // Controls that open and close in place keep the keyboard's focus with them.
    await page.getByRole('button', { name: 'Revoke Warehouse sync' }).press('Enter');
    const confirm = page.getByRole('group', { name: 'Confirm revoking Warehouse sync' });
    await confirm.waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Cancel' });
    await page.getByRole('button', { name: 'Edit Main Street' }).press('Enter');
    const edit = page.getByRole('form', { name: 'Edit Main Street' });
    await edit.waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'input', name: 'Name' });
    await checkScreen(page, 'Settings, confirming a revoke and editing a store');
    await edit.getByRole('button', { name: 'Cancel' }).press('Enter');
    await edit.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Edit Main Street' });
    await confirm.getByRole('button', { name: 'Cancel' }).press('Enter');
    await confirm.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Revoke Warehouse sync' });
    await page.getByRole('button', { name: `Remove ${seeded.viewerEmail}` }).press('Enter');
    const removing = page.getByRole('group', { name: `Confirm removing ${seeded.viewerEmail}` });
    await removing.waitFor();
    expect(await focused(page)).toMatchObject({ tag: 'button', name: 'Cancel' });
    await checkScreen(page, 'Settings, confirming the removal of a user');
    await removing.getByRole('button', { name: 'Cancel' }).press('Enter');
    await removing.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ tag: 'button', name: `Remove ${seeded.viewerEmail}` });
  });

  it("a creator's own page, its link and PayPal e-mail controls, and a link no longer valid", async () => {
    await page.goto(`${base}/community`);
    await page.getByRole('button', { name: 'PayPal e-mail of Mia Chen' }).click();
    await page.getByRole('textbox', { name: 'PayPal e-mail of Mia Chen' }).waitFor();
    await page.getByRole('button', { name: 'Make page link for Mia Chen' }).click();
    await page.getByRole('textbox', { name: 'Page link for Mia Chen' }).waitFor();
    await checkScreen(page, 'Community with a page link and a PayPal e-mail open');

    const creators = (await admin.get('/api/creators')).body.items as Array<{ id: string; name: string }>;
    const mia = creators.find((c) => c.name === 'Mia Chen')!.id;
    const url = (await admin.post(`/api/creators/${mia}/portal-link`)).body.url as string;
    await page.goto(`${base}${new URL(url).pathname}`);
    await page.getByRole('heading', { level: 1, name: 'Mia Chen' }).waitFor();
    expect(await page.title()).toBe('Mia Chen · Tally');
    await checkScreen(page, "A creator's own page");
    await page.goto(`${base}/portal/${'A'.repeat(43)}`);
    await page.getByRole('heading', { level: 1, name: 'This link is no longer valid' }).waitFor();
    await checkScreen(page, "A creator's page whose link is no longer valid");
  });

  it('a page that does not exist', async () => {
    await page.goto(`${base}/nowhere`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.title()).toBe('Not found · Tally');
    await checkScreen(page, 'Not found');
  });

  it('as a viewer: Home, a campaign without Reject / Undo, its settings read-only, Settings only for their own account', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, base, seeded.viewerEmail);
    await page.getByTestId('total-sales').waitFor();
    expect(await nav().getByRole('link', { name: 'Settings' }).count()).toBe(1);
    await checkScreen(page, 'Home as a viewer');

    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await approvalOf('#1004').waitFor();
    expect(
      await main()
        .getByRole('button', { name: /^(Reject|Undo) order/ })
        .count(),
    ).toBe(0);
    expect(await main().getByRole('checkbox').count()).toBe(0);
    await checkScreen(page, 'Campaign performance as a viewer');

    await main().getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Mia Chen', level: 3 }).waitFor();
    expect(await main().getByRole('button').count()).toBe(1); // Copy link: nothing to change
    await checkScreen(page, 'Campaign settings as a viewer');

    await page.goto(`${base}/settings`);
    await page.getByText("The account's settings are for admins.").waitFor();
    await page.getByRole('form', { name: 'Change your password' }).waitFor();
    await checkScreen(page, 'Settings as a viewer');
  });
});
