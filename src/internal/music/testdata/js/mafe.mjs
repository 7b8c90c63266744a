// Drives the real Music Assistant web frontend (built from its public source,
// served on its own origin) against Segue, directly or over remote access:
// login → Library albums (covers) → artists → tracks → playlists → genres → an album
// page → an artist page → search → toggle a favourite → Discover. Fails on any error result or
// error toast. In direct mode it records every command the frontend sends, page by
// page, for the Go replay test (RECORD=path).
// Environment: MAFE_URL SEGUE_URL SEGUE_USER SEGUE_PASS MODE(direct|remote)
//   REMOTE_ID SIGNALING_URL  ARTIST_ID ARTIST_NAME ALBUM_ID ALBUM_NAME TRACK_NAME GENRE_NAME
//   RECORD SEGUE_SCREENSHOT_DIR CHROMIUM
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const mode = env.MODE || 'direct';
const shotsDir = env.SEGUE_SCREENSHOT_DIR || '.';
const log = (...a) => console.log(...a);
const check = (cond, msg) => { if (!cond) throw new Error(msg); };

const recorded = [];   // {step, command, args}
const errors = [];     // error results and toasts
let step = 'connect';
const pending = new Map(); // message_id → {step, command, sent}
const timeline = [];       // answered commands (direct mode): round trip and size

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segue-mafe-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: env.CHROMIUM || '/usr/bin/chromium', headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  try {
    page.on('pageerror', (e) => log('page error:', e.message));
    if (mode === 'direct') {
      await page.addInitScript((addr) => { localStorage.setItem('mass_server_address', addr); }, env.SEGUE_URL);
      page.on('websocket', (ws) => {
        ws.on('framesent', (f) => {
          try {
            const m = JSON.parse(f.payload);
            if (m.command && m.command !== 'auth' && m.command !== 'auth/login') {
              recorded.push({ step, command: m.command, args: m.args || {} });
            }
            if (m.message_id !== undefined) pending.set(String(m.message_id), { step, command: m.command, sent: Date.now() });
          } catch { /* not JSON */ }
        });
        ws.on('framereceived', (f) => {
          try {
            const m = JSON.parse(f.payload);
            const p = m.message_id !== undefined && pending.get(String(m.message_id));
            if (p && !m.partial) { timeline.push({ ...p, ms: Date.now() - p.sent, bytes: f.payload.length }); pending.delete(String(m.message_id)); }
            if (m.error_code !== undefined && m.message_id !== 'connection') {
              errors.push(`${step}: error ${m.error_code} ${m.details}`);
            }
          } catch { /* not JSON */ }
        });
      });
    } else {
      // The frontend's signaling URL is hard-coded; point it at the local server.
      await page.addInitScript((sig) => {
        const Native = window.WebSocket;
        window.WebSocket = function (url, protocols) {
          if (String(url).includes('signaling.music-assistant.io')) url = sig;
          return new Native(url, protocols);
        };
        window.WebSocket.prototype = Native.prototype;
        Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
      }, env.SIGNALING_URL);
    }
    // Error toasts (vue-sonner) are what a user sees of any failed command.
    await page.exposeFunction('segueToast', (t) => errors.push(`${step}: toast ${t}`));
    if (mode === 'remote') {
      // Over remote access the commands travel on a data channel: watch its
      // answers for error results too.
      await page.exposeFunction('segueError', (e) => errors.push(`${step}: ${e}`));
      await page.addInitScript(() => {
        const create = RTCPeerConnection.prototype.createDataChannel;
        RTCPeerConnection.prototype.createDataChannel = function (...a) {
          const dc = create.apply(this, a);
          dc.addEventListener('message', (ev) => {
            if (typeof ev.data !== 'string') return;
            try {
              const m = JSON.parse(ev.data);
              if (m && m.error_code !== undefined && m.message_id !== 'connection') window.segueError(`error ${m.error_code} ${m.details}`);
            } catch { /* not JSON */ }
          });
          return dc;
        };
      });
    }
    await page.addInitScript(() => {
      new MutationObserver((muts) => {
        for (const m of muts) for (const n of m.addedNodes) {
          if (n.nodeType === 1) {
            const t = n.matches && n.matches('[data-sonner-toast][data-type="error"]') ? n : n.querySelector && n.querySelector('[data-sonner-toast][data-type="error"]');
            if (t) window.segueToast(t.textContent);
          }
        }
      }).observe(document, { childList: true, subtree: true });
    });

    // Start on the Library's albums view: after sign-in the app renders it
    // directly, so "login → rendered Library" is what a user waits for.
    const start = mode === 'direct' ? env.MAFE_URL + '/#/albums' : `${env.MAFE_URL}/?remote=1&remote_id=${env.REMOTE_ID}#/albums`;
    page.setDefaultTimeout(60000);
    await page.goto(start, { waitUntil: 'domcontentloaded', timeout: 120000 });
    if (mode === 'remote') {
      // The remote login screen first asks for the remote ID (prefilled) and connects.
      const connect = page.getByRole('button', { name: /connect/i }).first();
      await page.waitForSelector('input[autocomplete="username"], button', { timeout: 60000 });
      if (!(await page.locator('input[autocomplete="username"]').count()) && await connect.count()) await connect.click();
    }
    await page.waitForSelector('input[autocomplete="username"]', { timeout: 90000 });
    await shot(page, 'login');
    await page.fill('input[autocomplete="username"]', env.SEGUE_USER);
    await page.fill('input[autocomplete="current-password"]', env.SEGUE_PASS);
    // The renderer's own busy time (script, layout, style) from here to the
    // rendered Library: on a loaded machine it, not Segue, sets the wall time.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const busy0 = await busy();
    step = 'startup';
    const t0 = Date.now();
    await page.press('input[autocomplete="current-password"]', 'Enter');
    if (!(await page.evaluate(() => location.hash.startsWith('#/albums')))) {
      await page.waitForFunction(() => !!document.querySelector('nav, aside'), null, { timeout: 60000 });
      await page.evaluate(() => { location.hash = '#/albums'; });
    }
    await page.getByText(env.ALBUM_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    const loginToLibrary = Date.now() - t0;
    const busy1 = await busy();
    const taskMs = Math.round((busy1.TaskDuration - busy0.TaskDuration) * 1000);
    const scriptMs = Math.round((busy1.ScriptDuration - busy0.ScriptDuration) * 1000);
    await waitCovers(page);
    const loginToCovers = Date.now() - t0;
    // Where the time went (direct mode sees the frames): when the app sent auth/me
    // and when Segue's answer to the albums page arrived, from the Enter key.
    const at = (cmd, f) => { const c = timeline.find((c) => c.step === 'startup' && c.command === cmd); return c ? f(c) - t0 : -1; };
    const startupServerMs = timeline.filter((c) => c.step === 'startup' && c.command !== 'time').reduce((a, c) => a + c.ms, 0);
    log(`RESULT {"login_to_library_ms": ${loginToLibrary}, "login_to_covers_ms": ${loginToCovers}, "mode": "${mode}", ` +
      `"auth_me_sent_ms": ${at('auth/me', (c) => c.sent)}, "albums_answered_ms": ${at('music/albums/library_items', (c) => c.sent + c.ms)}, ` +
      `"startup_round_trips_ms": ${startupServerMs}, "renderer_task_ms": ${taskMs}, "renderer_script_ms": ${scriptMs}}`);
    for (const c of timeline.filter((c) => c.step === 'startup')) log(`startup ${c.command}: ${c.ms} ms, ${c.bytes} bytes`);
    step = 'library-albums';
    await settle(page);
    await shot(page, 'albums');

    step = 'library-artists';
    await page.evaluate(() => { location.hash = '#/artists'; });
    await page.getByText(env.ARTIST_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(page, 'artists');

    step = 'library-tracks';
    await page.evaluate(() => { location.hash = '#/tracks'; });
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(page, 'tracks');

    step = 'library-playlists';
    await page.evaluate(() => { location.hash = '#/playlists'; });
    await settle(page);
    await shot(page, 'playlists');

    step = 'library-genres';
    await page.evaluate(() => { location.hash = '#/genres'; });
    if (env.GENRE_NAME) await page.getByText(env.GENRE_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(page, 'genres');

    step = 'album-page';
    await page.evaluate((id) => { location.hash = '#/albums/library/' + id; }, env.ALBUM_ID);
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(page, 'album');

    step = 'artist-page';
    await page.evaluate((id) => { location.hash = '#/artists/library/' + id; }, env.ARTIST_ID);
    await page.getByText(env.ALBUM_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(page, 'artist');

    step = 'search';
    await page.keyboard.press('Control+k');
    await page.waitForSelector('[data-slot="command-input"]', { timeout: 10000 });
    await page.fill('[data-slot="command-input"]', env.TRACK_NAME);
    await page.locator('[role="listbox"], [role="dialog"]').getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(page, 'search');
    await page.keyboard.press('Escape');

    step = 'favourite';
    await page.evaluate((id) => { location.hash = '#/albums/library/' + id; }, env.ALBUM_ID);
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await page.locator('svg.tabler-icon-heart').first().click();
    await page.locator('svg.tabler-icon-heart-filled').first().waitFor({ timeout: 10000 });
    await settle(page);
    await shot(page, 'favourite');

    step = 'discover';
    await page.evaluate(() => { location.hash = '#/discover'; });
    await settle(page, 2500);
    await shot(page, 'discover');

    if (env.RECORD) {
      fs.writeFileSync(env.RECORD, JSON.stringify(recorded, null, 1) + '\n');
      log(`recorded ${recorded.length} commands to ${env.RECORD}`);
    }
    check(errors.length === 0, 'errors during the walk:\n  ' + errors.join('\n  '));
    log('PASS');
  } catch (e) {
    await shot(page, 'failure-' + step).catch(() => {});
    if (errors.length) log('errors so far:\n  ' + errors.join('\n  '));
    throw e;
  } finally {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function settle(page, ms = 1200) {
  await page.waitForTimeout(ms);
}

// waitCovers waits until at least one /imageproxy image has loaded with pixels.
async function waitCovers(page) {
  await page.waitForFunction(() => [...document.images].some((i) => i.src.includes('/imageproxy') && i.complete && i.naturalWidth > 0),
    null, { timeout: 60000 });
  const n = await page.evaluate(() => [...document.images].filter((i) => i.src.includes('/imageproxy') && i.naturalWidth > 0).length);
  log(`ok   ${n} covers loaded through /imageproxy`);
}

async function shot(page, name) {
  const file = path.join(shotsDir, `mafe-${mode}-${name}.png`);
  await page.screenshot({ path: file });
  log('screenshot', file);
}

main().catch((e) => { console.error('FAIL', e.message); process.exit(1); });
