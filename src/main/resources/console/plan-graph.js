// Upgrade page: the dry-run plan drawn as the dependency graph the upgrade will follow, from the
// plan upgrade.js fetched (the 'upshift:plan' event; null hides it). Laid out once per plan.
'use strict';
(() => {
  const { el } = Upshift;
  const root = document.getElementById('plan-graph');
  if (!root) return;
  const box = el('div', { id: 'plan-dependency-graph', class: 'graph-scroll' });
  const graph = UpshiftGraph.create(box, { title: 'Dependency graph of the planned upgrade' });
  root.append(el('h3', { text: 'Plan as a graph' }),
    el('p', { class: 'hint', text: 'Each service starts once the services its edges come from are at the target version.' }),
    box,
    UpshiftGraph.legend([['planned', 'to upgrade'], ['at-target', 'already at target']]));

  document.addEventListener('upshift:plan', (event) => {
    const plan = event.detail;
    root.hidden = !plan;
    if (!plan) return;
    const started = performance.now();
    const key = `${plan.targetVersion}|${plan.mode}|` + plan.services.map((s) => s.name + ':' + (s.dependsOn || []).join(',')).join(';');
    graph.update(plan.services.map((s) => ({ name: s.name, dependsOn: s.dependsOn,
      state: s.alreadyAtTarget ? 'at-target' : 'planned',
      detail: `${s.alreadyAtTarget ? 'at target' : 'to upgrade'} · ${s.replicas} replicas`,
      tooltip: `${s.name}\n${s.fromImage || '(not deployed)'} → ${s.toImage}`
        + (s.dependsOn && s.dependsOn.length ? `\nafter ${s.dependsOn.join(', ')}` : '') })), key);
    root.getBoundingClientRect();
    root.dataset.drawMs = (performance.now() - started).toFixed(1);
    root.dataset.layouts = graph.layouts();
  });
})();
