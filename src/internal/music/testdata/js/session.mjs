// The browser side shared by the walks (mafe.mjs, players.mjs): the system Chromium
// with the real MA frontend, every command it sends recorded page by page (direct
// mode), and every error result or error toast collected — a toast is what a user
// sees of a failed command.
// Environment: CHROMIUM SEGUE_SCREENSHOT_DIR MODE(direct|remote) SEGUE_URL SIGNALING_URL
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
export const log = (...a) => console.log(...a);
export const check = (cond, msg) => { if (!cond) throw new Error(msg); };

// openSession launches Chromium and returns the page with its recorders:
// s.step names the page being walked; s.recorded holds {step, command, args} of
// every command sent, s.timeline the answered ones (round trip and size), s.errors
// the error results and toasts.
export async function openSession(mode) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segue-mafe-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: env.CHROMIUM || '/usr/bin/chromium', headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const s = {
    mode, page, step: 'connect', recorded: [], errors: [], timeline: [],
    async close() { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
  const pending = new Map(); // message_id → {step, command, sent}
  page.on('pageerror', (e) => log('page error:', e.message));
  if (mode === 'direct') {
    await page.addInitScript((addr) => { localStorage.setItem('mass_server_address', addr); }, env.SEGUE_URL);
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => {
        try {
          const m = JSON.parse(f.payload);
          if (m.command && m.command !== 'auth' && m.command !== 'auth/login') {
            s.recorded.push({ step: s.step, command: m.command, args: m.args || {} });
          }
          if (m.message_id !== undefined) pending.set(String(m.message_id), { step: s.step, command: m.command, sent: Date.now() });
        } catch { /* not JSON */ }
      });
      ws.on('framereceived', (f) => {
        try {
          const m = JSON.parse(f.payload);
          const p = m.message_id !== undefined && pending.get(String(m.message_id));
          if (p && !m.partial) { s.timeline.push({ ...p, ms: Date.now() - p.sent, bytes: f.payload.length }); pending.delete(String(m.message_id)); }
          if (m.error_code !== undefined && m.message_id !== 'connection') {
            s.errors.push(`${s.step}: ${p ? p.command : '?'} error ${m.error_code} ${m.details}`);
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
    // Over remote access the commands travel on a data channel: watch its
    // answers for error results too.
    await page.exposeFunction('segueError', (e) => s.errors.push(`${s.step}: ${e}`));
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
  // Error toasts (vue-sonner).
  await page.exposeFunction('segueToast', (t) => s.errors.push(`${s.step}: toast ${t}`));
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
  page.setDefaultTimeout(60000);
  return s;
}

// writeRecording saves the commands sent, for the Go side to turn into a replay fixture.
export function writeRecording(s, file) {
  fs.writeFileSync(file, JSON.stringify(s.recorded, null, 1) + '\n');
  log(`recorded ${s.recorded.length} commands to ${file}`);
}

export async function settle(page, ms = 1200) {
  await page.waitForTimeout(ms);
}

export async function shot(s, name) {
  const file = path.join(env.SEGUE_SCREENSHOT_DIR || '.', `mafe-${s.mode}-${name}.png`);
  await s.page.screenshot({ path: file });
  log('screenshot', file);
}

// signIn opens the frontend at url, signs in and waits for the player bar. Over
// remote access the login screen first asks for the remote ID (prefilled) and
// connects.
export async function signIn(s, url, user, pass) {
  const { page } = s;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120000 });
  if (s.mode === 'remote') {
    const connect = page.getByRole('button', { name: /connect/i }).first();
    await page.waitForSelector('input[autocomplete="username"], button', { timeout: 60000 });
    if (!(await page.locator('input[autocomplete="username"]').count()) && await connect.count()) await connect.click();
  }
  await page.waitForSelector('input[autocomplete="username"]', { timeout: 90000 });
  await page.fill('input[autocomplete="username"]', user);
  await page.fill('input[autocomplete="current-password"]', pass);
  s.step = 'startup';
  await page.press('input[autocomplete="current-password"]', 'Enter');
  await page.locator('#player-bar').waitFor({ timeout: 60000 });
}

// checkpoint asks the Go test (CHECK_URL) to assert what must hold on its side
// now — e.g. what a fake speaker does — and fails the walk with its reason.
export async function checkpoint(name) {
  const r = await fetch(`${env.CHECK_URL}/${name}`);
  const body = await r.text();
  check(r.ok, `checkpoint ${name}: ${body}`);
  log(`ok   checkpoint ${name}: ${body}`);
}
