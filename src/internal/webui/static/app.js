// The web UI's shell: connects, signs in (ingress first, then the stored token),
// builds the tabs the server and the user's role allow, and keeps them live from events.
import { Api, Code, humanize } from './api.js';
import { h, fill, copyText } from './dom.js';
import { accountSection } from './account.js';
import { tokensSection } from './tokens.js';
import { subsonicSection } from './subsonic.js';
import { remoteSection } from './remote.js';
import { usersSection } from './users.js';
import { appsSection } from './apps.js';
import { librarySection } from './library.js';

const TOKEN_KEY = 'segue_token';
const $ = (id) => document.getElementById(id);

/** The shared context every section gets. */
const ui = {
  api: new Api(),
  me: null,
  info: null,
  ingress: false,
  tokenId: null,
  get isAdmin() { return !!this.me && this.me.role === 'admin'; },

  toast(text, kind = 'ok') {
    const t = h('div', { class: 'toast ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
    $('toasts').append(t);
    setTimeout(() => t.remove(), kind === 'error' ? 9000 : 4000);
  },

  /** Shows an API error in words, in el (a .msg element) if given, else as a toast. */
  fail(err, el) {
    const text = humanize(err);
    if (el) status(el, text, 'error');
    else this.toast(text, 'error');
    if (err && (err.code === Code.InvalidToken || err.code === Code.AuthRequired) && !this.ingress) sessionEnded();
  },

  status,

  /** A box that shows a secret once, with a copy button. */
  secret(label, value, note) {
    const code = h('code', { class: 'value', 'data-secret': label }, value);
    return h('div', { class: 'secret' },
      h('strong', {}, label + ':'), code,
      h('button', { type: 'button', class: 'secondary', onclick: (e) => copy(value, e.currentTarget) }, 'Copy'),
      note ? h('span', { class: 'note' }, note) : null);
  },

  copy,

  /** Asks a yes/no question in a dialog. */
  async confirm(title, text, okLabel = 'OK', danger = false) {
    const r = await openDialog(title, [h('p', {}, text)], okLabel, danger);
    return r !== null;
  },

  /**
   * A form in a dialog. fields: [{name, label, type, value, options:[[value,label]], required, hint, min}].
   * Resolves with {name: value} or null when cancelled.
   */
  async form(title, fields, okLabel = 'Save') {
    const inputs = {};
    const rows = fields.map((f) => {
      let input;
      if (f.type === 'select') {
        input = h('select', { name: f.name }, f.options.map(([v, l]) => h('option', { value: v, selected: v === f.value }, l)));
      } else if (f.type === 'checkbox') {
        input = h('input', { type: 'checkbox', name: f.name, checked: !!f.value });
        inputs[f.name] = input;
        return h('label', { class: 'check' }, input, f.label);
      } else if (f.type === 'textarea') {
        input = h('textarea', { name: f.name, rows: 2, placeholder: f.placeholder });
        input.value = f.value || '';
      } else {
        input = h('input', { type: f.type || 'text', name: f.name, required: f.required, minlength: f.min, autocomplete: f.autocomplete || 'off', placeholder: f.placeholder });
        input.value = f.value || '';
      }
      inputs[f.name] = input;
      return h('label', {}, f.label, input, f.hint ? h('small', {}, f.hint) : null);
    });
    const r = await openDialog(title, [h('div', { class: 'fields' }, rows)], okLabel, false);
    if (r === null) return null;
    const out = {};
    for (const [k, el] of Object.entries(inputs)) out[k] = el.type === 'checkbox' ? el.checked : el.value;
    return out;
  },
};

function status(el, text, kind = 'ok') {
  el.className = 'msg ' + kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = text;
}

async function copy(value, button) {
  try {
    await copyText(value);
    if (button) { const old = button.textContent; button.textContent = 'Copied'; setTimeout(() => { button.textContent = old; }, 1500); }
    ui.toast('Copied to the clipboard.');
  } catch {
    ui.toast('Could not copy automatically: select the text and copy it by hand.', 'error');
  }
}

function openDialog(title, body, okLabel, danger) {
  const dialog = $('dialog');
  const form = $('dialog-form');
  fill(form, h('h3', {}, title), body,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'secondary', formnovalidate: true, onclick: () => dialog.close('cancel') }, 'Cancel'),
      h('button', { type: 'submit', value: 'ok', class: danger ? 'danger' : '' }, okLabel)));
  dialog.returnValue = '';
  dialog.showModal();
  const first = form.querySelector('input, select, textarea');
  if (first) first.focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? true : null), { once: true });
  });
}

function banner(text, link) {
  const b = $('banner');
  if (!text) { b.hidden = true; return; }
  fill(b, text, link ? [' ', h('a', { href: link.href }, link.text)] : null);
  b.hidden = false;
}

function fatal(text, retry = true) {
  $('loading').hidden = true;
  fill($('fatal'), h('p', {}, text), retry ? h('button', { type: 'button', onclick: () => location.reload() }, 'Try again') : null);
  $('fatal').hidden = false;
}

function goLogin() {
  location.replace('login');
}

function sessionEnded() {
  localStorage.removeItem(TOKEN_KEY);
  ui.api.close(); // an unauthenticated socket would only be closed and retried in a loop
  banner('You were signed out: your session ended, its token was revoked or your account was disabled.', { href: 'login', text: 'Sign in again' });
}

// tokenIdOf reads the jti of our own JWT so the token list can mark this browser.
function tokenIdOf(token) {
  try {
    const part = token.split('.')[1];
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json).jti || null;
  } catch { return null; }
}

