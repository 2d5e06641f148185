// Upgrade detail: progress, each service's state and lowest available replicas, the log followed
// live (Server-Sent Events from GET …/events; asking every second, GET …/logs?after=N, when the
// stream breaks), and the operator actions (actions.js).
'use strict';
(() => {
  const { api, json, el, message, stateBadge, time, duration, me, image, isFinal } = Upshift;
  const $ = (id) => document.getElementById(id);
  const id = new URLSearchParams(location.search).get('id');
  const base = '/api/upgrades/' + encodeURIComponent(id || '');
  let operator = false;
  let lastLine = 0;
  let lastEvent = 0;
  let timer = null;
  let stream = null;

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

  function appendLines(lines) {
    if (!lines.length) return;
    const log = $('log');
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
    log.append(lines.join('\n') + '\n');
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  // lines from the stream are added once a frame: a replay of thousands of lines is one layout, not thousands
  let pending = [];
  function appendLater(line) {
    if (!pending.length) requestAnimationFrame(() => { const lines = pending; pending = []; appendLines(lines); });
    pending.push(line);
  }

  async function logs() {
    const response = await api(`${base}/logs?after=${lastLine}`);
    if (!response.ok) return;
    const text = await response.text();
    const lines = text.split('\n').filter((l) => l.length);
    if (!lines.length) return;
    appendLines(lines);
    const n = parseInt(lines[lines.length - 1], 10);
    lastLine = Number.isNaN(n) ? lastLine + lines.length : n;
  }

  function status(record) {
    const final = isFinal(record.state);
    $('log-status').textContent = final ? `(upgrade ${record.state.toLowerCase().replace(/_/g, ' ')})` : '(following live)';
    return final;
  }

  /** Follows the event stream; false when the browser has no EventSource. Breaks fall back to polling. */
  function listen() {
    if (!window.EventSource) return false;
    stream = new EventSource(`${base}/events?after=${lastEvent}`);
    $('log').dataset.follow = 'events';
    stream.addEventListener('record', (e) => {
      const record = JSON.parse(e.data);
      render(record);
      status(record);
    });
    stream.addEventListener('log', (e) => {
      lastEvent = Number(e.lastEventId) || lastEvent;
      const l = JSON.parse(e.data);
      if (l.line <= lastLine) return; // already shown
      lastLine = l.line;
      appendLater(`${l.line} ${l.at} ${l.message}`);
    });
    stream.addEventListener('state', (e) => {
      lastEvent = Number(e.lastEventId) || lastEvent;
    });
    stream.addEventListener('end', () => {
      stream.close();
      stream = null;
      refresh(); // the record as it ended, and any line after it
    });
    stream.onerror = () => {
      if (!stream) return;
      stream.close();
      stream = null;
      $('log').dataset.follow = 'polling';
      poll();
    };
    return true;
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
    if (!stream) await logs(); // while the stream follows, the lines come with it
    if (status(record)) clearInterval(timer);
  }

  function poll() {
    clearInterval(timer);
    refresh();
    timer = setInterval(refresh, 1000);
  }

  function follow() {
    clearInterval(timer);
    if (stream) stream.close();
    stream = null;
    if (!listen()) poll();
  }

  // after an action the upgrade may run again (resume): follow it again
  UpshiftActions.bind(base, $('detail-message'), follow);

  me().then((user) => {
    operator = user.role === 'operator';
    follow();
  });
})();
