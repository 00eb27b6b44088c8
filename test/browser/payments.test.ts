import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// Paying a creator in Chromium against a real server, seeded through the API: a campaign with no
// hold, one member with a code, one order of 100.00 at 10%. On Payments her amount due is exact;
// she is selected and authorized, the payout marked paid by bank; then the order is refunded
// and the clawback shows as a negative amount due, on Payments, on the campaign's Performance
// table and on her page with the paid payout; she sells again, and the admin makes the link to
// her own page on her page: a phone that never signed in reads it there, until the link is
// revoked. Also: Authorize all above a minimum (her negative balance carried forward) and
// Cancel; an admin's bonus and her PayPal e-mail; the hold saves (and a bad one says why); both
// pages fit a phone; the amounts due page 100 at a time with ticks kept across pages; and a
// viewer reads Payments with no Authorize and no payout files.

const LOCALE = 'en-US';
const eur = (value: string) => formatMoney({ value, currency: 'EUR' }, LOCALE);

async function seed(admin: Client) {
  const mia = (await admin.post('/api/creators', { name: 'Mia Chen', handle: '@mia', email: 'mia@example.com' })).body.id as string;
  const campaign = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' }, holdDays: 0 });
  expect(campaign.body.holdDays).toBe(0);
  expect((await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: mia, codes: ['MIA10'] })).status).toBe(201);
  const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR' })).body.id as string;
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const order = async (status: string, updatedAt: string) => {
    const res = await admin.put(`/api/stores/${store}/orders/B-1`, {
      number: '#2001',
      createdAt: yesterday,
      updatedAt,
      currency: 'EUR',
      subtotal: '100.00',
      status,
      codes: ['MIA10'],
    });
    expect(res.status).toBe(200);
  };
  await order('paid', yesterday);
  const viewerEmail = `viewer-${Date.now()}@example.com`;
  expect((await admin.post('/api/users', { email: viewerEmail, password: PASSWORD, role: 'viewer' })).status).toBe(201);
  return { mia, campaignId: campaign.body.id as string, store, order, viewerEmail };
}

