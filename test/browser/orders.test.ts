import fs from 'node:fs';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/schemas/exports.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// The Orders table in Chromium against a real server: filters answered by the server, row /
// page / all-matching selection, CSV export of the selection, and a viewer's read-only table.

const DAY = 24 * 3600 * 1000;

/** YYYY-MM-DD of a UTC instant (the seeded orders sit at midday UTC, the same day in Paris). */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const noonDaysAgo = (days: number) => Date.parse(`${dayOf(Date.now() - days * DAY)}T12:00:00Z`);

// Five orders, oldest first: two ten days ago, three two days ago; two creators; every status.
const ORDERS = [
  { id: 'S-1001', number: '#1001', code: 'MIA10', daysAgo: 10, subtotal: '100.00', status: 'paid' },
  { id: 'S-1002', number: '#1002', code: 'LEO5', daysAgo: 10, subtotal: '40.00', status: 'pending' },
  { id: 'S-1003', number: '#1003', code: 'MIA10', daysAgo: 2, subtotal: '75.50', status: 'paid' },
  { id: 'S-1004', number: '#1004', code: 'LEO5', daysAgo: 2, subtotal: '60.00', refunded: '20.00', status: 'paid' },
  { id: 'S-1005', number: '#1005', code: 'MIA10', daysAgo: 2, subtotal: '15.00', status: 'canceled' },
] as const;

async function seed(admin: Client) {
  const mia = await admin.post('/api/creators', { name: 'Mia Chen', handle: '@mia' });
  const leo = await admin.post('/api/creators', { name: 'Leo Park', handle: '@leo' });
  const campaign = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } });
  for (const [creator, code] of [
    [mia, 'MIA10'],
    [leo, 'LEO5'],
  ] as const) {
    const member = await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: [code] });
    expect(member.status).toBe(201);
  }
  const store = await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' });
  expect(store.status).toBe(201);
  const ids: Record<string, string> = {};
  for (const [i, o] of ORDERS.entries()) {
    const at = new Date(noonDaysAgo(o.daysAgo) + i * 60_000).toISOString();
    const res = await admin.put(`/api/stores/${store.body.id}/orders/${o.id}`, {
      number: o.number,
      createdAt: at,
      updatedAt: at,
      currency: 'EUR',
      subtotal: o.subtotal,
      ...('refunded' in o && { refunded: o.refunded }),
      status: o.status,
      codes: [o.code],
    });
    expect(res.status).toBe(200);
    ids[o.number] = res.body.conversionId;
  }
  return {
    campaignId: campaign.body.id as string,
    miaId: mia.body.id as string,
    leoId: leo.body.id as string,
    storeId: store.body.id as string,
    ids,
  };
}

const orderNumbers = (page: Page) => page.locator('table[aria-label="Orders"] tbody td[data-column="orderNumber"]').allTextContents();
const summary = (page: Page) => page.locator('.selection-count').textContent();

/** The CSV's records without the byte order mark; the seeded values hold no comma or quote. */
function csvRecords(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(1, -2)
    .split('\r\n')
    .map((line) => line.split(','));
}
const column = (name: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(name);

async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await download.path();
  return { download, text: fs.readFileSync(file, 'utf8') };
}

