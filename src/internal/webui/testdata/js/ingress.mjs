// The UI inside Home Assistant: served through the (fake) Supervisor's ingress proxy under
// /api/hassio_ingress/<token>/, the HA user signed in automatically, WebSocket included.
// Usage: SEGUE_INGRESS_COOKIE=<session> node ingress.mjs http://127.0.0.1:PORT/api/hassio_ingress/TOKEN/
import {
  launch, record, assertSameOrigin, shots, uiReady, text, expectText, confirmDialog, decodeCanvas, check, log, run,
} from './lib.mjs';

const panel = process.argv[2];
const cookie = process.env.SEGUE_INGRESS_COOKIE;
const displayName = process.env.SEGUE_HA_DISPLAY_NAME;

run(async () => {
  check(panel && panel.includes('/api/hassio_ingress/') && panel.endsWith('/'), 'usage: node ingress.mjs <panel url ending in />');
  check(cookie, 'SEGUE_INGRESS_COOKIE is required');
  const u = new URL(panel);

  // A client cannot pick another identity: the proxy drops X-Remote-User-* from the browser.
  const forged = await fetch(new URL('auth/me', panel), {
    headers: { Cookie: 'ingress_session=' + cookie, 'X-Remote-User-Id': 'f'.repeat(32), 'X-Remote-User-Name': 'mallory' },
  });
  check(forged.status === 200, 'auth/me through ingress answers 200, got ' + forged.status);
  const me = await forged.json();
  check(me.display_name === displayName && me.username !== 'mallory', 'forged identity headers were ignored: ' + JSON.stringify(me));
  log('ok   identity headers sent by the browser are replaced by the proxy');

  const { ctx, close } = await launch();
  try {
    await ctx.addCookies([{ name: 'ingress_session', value: cookie, domain: u.hostname, path: '/api/hassio_ingress/' }]);
    const page = ctx.pages()[0] || await ctx.newPage();
    const rec = record(page);
    await page.goto(panel);
    await uiReady(page);
    await expectText(page, '#who-name', new RegExp('^' + displayName + '$'), 'the Home Assistant user is signed in automatically');
    check(await page.locator('#sign-out').isHidden(), 'no sign-out button inside Home Assistant');
    await expectText(page, '#section-account', /through Home Assistant/, 'the account page says how the user signed in');
    check(page.url() === panel, 'the page stayed on the panel URL: ' + page.url());
    await shots(page, 'ingress-account');

    // Commands work over the proxied WebSocket: create and revoke a token.
    await page.click('#tab-tokens');
    await page.fill('#token-name', 'from-the-sidebar');
    await page.click('#token-form button[type=submit]');
    await expectText(page, '#token-created', /New token/, 'a token created through ingress is shown');
    await expectText(page, '#tokens-table tr[data-token-name="from-the-sidebar"]', /long-lived/, 'and listed');
    await page.click('#tokens-table tr[data-token-name="from-the-sidebar"] button');
    await confirmDialog(page);
    await page.waitForSelector('#tokens-table tr[data-token-name="from-the-sidebar"]', { state: 'detached' });
    log('ok   and revoked');

    if (await page.locator('#tab-subsonic').count()) {
      await page.click('#tab-subsonic');
      await page.click('#subsonic-reveal');
      await expectText(page, '#subsonic-password', /^[A-Za-z0-9]{16,}$/, 'the app-password is revealed through ingress');
      const url = await text(page, '#subsonic-url');
      check(!url.includes('hassio_ingress'), 'apps are not told to use the ingress URL: ' + url);
      log('ok   apps are told to use', url);
    }

    // Remote access: the grouped remote ID, its QR code, and live updates from events.
    if (await page.locator('#tab-remote').count()) {
      await page.click('#tab-remote');
      await page.waitForSelector('#remote-status');
      if (await page.locator('#remote-id').count()) {
        const id = await page.getAttribute('#remote-id', 'data-remote-id');
        check(await text(page, '#remote-id') === [id.slice(0, 8), id.slice(8, 13), id.slice(13, 18), id.slice(18)].join('-'), 'the remote ID is shown 8-5-5-8 as in the MA apps');
        const decoded = await decodeCanvas(page, '#remote-qr canvas');
        check(decoded === id, `the QR code on the remote access page decodes to the remote ID (${decoded} vs ${id})`);
        log('ok   the QR code on the remote access page decodes to the remote ID', id);
      }
      await shots(page, 'remote');
      if (process.env.SEGUE_REMOTE_STANDIN) {
        // Another client turns remote access off; the open page follows the event, no reload or polling.
        await expectText(page, '#remote-status', /Running/, 'remote access shows as running');
        const r = await fetch(new URL('api', panel), {
          method: 'POST', headers: { Cookie: 'ingress_session=' + cookie, 'Content-Type': 'application/json' },
          body: JSON.stringify({ command: 'remote_access/configure', args: { mode: 'off' } }),
        });
        check(r.status === 200, 'configure from another client: HTTP ' + r.status);
        await expectText(page, '#remote-status', /Stopped/, 'the page updates live from remote_access_updated');
        check(await page.inputValue('#remote-mode') === 'off', 'the mode selector follows the event');
      }
    } else {
      log('SKIP remote access page: no remote_access/info command');
    }

    // An HA admin manages users from the panel.
    await page.click('#tab-users');
    await expectText(page, '#users-table', /owner/, 'the admin sees the users');
    await shots(page, 'ingress-users');

    check(rec.errors.length === 0, 'the page logged errors:\n' + rec.errors.join('\n'));
    assertSameOrigin(rec.urls, u.origin, u.pathname);
  } finally {
    await close();
  }
});
