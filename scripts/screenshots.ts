// Takes the README's screenshots: starts Tally on a fresh embedded database with the demo
// workspace, signs in as the demo user in Debian's Chromium and captures each screen at desktop
// width (a creator's page reached from Payments among them), plus Home and a campaign at phone
// width, into docs/screenshots/.
//   npm run screenshots
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs/screenshots');
const CHROMIUM = '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-screens-data-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-screens-profile-'));
const base = `http://127.0.0.1:${port}`;

const build = spawn(process.execPath, [path.join(root, 'scripts/build.mjs'), 'web'], { stdio: 'inherit' });
await new Promise((resolve) => build.on('exit', resolve));
// The demo runs on the embedded database, whatever this shell's DATABASE_URL says.
const { DATABASE_URL: _ignored, ...env } = process.env;
const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'serve'], {
  cwd: root,
  env: { ...env, PORT: String(port), HOST: '127.0.0.1', TALLY_DATA_DIR: dataDir, TALLY_DEMO: '1', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// The demo user's password is made at seeding and printed once: read it from the output.
let serverOutput = '';
server.stdout.on('data', (d) => {
  serverOutput += d;
  process.stdout.write(d);
});
const demoPassword = () => {
  const password = /sign in as demo@tally\.example \/ (\S+)/.exec(serverOutput)?.[1];
  if (!password) throw new Error('the server did not print the demo sign-in');
  return password;
};

async function shot(page: Page, name: string, ready: () => Promise<unknown>) {
  await ready();
  // No hover state (chart tooltips) in the picture.
  await page.mouse.move(0, 0);
  // Let the chart animate and fonts settle before the capture.
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: false });
  console.log(`docs/screenshots/${name}.png`);
}

const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  locale: 'en-US',
  viewport: { width: 1280, height: 860 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (
    let i = 0;
    !(await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 1200) throw new Error('the server did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  fs.mkdirSync(out, { recursive: true });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(base);
  await shot(page, 'sign-in', () => page.getByLabel('Email').waitFor());
  await page.getByLabel('Email').fill('demo@tally.example');
  await page.getByLabel('Password').fill(demoPassword());
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await shot(page, 'home', () => page.getByTestId('total-sales').waitFor());

  await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
  await shot(page, 'campaigns', () => page.getByRole('heading', { name: 'Campaigns' }).waitFor());
  await page.locator('main a[href^="/campaigns/"]').first().click();
  const campaignUrl = page.url();
  await shot(page, 'campaign-performance', () => page.getByRole('table', { name: 'Orders' }).waitFor());
  // The Orders table, scrolled to the top of the window (an expression: no DOM types here).
  await page.evaluate(`[...document.querySelectorAll('h2')].find((h) => h.textContent === 'Orders')?.scrollIntoView({ block: 'start' })`);
  await shot(page, 'campaign-orders', () => page.locator('table[aria-label="Orders"] tbody tr').nth(5).waitFor());

  const steps: Array<[string, string, string]> = [
    ['campaign-settings', `${campaignUrl.replace(/\/$/, '')}/settings`, 'Members'],
    ['community', `${base}/community`, 'Community'],
    ['settings', `${base}/settings`, 'Settings'],
    ['payments', `${base}/payments`, 'Payouts'],
  ];
  for (const [name, url, heading] of steps) {
    await page.goto(url);
    await shot(page, name, () => page.getByRole('heading', { name: heading }).first().waitFor());
  }
  // A paid creator's page, from the Payouts table.
  await page.locator('table[aria-label="Payouts"] tbody tr[data-payout-id]').last().getByRole('link').click();
  await shot(page, 'creator', () => page.locator('table[aria-label="Orders"] tbody tr').nth(3).waitFor());

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base);
  await shot(page, 'home-phone', () => page.getByTestId('total-sales').waitFor());
  await page.goto(campaignUrl);
  await shot(page, 'campaign-phone', () => page.getByRole('table', { name: 'Orders' }).waitFor());
} finally {
  await context.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
