// Timeline (Gantt) of an upgrade in plain SVG: one row per service on a shared time axis, a bar per
// phase (rolling update; a downtime upgrade's scale-down and scale-up; rollback), the wait between
// a service's last dependency finishing and its own start, and the critical path. Rows are laid
// out once per set of services; an update moves bars along the axis and adds a bar when a phase
// begins. Bar kinds come from the record's phases: a kind not listed in KINDS (verification, jobs)
// is drawn as its own bar with class bar-<kind> and its name as label.
'use strict';
const UpshiftTimeline = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const LABEL_W = 180;
  const ROW_H = 18;
  const BAR_H = 11;
  const AXIS_H = 24;
  const NAME_CHARS = 26;
  const KINDS = {
    ROLLING: 'rolling update',
    DOWNTIME: 'downtime roll',
    SCALE_DOWN: 'scale down',
    SCALE_UP: 'scale up',
    ROLLBACK: 'rollback',
  };
  const STEPS = [10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5];

  function svg(tag, attributes = {}, text = null) {
    const node = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== null) node.textContent = text;
    return node;
  }

  const ms = (iso) => (iso ? Date.parse(iso) : null);

  function span(millis) {
    if (millis < 1000) return `${Math.round(millis)} ms`;
    if (millis < 60000) return `${(millis / 1000).toFixed(millis < 10000 ? 1 : 0)} s`;
    const minutes = Math.floor(millis / 60000);
    return minutes < 60 ? `${minutes} min ${Math.round((millis % 60000) / 1000)} s`
      : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  /**
   * A service's phases with times in ms; the last open one ends at {@code now} while the upgrade
   * runs, at the upgrade's end after it. A record written before phases existed gets one from the
   * service's own start and finish.
   */
  function phases(service, now) {
    const list = service.phases && service.phases.length ? service.phases
      : service.startedAt ? [{ kind: 'ROLLING', startedAt: service.startedAt, finishedAt: service.finishedAt }] : [];
    return list.map((p) => ({ kind: p.kind, start: ms(p.startedAt), end: ms(p.finishedAt) ?? now, open: !p.finishedAt }));
  }

  /** The pass a dependency order holds for: the last one that is not a rollback. */
  function forward(list) {
    const passes = list.filter((p) => p.kind !== 'ROLLBACK');
    return passes.length ? passes[passes.length - 1] : null;
  }

  /**
   * When each service started its last forward pass, and when the last of its dependencies finished
   * the same kind of pass (which it waited for): {name: {start, end, depsEnd, lastDep}}.
   */
  function timings(services, now) {
    const out = new Map();
    for (const s of services) {
      const list = phases(s, now);
      const pass = forward(list);
      out.set(s.name, { list, pass, end: list.length ? Math.max(...list.map((p) => p.end)) : null });
    }
    for (const s of services) {
      const t = out.get(s.name);
      t.depsEnd = null;
      t.lastDep = null;
      if (!t.pass) continue;
      for (const dep of s.dependsOn || []) {
        const d = out.get(dep);
        const same = d && d.list.filter((p) => p.kind === t.pass.kind);
        const end = same && same.length ? same[same.length - 1].end : null;
        if (end !== null && (t.depsEnd === null || end > t.depsEnd)) {
          t.depsEnd = end;
          t.lastDep = dep;
        }
      }
    }
    return out;
  }

  /**
   * The critical path: from the service that finished last, back through the dependency each one
   * waited for last, to a service that waited for none. Returned first service first.
   */
  function criticalPath(services, now) {
    const t = timings(services, now);
    let current = null;
    for (const [name, v] of t) {
      if (v.end !== null && (current === null || v.end > t.get(current).end)) current = name;
    }
    const path = [];
    const seen = new Set();
    while (current && !seen.has(current)) {
      path.unshift(current);
      seen.add(current);
      current = t.get(current).lastDep;
    }
    return path;
  }

  /** A timeline view in {@code container}; options: {onSelect(name)}. */
  function create(container, options = {}) {
    let key = null;
    let rows = new Map();
    let axis = null;
    let body = null;
    let width = 0;

    function build(order) {
      width = Math.max(480, (container.clientWidth || 960) - LABEL_W - 24);
      axis = svg('svg', { class: 'timeline-axis', width: LABEL_W + width, height: AXIS_H, 'aria-hidden': 'true' });
      const height = order.length * ROW_H + 4;
      body = svg('svg', { class: 'timeline', role: 'img', width: LABEL_W + width, height,
        'aria-label': `Timeline of ${order.length} services: one bar per phase on a shared time axis; the table of services lists the same times.` });
      rows = new Map();
      order.forEach((name, index) => {
        const y = index * ROW_H + 2;
        const g = svg('g', { class: 'row', 'data-name': name, transform: `translate(0,${y})` });
        const title = svg('title', {}, name);
        const bars = svg('g', { class: 'bars' });
        const gap = svg('rect', { class: 'gap', x: LABEL_W, y: (ROW_H - 3) / 2, width: 0, height: 3 });
        g.append(title,
          svg('rect', { class: 'row-band', x: 0, y: 0, width: LABEL_W + width, height: ROW_H }),
          svg('text', { class: 'row-name', x: 6, y: 13 }, name.length > NAME_CHARS ? name.substring(0, NAME_CHARS - 1) + '…' : name),
          gap, bars);
        rows.set(name, { g, title, gap, bars, bar: [], titleText: name });
        body.append(g);
      });
      body.addEventListener('click', (event) => {
        const g = event.target.closest('g.row');
        if (g && options.onSelect) options.onSelect(g.dataset.name);
      });
      const scroll = document.createElement('div');
      scroll.className = 'timeline-scroll';
      scroll.append(body);
      container.replaceChildren(axis, scroll);
    }

    function drawAxis(t0, t1) {
      const length = t1 - t0;
      const step = STEPS.find((s) => length / s <= 8) || STEPS[STEPS.length - 1];
      const ticks = [];
      for (let t = 0; t <= length; t += step) {
        const x = LABEL_W + (t / length) * width;
        ticks.push(svg('line', { x1: x, x2: x, y1: AXIS_H - 6, y2: AXIS_H }),
          svg('text', { x: x + 3, y: AXIS_H - 9 }, t === 0 ? new Date(t0).toLocaleTimeString() : '+' + span(t)));
      }
      axis.replaceChildren(svg('line', { class: 'baseline', x1: LABEL_W, x2: LABEL_W + width, y1: AXIS_H - 0.5, y2: AXIS_H - 0.5 }),
        ...ticks);
      axis.setAttribute('data-t0', t0);
      axis.setAttribute('data-t1', t1);
      body.setAttribute('data-t0', t0);
      body.setAttribute('data-t1', t1);
    }

    return {
      /**
       * Draws a record (services, startedAt, finishedAt) in {@code order}; {@code critical} the
       * names on the critical path. Rows are built when the key changes, else only moved.
       */
      update(record, order, newKey, critical, now) {
        if (newKey !== key || !body) {
          key = newKey;
          build(order);
        }
        const services = record.services || [];
        const t = timings(services, now);
        const starts = [...t.values()].flatMap((v) => v.list.map((p) => p.start));
        const t0 = ms(record.startedAt) ?? (starts.length ? Math.min(...starts) : now);
        const ends = [...t.values()].map((v) => v.end).filter((e) => e !== null);
        const t1 = Math.max(t0 + 1000, ms(record.finishedAt) ?? now, ...ends);
        drawAxis(t0, t1);
        const scale = (v) => LABEL_W + ((v - t0) / (t1 - t0)) * width;
        const onPath = new Set(critical);
        for (const s of services) {
          const row = rows.get(s.name);
          if (!row) continue;
          const v = t.get(s.name);
          while (row.bar.length < v.list.length) {
            const rect = svg('rect', { y: (ROW_H - BAR_H) / 2, height: BAR_H, rx: 2 });
            row.bar.push({ rect, kind: null });
            row.bars.append(rect);
          }
          v.list.forEach((p, i) => {
            const bar = row.bar[i];
            if (bar.kind !== p.kind) {
              const kind = String(p.kind).toLowerCase().replace(/_/g, '-');
              bar.rect.setAttribute('class', `bar bar-${kind}`);
              bar.rect.setAttribute('data-kind', p.kind);
              bar.kind = p.kind;
            }
            bar.rect.classList.toggle('open', p.open);
            const x = scale(p.start);
            bar.rect.setAttribute('x', x.toFixed(1));
            bar.rect.setAttribute('width', Math.max(1, scale(p.end) - x).toFixed(1));
            bar.rect.setAttribute('data-start', p.start);
            bar.rect.setAttribute('data-end', p.end);
          });
          const waited = v.pass && v.depsEnd !== null && v.pass.start > v.depsEnd;
          row.gap.setAttribute('x', waited ? scale(v.depsEnd).toFixed(1) : LABEL_W);
          row.gap.setAttribute('width', waited ? (scale(v.pass.start) - scale(v.depsEnd)).toFixed(1) : 0);
          row.g.classList.toggle('critical', onPath.has(s.name));
          const text = [s.name, ...v.list.map((p) => `${KINDS[p.kind] || String(p.kind).toLowerCase()}: ${span(p.end - p.start)}${p.open ? ' so far' : ''}`),
            v.pass && v.lastDep ? `started ${span(Math.max(0, v.pass.start - v.depsEnd))} after ${v.lastDep} finished` : '',
            onPath.has(s.name) ? 'on the critical path' : ''].filter((l) => l).join('\n');
          if (text !== row.titleText) {
            row.title.textContent = text;
            row.titleText = text;
          }
        }
      },
    };
  }

  /** The bar kinds as [class suffix, label] pairs, for a legend. */
  function kinds() {
    return Object.entries(KINDS).map(([kind, label]) => [kind.toLowerCase().replace(/_/g, '-'), label]);
  }

  return { create, criticalPath, timings, kinds, span };
})();
