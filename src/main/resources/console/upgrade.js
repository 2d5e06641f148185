// Upgrade: choose (or upload) the target version and the mode, see the compatibility verdict, the
// dry-run plan and its pre-checks, the impact of the mode in words, accept the warnings and the risk, start.
'use strict';
(() => {
  const { api, json, el, message, me, image } = Upshift;
  const $ = (id) => document.getElementById(id);
  let operator = false;
  let planOk = false;
  let prechecks = null; // the dry run's pre-check report
  let inProgress = null;
  let planSeq = 0;
  // one key per intended upgrade: a double click or a retry gets the same upgrade back
  let idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();

  const mode = () => document.querySelector('input[name=mode]:checked').value;

  function updateStart() {
    const blocked = prechecks && prechecks.verdict === 'blocked';
    const warningsOk = !prechecks || prechecks.verdict !== 'warnings' || $('accept-warnings').checked;
    $('start').disabled = !(operator && planOk && !inProgress && !blocked && warningsOk && $('accept-risk').checked
      && $('target').value);
  }

  // the pre-check report of the dry run: every check, failures and warnings first
  function showPrechecks(report) {
    prechecks = report || null;
    $('prechecks-card').hidden = !prechecks;
    $('accept-warnings-line').hidden = !prechecks || prechecks.verdict !== 'warnings';
    if (!prechecks) return;
    const order = { fail: 0, warn: 1, pass: 2 };
    const checks = [...prechecks.checks].sort((a, b) => order[a.result] - order[b.result]);
    const failed = checks.filter((c) => c.result === 'fail').length;
    const warned = checks.filter((c) => c.result === 'warn').length;
    message($('prechecks-verdict'), failed ? 'error' : warned ? 'warning' : 'ok', failed
      ? `${failed} blocking check${failed === 1 ? '' : 's'} failed: the upgrade cannot start until the cluster is fixed.`
      : warned ? `${warned} warning${warned === 1 ? '' : 's'}: accept them below to start.`
        : `All ${checks.length} pre-checks passed.`);
    $('prechecks-rows').replaceChildren(...checks.map((c) => el('tr', { class: 'check-' + c.result },
      el('td', { text: c.id }),
      el('td', { text: c.service || 'platform' }),
      el('td', { text: c.severity }),
      el('td', { class: 'result', text: c.result }),
      el('td', { text: c.detail }))));
  }

  function conflictLink(id) {
    return el('a', { href: 'detail.html?id=' + encodeURIComponent(id), text: 'Open the running upgrade ' + id });
  }

  async function platform() {
    const status = await json(await api('/api/platform'));
    $('platform').textContent = `The platform runs version ${status.currentVersion || 'unknown'}.`;
    inProgress = status.upgradeInProgress || null;
    if (inProgress) {
      message($('conflict'), 'error', 'An upgrade is in progress: a new one can start when it has ended (or after a force stop).',
        [], conflictLink(inProgress));
    } else {
      message($('conflict'), '');
    }
    updateStart();
    return status;
  }

  async function versions(select) {
    const status = await platform();
    const list = await json(await api('/api/versions'));
    const target = $('target');
    const keep = select || target.value;
    target.replaceChildren(el('option', { value: '', text: 'Choose a version…' }),
      ...list.filter((v) => v.version !== status.currentVersion)
        .sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))
        .map((v) => el('option', { value: v.version, text: `${v.version} (${v.services} services)` })));
    if ([...target.options].some((o) => o.value === keep)) target.value = keep;
  }

  async function plan() {
    planOk = false;
    updateStart();
    const verdict = $('verdict');
    const table = $('plan');
    const version = $('target').value;
    if (!version) {
      message(verdict, '');
      table.hidden = true;
      showPlan(null);
      showPrechecks(null);
      $('changes-card').hidden = true;
      $('impact').hidden = true;
      return;
    }
    if (!operator) {
      message(verdict, 'info', 'The compatibility check and plan are a dry run of the upgrade: operators only.');
      return;
    }
    const seq = ++planSeq;
    message(verdict, 'info', 'Checking compatibility…');
    // a dry run changes nothing; the API asks for acceptRisk on every request, a dry run included
    const response = await api('/api/upgrades?dryRun=true', { method: 'POST', contentType: 'application/json',
      body: JSON.stringify({ targetVersion: version, mode: mode(), acceptRisk: true }) });
    const body = await json(response);
    if (seq !== planSeq) return; // a newer choice is being checked
    if (!response.ok) {
      table.hidden = true;
      showPlan(null);
      showPrechecks(null);
      $('impact').hidden = true;
      message(verdict, 'error', body.error || `The plan could not be made (${response.status})`, body.reasons);
      return;
    }
    $('impact').textContent = 'Impact: ' + body.impact;
    $('impact').hidden = false;
    const zero = body.mode === 'zero-downtime';
    message(verdict, zero ? 'ok' : 'info',
      `${zero ? 'Zero-downtime upgrade' : 'Downtime upgrade'} — ${body.modeReason || `${body.fromVersion} → ${body.targetVersion}`}`);
    verdict.classList.add('verdict');
    showPlan(body);
    $('plan-rows').replaceChildren(...body.services.map((s, i) => el('tr', {},
      el('td', { text: i + 1 }),
      el('td', { text: s.name }),
      s.fromImage ? image(s.fromImage) : el('td', { text: '(not deployed)' }),
      image(s.toImage),
      el('td', { text: s.alreadyAtTarget ? 'already at target' : (s.dependsOn && s.dependsOn.length ? 'after ' + s.dependsOn.join(', ') : '') }))));
    table.hidden = false;
    // the report last: at 400 services its thousands of rows would otherwise weigh on the graph's drawing
    showPrechecks(body.prechecks);
    showChanges(body.fromVersion, body.targetVersion);
    planOk = true;
    updateStart();
  }

  /** One service's diff in words: image, env keys, resources, replicas, args, ConfigMap keys, jobs. */
  function changeText(d) {
    const parts = [];
    if (d.image) parts.push(`image ${d.image.from || '(none)'} → ${d.image.to}`);
    if (d.env) {
      const env = [];
      Object.keys(d.env.added || {}).forEach((k) => env.push('+' + k));
      Object.keys(d.env.changed || {}).forEach((k) => env.push('~' + k));
      (d.env.removed || []).forEach((k) => env.push('−' + k));
      parts.push('env ' + env.join(' '));
    }
    if (d.resources) parts.push('resources ' + JSON.stringify(d.resources.to));
    if (d.replicas) parts.push(`replicas ${d.replicas.from ?? '(as deployed)'} → ${d.replicas.to}`);
    if (d.args) parts.push('args ' + d.args.to.join(' '));
    Object.entries(d.configMaps || {}).forEach(([name, k]) => parts.push(`ConfigMap ${name}: `
      + [...(k.added || []).map((x) => '+' + x), ...(k.changed || []).map((x) => '~' + x),
        ...(k.removed || []).map((x) => '−' + x)].join(' ')));
    if (d.jobsBefore && d.jobsBefore.length) parts.push('jobs before: ' + d.jobsBefore.join(', '));
    return parts.join('; ');
  }

  /** The diff between the version the platform runs and the target (GET /api/versions/{a}/diff/{b}). */
  async function showChanges(from, to) {
    const card = $('changes-card');
    card.hidden = true;
    if (!from || !to) return;
    const response = await api(`/api/versions/${encodeURIComponent(from)}/diff/${encodeURIComponent(to)}`);
    if (!response.ok) return; // the running version was never imported: the plan's images are all there is
    const diff = await json(response);
    const rows = diff.services.filter((d) => d.change !== 'UNCHANGED');
    $('changes-rows').replaceChildren(...rows.map((d) => el('tr', { class: 'change-' + d.change.toLowerCase() },
      el('td', { text: d.name }), el('td', { text: d.change.toLowerCase() }), el('td', { text: changeText(d) }))));
    const jobs = [...(diff.jobsBefore || []).map((j) => j + ' (before)'), ...(diff.jobsAfter || []).map((j) => j + ' (after)')];
    $('changes-jobs').textContent = jobs.length ? 'Jobs: ' + jobs.join(', ') : '';
    $('changes-jobs').hidden = !jobs.length;
    card.hidden = false;
  }

  /** The plan drawn as a graph (plan-graph.js); null hides it. */
  function showPlan(body) {
    document.dispatchEvent(new CustomEvent('upshift:plan', { detail: body }));
  }

  async function upload() {
    const file = $('config-file').files[0];
    const result = $('upload-result');
    if (!file) {
      message(result, 'error', 'Choose a version configuration file (YAML or JSON) first.');
      $('config-file').focus();
      return;
    }
    const type = /\.json$/i.test(file.name) ? 'application/json' : 'application/yaml';
    const response = await api('/api/versions', { method: 'POST', contentType: type, body: file });
    const body = await json(response);
    if (response.ok) {
      message(result, 'ok', `Version ${body.version} ${body.action} (${body.services} services).`);
      await versions(body.version);
      plan();
    } else if (response.status === 409 && body.upgrade) {
      message(result, 'error', body.error, body.reasons, conflictLink(body.upgrade));
    } else {
      message(result, 'error', `Validation failed: ${body.error || response.status}`, body.reasons);
    }
  }

  async function start() {
    const result = $('start-result');
    $('start').disabled = true;
    const response = await api('/api/upgrades', { method: 'POST', contentType: 'application/json',
      headers: { 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify({ targetVersion: $('target').value, mode: mode(), acceptRisk: $('accept-risk').checked,
        acceptWarnings: $('accept-warnings').checked, requestedBy: document.body.dataset.user }) });
    const body = await json(response);
    if (response.status === 202 || (response.ok && body.id)) {
      location.assign('detail.html?id=' + encodeURIComponent(body.id));
      return;
    }
    idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
    if (response.status === 409 && body.upgrade) {
      message(result, 'error', 'An upgrade is in progress: wait for it to end, or force stop it.', [], conflictLink(body.upgrade));
      platform();
    } else {
      // a refused pre-check (409 PRECHECK_FAILED, 400 WARNINGS_NOT_ACCEPTED) brings the report as it is now
      if (body.prechecks) showPrechecks(body.prechecks);
      message(result, 'error', body.error || `The upgrade could not start (${response.status})`, body.reasons);
      updateStart();
    }
  }

  $('target').addEventListener('change', plan);
  document.querySelectorAll('input[name=mode]').forEach((r) => r.addEventListener('change', plan));
  $('accept-risk').addEventListener('change', updateStart);
  $('accept-warnings').addEventListener('change', updateStart);
  $('upload').addEventListener('click', upload);
  $('start').addEventListener('click', start);

  me().then((user) => {
    document.body.dataset.user = user.name;
    operator = user.role === 'operator';
    if (!operator) {
      message($('role-message'), 'info', `You are logged on as ${user.name}, a viewer: you can see versions and upgrades, `
        + 'but only an operator can upload configurations and start upgrades.');
      $('upload').disabled = true;
      $('config-file').disabled = true;
    }
    return versions();
  }).then(plan);
  setInterval(platform, 5000);
})();
