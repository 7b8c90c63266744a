// Shared helpers for the web UI browser tests: launch the system Chromium, record
// every request the page makes, take light/dark screenshots, and fail loudly.
import { chromium } from 'playwright-core';
import jsQR from 'jsqr';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function log(...args) { console.log(...args); }

export function fail(message) {
  throw new Error(message);
}

export function check(cond, message) {
  if (!cond) fail(message);
}

/** Launches Chromium the way feasibility.md says works here; never downloads a browser. */
export async function launch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segue-ui-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }); };
  return { ctx, close };
}

/** Records every URL a page requests (HTTP and WebSocket) and every console error. */
export function record(page) {
  const urls = [];
  const errors = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('console', (m) => {
    // Chromium logs every 4xx answer; wrong passwords (401) and throttling (429) are expected ones.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|429)/.test(m.text())) {
      errors.push('console: ' + m.text());
    }
  });
  return { urls, errors };
}

/** Asserts every recorded URL stays on origin (ws:/wss: count as their http twin) and under prefix. */
export function assertSameOrigin(urls, origin, prefix = '/') {
  const want = new URL(origin);
  check(urls.length > 0, 'no requests were recorded');
  for (const raw of urls) {
    const u = new URL(raw);
    if (u.protocol === 'data:' || u.protocol === 'about:') continue;
    const proto = { 'ws:': 'http:', 'wss:': 'https:' }[u.protocol] || u.protocol;
    check(proto === want.protocol && u.host === want.host, `request left the server's origin: ${raw}`);
    check(u.pathname.startsWith(prefix), `request outside ${prefix}: ${raw}`);
  }
  log(`ok   all ${urls.length} requests stayed on ${want.origin}${prefix === '/' ? '' : ' under ' + prefix}`);
}

/** Screenshots the page in light and dark. */
export async function shots(page, name) {
  const dir = process.env.SEGUE_SCREENSHOT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(50);
    await page.screenshot({ path: path.join(dir, `${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Waits for the UI shell to finish signing in. */
export async function uiReady(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
}

export async function text(page, selector) {
  return (await page.locator(selector).first().textContent({ timeout: 10000 })).trim();
}

/** Waits until selector's text matches re. */
export async function expectText(page, selector, re, what) {
  try {
    await page.waitForFunction(([sel, src, flags]) => {
      const el = document.querySelector(sel);
      return el && new RegExp(src, flags).test(el.textContent);
    }, [selector, re.source, re.flags], { timeout: 10000 });
  } catch {
    const got = await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => '(missing)');
    fail(`${what}: ${selector} should match ${re} but shows ${JSON.stringify(got)}`);
  }
  log('ok  ', what);
}

/** Confirms the open dialog. */
export async function confirmDialog(page) {
  await page.locator('#dialog[open] button[value="ok"]').click();
}

/** Reads a canvas' pixels in the page and decodes them with jsQR (independent of our encoder). */
export async function decodeCanvas(page, selector) {
  const img = await page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    return { w: c.width, h: c.height, px: Array.from(d.data) };
  }, selector);
  const r = jsQR(Uint8ClampedArray.from(img.px), img.w, img.h);
  return r ? r.data : null;
}

/** Encodes texts with the UI's own encoder in the page and decodes each with jsQR. */
export async function qrRoundTrip(page, texts) {
  const images = await page.evaluate(async (list) => {
    const { toCanvas } = await import(new URL('ui/qr.js', document.baseURI).href);
    return list.map((t) => {
      const c = toCanvas(t, 3);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      return { t, version: Number(c.dataset.qrVersion), w: c.width, h: c.height, px: Array.from(d.data) };
    });
  }, texts);
  const versions = new Set();
  for (const img of images) {
    const r = jsQR(Uint8ClampedArray.from(img.px), img.w, img.h);
    check(r && r.data === img.t, `QR of ${JSON.stringify(img.t.slice(0, 30))} (version ${img.version}) decoded to ${r ? JSON.stringify(r.data.slice(0, 30)) : 'nothing'}`);
    versions.add(img.version);
  }
  return [...versions].sort((a, b) => a - b);
}

/** Runs main and turns any failure into exit code 1 with the reason. */
export async function run(main) {
  try {
    await main();
    log('PASS');
  } catch (err) {
    console.error('FAIL:', err && err.stack ? err.stack : err);
    process.exit(1);
  }
}
