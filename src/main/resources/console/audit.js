// The audit trail (operators): GET /api/audit a page at a time, newest first, filtered by action and user.
'use strict';
(() => {
  const { api, json, el, message, time, me } = Upshift;
  const $ = (id) => document.getElementById(id);
  const SIZE = 50;
  let page = 1;

  async function load() {
    const query = new URLSearchParams({ page: String(page), size: String(SIZE) });
    if ($('action').value) query.set('action', $('action').value);
    if ($('user-filter').value.trim()) query.set('user', $('user-filter').value.trim());
    const response = await api('/api/audit?' + query);
    const body = await json(response);
    if (!response.ok) {
      message($('audit-message'), 'error', body.error || `The audit trail cannot be read (${response.status})`, body.reasons);
      $('rows').replaceChildren();
      $('older').disabled = true;
      $('newer').disabled = true;
      return;
    }
    message($('audit-message'), '');
    $('rows').replaceChildren(...(body.length ? body.map((r) => el('tr', { class: r.outcome === 'ACCEPTED' ? '' : 'check-fail' },
      el('td', { class: 'nowrap', text: time(r.at) }),
      el('td', { text: r.user || '' }),
      el('td', { text: r.role || '' }),
      el('td', { text: r.address || '' }),
      el('td', {}, el('code', { text: r.action })),
      el('td', { text: r.object || '' }),
      el('td', { class: 'result', text: r.outcome }),
      el('td', { text: r.status === null || r.status === undefined ? '' : String(r.status) })))
      : [el('tr', {}, el('td', { colspan: '8', class: 'empty', text: 'No rows.' }))]));
    $('page-info').textContent = `Page ${page}`;
    $('newer').disabled = page <= 1;
    $('older').disabled = body.length < SIZE;
  }

  $('audit-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    load();
  });
  $('older').addEventListener('click', () => { page += 1; load(); });
  $('newer').addEventListener('click', () => { page = Math.max(1, page - 1); load(); });

  me().then(load);
})();
