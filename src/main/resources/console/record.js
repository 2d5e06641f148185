// Upgrade Record: the upgrade history, newest first, each row opening its detail.
'use strict';
(() => {
  const { api, json, el, message, stateBadge, time, duration, me } = Upshift;
  const SIZE = 20;
  let page = Math.max(1, Number(new URLSearchParams(location.search).get('page')) || 1);

  async function platform() {
    const status = await json(await api('/api/platform'));
    const p = document.getElementById('platform');
    p.replaceChildren(`Platform version ${status.currentVersion || 'unknown'}. `);
    if (status.upgradeInProgress) {
      p.append('Upgrade in progress: ',
        el('a', { href: 'detail.html?id=' + encodeURIComponent(status.upgradeInProgress), text: status.upgradeInProgress }), '.');
    }
  }

  async function records() {
    const response = await api(`/api/upgrades?page=${page}&size=${SIZE}`);
    const rows = document.getElementById('records');
    if (!response.ok) {
      message(document.getElementById('record-message'), 'error', `The Upgrade Record is not available (${response.status}).`);
      return;
    }
    const list = await json(response);
    rows.replaceChildren(...list.map((u) => el('tr', {},
      el('td', { class: 'nowrap' }, el('a', { href: 'detail.html?id=' + encodeURIComponent(u.id), text: u.id })),
      el('td', { class: 'nowrap', text: `${u.fromVersion} → ${u.targetVersion}` }),
      el('td', { text: u.requestedMode === u.mode ? u.mode : `${u.requestedMode || 'default'} → ${u.mode}`, title: u.modeReason || '' }),
      el('td', {}, stateBadge(u.state)),
      el('td', { text: u.trigger || '' }),
      el('td', { text: u.requestedBy || '' }),
      el('td', { class: 'nowrap', text: time(u.startedAt || u.createdAt) }),
      el('td', { text: duration(u.startedAt, u.finishedAt) }))));
    if (!list.length) {
      rows.append(el('tr', {}, el('td', { colspan: 8, class: 'empty', text: page === 1 ? 'No upgrades yet.' : 'No older upgrades.' })));
    }
    document.getElementById('newer').disabled = page <= 1;
    document.getElementById('older').disabled = list.length < SIZE;
    document.getElementById('page-info').textContent = `Page ${page}`;
  }

  function go(delta) {
    page += delta;
    history.replaceState(null, '', '?page=' + page);
    records();
  }

  document.getElementById('newer').addEventListener('click', () => go(-1));
  document.getElementById('older').addEventListener('click', () => go(1));
  me().then((user) => {
    if (user.role !== 'operator') document.getElementById('upgrade-link').textContent = 'Upgrade (view)';
  });
  const refresh = () => Promise.all([platform(), records()]);
  refresh();
  setInterval(refresh, 5000);
})();
