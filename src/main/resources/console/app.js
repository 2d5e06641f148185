// Shared by the console pages: API calls with the session (and CSRF token on changes), the page
// header, small DOM and formatting helpers. Data goes into the page as text, never as HTML.
'use strict';
const Upshift = (() => {
  const FINAL = ['SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'STOPPED', 'CANCELLED', 'FORCE_STOPPED', 'MARKED_SUCCEEDED',
    'MARKED_FAILED'];

  function cookie(name) {
    const found = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
    return found ? decodeURIComponent(found.substring(name.length + 1)) : null;
  }

  function toLogon() {
    location.assign('/console/login.html?next=' + encodeURIComponent(location.pathname + location.search));
    return new Promise(() => {}); // the page is going away
  }

  async function call(path, options = {}) {
    const method = options.method || 'GET';
    const headers = { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json, text/plain' };
    if (method !== 'GET') {
      // the server rotates the token after each change: read it again for every request
      headers['X-XSRF-TOKEN'] = cookie('XSRF-TOKEN') || '';
    }
    if (options.contentType) headers['Content-Type'] = options.contentType;
    Object.assign(headers, options.headers || {});
    const response = await fetch(path, { method, headers, body: options.body, credentials: 'same-origin' });
    if (response.status === 401) return toLogon();
    return response;
  }

  // Changes go one at a time, so that each carries the token the previous one left.
  let changes = Promise.resolve();
  function api(path, options = {}) {
    if (!options.method || options.method === 'GET') return call(path, options);
    const next = changes.then(() => call(path, options));
    changes = next.catch(() => {});
    return next;
  }

  async function json(response) {
    try { return await response.json(); } catch (e) { return {}; }
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Shows a message (kind: ok, error, info) with an optional list of reasons; empty kind hides it. */
  function message(container, kind, text, reasons = [], extra = null) {
    container.replaceChildren();
    container.hidden = !kind;
    if (!kind) return;
    container.className = 'message ' + kind;
    container.append(el('div', { text }));
    if (reasons && reasons.length) container.append(el('ul', {}, reasons.map((r) => el('li', { text: r }))));
    if (extra) container.append(extra);
  }

  function stateBadge(state) {
    return el('span', { class: 'state state-' + state, text: (state || '').replace(/_/g, ' ').toLowerCase() });
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function duration(from, to) {
    if (!from) return '';
    const seconds = Math.max(0, Math.round(((to ? new Date(to) : new Date()) - new Date(from)) / 1000));
    if (seconds < 60) return seconds + ' s';
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  /** Who is logged on; fills the header's user area and Log off button. */
  async function me() {
    const response = await api('/auth/me');
    const user = await json(response);
    const who = document.getElementById('who');
    if (who) {
      who.replaceChildren(
        el('span', { id: 'user', text: `${user.name} (${user.role})` }),
        el('button', { type: 'button', id: 'logoff', text: 'Log off', onclick: async () => {
          await api('/auth/logout', { method: 'POST' });
          location.assign('/console/login.html');
        } }));
    }
    document.body.dataset.role = user.role;
    document.querySelectorAll('[data-operator-only]').forEach((n) => { n.hidden = user.role !== 'operator'; });
    return user;
  }

  /** An image as name:tag (its registry path in the tooltip): the part that changes in an upgrade. */
  function image(ref) {
    return el('td', { class: 'image', title: ref || '', text: ref ? ref.substring(ref.lastIndexOf('/') + 1) : '' });
  }

  return { api, json, el, message, stateBadge, time, duration, me, image, isFinal: (s) => FINAL.includes(s) };
})();
