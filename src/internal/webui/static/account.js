// My account: profile and password.
import { h, fill } from './dom.js';

export const accountSection = {
  id: 'account',
  title: 'My account',
  // Not refreshed by events: a re-render would wipe what the person is typing.
  events: null,

  async render(ui, root) {
    const me = await ui.api.call('auth/me');
    ui.me = me;
    const profileMsg = h('p', { class: 'msg', id: 'profile-msg' });
    const display = h('input', { id: 'profile-display-name', name: 'display_name', maxlength: 100, autocomplete: 'name' });
    display.value = me.display_name || '';
    const email = h('input', { id: 'profile-email', name: 'email', type: 'email', autocomplete: 'email' });
    email.value = me.email || '';
    const profile = h('form', { class: 'grid', id: 'profile-form' },
      h('label', {}, 'Display name', display),
      h('label', {}, 'Email', email),
      h('div', {}, h('button', { type: 'submit' }, 'Save profile')));
    profile.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        ui.me = await ui.api.call('auth/user/update', { display_name: display.value.trim(), email: email.value.trim() });
        ui.status(profileMsg, 'Profile saved.');
        document.getElementById('who-name').textContent = ui.me.display_name || ui.me.username;
      } catch (err) { ui.fail(err, profileMsg); }
    });

    const pwMsg = h('p', { class: 'msg', id: 'password-msg' });
    const cur = h('input', { id: 'password-current', type: 'password', required: true, autocomplete: 'current-password' });
    const next = h('input', { id: 'password-new', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
    const again = h('input', { id: 'password-again', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
    const pw = h('form', { class: 'grid', id: 'password-form' },
      h('label', {}, 'Current password', cur),
      h('label', {}, 'New password', next),
      h('label', {}, 'New password again', again),
      h('div', {}, h('button', { type: 'submit' }, 'Change password')));
    pw.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (next.value !== again.value) { ui.status(pwMsg, 'The two new passwords are not the same.', 'error'); return; }
      try {
        await ui.api.call('auth/user/update', { password: next.value, current_password: cur.value });
        pw.reset();
        ui.status(pwMsg, 'Password changed. Every other device signed in to your account has been signed out.');
      } catch (err) { ui.fail(err, pwMsg); }
    });

    fill(root,
      h('div', { class: 'card' },
        h('h2', {}, 'Profile'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Username'), h('dd', { id: 'profile-username' }, me.username),
          h('dt', {}, 'Role'), h('dd', {}, roleName(me.role)),
          h('dt', {}, 'Signed in'), h('dd', {}, ui.ingress ? 'through Home Assistant' : 'with this browser')),
        profile, profileMsg),
      h('div', { class: 'card' },
        h('h2', {}, 'Password'),
        h('p', { class: 'hint' }, ui.ingress
          ? 'You are signed in through Home Assistant. A password is only needed to sign in to Segue directly (for example on port 8095).'
          : 'Changing your password signs out every other device that uses your account.'),
        pw, pwMsg),
      h('div', { class: 'card' },
        h('h2', {}, 'Sign in a TV or an app'),
        h('p', { class: 'hint' }, 'If an app or device shows you a code to confirm its sign-in, open the confirmation page and enter it there.'),
        h('a', { href: 'device', id: 'device-link' }, 'Confirm a device sign-in')));
  },
};

export function roleName(role) {
  return { admin: 'Administrator', user: 'User', guest: 'Guest', service: 'Service' }[role] || role;
}
