// Sign in with Home Assistant in the system Chromium, from the sign-in page to the
// signed-in web UI: our /auth/authorize → (fake) HA → /auth/callback → the UI trades
// the one-time code for a token with POST auth/code. Prints PASS on success.
// Usage: node hasignin.mjs <server base URL> <expected display name>
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, expectedName] = process.argv.slice(2);

function check(cond, message) {
  if (!cond) throw new Error(message);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segue-ha-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = await ctx.newPage();
  const urls = [];
  const errors = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(base + '/login');
  await page.locator('#ha-login').waitFor({ state: 'visible', timeout: 15000 });
  console.log('ok   the sign-in page offers Sign in with Home Assistant');

  await page.click('#ha-login');
  await page.locator('#who-name').filter({ hasText: expectedName }).waitFor({ timeout: 20000 });
  console.log('ok   back in the web UI signed in as the Home Assistant user');

  const here = new URL(page.url());
  check(!here.searchParams.has('code'), 'the one-time code was left in the address bar: ' + page.url());
  const token = await page.evaluate(() => localStorage.getItem('segue_token'));
  check(/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token || ''), 'no session token was stored: ' + token);
  console.log('ok   the code was traded for a session token and removed from the address bar');

  check(urls.some((u) => u.includes('/auth/callback?')), 'the browser never reached /auth/callback');
  for (const u of urls) {
    check(!u.includes(token) && !/eyJ[\w-]+\.[\w-]+/.test(u), 'a bearer token travelled in a URL: ' + u);
  }
  console.log(`ok   none of the ${urls.length} URLs the browser opened carried a token`);
  check(errors.length === 0, 'page errors: ' + errors.join('; '));
} catch (err) {
  failed = true;
  console.log('FAIL: ' + (err && err.stack || err));
} finally {
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log('PASS');
