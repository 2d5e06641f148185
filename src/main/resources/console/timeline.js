// Timeline (Gantt) of an upgrade in plain SVG: one row per service on a shared time axis, a bar per
// phase (rolling update; a downtime upgrade's scale-down and scale-up; rollback), the wait between
// a service's last dependency finishing and its own start, and the critical path. Rows are laid
// out once per set of services; an update moves bars along the axis and adds a bar when a phase
// begins. Bar kinds come from the record's phases: a kind not listed in KINDS (verification, jobs)
// is drawn as its own bar with class bar-<kind> and its name as label. Only the rows near the
// visible part of the scroll box are in the DOM (graph.js's viewport).
'use strict';
const UpshiftTimeline = (() => {
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

  const { svg } = UpshiftGraph;

  const ms = (iso) => (iso ? Date.parse(iso) : null);
  const pad = (n) => String(n).padStart(2, '0');
  // local wall-clock time; not toLocaleTimeString, whose first call costs tens of ms
  const clock = (t) => {
    const d = new Date(t);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };

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

  /**
   * A timeline view in {@code container} (in the page already, for its width); options:
   * {onSelect(name)}. Every service has its row in the layout; only the rows near the visible part
   * of the scroll box are in the DOM.
   */
  function create(container, options = {}) {
    let key = null;
    let order = [];
    let rows = new Map();
    let axis = null;
    let body = null;
    let box = null;
    let view = null;
    let current = null;
    // measured once, when the view is made (the page is still small): drawing never waits for layout
    const width = Math.max(480, (container.clientWidth || 960) - LABEL_W - 24);

    function build(names) {
      order = names;
      axis = svg('svg', { class: 'timeline-axis', width: LABEL_W + width, height: AXIS_H, 'aria-hidden': 'true' });
      body = svg('svg', { class: 'timeline', role: 'img', width: LABEL_W + width, height: order.length * ROW_H + 4,
        'data-services': order.length,
        'aria-label': `Timeline of ${order.length} services: one bar per phase on a shared time axis; the table of services lists the same times.` });
      body.addEventListener('click', (event) => {
        const g = event.target.closest('g.row');
        if (g && options.onSelect) options.onSelect(g.dataset.name);
      });
      rows = new Map(order.map((name, index) => [name, { index, drawn: null }]));
      box = document.createElement('div');
      box.className = 'timeline-scroll';
      box.append(body);
      container.replaceChildren(axis, box);
      view = UpshiftGraph.viewport(box, draw);
      view.measure();
    }

    function drawRow(name, row) {
      const g = svg('g', { class: 'row', 'data-name': name, transform: `translate(0,${row.index * ROW_H + 2})` });
      const title = svg('title', {}, name);
      const gap = svg('rect', { class: 'gap', x: LABEL_W, y: (ROW_H - 3) / 2, width: 0, height: 3 });
      g.append(title,
        svg('rect', { class: row.index % 2 ? 'row-band' : 'row-band odd', x: 0, y: 0, width: LABEL_W + width, height: ROW_H }),
        svg('text', { class: 'row-name', x: 6, y: 13 }, name.length > NAME_CHARS ? name.substring(0, NAME_CHARS - 1) + '…' : name),
        gap);
      row.drawn = { g, title, gap, bar: [], titleText: name };
      body.append(g);
    }

    /** Adds the rows that came near the visible part (painted from the last record), drops the far ones. */
    function draw() {
      if (!current) return;
      for (const [name, row] of rows) {
        const top = row.index * ROW_H;
        const near = view.reaches(0, top, LABEL_W + width, top + ROW_H);
        if (near && !row.drawn) {
          drawRow(name, row);
          paint(name, row);
        } else if (!near && row.drawn) {
          row.drawn.g.remove();
          row.drawn = null;
        }
      }
    }

    function paint(name, row) {
      const { t, scale, onPath, services } = current;
      const v = t.get(name);
      const r = row.drawn;
      if (!v) return;
      while (r.bar.length < v.list.length) {
        const rect = svg('rect', { y: (ROW_H - BAR_H) / 2, height: BAR_H, rx: 2 });
        r.bar.push({ rect, kind: null });
        r.g.append(rect);
      }
      v.list.forEach((p, i) => {
        const bar = r.bar[i];
        if (bar.kind !== p.kind) {
          const kind = String(p.kind).toLowerCase().replace(/_/g, '-');
          bar.rect.setAttribute('class', `bar bar-${kind}`);
          bar.rect.setAttribute('data-kind', p.kind);
          bar.kind = p.kind;
        }
        bar.rect.classList.toggle('open', p.open);
        bar.rect.classList.toggle('critical', onPath.has(name) && p === v.pass);
        const x = scale(p.start);
        bar.rect.setAttribute('x', x.toFixed(1));
        bar.rect.setAttribute('width', Math.max(1, scale(p.end) - x).toFixed(1));
        bar.rect.setAttribute('data-start', p.start);
        bar.rect.setAttribute('data-end', p.end);
      });
      const waited = v.pass && v.depsEnd !== null && v.pass.start > v.depsEnd;
      r.gap.setAttribute('x', waited ? scale(v.depsEnd).toFixed(1) : LABEL_W);
      r.gap.setAttribute('width', waited ? (scale(v.pass.start) - scale(v.depsEnd)).toFixed(1) : 0);
      r.g.classList.toggle('critical', onPath.has(name));
      const text = [services.get(name).name,
        ...v.list.map((p) => `${KINDS[p.kind] || String(p.kind).toLowerCase()}: ${span(p.end - p.start)}${p.open ? ' so far' : ''}`),
        v.pass && v.lastDep ? `started ${span(Math.max(0, v.pass.start - v.depsEnd))} after ${v.lastDep} finished` : '',
        onPath.has(name) ? 'on the critical path' : ''].filter((l) => l).join('\n');
      if (text !== r.titleText) {
        r.title.textContent = text;
        r.titleText = text;
      }
    }

    function drawAxis(t0, t1) {
      const length = t1 - t0;
      const step = STEPS.find((s) => length / s <= 8) || STEPS[STEPS.length - 1];
      const ticks = [];
      for (let t = 0; t <= length; t += step) {
        const x = LABEL_W + (t / length) * width;
        ticks.push(svg('line', { x1: x, x2: x, y1: AXIS_H - 6, y2: AXIS_H }));
        if (x < LABEL_W + width - 50) {
          ticks.push(svg('text', { x: x + 3, y: AXIS_H - 9 }, t === 0 ? clock(t0) : '+' + span(t)));
        }
      }
      axis.replaceChildren(svg('line', { class: 'baseline', x1: LABEL_W, x2: LABEL_W + width, y1: AXIS_H - 0.5, y2: AXIS_H - 0.5 }),
        ...ticks);
      body.setAttribute('data-t0', t0);
      body.setAttribute('data-t1', t1);
    }

    return {
      /**
       * Draws a record (services, startedAt, finishedAt) in {@code names} order; {@code critical}
       * the names on the critical path. Rows are laid out when the key changes, else only moved.
       */
      update(record, names, newKey, critical, now) {
        if (newKey !== key || !body) {
          key = newKey;
          build(names);
        }
        const services = new Map((record.services || []).map((s) => [s.name, s]));
        const t = timings(record.services || [], now);
        const starts = [...t.values()].flatMap((v) => v.list.map((p) => p.start));
        const t0 = ms(record.startedAt) ?? (starts.length ? Math.min(...starts) : now);
        const ends = [...t.values()].map((v) => v.end).filter((e) => e !== null);
        const t1 = Math.max(t0 + 1000, ms(record.finishedAt) ?? now, ...ends);
        drawAxis(t0, t1);
        current = { t, services, onPath: new Set(critical), scale: (v) => LABEL_W + ((v - t0) / (t1 - t0)) * width };
        for (const [name, row] of rows) {
          if (row.drawn) paint(name, row);
        }
        draw();
      },
    };
  }

  /** The bar kinds as [class suffix, label] pairs, for a legend. */
  function kinds() {
    return Object.entries(KINDS).map(([kind, label]) => [kind.toLowerCase().replace(/_/g, '-'), label]);
  }

  return { create, criticalPath, timings, kinds, span };
})();
