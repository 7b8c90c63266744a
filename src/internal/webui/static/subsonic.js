// My Subsonic app-password: what Subsonic apps use instead of the real password.
import { h, fill } from './dom.js';
import { Code } from './api.js';

const MASK = '••••••••••••••••';

export const subsonicSection = {
  id: 'subsonic',
  title: 'Subsonic apps',
  events: /subsonic/,

  // The feature exists when the command does; other errors are shown in the section.
  async available(ui) {
    try {
      await ui.api.call('subsonic/password/reveal');
      return true;
    } catch (err) {
      if (err.code === Code.UnknownCommand || err.code === Code.Forbidden) return false;
      return true;
    }
  },

  async render(ui, root) {
    let password = null;
    let shown = false;
    const msg = h('p', { class: 'msg', id: 'subsonic-msg' });
    const value = h('code', { class: 'value', id: 'subsonic-password' }, MASK);
    const toggle = h('button', { type: 'button', class: 'secondary', id: 'subsonic-reveal' }, 'Reveal');
    const copyBtn = h('button', { type: 'button', class: 'secondary', id: 'subsonic-copy' }, 'Copy');
    const rotate = h('button', { type: 'button', class: 'danger', id: 'subsonic-rotate' }, 'Rotate');
    const load = async () => {
      const r = await ui.api.call('subsonic/password/reveal');
      password = r.password;
    };
    const paint = () => { value.textContent = shown && password ? password : MASK; toggle.textContent = shown ? 'Hide' : 'Reveal'; };
    toggle.addEventListener('click', async () => {
      try {
        if (!shown) await load();
        shown = !shown;
        paint();
      } catch (err) { ui.fail(err, msg); }
    });
    copyBtn.addEventListener('click', async (e) => {
      try { await load(); await ui.copy(password, e.currentTarget); } catch (err) { ui.fail(err, msg); }
    });
    rotate.addEventListener('click', async () => {
      if (!(await ui.confirm('Rotate the app-password?', 'Every Subsonic app using the current app-password stops working until you enter the new one.', 'Rotate', true))) return;
      try {
        const r = await ui.api.call('subsonic/password/rotate');
        password = r.password;
        shown = true;
        paint();
        ui.status(msg, 'New app-password created. The old one no longer works.');
      } catch (err) { ui.fail(err, msg); }
    });
    const url = serverURL(ui);
    fill(root, h('div', { class: 'card' },
      h('h2', {}, 'Subsonic app-password'),
      h('p', { class: 'hint' }, 'Subsonic apps (DSub, Symfonium, Substreamer, …) sign in with your username and this app-password — never your real password.'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Server address'), h('dd', {}, h('code', { class: 'value', id: 'subsonic-url' }, url), ' ',
          h('button', { type: 'button', class: 'link', onclick: (e) => ui.copy(url, e.currentTarget) }, 'Copy')),
        h('dt', {}, 'Username'), h('dd', {}, h('code', { class: 'value' }, ui.me.username)),
        h('dt', {}, 'App-password'), h('dd', { class: 'row' }, value, toggle, copyBtn, rotate)),
      msg));
  },
};

// serverURL is the address to type into an app: this page's address, except under
// Home Assistant's ingress, which apps cannot use; there it is the add-on's own port.
function serverURL(ui) {
  if (ui.ingress) {
    const internal = ui.info && (ui.info.external_url || null);
    return internal || `http://${location.hostname}:8095`;
  }
  return new URL('./', document.baseURI).href.replace(/\/$/, '');
}
