// Schedules: the upgrade windows with their next window and last outcome; operators create
// (one window or a cron in a time zone) and delete them.
'use strict';
(() => {
  const { api, json, el, message, time, me } = Upshift;
  const $ = (id) => document.getElementById(id);
  let operator = false;
  let user = '';
  let deleting = null;

  const kind = () => document.querySelector('input[name=kind]:checked').value;
  const mode = () => document.querySelector('input[name=mode]:checked').value;

  /** A time as the API writes it, in the schedule's own zone: 2026-12-01 02:00 +08:00. */
  function zoned(iso) {
    const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(?:\.\d+)?(Z|[+-]\d\d:\d\d)?$/.exec(iso || '');
    if (!m) return iso || '';
    const seconds = m[3] && m[3] !== ':00' ? m[3] : '';
    return `${m[1]} ${m[2]}${seconds} ${m[4] === 'Z' ? 'UTC' : (m[4] || '')}`.trim();
  }

  function when(s) {
    if (s.cron) {
      return el('td', {}, 'every ', el('code', { text: s.cron }), ` (${s.timeZone})`);
    }
    return el('td', { text: `once, ${zoned(s.at)}${/^[+-]|^Z$/.test(s.timeZone) ? '' : ` (${s.timeZone})`}` });
  }

  /** "STARTED upg-…" with the upgrade as a link; SKIPPED/FAILED/MISSED as they are. */
  function outcome(s) {
    const cell = el('td', {});
    if (!s.lastOutcome) {
      cell.append(el('span', { class: 'hint nowrap', text: 'not opened yet' }));
      return cell;
    }
    const word = s.lastOutcome.split(/[\s:]/)[0];
    const badge = { STARTED: 'SUCCEEDED', SKIPPED: 'PENDING' }[word] || 'FAILED';
    cell.append(el('span', { class: 'state state-' + badge, text: word.toLowerCase() }), ' ');
    const rest = s.lastOutcome.substring(word.length).replace(/^:?\s*/, '');
    const at = s.lastUpgradeId ? rest.indexOf(s.lastUpgradeId) : -1;
    const link = s.lastUpgradeId
      ? el('a', { href: 'detail.html?id=' + encodeURIComponent(s.lastUpgradeId), text: s.lastUpgradeId }) : null;
    if (at >= 0) {
      cell.append(rest.substring(0, at), link, rest.substring(at + s.lastUpgradeId.length));
    } else {
      cell.append(rest);
      if (link) cell.append(' (', link, ')');
    }
    if (s.lastWindowAt) cell.append(el('div', { class: 'hint', text: 'window of ' + time(s.lastWindowAt) }));
    return cell;
  }

  function row(s) {
    return el('tr', { 'data-id': s.id },
      el('td', { class: 'nowrap', title: s.source ? 'from ' + s.source : null, text: s.id }),
      el('td', { text: s.targetVersion }),
      el('td', { text: s.mode }),
      when(s),
      el('td', { class: 'nowrap', text: `${s.windowMinutes} min` }),
      el('td', { class: 'nowrap next', text: s.nextFireTime ? zoned(s.nextFireTime) : 'none (no further window)' }),
      outcome(s),
      operator ? el('td', {}, el('button', { type: 'button', class: 'delete', 'aria-label': 'Delete schedule ' + s.id,
        text: 'Delete', onclick: () => confirmDelete(s) })) : null);
  }

  async function list() {
    const response = await api('/api/schedules');
    if (!response.ok) {
      message($('list-message'), 'error', `The schedules are not available (${response.status}).`);
      return;
    }
    const schedules = await json(response);
    const rows = $('schedules');
    rows.replaceChildren(...schedules.map(row));
    if (!schedules.length) {
      rows.append(el('tr', {}, el('td', { colspan: operator ? 8 : 7, class: 'empty', text: 'No schedules.' })));
    }
  }

  async function versions() {
    const list = await json(await api('/api/versions'));
    const target = $('target');
    const keep = target.value;
    target.replaceChildren(el('option', { value: '', text: 'Choose a version…' }),
      ...(Array.isArray(list) ? list : [])
        .sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))
        .map((v) => el('option', { value: v.version, text: `${v.version} (${v.services} services)` })));
    if ([...target.options].some((o) => o.value === keep)) target.value = keep;
    updateCreate();
  }

  function zones() {
    let names = [];
    try { names = Intl.supportedValuesOf('timeZone'); } catch (e) { /* an older browser: type the zone */ }
    $('zones').replaceChildren(...names.map((z) => el('option', { value: z })));
    $('time-zone').value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  }

  function showKind() {
    const once = kind() === 'once';
    $('at-field').hidden = !once;
    $('at').disabled = !once;
    $('cron-field').hidden = once;
    $('cron').disabled = once;
  }

  function updateCreate() {
    $('create').disabled = !(operator && $('accept-risk').checked && $('target').value);
  }

  async function create(event) {
    event.preventDefault();
    if ($('create').disabled) return;
    const result = $('create-result');
    const once = kind() === 'once';
    const missing = once ? (!$('at').value && 'Choose the date and time the window opens.')
      : (!$('cron').value.trim() && 'Write the cron expression of the windows.');
    if (missing) {
      message(result, 'error', missing);
      $(once ? 'at' : 'cron').focus();
      return;
    }
    const body = { targetVersion: $('target').value, mode: mode(), acceptRisk: $('accept-risk').checked,
      requestedBy: user, timeZone: $('time-zone').value.trim() || null };
    if (once) body.at = $('at').value; else body.cron = $('cron').value.trim();
    if ($('window-minutes').value !== '') body.windowMinutes = Number($('window-minutes').value);
    $('create').disabled = true;
    const response = await api('/api/schedules', { method: 'POST', contentType: 'application/json', body: JSON.stringify(body) });
    const created = await json(response);
    if (response.status === 201) {
      message(result, 'ok', `Schedule ${created.id} created: ${created.nextFireTime
        ? 'next window ' + zoned(created.nextFireTime) : 'no window ahead'}.`);
      // each schedule is accepted on its own
      $('accept-risk').checked = false;
      await list();
    } else {
      message(result, 'error', `The schedule was not created: ${created.error || response.status}`, created.reasons);
    }
    updateCreate();
  }

  function confirmDelete(schedule) {
    deleting = schedule;
    $('delete-title').textContent = `Delete schedule ${schedule.id}?`;
    $('delete-text').textContent = `Its windows (${schedule.cron ? 'every ' + schedule.cron : 'once, ' + zoned(schedule.at)}, `
      + `upgrade to ${schedule.targetVersion}) will not open. An upgrade it has already started is not touched.`;
    $('delete-dialog').showModal();
  }

  async function deleteConfirmed() {
    const schedule = deleting;
    $('delete-dialog').close();
    if (!schedule) return;
    const response = await api('/api/schedules/' + encodeURIComponent(schedule.id), { method: 'DELETE' });
    if (response.status === 204) {
      message($('list-message'), 'ok', `Schedule ${schedule.id} deleted.`);
    } else {
      const body = await json(response);
      message($('list-message'), 'error', `Schedule ${schedule.id} was not deleted: ${body.error || response.status}`, body.reasons);
    }
    await list();
    $('list-message').focus(); // its row and Delete button are gone
  }

  document.querySelectorAll('input[name=kind]').forEach((r) => r.addEventListener('change', showKind));
  $('target').addEventListener('change', updateCreate);
  $('accept-risk').addEventListener('change', updateCreate);
  $('create-form').addEventListener('submit', create);
  $('delete-cancel').addEventListener('click', () => $('delete-dialog').close());
  $('delete-confirm').addEventListener('click', deleteConfirmed);
  $('delete-dialog').addEventListener('close', () => { deleting = null; });

  me().then((who) => {
    user = who.name;
    operator = who.role === 'operator';
    document.querySelectorAll('.operator-only').forEach((e) => { e.hidden = !operator; });
    if (operator) {
      $('create-section').hidden = false;
      zones();
      showKind();
      versions();
    } else {
      message($('role-message'), 'info', `You are logged on as ${who.name}, a viewer: you can see the schedules, `
        + 'but only an operator can create and delete them.');
    }
    return list();
  });
  // outcomes change when windows open
  setInterval(list, 10000);
})();
