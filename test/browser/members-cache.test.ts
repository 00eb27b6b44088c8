import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { launchChromium, listenLocally, PASSWORD, signIn, suite } from './chromium.ts';

// The Orders filter lists a campaign's active members; its Settings tab lists those removed
// too. Both are read from the same endpoint with different queries, and were once cached under
// one key: whichever tab loaded first decided what the other showed (a removed creator offered
// in the filter, or the Removed members section missing) until a refetch. Switching tabs
// client-side, within the cache's freshness, shows each its own answer.

suite('members in the Orders filter and in Settings, in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let campaignId: string;

  const creatorChoices = () => page.getByRole('combobox', { name: 'Creator' }).locator('option').allTextContents();
  const removedMembers = () => page.locator('.removed-members li strong').allTextContents();
  const tab = (name: 'Performance' | 'Settings') => page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name });

  beforeAll(async () => {
    t = await startTestApp();
    base = await listenLocally(t.app);
    const { admin, email } = await newAccount(t.app, { password: PASSWORD });
    const creator = async (name: string) => (await admin.post('/api/creators', { name })).body.id as string;
    const mia = await creator('Mia Chen');
    const leo = await creator('Leo Park');
    const campaign = await admin.post('/api/campaigns', { name: 'Summer Launch', commission: { percent: '10' } });
    campaignId = campaign.body.id;
    expect((await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: mia, codes: ['MIA10'] })).status).toBe(201);
    expect((await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: leo, codes: ['LEO10'] })).status).toBe(201);
    expect((await admin.delete(`/api/campaigns/${campaignId}/members/${leo}`)).status).toBe(204);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await signIn(page, base, email);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the removed member in Settings after the Orders filter loaded, and never in the filter', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'Summer Launch' }).click();
    await expect.poll(creatorChoices).toEqual(['Any creator', 'Mia Chen']);

    await tab('Settings').click();
    await page.getByRole('heading', { name: 'Removed members' }).waitFor();
    expect(await removedMembers()).toEqual(['Leo Park']);
    expect(await page.locator('ul.members li.member h3').allTextContents()).toEqual(['Mia Chen']);

    await tab('Performance').click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await expect.poll(creatorChoices).toEqual(['Any creator', 'Mia Chen']);
  });

  it('keeps the removed member out of the filter after Settings loaded first', async () => {
    await page.goto(`${base}/campaigns/${campaignId}/settings`);
    await page.getByRole('heading', { name: 'Removed members' }).waitFor();
    expect(await removedMembers()).toEqual(['Leo Park']);

    await tab('Performance').click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await expect.poll(creatorChoices).toEqual(['Any creator', 'Mia Chen']);
  });
});
