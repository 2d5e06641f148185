// Logon page: POST /auth/login opens a session (HttpOnly cookie), then back to the page asked for.
'use strict';
document.getElementById('logon').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('logon-error');
  const button = document.getElementById('logon-button');
  error.hidden = true;
  button.disabled = true;
  try {
    const response = await fetch('/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: JSON.stringify({
        username: document.getElementById('username').value,
        password: document.getElementById('password').value,
      }),
    });
    if (response.ok) {
      const next = new URLSearchParams(location.search).get('next');
      // only pages of this console: no open redirect
      location.assign(next && /^\/console\/[\w.\-\/?=&%]*$/.test(next) ? next : '/console/');
      return;
    }
    const body = await response.json().catch(() => ({}));
    error.textContent = response.status === 429
      ? `Too many failed logons. Try again in ${response.headers.get('Retry-After') || 'a few'} seconds.`
      : (body.error || `Logon failed (${response.status})`);
    error.hidden = false;
    document.getElementById('password').select();
  } finally {
    button.disabled = false;
  }
});