suite('Orders table in Chromium', () => {
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
    const account = await newAccount(t.app, { password: PASSWORD, timeZone: 'Europe/Paris', defaultCurrency: 'EUR' });
    admin = account.admin;
    email = account.email;
    seeded = await seed(admin);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, base, email);
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await page.getByRole('heading', { name: 'Summer Launch' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('filters by status, approval and dates on the server, and says when nothing matches', async () => {
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
    const status = page.getByRole('combobox', { name: 'Status' });

    await status.selectOption({ label: 'Paid' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1003', '#1001']);
    await status.selectOption({ label: 'Partially refunded' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1004']);
    expect(await page.locator('table[aria-label="Orders"] tbody td[data-column="amount"]').allTextContents()).toEqual(['€40.00']);
    await status.selectOption({ label: 'Canceled' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005']);
    await status.selectOption({ label: 'Refunded' });
    await page.getByText('No orders match these filters.').waitFor();
    expect(await orderNumbers(page)).toEqual([]);

    // The empty state's own button clears every filter.
    await page.getByRole('table', { name: 'Orders' }).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
    expect(await status.inputValue()).toBe('');

    // Days in the account's time zone, inclusive.
    await page.getByLabel('From', { exact: true }).fill(dayOf(Date.now() - 2 * DAY));
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003']);
    await page.getByLabel('From', { exact: true }).fill('');
    await page.getByLabel('To', { exact: true }).fill(dayOf(Date.now() - 10 * DAY));
    await expect.poll(() => orderNumbers(page)).toEqual(['#1002', '#1001']);
    await page.getByRole('form', { name: 'Filter orders' }).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);

    // A rejected order leaves the "approved" filter after a refetch and is the only "rejected" one.
    expect((await admin.post(`/api/conversions/${seeded.ids['#1003']}/reject`, {})).status).toBe(200);
    const approval = page.getByRole('combobox', { name: 'Approval' });
    await approval.selectOption({ label: 'Rejected' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1003']);
    await approval.selectOption({ label: 'Approved' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1002', '#1001']);
    expect((await admin.post(`/api/conversions/${seeded.ids['#1003']}/approve`, {})).status).toBe(200);
    await approval.selectOption({ label: 'Any approval' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
  });

  it("filters by creator, the campaign's members by name", async () => {
    const creator = page.getByRole('combobox', { name: 'Creator' });
    expect(await creator.locator('option').allTextContents()).toEqual(['Any creator', 'Leo Park', 'Mia Chen']);
    await creator.selectOption({ label: 'Leo Park' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1004', '#1002']);
    await creator.selectOption({ label: 'Mia Chen' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1003', '#1001']);
    // Combined with a status: Mia's paid orders.
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Paid' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1003', '#1001']);
    await page.getByRole('form', { name: 'Filter orders' }).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
  });

  it("exports two selected rows as the API does, under the server's file name", async () => {
    expect(await summary(page)).toBe('0 selected');
    expect(await page.getByRole('button', { name: 'Export selected' }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select order #1001' }).check();
    await page.getByRole('checkbox', { name: 'Select order #1003' }).check();
    await expect.poll(() => summary(page)).toBe('2 selected');
    expect(
      await page
        .getByRole('checkbox', { name: 'Select all loaded orders' })
        .evaluate((e) => (e as unknown as { indeterminate: boolean }).indeterminate),
    ).toBe(true);

    const { download, text } = await downloadOf(page, () => page.getByRole('button', { name: 'Export selected' }).click());
    expect(download.suggestedFilename()).toBe('summer-launch-conversions-selected.csv');
    const records = csvRecords(text);
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    expect(
      records
        .slice(1)
        .map((r) => [
          r[column('Order Number')],
          r[column('Creator')],
          r[column('Status')],
          r[column('Amount')],
          r[column('Currency')],
          r[column('Commission')],
        ]),
    ).toEqual([
      ['#1003', 'Mia Chen', 'Paid', '75.50', 'EUR', '7.55'],
      ['#1001', 'Mia Chen', 'Paid', '100.00', 'EUR', '10.00'],
    ]);
    const api = await admin.post(`/api/campaigns/${seeded.campaignId}/conversions/export`, {
      ids: [seeded.ids['#1001'], seeded.ids['#1003']],
    });
    expect(api.status).toBe(200);
    expect(text).toBe(api.text);

    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect.poll(() => summary(page)).toBe('0 selected');
    expect(await page.getByRole('checkbox', { name: /^Select order/, checked: true }).count()).toBe(0);
  });

  it('selects all orders matching the filters and exports exactly those', async () => {
    await page.getByRole('combobox', { name: 'Creator' }).selectOption({ label: 'Mia Chen' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1003', '#1001']);
    expect(await page.getByRole('link', { name: 'Export all matching' }).getAttribute('href')).toBe(
      `/api/campaigns/${seeded.campaignId}/conversions/export?creatorId=${seeded.miaId}`,
    );

    await page.getByRole('checkbox', { name: 'Select all loaded orders' }).check();
    await expect.poll(() => summary(page)).toBe('3 selected');
    await page.getByText('All 3 loaded rows are selected.').waitFor();
    await page.getByRole('button', { name: 'Select all orders matching these filters' }).click();
    await expect.poll(() => summary(page)).toBe('All 3 matching orders selected');

    const { download, text } = await downloadOf(page, () => page.getByRole('button', { name: 'Export selected' }).click());
    expect(download.suggestedFilename()).toBe('summer-launch-conversions-all-time.csv');
    const records = csvRecords(text);
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    expect(records.slice(1).map((r) => [r[column('Order Number')], r[column('Status')], r[column('Amount')]])).toEqual([
      // A canceled order's current sale value is nothing.
      ['#1005', 'Canceled', '0.00'],
      ['#1003', 'Paid', '75.50'],
      ['#1001', 'Paid', '100.00'],
    ]);
    const api = await admin.get(`/api/campaigns/${seeded.campaignId}/conversions/export?creatorId=${seeded.miaId}`);
    expect(text).toBe(api.text);

    // The plain link downloads the same file.
    const viaLink = await downloadOf(page, () => page.getByRole('link', { name: 'Export all matching' }).click());
    expect(viaLink.text).toBe(api.text);

    // Unticking one row turns "all matching" into the loaded rows less that one.
    await page.getByRole('checkbox', { name: 'Select order #1005' }).uncheck();
    await expect.poll(() => summary(page)).toBe('2 selected');

    // Changing a filter clears the selection.
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Paid' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1003', '#1001']);
    expect(await summary(page)).toBe('0 selected');
    await page.getByRole('form', { name: 'Filter orders' }).getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
  });

  it('exports every matching order beyond the loaded page without loading them', async () => {
    // A second campaign with 53 paid orders: the table loads 50. Its name is not ASCII, so the
    // server names the file with RFC 8187's filename* as well.
    const campaign = await admin.post('/api/campaigns', { name: "Soldes d'été", commission: { percent: '5' } });
    expect((await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: seeded.leoId, codes: ['BIG'] })).status).toBe(201);
    const start = noonDaysAgo(3);
    for (let i = 1; i <= 53; i++) {
      const at = new Date(start + i * 60_000).toISOString();
      const res = await admin.put(`/api/stores/${seeded.storeId}/orders/B-${i}`, {
        number: `#B${i}`,
        createdAt: at,
        updatedAt: at,
        currency: 'EUR',
        subtotal: `${i}.00`,
        status: 'paid',
        codes: ['BIG'],
      });
      expect(res.status).toBe(200);
    }
    await page.goto(`${base}/campaigns/${campaign.body.id}`);
    await page.getByRole('heading', { name: "Soldes d'été" }).waitFor();
    await expect.poll(async () => (await orderNumbers(page)).length).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).waitFor();

    const listed: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.endsWith('/conversions')) listed.push(request.url());
    });
    await page.getByRole('checkbox', { name: 'Select all loaded orders' }).check();
    await page.getByText('All 50 loaded rows are selected.').waitFor();
    await page.getByRole('button', { name: 'Select all orders matching these filters' }).click();
    await expect.poll(() => summary(page)).toBe('All matching orders selected');
    await page.getByText('All orders matching these filters are selected, beyond the 50 loaded.').waitFor();

    const { download, text } = await downloadOf(page, () => page.getByRole('button', { name: 'Export selected' }).click());
    expect(download.suggestedFilename()).toBe('soldes-d-été-conversions-all-time.csv');
    const records = csvRecords(text);
    expect(records).toHaveLength(1 + 53);
    expect(records[1]?.[column('Order Number')]).toBe('#B53');
    expect(records[53]?.[column('Order Number')]).toBe('#B1');
    expect(records.slice(1).reduce((sum, r) => sum + Number(r[column('Amount')]), 0)).toBe((53 * 54) / 2);
    // No further page of rows was asked for, and the table still holds 50.
    expect(listed).toEqual([]);
    expect((await orderNumbers(page)).length).toBe(50);

    // One row exported through the POST keeps the accented name too.
    await page.getByRole('button', { name: 'Clear selection' }).first().click();
    await page.getByRole('checkbox', { name: 'Select order #B7' }).check();
    const one = await downloadOf(page, () => page.getByRole('button', { name: 'Export selected' }).click());
    expect(one.download.suggestedFilename()).toBe('soldes-d-été-conversions-selected.csv');
    expect(
      csvRecords(one.text)
        .slice(1)
        .map((r) => [r[column('Order Number')], r[column('Amount')], r[column('Commission')]]),
    ).toEqual([['#B7', '7.00', '0.35']]);
  });

  it('fits a phone: the filters wrap and only the table scrolls sideways', async () => {
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await expect.poll(() => page.locator('html').evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(390);
      const wrap = await page.locator('.orders .table-wrap').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      expect(wrap.scroll).toBeGreaterThan(wrap.client);
      const filters = await page.getByRole('form', { name: 'Filter orders' }).boundingBox();
      expect(filters?.width).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows a clear error when an export fails', async () => {
    await page.getByRole('checkbox', { name: 'Select order #1002' }).check();
    await expect.poll(() => summary(page)).toBe('1 selected');
    // The session ends elsewhere (another tab signs out) before the export is asked for.
    const logout = await page.request.post(`${base}/api/logout`);
    expect(logout.status()).toBe(204);
    await page.getByRole('button', { name: 'Export selected' }).click();
    await page.getByRole('alert').filter({ hasText: 'Export failed' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Export failed' }).textContent()).toBe(
      'Export failed: Sign in or send an API key.',
    );
  });

  it('shows a viewer the filters but no selection or export', async () => {
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    expect((await admin.post('/api/users', { email: viewerEmail, password: PASSWORD, role: 'viewer' })).status).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await signIn(page, base, viewerEmail);
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await expect.poll(() => orderNumbers(page)).toEqual(['#1005', '#1004', '#1003', '#1002', '#1001']);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Export selected' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Export all matching' }).count()).toBe(0);
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Pending' });
    await expect.poll(() => orderNumbers(page)).toEqual(['#1002']);
    // The server refuses a viewer's export too.
    const res = await page.request.post(`${base}/api/campaigns/${seeded.campaignId}/conversions/export`, {
      data: { ids: [seeded.ids['#1002']] },
    });
    expect(res.status()).toBe(403);
  });
});
