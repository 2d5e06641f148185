// Dependency graph in plain SVG: services in dependency layers from left to right, an edge from
// each dependency to its dependent. Laid out once per set of services (create → update with a new
// key); every later update only restyles what changed (class, label, tooltip), so a 400-service
// upgrade followed live never recomputes its layout. Only what is near the visible part of the
// scroll box is in the DOM: a 400-service graph costs the browser what 50 nodes do.
'use strict';
const UpshiftGraph = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const NODE_W = 164;
  const NODE_H = 38;
  const COL_GAP = 56;
  const ROW_GAP = 10;
  const PAD = 12;
  const NAME_CHARS = 21;

  /** An SVG element with attributes and text (as text, never markup). */
  function svg(tag, attributes = {}, text = null) {
    const node = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== null) node.textContent = text;
    return node;
  }

  function clip(text, chars) {
    return text.length > chars ? text.substring(0, chars - 1) + '…' : text;
  }

  /**
   * Layers by longest path: a service sits one layer right of its deepest dependency. Within a
   * layer, services are ordered by the mean row of their dependencies (one barycentre pass), which
   * keeps edges short and crossings few; services of the first layer keep their given order.
   * Dependencies on names outside the list are ignored; a cycle (never accepted by validation)
   * would put its services in the last layer rather than loop.
   */
  function layout(items) {
    const names = new Set(items.map((i) => i.name));
    const deps = new Map(items.map((i) => [i.name, (i.dependsOn || []).filter((d) => names.has(d) && d !== i.name)]));
    const dependents = new Map(items.map((i) => [i.name, []]));
    const waiting = new Map();
    for (const [name, list] of deps) {
      waiting.set(name, list.length);
      list.forEach((d) => dependents.get(d).push(name));
    }
    const layerOf = new Map();
    let ready = items.filter((i) => waiting.get(i.name) === 0).map((i) => i.name);
    ready.forEach((n) => layerOf.set(n, 0));
    while (ready.length) {
      const next = [];
      for (const name of ready) {
        for (const d of dependents.get(name)) {
          layerOf.set(d, Math.max(layerOf.get(d) || 0, layerOf.get(name) + 1));
          waiting.set(d, waiting.get(d) - 1);
          if (waiting.get(d) === 0) next.push(d);
        }
      }
      ready = next;
    }
    const deepest = Math.max(0, ...layerOf.values());
    items.forEach((i) => { if (!layerOf.has(i.name)) layerOf.set(i.name, deepest + 1); });

    const layers = [];
    items.forEach((i) => {
      const l = layerOf.get(i.name);
      (layers[l] = layers[l] || []).push(i.name);
    });
    const row = new Map();
    layers.forEach((layer, l) => {
      if (l > 0) {
        const mean = (n) => {
          const list = deps.get(n);
          return list.length ? list.reduce((sum, d) => sum + (row.get(d) ?? 0), 0) / list.length : Infinity;
        };
        const keys = new Map(layer.map((n, index) => [n, [mean(n), index]]));
        layer.sort((a, b) => keys.get(a)[0] - keys.get(b)[0] || keys.get(a)[1] - keys.get(b)[1]);
      }
      layer.forEach((n, index) => row.set(n, index));
    });
    const tallest = Math.max(1, ...layers.map((l) => l.length));
    return {
      layers,
      deps,
      row,
      layerOf,
      width: PAD * 2 + layers.length * NODE_W + Math.max(0, layers.length - 1) * COL_GAP,
      height: PAD * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP,
    };
  }

  function x(shape, name) {
    return PAD + shape.layerOf.get(name) * (NODE_W + COL_GAP);
  }

  function y(shape, name) {
    return PAD + shape.row.get(name) * (NODE_H + ROW_GAP);
  }

  /**
   * What of a scroll box is in view, kept from its scroll events (read once per animation frame),
   * so drawing never has to ask the browser for layout. {@code changed} runs after each scroll.
   */
  function viewport(box, changed) {
    const view = { left: 0, top: 0, width: 0, height: 0 };
    let pending = false;
    view.measure = () => {
      view.left = box.scrollLeft;
      view.top = box.scrollTop;
      view.width = box.clientWidth || 800;
      view.height = box.clientHeight || 480;
    };
    /** A rectangle in or near the visible part (a quarter of the box ahead, drawn before it scrolls in). */
    view.reaches = (x1, y1, x2, y2) => x2 >= view.left - view.width / 4 && x1 <= view.left + 1.25 * view.width
      && y2 >= view.top - view.height / 4 && y1 <= view.top + 1.25 * view.height;
    const later = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        view.measure();
        changed();
      });
    };
    box.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    return view;
  }

  /**
   * A graph view in {@code container} (a scroll box). Items: {name, dependsOn, state, detail,
   * tooltip}; state is a CSS class suffix (node-state-…), detail the node's second line, tooltip its
   * hover text. options: {title, onSelect(name)}. The layout covers every service; only the nodes
   * and edges near the visible part of the box are in the DOM, drawn as it scrolls.
   */
  function create(container, options = {}) {
    let key = null;
    let shape = null;
    let model = new Map();
    let edges = [];
    let edgeLayer = null;
    let nodeLayer = null;
    let selected = null;
    let critical = new Set();
    let layouts = 0;
    const view = viewport(container, draw);

    const titleId = container.id + '-title';
    const descId = container.id + '-desc';

    function build(items) {
      layouts++;
      shape = layout(items);
      model = new Map();
      edges = [];
      const root = svg('svg', { class: 'dependency-graph', role: 'img', 'aria-labelledby': `${titleId} ${descId}`,
        width: shape.width, height: shape.height, 'data-services': items.length });
      root.append(svg('title', { id: titleId }, options.title || 'Dependency graph'),
        svg('desc', { id: descId }, `${items.length} services in ${shape.layers.length} dependency layers, `
          + 'from left to right; an edge leads from a service to the services that depend on it. '
          + 'The table of services lists the same.'));
      edgeLayer = svg('g', { class: 'edges' });
      nodeLayer = svg('g', { class: 'nodes' });
      for (const item of items) {
        const nx = x(shape, item.name);
        const ny = y(shape, item.name);
        model.set(item.name, { item, x: nx, y: ny, drawn: null });
        for (const dep of shape.deps.get(item.name)) {
          const x1 = x(shape, dep) + NODE_W;
          const y1 = y(shape, dep) + NODE_H / 2;
          const y2 = ny + NODE_H / 2;
          edges.push({ from: dep, to: item.name, x1, x2: nx, top: Math.min(y1, y2), bottom: Math.max(y1, y2),
            d: `M${x1},${y1} C${x1 + (nx - x1) / 2},${y1} ${nx - (nx - x1) / 2},${y2} ${nx},${y2}`, drawn: null });
        }
      }
      root.setAttribute('data-edges', edges.length);
      root.append(edgeLayer, nodeLayer);
      root.addEventListener('click', (event) => {
        const g = event.target.closest('g.node');
        if (g) select(g.dataset.name);
      });
      container.replaceChildren(root);
      container.scrollTo(0, 0);
      view.measure();
      if (selected && !model.has(selected)) selected = null;
      draw();
    }

    function drawNode(m) {
      const { item } = m;
      const tooltip = svg('title', {}, item.tooltip || item.name);
      const detail = svg('text', { class: 'node-detail', x: m.x + 10, y: m.y + 31 }, item.detail || '');
      const g = svg('g', { class: `node node-state-${item.state}`, 'data-name': item.name,
        'data-layer': shape.layerOf.get(item.name) });
      g.append(tooltip,
        svg('rect', { x: m.x, y: m.y, width: NODE_W, height: NODE_H, rx: 5 }),
        svg('text', { class: 'node-name', x: m.x + 10, y: m.y + 15 }, clip(item.name, NAME_CHARS)),
        detail);
      m.drawn = { g, tooltip, detail, state: item.state, detailText: item.detail || '', tooltipText: item.tooltip || item.name };
      mark(m);
      nodeLayer.append(g);
    }

    function paint(m) {
      const { item, drawn } = m;
      if (drawn.state !== item.state) {
        drawn.g.classList.replace(`node-state-${drawn.state}`, `node-state-${item.state}`);
        drawn.state = item.state;
      }
      const detail = item.detail || '';
      if (drawn.detailText !== detail) {
        drawn.detail.textContent = detail;
        drawn.detailText = detail;
      }
      const tooltip = item.tooltip || item.name;
      if (drawn.tooltipText !== tooltip) {
        drawn.tooltip.textContent = tooltip;
        drawn.tooltipText = tooltip;
      }
    }

    function mark(m) {
      m.drawn.g.classList.toggle('selected', m.item.name === selected);
      m.drawn.g.classList.toggle('critical', critical.has(m.item.name));
    }

    function markEdge(e) {
      e.drawn.classList.toggle('linked', selected !== null && (e.from === selected || e.to === selected));
      e.drawn.classList.toggle('critical', critical.has(e.from) && critical.has(e.to));
    }

    /** Adds what came near the visible part, drops what went far from it. */
    function draw() {
      if (!shape) return;
      for (const e of edges) {
        const near = view.reaches(e.x1, e.top, e.x2, e.bottom);
        if (near && !e.drawn) {
          e.drawn = svg('path', { class: 'edge', 'data-from': e.from, 'data-to': e.to, d: e.d });
          markEdge(e);
          edgeLayer.append(e.drawn);
        } else if (!near && e.drawn) {
          e.drawn.remove();
          e.drawn = null;
        }
      }
      for (const m of model.values()) {
        const near = view.reaches(m.x, m.y, m.x + NODE_W, m.y + NODE_H);
        if (near && !m.drawn) {
          drawNode(m);
        } else if (!near && m.drawn) {
          m.drawn.g.remove();
          m.drawn = null;
        }
      }
    }

    function highlight() {
      for (const m of model.values()) if (m.drawn) mark(m);
      for (const e of edges) if (e.drawn) markEdge(e);
    }

    function select(name) {
      selected = name;
      highlight();
      if (options.onSelect) options.onSelect(name);
    }

    return {
      /** Draws items; lays out only when {@code newKey} differs from the last one, else restyles. */
      update(items, newKey) {
        if (newKey !== key || !shape) {
          key = newKey;
          build(items);
          return;
        }
        for (const item of items) {
          const m = model.get(item.name);
          m.item = item;
          if (m.drawn) paint(m);
        }
      },
      /** Highlights a critical path: a list of service names, each depending on the one before. */
      markCritical(names) {
        const next = new Set(names);
        if (next.size === critical.size && [...next].every((n) => critical.has(n))) return;
        critical = next;
        highlight();
      },
      select,
      /** The services in layout order: layer by layer, top to bottom. */
      order: () => (shape ? shape.layers.flat() : []),
      layouts: () => layouts,
    };
  }

  /** A legend of node states: [state class suffix, label] pairs. */
  function legend(states) {
    const list = document.createElement('ul');
    list.className = 'graph-legend';
    list.setAttribute('aria-hidden', 'true');
    for (const [state, label] of states) {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch node-state-${state}`;
      item.append(swatch, label);
      list.append(item);
    }
    return list;
  }

  return { create, layout, legend, viewport, svg };
})();
