// My tokens: every sign-in and long-lived token of the current user.
import { h, fill, when } from './dom.js';

export const tokensSection = {
  id: 'tokens',
  title: 'Tokens',
  events: /token|auth_session/,

  async render(ui, root) {
    const tokens = await ui.api.call('auth/tokens');
    const msg = h('p', { class: 'msg', id: 'tokens-msg' });
    const created = h('div', { id: 'token-created' });
    const name = h('input', { id: 'token-name', required: true, maxlength: 100, placeholder: 'e.g. Home Assistant, my script' });
    const form = h('form', { class: 'grid', id: 'token-form' },
      h('label', {}, 'Name', name),
      h('div', {}, h('button', { type: 'submit' }, 'Create token')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const token = await ui.api.call('auth/token/create', { name: name.value.trim() });
        fill(created, ui.secret('New token', token, 'Copy it now: it is shown only this once. Use it as a Bearer token.'));
        form.reset();
        ui.status(msg, 'Token created.');
        await renderList();
      } catch (err) { ui.fail(err, msg); }
    });

    const listBox = h('div', { class: 'table-wrap' });
    const renderList = async (fresh) => {
      const rows = fresh || await ui.api.call('auth/tokens');
      rows.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
      if (!rows.length) { fill(listBox, h('p', { class: 'empty' }, 'No tokens.')); return; }
      fill(listBox, h('table', { id: 'tokens-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Created', 'Last used', 'Expires', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, rows.map((t) => {
          const mine = t.token_id === ui.tokenId;
          return h('tr', { 'data-token-id': t.token_id, 'data-token-name': t.name },
            h('td', {}, t.name, mine ? h('div', { class: 'you' }, 'this browser') : null),
            h('td', {}, t.is_long_lived ? h('span', { class: 'badge' }, 'long-lived') : h('span', { class: 'badge off' }, 'sign-in')),
            h('td', {}, when(t.created_at)),
            h('td', {}, when(t.last_used_at, 'never')),
            h('td', {}, when(t.expires_at, 'never')),
            h('td', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: () => revoke(t, mine) }, 'Revoke')));
        }))));
    };
    const revoke = async (t, mine) => {
      const text = mine
        ? 'This is the sign-in of this browser: revoking it signs you out here.'
        : `Anything using “${t.name}” will stop working at once.`;
      if (!(await ui.confirm('Revoke token?', text, 'Revoke', true))) return;
      try {
        await ui.api.call('auth/token/revoke', { token_id: t.token_id });
        ui.status(msg, `Token “${t.name}” revoked.`);
        if (!mine) await renderList();
      } catch (err) { ui.fail(err, msg); }
    };

    fill(root,
      h('div', { class: 'card' },
        h('h2', {}, 'Create a long-lived token'),
        h('p', { class: 'hint' }, 'For scripts and integrations that cannot sign in themselves. It works until it expires or you revoke it.'),
        form, created, msg),
      h('div', { class: 'card' },
        h('h2', {}, 'Your sign-ins and tokens'),
        listBox));
    root.refreshList = renderList; // events refresh the list, not the forms
    await renderList(tokens);
  },
};