/** Signs the socket in: ingress sessions already are; otherwise the stored token. */
async function authenticate() {
  try {
    const me = await ui.api.call('auth/me');
    ui.ingress = true;
    return me;
  } catch (err) {
    if (err.code !== Code.AuthRequired) throw err;
  }
  ui.ingress = false;
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  try {
    await ui.api.call('auth', { token });
  } catch (err) {
    if (err.code === Code.InvalidToken || err.code === Code.AuthRequired) {
      localStorage.removeItem(TOKEN_KEY);
      return null;
    }
    throw err;
  }
  ui.tokenId = tokenIdOf(token);
  return ui.api.call('auth/me');
}

// takeReturnedToken handles ?code= from a sign-in redirect (Sign in with Home
// Assistant): it removes the code from the address bar, then trades the one-time
// code for a token with POST auth/code (single use, valid 60 s). Only a one-time
// code is taken, and only by a browser that is not signed in: anyone can send a
// link with ?code=, so a session token there (someone else's) is ignored, and a
// signed-in browser never swaps its account for the link's.
async function takeReturnedToken() {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return;
  params.delete('code');
  params.delete('onboard');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
  if (!isOneTimeCode(code) || localStorage.getItem(TOKEN_KEY)) return;
  try {
    const r = await fetch('auth/code', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
    const j = await r.json().catch(() => ({}));
    if (r.ok && j.access_token) localStorage.setItem(TOKEN_KEY, j.access_token);
  } catch { /* the sign-in page follows */ }
}

/** A one-time code is one base64url word (a session token has dots). */
function isOneTimeCode(code) {
  return /^[A-Za-z0-9_-]{20,128}$/.test(code);
}

const sections = [accountSection, tokensSection, subsonicSection, remoteSection, librarySection, usersSection, appsSection];
let active = [];

async function buildSections() {
  const view = $('view');
  const present = [];
  for (const s of sections) {
    if (s.admin && !ui.isAdmin) continue;
    const root = h('div', { class: 'section', id: 'section-' + s.id, hidden: true });
    const inst = { def: s, root, stale: true };
    try {
      if (s.available && !(await s.available(ui))) continue;
    } catch (err) {
      ui.fail(err);
      continue;
    }
    view.append(root);
    present.push(inst);
  }
  active = present;
  fill($('tabs'), present.map((s) => h('a', { href: '#' + s.def.id, id: 'tab-' + s.def.id }, s.def.title)));
  $('tabs').hidden = false;
}

async function refresh(inst) {
  inst.stale = false;
  try {
    await inst.def.render(ui, inst.root);
  } catch (err) {
    fill(inst.root, h('div', { class: 'card' }, h('p', { class: 'msg error', role: 'alert' }, humanize(err))));
  }
}

function show() {
  const want = location.hash.slice(1);
  const cur = active.find((s) => s.def.id === want) || active[0];
  if (!cur) return;
  for (const s of active) {
    s.root.hidden = s !== cur;
    const tab = $('tab-' + s.def.id);
    if (s === cur) tab.setAttribute('aria-current', 'page'); else tab.removeAttribute('aria-current');
  }
  if (cur.stale) refresh(cur);
}

function onEvent(ev) {
  const name = ev.detail.event || '';
  for (const s of active) {
    if (!s.def.events || !s.def.events.test(name)) continue;
    if (s.def.onEvent) s.def.onEvent(ui, s.root, ev.detail);
    if (s.root.refreshList && !s.root.hidden) {
      s.root.refreshList().catch(() => { s.stale = true; });
      continue;
    }
    s.stale = true;
    if (!s.root.hidden) refresh(s);
  }
  if (/^(core_state_updated)$/.test(name) && ev.detail.data) ui.info = ev.detail.data;
}

function showWho() {
  const me = ui.me;
  $('who-name').textContent = me.display_name || me.username;
  $('who-role').textContent = me.role;
  $('sign-out').hidden = ui.ingress;
  $('who').hidden = false;
}

async function signOut() {
  try {
    await ui.api.call('auth/logout');
  } catch (err) {
    if (![Code.Disconnected, Code.InvalidToken, Code.AuthRequired].includes(err.code)) { ui.fail(err); return; }
  }
  localStorage.removeItem(TOKEN_KEY);
  ui.api.close();
  goLogin();
}

async function main() {
  await takeReturnedToken();
  try {
    ui.info = await ui.api.connect();
  } catch (err) {
    if (err.code === Code.SetupRequired) { location.replace('setup'); return; }
    fatal(humanize(err));
    return;
  }
  try {
    ui.me = await authenticate();
  } catch (err) {
    fatal(humanize(err));
    return;
  }
  if (!ui.me) { goLogin(); return; }
  showWho();
  $('sign-out').addEventListener('click', signOut);
  await buildSections();
  $('loading').hidden = true;
  ui.api.addEventListener('event', onEvent);
  ui.api.addEventListener('down', () => banner('The connection to the server was lost. Reconnecting…'));
  ui.api.addEventListener('fatal', (ev) => banner(humanize(ev.detail)));
  ui.api.addEventListener('serverinfo', async (ev) => {
    ui.info = ev.detail;
    try {
      const me = await authenticate();
      if (!me) { sessionEnded(); return; }
      ui.me = me;
      banner(null);
      showWho();
      for (const s of active) s.stale = true;
      show();
    } catch (err) {
      banner(humanize(err));
    }
  });
  window.addEventListener('hashchange', show);
  show();
  document.body.dataset.ready = 'true';
}

main();
