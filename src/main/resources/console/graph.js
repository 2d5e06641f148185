// Dependency graph in plain SVG: services in dependency layers from left to right, an edge from
// each dependency to its dependent. Laid out once per set of services (create → update with a new
// key); every later update only restyles what changed (class, label, tooltip), so a 400-service
// upgrade followed live never recomputes its layout.
'use strict';
const UpshiftGraph = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const NODE_W = 190;
  const NODE_H = 38;
  const COL_GAP = 90;
  const ROW_GAP = 10;
  const PAD = 12;
  const NAME_CHARS = 25;

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
   * A graph view in {@code container}. Items: {name, dependsOn, state, detail, tooltip}; state is a
   * CSS class suffix (node-state-…), detail the node's second line, tooltip its hover text.
   * options: {title, onSelect(name)}.
   */
  function create(container, options = {}) {
    let key = null;
    let shape = null;
    let nodes = new Map();
    let edges = [];
    let selected = null;
    let critical = new Set();
    let layouts = 0;

    const titleId = container.id + '-title';
    const descId = container.id + '-desc';

    function build(items) {
      layouts++;
      shape = layout(items);
      nodes = new Map();
      edges = [];
      const root = svg('svg', { class: 'dependency-graph', role: 'img', 'aria-labelledby': `${titleId} ${descId}`,
        width: shape.width, height: shape.height, viewBox: `0 0 ${shape.width} ${shape.height}` });
      root.append(svg('title', { id: titleId }, options.title || 'Dependency graph'),
        svg('desc', { id: descId }, `${items.length} services in ${shape.layers.length} dependency layers, `
          + 'from left to right; an edge leads from a service to the services that depend on it. '
          + 'The table of services lists the same.'));
      const edgeLayer = svg('g', { class: 'edges' });
      const nodeLayer = svg('g', { class: 'nodes' });
      for (const item of items) {
        const nx = x(shape, item.name);
        const ny = y(shape, item.name);
        for (const dep of shape.deps.get(item.name)) {
          const x1 = x(shape, dep) + NODE_W;
          const y1 = y(shape, dep) + NODE_H / 2;
          const y2 = ny + NODE_H / 2;
          const bend = (nx - x1) / 2;
          const path = svg('path', { class: 'edge', 'data-from': dep, 'data-to': item.name,
            d: `M${x1},${y1} C${x1 + bend},${y1} ${nx - bend},${y2} ${nx},${y2}` });
          edges.push(path);
          edgeLayer.append(path);
        }
        const tooltip = svg('title', {}, item.tooltip || item.name);
        const detail = svg('text', { class: 'node-detail', x: nx + 10, y: ny + 31 }, item.detail || '');
        const g = svg('g', { class: `node node-state-${item.state}`, 'data-name': item.name,
          'data-layer': shape.layerOf.get(item.name) });
        g.append(tooltip,
          svg('rect', { x: nx, y: ny, width: NODE_W, height: NODE_H, rx: 5 }),
          svg('text', { class: 'node-name', x: nx + 10, y: ny + 15 }, clip(item.name, NAME_CHARS)),
          detail);
        nodes.set(item.name, { g, tooltip, detail, state: item.state, detailText: item.detail || '',
          tooltipText: item.tooltip || item.name });
        nodeLayer.append(g);
      }
      root.append(edgeLayer, nodeLayer);
      root.addEventListener('click', (event) => {
        const g = event.target.closest('g.node');
        if (g) select(g.dataset.name);
      });
      container.replaceChildren(root);
      if (selected && !nodes.has(selected)) selected = null;
      highlight();
    }

    function restyle(items) {
      for (const item of items) {
        const node = nodes.get(item.name);
        if (node.state !== item.state) {
          node.g.classList.replace(`node-state-${node.state}`, `node-state-${item.state}`);
          node.state = item.state;
        }
        const detail = item.detail || '';
        if (node.detailText !== detail) {
          node.detail.textContent = detail;
          node.detailText = detail;
        }
        const tooltip = item.tooltip || item.name;
        if (node.tooltipText !== tooltip) {
          node.tooltip.textContent = tooltip;
          node.tooltipText = tooltip;
        }
      }
    }

    function highlight() {
      for (const [name, node] of nodes) {
        node.g.classList.toggle('selected', name === selected);
        node.g.classList.toggle('critical', critical.has(name));
      }
      for (const e of edges) {
        const from = e.getAttribute('data-from');
        const to = e.getAttribute('data-to');
        e.classList.toggle('linked', selected !== null && (from === selected || to === selected));
        e.classList.toggle('critical', critical.has(from) && critical.has(to));
      }
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
        } else {
          restyle(items);
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

  return { create, layout, legend };
})();
