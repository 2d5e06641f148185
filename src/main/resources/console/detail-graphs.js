// Upgrade detail: the dependency graph (with a panel for the chosen service) and the timeline,
// drawn from each record detail.js fetches (the 'upshift:record' event). Laid out once per record,
// then only restyled. The container keeps how long drawing took (data-draw-ms: the first draw with
// layout; data-update-ms: the last update) and how many layouts it made.
'use strict';
(() => {
  const { el, stateBadge, time } = Upshift;
  const took = (from, to) => UpshiftTimeline.span((to ? Date.parse(to) : Date.now()) - Date.parse(from));
  const root = document.getElementById('upgrade-graphs');
  if (!root) return;

  const STATES = [['pending', 'pending'], ['waiting', 'waiting for dependencies'], ['rolling', 'rolling'],
    ['succeeded', 'succeeded'], ['at-target', 'already at target'], ['failed', 'failed'],
    ['rolling-back', 'rolling back'], ['rolled-back', 'rolled back'], ['stopped', 'not started / stopped']];
  const VIEW = { RUNNING: 'rolling', SUCCEEDED: 'succeeded', ALREADY_AT_TARGET: 'at-target', FAILED: 'failed',
    ROLLING_BACK: 'rolling-back', ROLLED_BACK: 'rolled-back', NOT_STARTED: 'stopped' };
  const DONE = ['SUCCEEDED', 'ALREADY_AT_TARGET'];

  let record = null;
  let selected = null;
  let updates = 0;

  const graphBox = el('div', { id: 'dependency-graph', class: 'graph-scroll' });
  const panel = el('div', { id: 'graph-panel', class: 'graph-panel' });
  const timelineBox = el('div', { id: 'timeline' });
  root.append(
    el('section', { class: 'card', 'aria-labelledby': 'graph-heading' },
      el('h2', { id: 'graph-heading', text: 'Dependency graph' }),
      el('p', { class: 'hint', text: 'Services in dependency layers, left to right; each waits for the ones its '
        + 'edges come from. Choose a service for its message, images and times.' }),
      el('div', { class: 'graph-layout' }, graphBox, panel),
      UpshiftGraph.legend(STATES)),
    el('section', { class: 'card', 'aria-labelledby': 'timeline-heading' },
      el('h2', { id: 'timeline-heading', text: 'Timeline' }),
      el('p', { class: 'hint', text: 'One row per service on a shared time axis: a bar per phase, a thin line for the '
        + 'wait between its last dependency finishing and its own start; the critical path is outlined.' }),
      timelineBox,
      timelineLegend()));
  const graph = UpshiftGraph.create(graphBox, { title: 'Dependency graph of the upgrade', onSelect: choose });
  const timeline = UpshiftTimeline.create(timelineBox, { onSelect: (name) => graph.select(name) });
  showPanel();

  function timelineLegend() {
    const list = el('ul', { class: 'graph-legend', 'aria-hidden': 'true' },
      UpshiftTimeline.kinds().map(([kind, label]) => el('li', {}, el('span', { class: `swatch bar-${kind}` }), label)),
      el('li', {}, el('span', { class: 'swatch gap' }), 'waiting for its last dependency'),
      el('li', {}, el('span', { class: 'swatch critical' }), 'critical path'));
    return list;
  }

  function viewState(s, byName) {
    if (s.state !== 'PENDING') return VIEW[s.state] || 'pending';
    return blockers(s, byName).length ? 'waiting' : 'pending';
  }

  function blockers(s, byName) {
    return (s.dependsOn || []).filter((d) => byName.has(d) && !DONE.includes(byName.get(d).state));
  }

  function replicas(s) {
    return `${s.minAvailable ?? '–'} / ${s.replicas ?? '–'}`;
  }

  function message(s, byName) {
    const waitingFor = s.state === 'PENDING' ? blockers(s, byName) : [];
    return waitingFor.length ? `waiting for ${waitingFor.join(', ')}` : (s.message || '');
  }

  function items(u, byName) {
    return u.services.map((s) => {
      const state = viewState(s, byName);
      const label = STATES.find(([k]) => k === state)[1];
      return { name: s.name, dependsOn: s.dependsOn, state,
        detail: `${state === 'waiting' ? 'waiting' : label} · ${replicas(s)}`,
        tooltip: `${s.name}: ${label}\n${message(s, byName)}` };
    });
  }

  function choose(name) {
    selected = name;
    showPanel();
  }

  function showPanel() {
    const s = record && selected ? record.services.find((x) => x.name === selected) : null;
    if (!s) {
      panel.replaceChildren(el('p', { class: 'hint', text: 'Choose a service in the graph or the timeline to see its '
        + 'message, images and times here (hovering shows them too). The table below lists every service.' }));
      return;
    }
    const byName = new Map(record.services.map((x) => [x.name, x]));
    const row = (term, value) => [el('dt', { text: term }), el('dd', {}, value)];
    const imageText = (ref) => (ref ? ref.substring(ref.lastIndexOf('/') + 1) : '(not deployed)');
    panel.replaceChildren(el('h3', { text: s.name }), el('dl', {},
      ...row('State', stateBadge(s.state)),
      ...row('Message', message(s, byName) || '–'),
      ...row('From image', el('code', { title: s.fromImage || '', text: imageText(s.fromImage) })),
      ...row('To image', el('code', { title: s.toImage || '', text: imageText(s.toImage) })),
      ...row('Lowest available / replicas', replicas(s)),
      ...row('Depends on', (s.dependsOn || []).join(', ') || 'nothing'),
      ...row('Started', time(s.startedAt) || '–'),
      ...row('Finished', time(s.finishedAt) || '–'),
      ...row('Duration', s.startedAt ? took(s.startedAt, s.finishedAt) : '–'),
      ...(s.phases || []).flatMap((p) => row(p.kind.toLowerCase().replace(/_/g, ' '),
        `${time(p.startedAt)} → ${p.finishedAt ? time(p.finishedAt) : 'running'} (${took(p.startedAt, p.finishedAt)})`))));
  }

  document.addEventListener('upshift:record', (event) => {
    const u = event.detail;
    if (!u || !u.services) return;
    const started = performance.now();
    record = u;
    const byName = new Map(u.services.map((s) => [s.name, s]));
    const key = u.id + '|' + u.services.map((s) => s.name + ':' + (s.dependsOn || []).join(',')).join(';');
    const first = graph.layouts();
    const now = Date.now();
    graph.update(items(u, byName), key);
    const critical = UpshiftTimeline.criticalPath(u.services, now);
    graph.markCritical(critical);
    timeline.update(u, graph.order(), key, critical, now);
    showPanel();
    root.getBoundingClientRect(); // style and layout of what was drawn belong to the measured time
    const took = (performance.now() - started).toFixed(1);
    updates++;
    if (graph.layouts() !== first) root.dataset.drawMs = took;
    root.dataset.updateMs = took;
    root.dataset.layouts = graph.layouts();
    root.dataset.updates = updates;
  });
})();
