// The whole account journey on the public port:
//   setup → sign out → wrong password → sign in → create and revoke a long-lived token →
//   reveal and rotate the Subsonic app-password → remote ID and its QR code →
//   admin creates a user who then signs in → throttled sign-in message,
// asserting what the page shows at each step, and that no request leaves the origin.
// Usage: node flow.mjs http://127.0.0.1:PORT/
import {
  launch, record, assertSameOrigin, shots, uiReady, text, expectText, confirmDialog,
  decodeCanvas, qrRoundTrip, check, log, run,
} from './lib.mjs';

const base = process.argv[2];
const admin = { user: 'admin', pass: 'admin-password-1' };
const bob = { user: 'bob', pass: 'bob-password-12' };
const expectSubsonic = process.env.SEGUE_EXPECT_SUBSONIC === '1';
const expectRemote = process.env.SEGUE_EXPECT_REMOTE === '1';

async function signIn(page, who) {
  await page.fill('#u', who.user);
  await page.fill('#p', who.pass);
  await page.click('#submit');
  await uiReady(page);
}

async function signOut(page) {
  await page.click('#sign-out');
  await page.waitForURL(/\/login$/);
}

async function tab(page, id) {
  await page.click('#tab-' + id);
  await page.waitForSelector(`#section-${id}:not([hidden]) .card`);
}

// apiAs calls POST /api from Node (not the page) to prove what the page showed is real.
async function apiAs(token, command, args) {
  const r = await fetch(new URL('api', base), {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ command, args }),
  });
  return r.status;
}

