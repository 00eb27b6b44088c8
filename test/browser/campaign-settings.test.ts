import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { presetRange } from '../../web/src/ui/date-range.ts';
import { formatMoney } from '../../web/src/ui/format.ts';
import { type Client, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// Campaign settings and the Community page in Chromium against a real server, seeded through
// the API: creating a campaign, members, codes (and a taken one), links and the clipboard,
// terms, removing and re-adding a member, removing and restoring a creator, and what a viewer
// is not offered.

const TIME_ZONE = 'Europe/Paris';
const LOCALE = 'en-US';
const eur = (value: string) => formatMoney({ value, currency: 'EUR' }, LOCALE);

async function seed(admin: Client) {
  const creator = async (name: string, handle: string) => {
    const res = await admin.post('/api/creators', { name, handle });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const mia = await creator('Mia Chen', '@mia');
  const leo = await creator('Leo Park', '@leo');
  const ava = await creator('Ava Stone', '@ava');
  const noah = await creator('Noah Kim', '@noah');
  const summer = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } });
  const winter = await admin.post('/api/campaigns', { name: 'Winter Sale', commission: { percent: '5' } });
  expect((await admin.post(`/api/campaigns/${summer.body.id}/members`, { creatorId: mia, codes: ['MIA10'] })).status).toBe(201);
  expect((await admin.post(`/api/campaigns/${winter.body.id}/members`, { creatorId: ava, codes: ['AVA20'] })).status).toBe(201);
  // Links lead only to the account's domains: the store's is shop.example.com.
  const store = await admin.post('/api/stores', { platform: 'custom', name: 'Web shop', currency: 'EUR', domain: 'shop.example.com' });
  expect(store.status).toBe(201);
  const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const order = await admin.put(`/api/stores/${store.body.id}/orders/B-1`, {
    number: '#2001',
    createdAt: yesterday,
    updatedAt: yesterday,
    currency: 'EUR',
    subtotal: '100.00',
    status: 'paid',
    codes: ['MIA10'],
  });
  expect(order.status).toBe(200);
  expect(order.body.conversionId).toBeTruthy();
  return { summerId: summer.body.id as string, mia, leo, ava, noah };
}

