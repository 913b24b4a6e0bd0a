// Confide's minimal web app: sign in, change a one-time password, accept the policy, list people.
// No inline script (CSP script-src 'self'); every write sends the CSRF token from the session.
'use strict';

let csrf = null;
const $ = (id) => document.getElementById(id);
const views = ['sign-in', 'change-password', 'policy', 'home'];

function show(view) {
  for (const v of views) $(v).hidden = v !== view;
  $('sign-out').hidden = view === 'sign-in';
  const focus = $(view).querySelector('input, button');
  if (focus) focus.focus();
}

function alertMessage(text) {
  $('alert').textContent = text || '';
  $('alert').hidden = !text;
}

async function api(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const fields = data && Array.isArray(data.errors) ? data.errors.map((e) => e.message).join('; ') : '';
    const error = new Error((data && data.detail) || `Request failed (${res.status})`);
    error.status = res.status;
    error.fields = fields;
    error.code = data && data.code;
    throw error;
  }
  return data;
}

async function refresh() {
  let me;
  try {
    me = await api('GET', '/api/auth/me');
  } catch (e) {
    if (e.code === 'password-change-required') return show('change-password');
    $('who').textContent = '';
    return show('sign-in');
  }
  csrf = me.csrfToken;
  $('who').textContent = `Signed in as ${me.user.displayName} (${me.user.roles.join(', ') || 'no role'})`;
  if (me.user.mustChangePassword) return show('change-password');
  if (!me.policyAccepted) {
    const policy = await api('GET', '/api/policy/current');
    $('policy-title').textContent = policy.title;
    $('policy-text').textContent = policy.body;
    $('accept-policy').dataset.version = String(policy.version);
    return show('policy');
  }
  await loadPeople();
  show('home');
}

async function loadPeople() {
  const body = $('people').querySelector('tbody');
  body.replaceChildren();
  try {
    const page = await api('GET', '/api/people?limit=50');
    for (const p of page.items) {
      const tr = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = `${p.familyName}, ${p.givenName}${p.preferredName ? ` (${p.preferredName})` : ''}`;
      const kind = document.createElement('td');
      kind.textContent = String(p.kind).replace(/_/g, ' ');
      tr.append(name, kind);
      body.append(tr);
    }
    $('people-empty').hidden = page.items.length > 0;
  } catch (e) {
    // Roles without record access (e.g. administrators) see an explanation instead of a list.
    $('people-empty').hidden = false;
    $('people-empty').textContent = e.message;
  }
}

function bind() {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    alertMessage('');
    const code = $('code').value.trim();
    try {
      const res = await api('POST', '/api/auth/sign-in', { username: $('username').value.trim(), password: $('password').value, ...(code ? { code } : {}) });
      csrf = res.csrfToken;
      $('password').value = '';
      await refresh();
    } catch (e) {
      alertMessage(e.message);
    }
  });
  $('change-password-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    alertMessage('');
    try {
      await api('POST', '/api/auth/password', { currentPassword: $('current-password').value, newPassword: $('new-password').value });
      $('current-password').value = '';
      $('new-password').value = '';
      await refresh();
    } catch (e) {
      alertMessage(e.fields ? `${e.message} ${e.fields}` : e.message);
    }
  });
  $('accept-policy').addEventListener('click', async () => {
    alertMessage('');
    try {
      await api('POST', '/api/policy/accept', { version: Number($('accept-policy').dataset.version) });
      await refresh();
    } catch (e) {
      alertMessage(e.message);
    }
  });
  $('sign-out').addEventListener('click', async () => {
    try {
      await api('POST', '/api/auth/sign-out', {});
    } finally {
      csrf = null;
      alertMessage('');
      await refresh();
    }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  bind();
  refresh();
});
