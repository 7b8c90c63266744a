// Drives the real Music Assistant web frontend against Segue (directly or over
// remote access) with Home Assistant's (fake) speakers as players: the player list
// shows them with their state → one is chosen → an album's Play sends it there →
// the now-playing bar and the queue view follow → pause, next, seek, previous,
// repeat, shuffle, volume. After each action the Go test checks the speaker itself
// (checkpoint). Fails on any error result or error toast; RECORD=path records every
// command sent, page by page, for the Go replay test (direct mode).
// Environment: MAFE_URL SEGUE_URL SEGUE_USER SEGUE_PASS MODE(direct|remote) REMOTE_ID
//   SIGNALING_URL CHECK_URL ALBUM_ID TRACK_NAME TRACK2_NAME SPEAKER_ID SPEAKER_NAME
//   LISTED_IDS OFFLINE_ID RECORD SEGUE_SCREENSHOT_DIR CHROMIUM
import { openSession, signIn, checkpoint, writeRecording, settle, shot, log, check } from './session.mjs';

const env = process.env;

async function main() {
  const mode = env.MODE || 'direct';
  const s = await openSession(mode);
  const { page, errors } = s;
  // The player bar, and what is visible of a selector (the fullscreen player
  // renders a second set of controls over the bar's).
  const bar = page.locator('#player-bar');
  const visible = (sel) => page.locator(sel).locator('visible=true').first();
  try {
    const start = mode === 'direct' ? env.MAFE_URL + '/#/albums' : `${env.MAFE_URL}/?remote=1&remote_id=${env.REMOTE_ID}#/albums`;
    await signIn(s, start, env.SEGUE_USER, env.SEGUE_PASS);
    await settle(page);

    s.step = 'players';
    await page.locator('#player-select-button').click();
    const sheet = page.locator('[data-testid="player-select-sheet"]');
    await sheet.waitFor();
    for (const id of env.LISTED_IDS.split(',')) {
      await sheet.locator(`[data-player-id="${id}"]`).waitFor({ timeout: 20000 });
    }
    // The speaker off the network is in players/all as unavailable; the frontend,
    // as with MA, leaves unavailable players out of this list.
    check(await sheet.locator(`[data-player-id="${env.OFFLINE_ID}"]`).count() === 0, `${env.OFFLINE_ID} (unavailable) is listed`);
    const select = (name) => sheet.getByRole('button', { name: new RegExp(`^Select player: ${name}\\b`) });
    check(await select(env.SPEAKER_NAME).isEnabled(), `${env.SPEAKER_NAME} cannot be selected`);
    log(`ok   the player list shows ${env.LISTED_IDS}, idle`);
    await settle(page);
    await shot(s, 'players');

    s.step = 'choose';
    await select(env.SPEAKER_NAME).click();
    await page.locator('#player-select-button').filter({ hasText: env.SPEAKER_NAME }).waitFor({ timeout: 20000 });
    if (await sheet.isVisible()) await page.keyboard.press('Escape');
    await settle(page);

    s.step = 'album';
    await page.evaluate((id) => { location.hash = '#/albums/library/' + id; }, env.ALBUM_ID);
    await page.getByText(env.TRACK_NAME).first().waitFor({ timeout: 60000 });
    await page.locator('#playbutton').filter({ hasText: env.SPEAKER_NAME }).waitFor({ timeout: 20000 });
    await settle(page);
    await shot(s, 'album-play-on-speaker');

    s.step = 'play';
    await page.locator('#playbutton').click();
    await bar.getByText(env.TRACK_NAME, { exact: true }).first().waitFor({ timeout: 30000 });
    await visible('#player-bar svg.lucide-pause').waitFor({ timeout: 30000 });
    await checkpoint('play');
    await settle(page, 2500);
    await shot(s, 'now-playing');

    s.step = 'queue';
    await page.getByRole('button', { name: 'Toggle queue' }).first().click();
    await visible(`text=${env.TRACK2_NAME}`).waitFor({ timeout: 30000 });
    await settle(page, 2000);
    await shot(s, 'queue');

    // The queue view is the fullscreen player, over the bar: its controls now.
    const fullscreen = page.locator('.v-overlay-container');
    const control = (sel) => fullscreen.locator(sel).locator('visible=true').first();
    s.step = 'pause';
    await control('svg.lucide-pause').click();
    await control('.play-btn-icon svg.lucide-play, svg.lucide-play.play-btn-icon').waitFor({ timeout: 30000 });
    await checkpoint('pause');
    await settle(page);
    await shot(s, 'paused');

    s.step = 'next';
    await control('svg.lucide-skip-forward').click();
    // The now-playing bar (under the fullscreen player) moves on to the second track, playing.
    await bar.getByText(env.TRACK2_NAME, { exact: true }).first().waitFor({ state: 'attached', timeout: 30000 });
    await control('svg.lucide-pause').waitFor({ timeout: 30000 });
    await checkpoint('next');
    await settle(page, 2000);
    await shot(s, 'next');

    // The fullscreen player's sliders: the timeline first, the volume last.
    const sliders = fullscreen.locator('[data-slot="slider"]').locator('visible=true');
    const clickAt = async (slider, fraction) => {
      const box = await slider.boundingBox();
      await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
    };
    s.step = 'seek';
    await clickAt(sliders.first(), 0.5);
    await checkpoint('seek');
    await settle(page);
    await shot(s, 'seek');

    s.step = 'previous';
    await control('svg.lucide-skip-back').click();
    await checkpoint('previous');
    await settle(page);

    s.step = 'repeat';
    await control('svg.tabler-icon-repeat-off').click();
    await control('svg.tabler-icon-repeat').waitFor({ timeout: 30000 });
    await checkpoint('repeat');

    s.step = 'shuffle';
    await control('svg.tabler-icon-arrows-right').click();
    await control('svg.shuffle-icon').waitFor({ timeout: 30000 });
    await checkpoint('shuffle');

    s.step = 'volume';
    await clickAt(sliders.last(), 0.8);
    await checkpoint('volume');
    await settle(page);
    await shot(s, 'volume');

    // The player list again: the chosen speaker's card shows what it plays.
    s.step = 'players-after';
    await page.getByRole('button', { name: 'Close fullscreen' }).click();
    await page.locator('#player-select-button').click();
    await sheet.locator(`[data-player-id="${env.SPEAKER_ID}"]`).getByText(env.TRACK2_NAME).first().waitFor({ timeout: 20000 });
    await settle(page);
    await shot(s, 'players-playing');

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

main().catch((e) => { console.error('FAIL', e.message); process.exit(1); });