suite('Payments and a creator’s page in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  let seeded: Awaited<ReturnType<typeof seed>>;
  const dueCell = (column: string) =>
    page.getByRole('table', { name: 'Amounts due' }).locator(`tr[data-creator-id="${seeded.mia}"] td[data-column="${column}"]`);

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
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows the creator's exact amount due, authorizes her payout and marks it paid by bank", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
    await page.getByRole('heading', { name: 'Payments', level: 1 }).waitFor();
    await expect.poll(() => dueCell('amountDue').textContent()).toBe(eur('10.00'));
    expect(await dueCell('payable').textContent()).toBe(eur('10.00'));
    expect(await dueCell('onHold').textContent()).toBe(eur('0.00'));
    const totals = page.getByTestId('due-totals');
    expect(await totals.locator('th').textContent()).toBe('Total · 1 creator');
    expect(await totals.locator('td[data-column]').allTextContents()).toEqual([eur('0.00'), eur('10.00'), eur('0.00'), eur('10.00')]);
    await page.getByRole('heading', { name: 'Payout files' }).waitFor();

    const form = page.getByRole('form', { name: 'Authorize payouts' });
    expect(await form.getByRole('button', { name: /^Authorize selected/ }).isDisabled()).toBe(true);
    await page.getByLabel('Select Mia Chen').check();
    await form.getByRole('button', { name: 'Authorize selected (1)' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe(`1 payout authorized, ${eur('10.00')} in all.`);
    await page.getByRole('table', { name: 'Amounts due' }).getByText('Nothing is owed or on hold.').waitFor();
    const payouts = (await admin.get('/api/payouts')).body.items;
    expect(payouts.map((p: { creatorId: string; status: string; amount: unknown }) => [p.creatorId, p.status, p.amount])).toEqual([
      [seeded.mia, 'pending', { value: '10.00', currency: 'EUR' }],
    ]);

    const row = page.getByRole('table', { name: 'Payouts' }).locator(`tr[data-payout-id="${payouts[0].id}"]`);
    await row.getByRole('button', { name: 'Lines' }).click();
    const lines = page.getByRole('table', { name: 'Lines of the payout to Mia Chen' });
    await expect.poll(() => lines.locator('tbody tr').allInnerTexts()).toEqual([`Order #2001\t${eur('10.00')}`]);

    await row.getByRole('button', { name: 'Mark paid' }).click();
    const paid = page.getByRole('form', { name: 'Mark the payout to Mia Chen paid' });
    await paid.getByLabel('Method').selectOption('bank');
    await paid.getByLabel('Reference').fill('BANK-77');
    await paid.getByRole('button', { name: 'Save as paid' }).click();
    await expect.poll(() => row.locator('td[data-column="status"]').textContent()).toBe('Paid');
    expect(await row.locator('td[data-column="method"]').textContent()).toBe('Bank transfer');
    expect(await row.locator('td[data-column="reference"]').textContent()).toBe('BANK-77');
    expect(await row.getByRole('button', { name: 'Mark paid' }).count()).toBe(0);
    expect((await admin.get(`/api/payouts/${payouts[0].id}`)).body).toMatchObject({ status: 'paid', method: 'bank', reference: 'BANK-77' });
  });

  it('shows the clawback of a refund after payout on Payments, the Performance table and her own page, on a phone, until revoked', async () => {
    await seeded.order('refunded', new Date().toISOString());
    // The page is still Payments: the refund's event refetches the amounts due.
    await expect.poll(() => dueCell('amountDue').textContent()).toBe(eur('-10.00'));
    expect(await dueCell('adjustments').textContent()).toBe(eur('-10.00'));
    expect(await dueCell('payable').textContent()).toBe(eur('0.00'));

    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    const performance = page.getByRole('table', { name: 'Creator performance' });
    await expect
      .poll(() => performance.locator(`tr[data-creator-id="${seeded.mia}"] td[data-column="amountDue"]`).textContent())
      .toBe(eur('-10.00'));

    // She sells again: 4.00 of commission nets against the clawback, and she is still owed -6.00.
    const today = new Date().toISOString();
    const sale = {
      number: '#2003',
      createdAt: today,
      updatedAt: today,
      currency: 'EUR',
      subtotal: '40.00',
      status: 'paid',
      codes: ['MIA10'],
    };
    expect((await admin.put(`/api/stores/${seeded.store}/orders/B-3`, sale)).status).toBe(200);
    await performance.getByRole('link', { name: 'Mia Chen' }).click();
    await page.getByRole('heading', { name: 'Mia Chen', level: 1 }).waitFor();
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
    await expect.poll(() => figure('amount-due')).toBe(eur('-6.00'));
    expect([await figure('on-hold'), await figure('payable'), await figure('adjustments')]).toEqual([
      eur('0.00'),
      eur('4.00'),
      eur('-10.00'),
    ]);

    // The admin makes the link to her own page on her page; a phone that never signed in opens it.
    const linkState = page.getByTestId('page-link-state');
    await expect.poll(() => linkState.textContent()).toBe('No page link');
    expect(await page.getByRole('button', { name: 'Revoke page link for Mia Chen' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Make page link for Mia Chen' }).click();
    const link = page.getByRole('textbox', { name: 'Page link for Mia Chen' });
    await link.waitFor();
    await expect.poll(() => linkState.textContent()).toMatch(/^Page link made /);
    const url = await link.inputValue();
    expect(url).toMatch(/\/portal\/[A-Za-z0-9_-]{43}$/);
    const phone = await launchChromium();
    try {
      const own = phone.context.pages()[0] ?? (await phone.context.newPage());
      await own.setViewportSize({ width: 390, height: 844 });
      await own.goto(`${base}${new URL(url).pathname}`);
      await own.getByRole('heading', { level: 1, name: 'Mia Chen' }).waitFor();
      expect(await own.locator('[data-figure="on-hold"]').textContent()).toBe(eur('0.00'));
      expect(await own.locator('[data-figure="amount-due"]').textContent()).toBe(eur('-6.00'));
      const orders = own.getByRole('list', { name: 'Orders' }).getByRole('listitem');
      const cards = await orders.evaluateAll((items) =>
        items.map((i) => [
          i.getAttribute('data-order'),
          i.querySelector('.badge')?.textContent,
          i.querySelector('[data-column="commission"]')?.textContent,
        ]),
      );
      expect(cards).toEqual([['#2003', 'Paid', eur('4.00')]]);
      const payouts = own.getByRole('list', { name: 'Payouts' }).getByRole('listitem');
      expect(await payouts.locator('.portal-card-head').allTextContents()).toEqual([`${eur('10.00')}Paid`]);
      expect(await own.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect(await own.getByRole('button', { name: 'Sign out' }).count()).toBe(0);

      // Revoked on her page, the link says it is no longer valid.
      await page.getByRole('button', { name: 'Revoke page link for Mia Chen' }).click();
      await page.getByText('The link no longer works.').waitFor();
      await expect.poll(() => linkState.textContent()).toBe('No page link');
      expect(await page.getByRole('button', { name: 'Revoke page link for Mia Chen' }).count()).toBe(0);
      await own.reload();
      await own.getByRole('heading', { level: 1, name: 'This link is no longer valid' }).waitFor();
      expect(await own.getByText('Ask the brand for a new link.').count()).toBe(1);
    } finally {
      await phone.close();
    }
  });

  it('authorizes everyone at or above a minimum, counts the creators left with a balance, and cancels', async () => {
    const leo = (await admin.post('/api/creators', { name: 'Leo Park' })).body.id as string;
    expect((await admin.post(`/api/campaigns/${seeded.campaignId}/members`, { creatorId: leo, codes: ['LEO5'] })).status).toBe(201);
    const at = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const order = { number: '#2002', createdAt: at, updatedAt: at, currency: 'EUR', subtotal: '50.00', status: 'paid', codes: ['LEO5'] };
    expect((await admin.put(`/api/stores/${seeded.store}/orders/B-2`, order)).status).toBe(200);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
    const leoDue = page.getByRole('table', { name: 'Amounts due' }).locator(`tr[data-creator-id="${leo}"] td[data-column="amountDue"]`);
    await expect.poll(() => leoDue.textContent()).toBe(eur('5.00'));
    const form = page.getByRole('form', { name: 'Authorize payouts' });
    await form.getByLabel(/Minimum amount/).fill('1.00');
    await form.getByRole('button', { name: 'Authorize all' }).click();
    await expect
      .poll(() => form.getByRole('status').textContent())
      .toBe(
        `1 payout authorized, ${eur('5.00')} in all. 1 other creator keeps a balance: carried forward, below the minimum, or still on hold.`,
      );
    await expect.poll(() => leoDue.count()).toBe(0);
    expect(await dueCell('amountDue').textContent()).toBe(eur('-6.00'));
    const pending = (await admin.get('/api/payouts?status=pending')).body.items;
    expect(pending.map((p: { creatorId: string; amount: unknown }) => [p.creatorId, p.amount])).toEqual([
      [leo, { value: '5.00', currency: 'EUR' }],
    ]);

    // Canceled, what it paid is in Leo's amount due again.
    const row = page.getByRole('table', { name: 'Payouts' }).locator(`tr[data-payout-id="${pending[0].id}"]`);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await page
      .getByRole('group', { name: 'Confirm canceling the payout to Leo Park' })
      .getByRole('button', { name: 'Cancel payout' })
      .click();
    await expect.poll(() => row.locator('td[data-column="status"]').textContent()).toBe('Canceled');
    await expect.poll(() => leoDue.textContent()).toBe(eur('5.00'));
    expect((await admin.get(`/api/payouts/${pending[0].id}`)).body.status).toBe('canceled');
  });

  it("shows the clawback and the paid payout on the creator's page, reached from the Performance table", async () => {
    await page.goto(`${base}/campaigns/${seeded.campaignId}`);
    await page.getByRole('table', { name: 'Creator performance' }).getByRole('link', { name: 'Mia Chen' }).click();
    await page.getByRole('heading', { name: 'Mia Chen', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/creators/${seeded.mia}`);
    await page.getByText('mia@example.com').waitFor();
    await expect.poll(() => page.getByTestId('creator-totals').textContent()).toBe(`In all: 1 counted order, ${eur('4.00')} commission.`);
    const campaign = page.locator(`li[data-campaign-id="${seeded.campaignId}"]`);
    expect(await campaign.getByText('Codes: MIA10').count()).toBe(1);

    const orders = page.getByRole('table', { name: 'Orders' });
    await expect.poll(() => orders.locator('tbody tr td[data-column="status"]').allTextContents()).toEqual(['Paid', 'Refunded']);

    const adjustments = page.getByRole('table', { name: 'Adjustments' });
    await expect.poll(() => adjustments.locator('td[data-column="kind"]').allTextContents()).toEqual(['Clawback']);
    expect(await adjustments.locator('td[data-column="amount"]').allTextContents()).toEqual([eur('-10.00')]);

    const payouts = page.getByRole('table', { name: "Creator's payouts" });
    await expect.poll(() => payouts.locator('td[data-column="status"]').allTextContents()).toEqual(['Paid']);
    expect(await payouts.locator('td[data-column="reference"]').allTextContents()).toEqual(['BANK-77']);
    expect(await payouts.locator('td[data-column="amount"]').allTextContents()).toEqual([eur('10.00')]);

    // An admin adds a bonus; one of zero is refused with the server's reason.
    const form = page.getByRole('form', { name: 'Add an adjustment' });
    await form.getByLabel('Amount (EUR)').fill('0');
    await form.getByLabel('Reason').fill('Launch video');
    await form.getByRole('button', { name: 'Add adjustment' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('Could not add it: amount: an adjustment of zero changes nothing.');
    await form.getByLabel('Amount (EUR)').fill('20.00');
    await form.getByRole('button', { name: 'Add adjustment' }).click();
    await expect.poll(() => adjustments.locator('td[data-column="kind"]').allTextContents()).toEqual(['Bonus', 'Clawback']);
    expect(await adjustments.locator('td[data-column="amount"]').allTextContents()).toEqual([eur('20.00'), eur('-10.00')]);
    await expect.poll(() => page.locator('[data-figure="amount-due"]').textContent()).toBe(eur('14.00'));
    expect(await page.locator('[data-figure="adjustments"]').textContent()).toBe(eur('10.00'));

    // Her PayPal e-mail, set and cleared on her page.
    const paypal = page.locator('[data-fact="paypal-email"]');
    expect(await paypal.textContent()).toBe('—');
    await page.getByRole('button', { name: 'PayPal e-mail of Mia Chen' }).click();
    const box = page.getByRole('textbox', { name: 'PayPal e-mail of Mia Chen' });
    await expect.poll(() => box.isEnabled()).toBe(true);
    await box.fill('mia@pay.example');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => paypal.textContent()).toBe('mia@pay.example');
    expect((await admin.get(`/api/creators/${seeded.mia}`)).body.paypalEmail).toBe('mia@pay.example');
    await box.fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Cleared.').waitFor();
    expect(await paypal.textContent()).toBe('—');
    expect((await admin.get(`/api/creators/${seeded.mia}`)).body.paypalEmail).toBeNull();
  });

  it('saves the campaign’s hold, and shows the server’s reason for a hold out of range', async () => {
    await page.goto(`${base}/campaigns/${seeded.campaignId}/settings`);
    const form = page.getByRole('form', { name: 'Payment hold' });
    expect(await form.getByLabel('Hold (days)').inputValue()).toBe('0');
    await form.getByLabel('Hold (days)').fill('400');
    await form.getByRole('button', { name: 'Save hold' }).click();
    const refused = await admin.patch(`/api/campaigns/${seeded.campaignId}`, { holdDays: 400 });
    expect(refused.status).toBe(400);
    await expect.poll(() => form.getByRole('alert').textContent()).toBe(`Could not save the hold: ${refused.body.error.message}`);
    await form.getByLabel('Hold (days)').fill('30');
    await form.getByRole('button', { name: 'Save hold' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Hold saved.');
    expect((await admin.get(`/api/campaigns/${seeded.campaignId}`)).body.holdDays).toBe(30);
  });

  it("fits Payments and the creator's page in a phone-width screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of ['/payments', `/creators/${seeded.mia}`]) {
        await page.goto(`${base}${path}`);
        await page.locator('main h1').waitFor();
        // Each section loads on its own: wait until none still is.
        await expect.poll(() => page.getByRole('status').filter({ hasText: 'Loading…' }).count()).toBe(0);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, path).toBe(0);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('pages the amounts due 100 at a time, keeps ticked creators ticked across pages and authorizes only them', async () => {
    // 120 creators more with a bonus of 1.00 each but Zoe 002, who has a deduction of 1.00: with
    // Leo and Mia, 122 owed, on hold or carried forward.
    for (let n = 1; n <= 120; n += 1) {
      const id = (await admin.post('/api/creators', { name: `Zoe ${String(n).padStart(3, '0')}` })).body.id as string;
      const value = n === 2 ? '-1.00' : '1.00';
      const bonus = await admin.post(`/api/creators/${id}/adjustments`, { amount: { value, currency: 'EUR' }, reason: 'welcome' });
      expect(bonus.status).toBe(201);
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
    const table = page.getByRole('table', { name: 'Amounts due' });
    const names = () => table.locator('tbody th').allTextContents();
    const totals = page.getByTestId('due-totals');
    await expect.poll(() => totals.locator('th').textContent()).toBe('Total · 122 creators');
    // On hold since the hold is 30 days: Leo's 5.00 and Mia's 4.00. Adjusted: Mia 10.00, the others 118.00.
    expect(await totals.locator('td[data-column]').allTextContents()).toEqual([eur('9.00'), eur('0.00'), eur('128.00'), eur('128.00')]);
    await expect.poll(async () => (await names()).length).toBe(100);
    expect((await names()).slice(0, 3)).toEqual(['Leo Park', 'Mia Chen', 'Zoe 001']);
    const pager = page.getByRole('navigation', { name: 'Amounts due pages' });
    expect(await pager.locator('span').textContent()).toBe('1–100 of 122');

    await page.getByLabel('Select Zoe 001').check();
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pager.locator('span').textContent()).toBe('101–122 of 122');
    expect(await names()).toEqual(Array.from({ length: 22 }, (_, i) => `Zoe ${String(i + 99).padStart(3, '0')}`));
    await page.getByLabel('Select Zoe 120').check();
    await pager.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => pager.locator('span').textContent()).toBe('1–100 of 122');
    expect(await page.getByLabel('Select Zoe 001').isChecked()).toBe(true);
    await page.getByLabel('Select Zoe 002').check();

    const form = page.getByRole('form', { name: 'Authorize payouts' });
    await form.getByRole('button', { name: 'Authorize selected (3)' }).click();
    await expect
      .poll(() => form.getByRole('status').textContent())
      .toBe(
        `2 payouts authorized, ${eur('2.00')} in all. Carried forward, no payout: Zoe 002 (${eur('-1.00')}): ` +
          'a negative balance nets against later commission.',
      );
    const pending = (await admin.get('/api/payouts?status=pending')).body.items;
    expect(pending.map((p: { creatorName: string; amount: unknown }) => [p.creatorName, p.amount])).toEqual([
      ['Zoe 120', { value: '1.00', currency: 'EUR' }],
      ['Zoe 001', { value: '1.00', currency: 'EUR' }],
    ]);
    await expect.poll(() => totals.locator('th').textContent()).toBe('Total · 120 creators');
    expect(await form.getByRole('button', { name: /^Authorize selected/ }).isDisabled()).toBe(true);

    // The second page's creators (Zoe 100 to 119) paid by a colleague meanwhile: the emptied page
    // gives way to the one before.
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pager.locator('span').textContent()).toBe('101–120 of 120');
    const owed = (await admin.get('/api/payouts/due')).body.creators as Array<{ creatorId: string; name: string }>;
    const secondPage = owed.filter((c) => c.name >= 'Zoe 100').map((c) => c.creatorId);
    expect(secondPage).toHaveLength(20);
    expect((await admin.post('/api/payouts', { creatorIds: secondPage })).status).toBe(201);
    await expect.poll(() => totals.locator('th').textContent()).toBe('Total · 100 creators');
    await expect.poll(async () => (await names()).length).toBe(100);
    expect((await names()).slice(0, 3)).toEqual(['Leo Park', 'Mia Chen', 'Zoe 002']);
    expect(await pager.count()).toBe(0);

    // Every Zoe paid too (Leo and Mia are left as the next test expects them): more than 100
    // payouts, 50 a page from the server, each once.
    const zoes = ((await admin.get('/api/payouts/due')).body.creators as Array<{ creatorId: string; name: string }>)
      .filter((c) => c.name.startsWith('Zoe'))
      .map((c) => c.creatorId);
    expect((await admin.post('/api/payouts', { creatorIds: zoes })).status).toBe(201);
    const everyPayout = (await admin.get('/api/payouts')).body.items as Array<{ id: string }>;
    expect(everyPayout.length).toBeGreaterThan(100);
    const payouts = page.getByRole('table', { name: 'Payouts' });
    const payoutPager = page.getByRole('navigation', { name: 'Payouts pages' });
    const shownIds = () =>
      payouts.locator('tbody tr[data-payout-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-payout-id')));
    await expect.poll(() => payoutPager.locator('span').textContent()).toBe('1–50');
    const firstPage = await shownIds();
    await payoutPager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => payoutPager.locator('span').textContent()).toBe('51–100');
    const nextPage = await shownIds();
    expect([...firstPage, ...nextPage]).toEqual(everyPayout.slice(0, 100).map((p) => p.id));
  });

  it('lets a viewer read Payments with no Authorize, Mark paid or Cancel', async () => {
    await admin.post(`/api/creators/${seeded.mia}/adjustments`, { amount: { value: '25.00', currency: 'EUR' }, reason: 'launch bonus' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, base, seeded.viewerEmail);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
    // −10.00 clawed back, +20.00 and +25.00 of bonuses.
    await expect.poll(() => dueCell('amountDue').textContent()).toBe(eur('35.00'));
    // The paid payout, among the pending ones of the test before.
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Paid' });
    await page.getByRole('table', { name: 'Payouts' }).getByText('BANK-77').waitFor();
    expect(await page.getByRole('button', { name: /Authorize/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Mark paid' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Payout files' }).count()).toBe(0);
  });
});
