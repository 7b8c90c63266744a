// Drives the real Music Assistant web frontend (built from its public source,
// served on its own origin) against Segue, directly or over remote access:
// login → Library albums (covers) → artists → tracks → playlists → genres → an album
// page → an artist page → search → toggle a favourite → Discover. Fails on any error result or
// error toast. In direct mode it records every command the frontend sends, page by
// page, for the Go replay test (RECORD=path).
// Environment: MAFE_URL SEGUE_URL SEGUE_USER SEGUE_PASS MODE(direct|remote)
//   REMOTE_ID SIGNALING_URL  ARTIST_ID ARTIST_NAME ALBUM_ID ALBUM_NAME TRACK_NAME GENRE_NAME
//   RECORD SEGUE_SCREENSHOT_DIR CHROMIUM TRACE PROFILE
import fs from 'node:fs';
import { openSession, writeRecording, settle, shot, log, check } from './session.mjs';

const env = process.env;
const mode = env.MODE || 'direct';
let s;       // the browser session (session.mjs)

// recordRenderer writes, when asked, a Chromium trace (TRACE=path, for
// chrome://tracing or Perfetto) and a JS CPU profile (PROFILE=path, for DevTools)
// of login → rendered Library: the renderer, not Segue, sets that time, and these
// show where it goes. Both slow the renderer down; the RESULT of such a run is
// not a measurement.
async function recordRenderer(cdp) {
  if (env.PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  if (env.TRACE) {
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,blink,loading,disabled-by-default-devtools.timeline', transferMode: 'ReturnAsStream' });
  }
  return {
    async stop() {
      if (env.PROFILE) fs.writeFileSync(env.PROFILE, JSON.stringify((await cdp.send('Profiler.stop')).profile));
      if (!env.TRACE) return;
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      const { stream } = await complete;
      const parts = [];
      for (;;) {
        const chunk = await cdp.send('IO.read', { handle: stream });
        parts.push(chunk.data);
        if (chunk.eof) break;
      }
      fs.writeFileSync(env.TRACE, parts.join(''));
    },
  };
}

async function main() {
  s = await openSession(mode);
  const { page, timeline, errors } = s;
  try {
    // Start on the Library's albums view: after sign-in the app renders it
    // directly, so "login → rendered Library" is what a user waits for.
    const start = mode === 'direct' ? env.MAFE_URL + '/#/albums' : `${env.MAFE_URL}/?remote=1&remote_id=${env.REMOTE_ID}#/albums`;
    await page.addInitScript(() => {
      window.__segueLongTasks = [];
      new PerformanceObserver((l) => window.__segueLongTasks.push(...l.getEntries())).observe({ type: 'longtask' });
    });
    await page.goto(start, { waitUntil: 'domcontentloaded', timeout: 120000 });
    if (mode === 'remote') {
      // The remote login screen first asks for the remote ID (prefilled) and connects.
      const connect = page.getByRole('button', { name: /connect/i }).first();
      await page.waitForSelector('input[autocomplete="username"], button', { timeout: 60000 });
      if (!(await page.locator('input[autocomplete="username"]').count()) && await connect.count()) await connect.click();
    }
    await page.waitForSelector('input[autocomplete="username"]', { timeout: 90000 });
    await shot(s, 'login');
    await page.fill('input[autocomplete="username"]', env.SEGUE_USER);
    await page.fill('input[autocomplete="current-password"]', env.SEGUE_PASS);
    // The renderer's own busy time (script, layout, style) from here to the
    // rendered Library, and its longest task: the main thread is busy from the
    // Enter key to the rendered Library (most of it one task that mounts the
    // app), so the renderer, not Segue, sets the wall time.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const busy0 = await busy();
    const recording = await recordRenderer(cdp);
    s.step = 'startup';
    await page.evaluate(() => { window.__segueLoginAt = performance.now(); });
    const t0 = Date.now();
    await page.press('input[autocomplete="current-password"]', 'Enter');
    if (!(await page.evaluate(() => location.hash.startsWith('#/albums')))) {
      await page.waitForFunction(() => !!document.querySelector('nav, aside'), null, { timeout: 60000 });
      await page.evaluate(() => { location.hash = '#/albums'; });
    }
    await page.getByText(env.ALBUM_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    const loginToLibrary = Date.now() - t0;
    const busy1 = await busy();
    await recording.stop();
    const longTasks = await page.evaluate(() => window.__segueLongTasks
      .filter((t) => t.startTime >= window.__segueLoginAt).map((t) => ({ duration: t.duration })));
    const taskMs = Math.round((busy1.TaskDuration - busy0.TaskDuration) * 1000);
    await waitCovers(page);
    const loginToCovers = Date.now() - t0;
    // Where the time went (direct mode sees the frames): when the app sent auth/me
    // and when Segue's answer to the albums page arrived, from the Enter key.
    const at = (cmd, f) => { const c = timeline.find((c) => c.step === 'startup' && c.command === cmd); return c ? f(c) - t0 : -1; };
    const startupServerMs = timeline.filter((c) => c.step === 'startup' && c.command !== 'time').reduce((a, c) => a + c.ms, 0);
    log(`RESULT {"login_to_library_ms": ${loginToLibrary}, "login_to_covers_ms": ${loginToCovers}, "mode": "${mode}", ` +
      `"auth_me_sent_ms": ${at('auth/me', (c) => c.sent)}, "albums_answered_ms": ${at('music/albums/library_items', (c) => c.sent + c.ms)}, ` +
      `"startup_round_trips_ms": ${startupServerMs}, ` +
      `"longest_renderer_task_ms": ${Math.round(Math.max(0, ...longTasks.map((t) => t.duration)))}, "long_tasks_ms": ${Math.round(longTasks.reduce((a, t) => a + t.duration, 0))}, "renderer_task_ms": ${taskMs}}`);
    for (const c of timeline.filter((c) => c.step === 'startup')) log(`startup ${c.command}: ${c.ms} ms, ${c.bytes} bytes`);
    s.step = 'library-albums';
    await settle(page);
    await shot(s, 'albums');

    s.step = 'library-artists';
    await page.evaluate(() => { location.hash = '#/artists'; });
    await page.getByText(env.ARTIST_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(s, 'artists');

    s.step = 'library-tracks';
    await page.evaluate(() => { location.hash = '#/tracks'; });
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(s, 'tracks');

    s.step = 'library-playlists';
    await page.evaluate(() => { location.hash = '#/playlists'; });
    await settle(page);
    await shot(s, 'playlists');

    s.step = 'library-genres';
    await page.evaluate(() => { location.hash = '#/genres'; });
    if (env.GENRE_NAME) await page.getByText(env.GENRE_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(s, 'genres');

    s.step = 'album-page';
    await page.evaluate((id) => { location.hash = '#/albums/library/' + id; }, env.ALBUM_ID);
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(s, 'album');

    s.step = 'artist-page';
    await page.evaluate((id) => { location.hash = '#/artists/library/' + id; }, env.ARTIST_ID);
    await page.getByText(env.ALBUM_NAME, { exact: true }).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(s, 'artist');

    s.step = 'search';
    await page.keyboard.press('Control+k');
    await page.waitForSelector('[data-slot="command-input"]', { timeout: 10000 });
    await page.fill('[data-slot="command-input"]', env.TRACK_NAME);
    await page.locator('[role="listbox"], [role="dialog"]').getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await settle(page);
    await shot(s, 'search');
    await page.keyboard.press('Escape');

    s.step = 'favourite';
    await page.evaluate((id) => { location.hash = '#/albums/library/' + id; }, env.ALBUM_ID);
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await page.locator('svg.tabler-icon-heart').first().click();
    await page.locator('svg.tabler-icon-heart-filled').first().waitFor({ timeout: 10000 });
    await settle(page);
    await shot(s, 'favourite');

    s.step = 'discover';
    await page.evaluate(() => { location.hash = '#/discover'; });
    await settle(page, 2500);
    await shot(s, 'discover');

    if (env.RECORD) writeRecording(s, env.RECORD);
    check(errors.length === 0, 'errors during the walk:\n  ' + errors.join('\n  '));
    log('PASS');
  } catch (e) {
    await shot(s, 'failure-' + s.step).catch(() => {});
    if (errors.length) log('errors so far:\n  ' + errors.join('\n  '));
    throw e;
  } finally {
    await s.close();
  }
}

// waitCovers waits until at least one /imageproxy image has loaded with pixels.
async function waitCovers(page) {
  await page.waitForFunction(() => [...document.images].some((i) => i.src.includes('/imageproxy') && i.complete && i.naturalWidth > 0),
    null, { timeout: 60000 });
  const n = await page.evaluate(() => [...document.images].filter((i) => i.src.includes('/imageproxy') && i.naturalWidth > 0).length);
  log(`ok   ${n} covers loaded through /imageproxy`);
}

main().catch((e) => { console.error('FAIL', e.message); process.exit(1); });