suite('campaign settings and Community in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let admin: Client;
  let email: string;
  let seeded: Awaited<ReturnType<typeof seed>>;
  const leoCard = () => page.locator(`li.member[data-creator-id="${seeded.leo}"]`);

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const account = await newAccount(t.app, { password: PASSWORD, timeZone: TIME_ZONE, defaultCurrency: 'EUR' });
    admin = account.admin;
    email = account.email;
    seeded = await seed(admin);
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, base, email);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates a campaign with its terms from the Campaigns list', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    const form = page.getByRole('form', { name: 'New campaign' });
    await form.getByLabel('Campaign name').fill('Autumn Drop');
    await form.getByLabel('Percent of sale').fill('150');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    expect(await form.getByRole('alert').textContent()).toBe(
      '"150" is not a percent: give a number from 0 to 100 with at most 4 decimals, such as 12.5.',
    );
    await form.getByLabel('Percent of sale').fill('7.5');
    await form.getByLabel('Fixed amount per order').fill('1.50');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Autumn Drop' }).waitFor();
    const list = await admin.get('/api/campaigns');
    const created = list.body.items.find((c: { name: string }) => c.name === 'Autumn Drop');
    expect(created.commission).toEqual({ percent: '7.5', fixed: { value: '1.50', currency: 'EUR' } });
    expect(list.body.items).toHaveLength(3);
    // It opens on its Settings tab, with no members yet.
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${created.id}/settings`);
    await page.getByText('No members yet.').waitFor();
  });

  it('switches between Performance and Settings tabs by link and keyboard', async () => {
    await page.goto(`${base}/campaigns/${seeded.summerId}`);
    const tabs = page.getByRole('navigation', { name: 'Campaign' });
    await page.getByRole('heading', { name: 'Summer Launch' }).waitFor();
    expect(await tabs.getByRole('link', { name: 'Performance' }).getAttribute('aria-current')).toBe('page');
    expect(await tabs.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBeNull();
    await tabs.getByRole('link', { name: 'Settings' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Commission terms' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${seeded.summerId}/settings`);
    expect(await tabs.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
    expect(await tabs.getByRole('link', { name: 'Performance' }).getAttribute('aria-current')).toBeNull();
    // The existing member and its code, on a reload of the Settings address.
    await page.reload();
    await page.locator(`li.member[data-creator-id="${seeded.mia}"]`).getByText('MIA10', { exact: true }).waitFor();
  });

  it('adds a member with a code, and explains a code another member holds', async () => {
    const form = page.getByRole('form', { name: 'Add a member' });
    // The choices are a page of the Community, narrowed by the server as the search is typed.
    const options = () => form.getByLabel('Creator', { exact: true }).locator('option').allTextContents();
    await expect.poll(options).toEqual(['Choose a creator…', 'Leo Park (@leo)', 'Ava Stone (@ava)', 'Noah Kim (@noah)']);
    await form.getByLabel('Search the Community').fill('@LE');
    await expect.poll(options).toEqual(['Choose a creator…', 'Leo Park (@leo)']);
    await form.getByLabel('Creator', { exact: true }).selectOption({ label: 'Leo Park (@leo)' });
    await form.getByLabel('Codes').fill('LEO15');
    await form.getByRole('button', { name: 'Add member' }).click();
    await leoCard().getByText('LEO15', { exact: true }).waitFor();
    const member = await admin.get(`/api/campaigns/${seeded.summerId}/members/${seeded.leo}`);
    expect(member.body.codes).toEqual(['LEO15']);
    expect(member.body.removed).toBe(false);

    await leoCard().getByLabel('New code for Leo Park').fill('ava20');
    await leoCard().getByRole('button', { name: 'Add code' }).click();
    await expect.poll(() => leoCard().getByRole('alert').textContent()).toBe('Another member holds the code "ava20".');
    expect((await admin.get(`/api/campaigns/${seeded.summerId}/members/${seeded.leo}`)).body.codes).toEqual(['LEO15']);
  });

  it("says why a link off the account's domains is refused", async () => {
    await leoCard().getByLabel('Link destination for Leo Park').fill('https://elsewhere.example/tee');
    await leoCard().getByRole('button', { name: 'Create link' }).click();
    const linkForm = leoCard().locator('form', { has: page.getByLabel('Link destination for Leo Park') });
    await expect
      .poll(() => linkForm.getByRole('alert').textContent())
      .toBe(
        "Links may lead only to a domain of one of the account's stores or on its list of link domains; elsewhere.example is on neither. An admin can add it in Settings.",
      );
    expect((await admin.get(`/api/campaigns/${seeded.summerId}/members/${seeded.leo}`)).body.links).toEqual([]);
  });

  it('creates a link whose Copy button puts its exact URL on the clipboard', async () => {
    await leoCard().getByLabel('Link destination for Leo Park').fill('https://shop.example.com/products/tee');
    await leoCard().getByRole('button', { name: 'Create link' }).click();
    await leoCard().locator('code.url').waitFor();
    const member = await admin.get(`/api/campaigns/${seeded.summerId}/members/${seeded.leo}`);
    expect(member.body.links).toHaveLength(1);
    const url = member.body.links[0].url as string;
    expect(url).toBe(`http://tally.test/r/${member.body.links[0].slug}`);
    expect(await leoCard().locator('code.url').textContent()).toBe(url);

    await leoCard()
      .getByRole('button', { name: `Copy link ${url}` })
      .click();
    await expect.poll(() => leoCard().locator('.copied').textContent()).toBe('Copied');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(url);

    // Without a clipboard the button says how to copy by hand.
    await page.evaluate("Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true })");
    await leoCard()
      .getByRole('button', { name: `Copy link ${url}` })
      .click();
    await expect
      .poll(() => leoCard().locator('.copy [role="alert"]').textContent())
      .toBe('Copying is not available in this browser: select the address and copy it by hand.');
    await page.reload();
  });

  it('changes the commission terms and the API has them', async () => {
    const form = page.getByRole('form', { name: 'Commission terms' });
    await form.getByLabel('Percent of sale').fill('12.5');
    await form.getByLabel('Fixed amount per order').fill('2.00');
    await form.getByLabel('Currency of the fixed amount').fill('usd');
    await form.getByRole('button', { name: 'Save terms' }).click();
    await form.getByText('Terms saved.').waitFor();
    const campaign = await admin.get(`/api/campaigns/${seeded.summerId}`);
    expect(campaign.body.commission).toEqual({ percent: '12.5', fixed: { value: '2.00', currency: 'USD' } });
    expect(await form.getByTestId('campaign-terms').textContent()).toBe(
      `12.5% + ${formatMoney({ value: '2.00', currency: 'USD' }, LOCALE)} per order`,
    );

    // Clearing the fixed amount leaves the percent alone.
    await form.getByLabel('Fixed amount per order').fill('');
    await form.getByRole('button', { name: 'Save terms' }).click();
    await expect
      .poll(async () => (await admin.get(`/api/campaigns/${seeded.summerId}`)).body.commission)
      .toEqual({ percent: '12.5', fixed: null });
  });

  it('removes a member and re-adds it with its codes', async () => {
    await leoCard().getByRole('button', { name: 'Remove Leo Park' }).click();
    const removed = page.locator(`.removed-members li[data-creator-id="${seeded.leo}"]`);
    await removed.waitFor();
    expect(await leoCard().count()).toBe(0);
    expect(await removed.textContent()).toContain('codes LEO15');
    const active = await admin.get(`/api/campaigns/${seeded.summerId}/members`);
    expect(active.body.items.map((m: { creatorId: string }) => m.creatorId)).toEqual([seeded.mia]);

    await removed.getByRole('button', { name: 'Re-add Leo Park' }).click();
    await leoCard().getByText('LEO15', { exact: true }).waitFor();
    expect(await removed.count()).toBe(0);
    const back = await admin.get(`/api/campaigns/${seeded.summerId}/members/${seeded.leo}`);
    expect(back.body).toMatchObject({ codes: ['LEO15'], removed: false });
    expect(back.body.links).toHaveLength(1);
  });

  it('lists the Community with its figures, adds, removes and restores a creator', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Community' }).click();
    const table = page.getByRole('table', { name: 'Community' });
    const row = (id: string) => table.locator(`tr[data-creator-id="${id}"]`);
    await row(seeded.mia).waitFor();
    const range = presetRange('30d', TIME_ZONE);
    const community = await admin.get(`/api/community?from=${range.from}&to=${range.to}`);
    const mia = community.body.creators.find((c: { creatorId: string }) => c.creatorId === seeded.mia);
    expect(mia).toMatchObject({ orders: 1, sales: { value: '100.00', currency: 'EUR' }, commission: { value: '10.00', currency: 'EUR' } });
    expect(await row(seeded.mia).locator('td[data-column="sales"]').textContent()).toBe(eur('100.00'));
    expect(await row(seeded.mia).locator('td[data-column="commission"]').textContent()).toBe(eur('10.00'));
    expect(await row(seeded.mia).locator('td[data-column="orders"]').textContent()).toBe('1');
    expect(await table.locator('tbody tr').count()).toBe(4);
    await page.getByText('No creator has been removed.').waitFor();

    // Sorted by the server, biggest sales first, ties in the order the creators joined; the
    // totals row is the server's sum of every creator.
    const names = () => table.locator('tbody th[scope="row"]').allTextContents();
    expect(await names()).toEqual(['Mia Chen', 'Leo Park', 'Ava Stone', 'Noah Kim']);
    expect(await table.locator('th[aria-sort]').allTextContents()).toEqual(['Sales ▼']);
    expect(await table.locator('tfoot th').textContent()).toBe('Total · 4 creators');
    expect(await table.locator('tfoot td[data-column="sales"]').textContent()).toBe(eur('100.00'));
    expect(await table.locator('tfoot td[data-column="commission"]').textContent()).toBe(eur('10.00'));
    await table.getByRole('button', { name: 'Creator' }).click();
    await expect.poll(names).toEqual(['Ava Stone', 'Leo Park', 'Mia Chen', 'Noah Kim']);
    expect(await table.locator('th[aria-sort="ascending"]').allTextContents()).toEqual(['Creator ▲']);
    // The search goes to the server (name or handle, any case) and so do the totals.
    await page.getByLabel('Search creators').fill('@MI');
    await expect.poll(names).toEqual(['Mia Chen']);
    expect(await table.locator('tfoot th').textContent()).toBe('Total · 1 creator');
    await page.getByLabel('Search creators').fill('nobody');
    await table.getByText('No creator matches the search.').waitFor();
    await page.getByLabel('Search creators').fill('');
    await expect.poll(names).toEqual(['Ava Stone', 'Leo Park', 'Mia Chen', 'Noah Kim']);
    await table.getByRole('button', { name: 'Sales' }).click();
    await expect.poll(names).toEqual(['Mia Chen', 'Leo Park', 'Ava Stone', 'Noah Kim']);

    await page.getByLabel('Name').fill('Zoe Lin');
    await page.getByRole('button', { name: 'Add creator' }).click();
    await table.getByRole('rowheader', { name: 'Zoe Lin' }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(5);

    await row(seeded.noah).getByRole('button', { name: 'Remove Noah Kim' }).click();
    const removed = page.locator(`.removed-creators li[data-creator-id="${seeded.noah}"]`);
    await removed.waitFor();
    expect(await row(seeded.noah).count()).toBe(0);
    expect(await table.locator('tbody tr').count()).toBe(4);
    const listed = await admin.get('/api/creators');
    expect(listed.body.nextCursor).toBeNull();
    expect(listed.body.items.map((c: { name: string }) => c.name).sort()).toEqual(['Ava Stone', 'Leo Park', 'Mia Chen', 'Zoe Lin']);

    await removed.getByRole('button', { name: 'Restore Noah Kim' }).click();
    await row(seeded.noah).waitFor();
    expect(await removed.count()).toBe(0);
    expect((await admin.get(`/api/creators/${seeded.noah}`)).body.removed).toBe(false);
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of [`/campaigns/${seeded.summerId}/settings`, '/community', '/campaigns']) {
        await page.goto(`${base}${path}`);
        await page.locator('main h1').waitFor();
        await page.getByRole('status').filter({ hasText: 'Loading…' }).waitFor({ state: 'detached' });
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, path).toBe(0);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows a viewer the members, codes and links read-only, with no edit controls', async () => {
    const viewerEmail = `viewer-${Date.now()}@example.com`;
    expect((await admin.post('/api/users', { email: viewerEmail, password: PASSWORD, role: 'viewer' })).status).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await signIn(page, base, viewerEmail);

    await page.goto(`${base}/campaigns/${seeded.summerId}/settings`);
    await leoCard().getByText('LEO15', { exact: true }).waitFor();
    await page.locator(`li.member[data-creator-id="${seeded.mia}"]`).getByText('MIA10', { exact: true }).waitFor();
    expect(await page.getByTestId('campaign-terms').textContent()).toBe('12.5%');
    expect(
      await leoCard()
        .getByRole('button', { name: /^Copy link / })
        .count(),
    ).toBe(1);
    const main = page.locator('main');
    expect(await main.getByRole('textbox').count()).toBe(0);
    expect(await main.getByRole('combobox').count()).toBe(0);
    expect(await main.getByRole('button').allTextContents()).toEqual(['Copy']);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Community' }).click();
    await page.getByRole('table', { name: 'Community' }).locator(`tr[data-creator-id="${seeded.mia}"]`).waitFor();
    // Sorting and searching only read: no button that adds, removes or restores.
    expect(await main.getByRole('button').allTextContents()).toEqual(['Creator', 'Orders', 'Sales ▼', 'Commission']);
    expect(await main.getByRole('textbox').count()).toBe(0);
    expect(await main.getByRole('searchbox').count()).toBe(1);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'Autumn Drop' }).waitFor();
    expect(await main.getByRole('button').count()).toBe(0);
  });
});