run(async () => {
  const { ctx, close } = await launch();
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const rec = record(page);

    // Setup: the root sends a fresh server to the first-admin form.
    await page.goto(base);
    await page.waitForURL(/\/setup$/);
    await expectText(page, 'h1', /Welcome to Segue/, 'a fresh server opens the setup form');
    await shots(page, 'setup');
    await page.fill('#u', admin.user);
    await page.fill('#p', admin.pass);
    await page.fill('#p2', 'not the same');
    await page.click('button[type=submit]');
    await expectText(page, '#msg', /not the same/, 'setup refuses two different passwords');
    await page.fill('#p2', admin.pass);
    await page.click('button[type=submit]');
    await uiReady(page);
    await expectText(page, '#who-name', /^admin$/, 'after setup the UI shows the new admin');
    await expectText(page, '#who-role', /^admin$/, 'with the admin role');
    await expectText(page, '#profile-username', /^admin$/, 'the account page shows the username');
    await shots(page, 'account');

    // The QR encoder round trip, versions 1 to 10, decoded by jsQR.
    const versions = await qrRoundTrip(page, ['A', 'VVPN3TLP34YMGIZDINCEKQKSIR', 'x'.repeat(40), 'y'.repeat(60),
      'z'.repeat(80), 'q'.repeat(100), 'w'.repeat(120), 'e'.repeat(150), 'r'.repeat(175), 'é'.repeat(100)]);
    check(versions.join(',') === '1,2,3,4,5,6,7,8,9,10', 'QR versions covered: ' + versions.join(','));
    log('ok   QR codes of versions', versions.join(','), 'decode to their text with jsQR');

    // Sign out, a wrong password, then sign in.
    await signOut(page);
    await page.fill('#u', admin.user);
    await page.fill('#p', 'wrong-password');
    await page.click('#submit');
    await expectText(page, '#msg', /^Wrong username or password\.$/, 'a wrong password is explained');
    await shots(page, 'login-error');
    await signIn(page, admin);
    await expectText(page, '#who-name', /^admin$/, 'signed in again as admin');

    // Tokens: create a long-lived one, shown once, then revoke it.
    await tab(page, 'tokens');
    await page.fill('#token-name', 'ci-script');
    await page.click('#token-form button[type=submit]');
    await expectText(page, '#token-created', /New token/, 'the new token is shown');
    const token = await text(page, '#token-created code');
    check(token.split('.').length === 3, 'the shown token is a JWT: ' + token.slice(0, 20));
    check(await page.locator('#token-created button', { hasText: 'Copy' }).count() === 1, 'the token has a copy button');
    await expectText(page, '#tokens-table tr[data-token-name="ci-script"]', /long-lived/, 'the token is listed as long-lived');
    await expectText(page, '#tokens-table', /this browser/, 'the list marks this browser');
    check(await apiAs(token, 'auth/me') === 200, 'the shown token works against the API');
    await shots(page, 'tokens');
    await page.click('#tokens-table tr[data-token-name="ci-script"] button');
    await confirmDialog(page);
    await expectText(page, '#tokens-msg', /revoked/, 'revoking says so');
    await page.waitForSelector('#tokens-table tr[data-token-name="ci-script"]', { state: 'detached' });
    log('ok   the revoked token left the list');
    check(await apiAs(token, 'auth/me') === 401, 'the revoked token no longer works');

    // Subsonic app-password.
    if (await page.locator('#tab-subsonic').count()) {
      await tab(page, 'subsonic');
      await expectText(page, '#subsonic-password', /^•+$/, 'the app-password starts hidden');
      await page.click('#subsonic-reveal');
      await expectText(page, '#subsonic-password', /^[A-Za-z0-9]{16,}$/, 'reveal shows the app-password');
      const first = await text(page, '#subsonic-password');
      await expectText(page, '#subsonic-url', new RegExp('^' + base.replace(/\/$/, '').replace(/[.]/g, '\\.') + '$'), 'the server address for apps is shown');
      await shots(page, 'subsonic');
      await page.click('#subsonic-rotate');
      await confirmDialog(page);
      await expectText(page, '#subsonic-msg', /old one no longer works/, 'rotation is confirmed');
      const second = await text(page, '#subsonic-password');
      check(second !== first && /^[A-Za-z0-9]{16,}$/.test(second), 'rotation shows a new app-password');
      log('ok   the rotated app-password differs from the old one');
    } else {
      check(!expectSubsonic, 'the Subsonic commands exist but the page shows no Subsonic section');
      log('SKIP subsonic app-password: the server has no subsonic/password/* commands yet (section hidden)');
    }

    // Remote access (only when the server offers it).
    if (await page.locator('#tab-remote').count()) {
      await tab(page, 'remote');
      await page.waitForSelector('#remote-status');
      if (await page.locator('#remote-id').count()) {
        const id = await page.getAttribute('#remote-id', 'data-remote-id');
        const shown = await text(page, '#remote-id');
        check(shown === [id.slice(0, 8), id.slice(8, 13), id.slice(13, 18), id.slice(18)].join('-'), `the remote ID is shown 8-5-5-8 as in the MA apps: ${shown}`);
        const decoded = await decodeCanvas(page, '#remote-qr canvas');
        check(decoded === id, `the remote access QR code decodes to the remote ID (${decoded} vs ${id})`);
        log('ok   the remote access QR code decodes to the remote ID', id);
      } else {
        log('note remote access has no remote ID yet');
      }
      await shots(page, 'remote');
    } else {
      check(!expectRemote, 'remote_access/info exists but the page shows no remote access section');
      log('SKIP remote access page: the server has no remote_access/info command yet (section hidden)');
    }

    // Admin creates a user; edits the display name.
    await tab(page, 'users');
    await page.fill('#new-user-name', bob.user);
    await page.fill('#new-user-password', 'short');
    await page.fill('#new-user-password', bob.pass);
    await page.selectOption('#new-user-role', 'user');
    await page.click('#user-form button[type=submit]');
    await expectText(page, '#users-msg', /User “bob” created/, 'creating a user says so');
    await expectText(page, '#users-table tr[data-username="bob"]', /User.*enabled/, 'the new user is listed, enabled');
    await page.click('#users-table tr[data-username="bob"] button:has-text("Edit")');
    await page.fill('#dialog [name=display_name]', 'Bob Builder');
    await confirmDialog(page);
    await expectText(page, '#users-table tr[data-username="bob"]', /Bob Builder/, 'the edited display name is listed');
    await page.fill('#new-user-name', bob.user);
    await page.fill('#new-user-password', bob.pass);
    await page.click('#user-form button[type=submit]');
    await expectText(page, '#users-msg', /./, 'a duplicate username is refused with a message');
    log('     (message: ' + await text(page, '#users-msg') + ')');
    await shots(page, 'users');

    // External applications (only when the server offers them).
    if (await page.locator('#tab-apps').count()) {
      await tab(page, 'apps');
      await page.fill('#new-app-name', 'Kitchen tablet');
      await page.fill('#new-app-scopes', 'players.read, players.control');
      await page.fill('#new-app-emails', 'bob@example.com');
      await page.click('#app-form button[type=submit]');
      await expectText(page, '#apps-msg', /Application created/, 'creating an application says so');
      const secret1 = await text(page, '#app-created code[data-secret="Client secret"]');
      check(secret1.length >= 20, 'the client secret is shown once: ' + secret1.length + ' chars');
      await expectText(page, '#apps-table tr[data-app="Kitchen tablet"]', /players\.control, players\.read.*bob@example\.com.*enabled/, 'the application is listed with its scopes and users');
      await shots(page, 'apps');
      await page.click('#apps-table tr[data-app="Kitchen tablet"] button:has-text("Edit")');
      await page.fill('#dialog [name=allowed_domains]', 'example.org');
      await confirmDialog(page);
      await expectText(page, '#apps-table tr[data-app="Kitchen tablet"]', /@example\.org/, 'the edited allow-list is listed');
      await page.click('#apps-table tr[data-app="Kitchen tablet"] button:has-text("Rotate secret")');
      await confirmDialog(page);
      await expectText(page, '#apps-msg', /New secret/, 'rotating the secret says so');
      const secret2 = await text(page, '#app-created code[data-secret="Client secret"]');
      check(secret2 !== secret1 && secret2.length >= 20, 'rotation shows a new secret');
      await page.click('#apps-table tr[data-app="Kitchen tablet"] button:has-text("Delete")');
      await confirmDialog(page);
      await expectText(page, '#apps-msg', /deleted/, 'deleting the application says so');
      await page.waitForSelector('#apps-table tr[data-app="Kitchen tablet"]', { state: 'detached' });
    } else {
      check(process.env.SEGUE_EXPECT_APPS !== '1', 'the apps commands exist but the page shows no Applications section');
      log('SKIP applications: the server has no apps/* commands yet (section hidden)');
    }

    // The new user signs in and sees no admin sections.
    await signOut(page);
    await signIn(page, bob);
    await expectText(page, '#who-name', /^Bob Builder$/, 'the new user is signed in');
    await expectText(page, '#who-role', /^user$/, 'with the user role');
    check(await page.locator('#tab-users').count() === 0, 'a plain user has no Users tab');
    await shots(page, 'account-user');

    // An admin disables bob elsewhere: his open page says he was signed out, nothing silent.
    const login = await fetch(new URL('auth/login', base), {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credentials: { username: admin.user, password: admin.pass } }),
    }).then((r) => r.json());
    check(login.success, 'admin login from Node');

    // Issue 11: a link carrying someone else's session token as ?code= does not
    // switch the signed-in browser to that account (nor does any ?code= while signed in).
    const bobToken = await page.evaluate(() => localStorage.getItem('segue_token'));
    for (const code of [login.token, 'A'.repeat(43)]) {
      await page.goto(base + '?code=' + encodeURIComponent(code));
      await uiReady(page);
      await expectText(page, '#who-name', /^Bob Builder$/, 'a ?code= link leaves the signed-in user as they were');
      check(!new URL(page.url()).searchParams.has('code'), 'the code was left in the address bar');
      check(await page.evaluate(() => localStorage.getItem('segue_token')) === bobToken, 'a ?code= link replaced the stored token');
    }
    log('ok   ?code= links (a token, a code) do not replace the signed-in user');
    const users = await fetch(new URL('api', base), {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + login.token },
      body: JSON.stringify({ command: 'auth/users' }),
    }).then((r) => r.json());
    const bobUser = users.find((x) => x.username === bob.user);
    check(bobUser, 'bob is listed for the admin');
    check(await apiAs(login.token, 'auth/user/disable', { user_id: bobUser.user_id }) === 200, 'admin disables bob');
    await expectText(page, '#banner', /signed out/, 'the disabled user\'s page says the session ended');
    await shots(page, 'session-ended');
    check(await apiAs(login.token, 'auth/user/enable', { user_id: bobUser.user_id }) === 200, 'admin enables bob again');

    // Signed out, a session token in ?code= is not taken either: only one-time codes are.
    await signOut(page);
    await page.goto(base + '?code=' + encodeURIComponent(login.token));
    await page.waitForURL(/\/login$/);
    check(await page.evaluate(() => localStorage.getItem('segue_token')) === null, 'a token from ?code= was stored');
    log('ok   signed out, a token in ?code= is ignored: the sign-in page opens');

    // Throttling: repeated wrong passwords get a message with the wait.
    let throttled = '';
    for (let i = 0; i < 6 && !throttled; i++) {
      await page.fill('#u', 'nobody');
      await page.fill('#p', 'wrong-' + i);
      await page.click('#submit');
      await page.waitForFunction(() => document.getElementById('msg').textContent !== '');
      const m = await text(page, '#msg');
      if (/Too many failed attempts/.test(m)) throttled = m;
      else await page.evaluate(() => { document.getElementById('msg').textContent = ''; });
    }
    check(/try again in \d+ seconds/i.test(throttled), 'throttling names the wait: ' + throttled);
    check(await page.locator('#submit').isDisabled(), 'the sign-in button waits while throttled');
    await expectText(page, '#submit', /Try again in \d+ s/, 'the button counts down');
    log('     (message: ' + throttled + ')');

    check(rec.errors.length === 0, 'the page logged errors:\n' + rec.errors.join('\n'));
    assertSameOrigin(rec.urls, base);
  } finally {
    await close();
  }
});
