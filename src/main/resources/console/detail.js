// Upgrade detail: progress, each service's state and lowest available replicas, the log followed
// live (GET …/logs?after=N), and the operator actions (actions.js).
'use strict';
(() => {
  const { api, json, el, message, stateBadge, time, duration, me, image, isFinal } = Upshift;
  const $ = (id) => document.getElementById(id);
  const id = new URLSearchParams(location.search).get('id');
  const base = '/api/upgrades/' + encodeURIComponent(id || '');
  let operator = false;
  let lastLine = 0;
  let timer = null;

  function fact(term, value) {
    return [el('dt', { text: term }), el('dd', {}, value)];
  }

  function render(u) {
    document.dispatchEvent(new CustomEvent('upshift:record', { detail: u })); // graph and timeline (detail-graphs.js)
    document.title = `Upgrade ${u.id} · Upshift`;
    $('title').textContent = `Upgrade ${u.fromVersion} → ${u.targetVersion}`;
    const p = u.progress || { completed: 0, total: 0, percent: 0 };
    $('progress').setAttribute('aria-valuenow', p.percent);
    $('progress').setAttribute('aria-valuetext', `${p.percent}%`);
    $('progress-fill').style.width = p.percent + '%';
    $('progress-text').textContent = `${p.completed} of ${p.total} services at the target version (${p.percent}%)`;
    $('facts').replaceChildren(
      ...fact('State', stateBadge(u.state)),
      ...fact('Upgrade', u.id),
      ...fact('Mode', u.requestedMode && u.requestedMode !== u.mode ? `${u.mode} (requested ${u.requestedMode})` : u.mode),
      ...fact('Why', u.modeReason || ''),
      ...fact('Trigger', u.trigger || ''),
      ...fact('Requested by', u.requestedBy || ''),
      ...fact('Started', time(u.startedAt || u.createdAt)),
      ...fact('Duration', duration(u.startedAt, u.finishedAt)),
      ...fact('Finished', time(u.finishedAt)),
      ...fact('Message', u.message || ''),
      ...UpshiftActions.facts(u, fact));
    $('services').replaceChildren(...(u.services || []).map((s) => el('tr', {},
      el('td', { text: s.name }),
      el('td', {}, stateBadge(s.state)),
      image(s.fromImage),
      image(s.toImage),
      el('td', { text: s.minAvailable === null || s.minAvailable === undefined ? '–' : `${s.minAvailable} / ${s.replicas}` }),
      el('td', { text: s.message || '' }))));
    UpshiftActions.render(u, operator);
    renderChecks(u);
  }

  /** What the probes measured and what the verification checks found (hidden when there is neither). */
  function renderChecks(u) {
    const n = (v) => Number(v).toLocaleString('en-US');
    const measured = u.availability || [];
    $('availability-card').hidden = !measured.length;
    $('availability-rows').replaceChildren(...measured.map((a) => el('tr', { class: a.failed ? 'check-fail' : 'check-pass' },
      el('td', { text: a.service }),
      el('td', { text: n(a.probes) }),
      el('td', { class: 'result', text: n(a.failed) }),
      el('td', { text: a.failed ? `${n(a.longestOutageMs)} ms` : '–' }))));
    const verified = (u.verification && u.verification.services) || [];
    $('verification-card').hidden = !verified.length;
    $('verification-rows').replaceChildren(...verified.flatMap((s) => s.checks.map((c) => el('tr', { class: 'check-' + c.result },
      el('td', { text: s.service }),
      el('td', { text: c.check }),
      el('td', { class: 'result', text: c.result }),
      el('td', {}, el('pre', { class: 'check-detail', text: c.detail || '' })),
      el('td', { text: time(c.at) })))));
  }

  async function logs() {
    const response = await api(`${base}/logs?after=${lastLine}`);
    if (!response.ok) return;
    const text = await response.text();
    const lines = text.split('\n').filter((l) => l.length);
    if (!lines.length) return;
    const log = $('log');
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
    log.append(lines.join('\n') + '\n');
    const n = parseInt(lines[lines.length - 1], 10);
    lastLine = Number.isNaN(n) ? lastLine + lines.length : n;
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  async function refresh() {
    const response = await api(base);
    if (!response.ok) {
      const body = await json(response);
      message($('detail-message'), 'error', body.error || `No upgrade ${id} (${response.status})`, body.reasons);
      clearInterval(timer);
      return;
    }
    const record = await json(response);
    render(record);
    await logs();
    const final = isFinal(record.state);
    $('log-status').textContent = final ? `(upgrade ${record.state.toLowerCase().replace(/_/g, ' ')})` : '(following live)';
    if (final) clearInterval(timer);
  }

  function follow() {
    clearInterval(timer);
    timer = setInterval(refresh, 1000);
  }

  // after an action the upgrade may run again (resume): follow it again
  UpshiftActions.bind(base, $('detail-message'), () => {
    refresh();
    follow();
  });

  me().then((user) => {
    operator = user.role === 'operator';
    refresh();
    follow();
  });
})();
