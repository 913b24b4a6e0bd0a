import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { notFound } from '../lib/errors';
import { publicRoute } from '../http/route';

/** The only files /assets/ serves: an allow-list, so no path from the request ever reaches the file system. */
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};
const dir = join(import.meta.dirname, 'assets');
const cache = new Map<string, Buffer>();
const asset = (name: string) => {
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(join(dir, name))));
  return body;
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confide</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<header class="bar"><span class="brand">Confide</span><span id="who" class="who"></span></header>
<main id="main">
  <div id="alert" role="alert" class="alert" hidden></div>

  <section id="sign-in" hidden aria-labelledby="sign-in-title">
    <h1 id="sign-in-title">Sign in</h1>
    <form id="sign-in-form" novalidate>
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <label for="code">Authenticator code <span class="hint">(if you have set one up)</span></label>
      <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}">
      <button type="submit">Sign in</button>
    </form>
  </section>

  <section id="change-password" hidden aria-labelledby="change-title">
    <h1 id="change-title">Choose your own password</h1>
    <p>Your password was set by an administrator and can be used once. Choose a new one of at least 12 characters.</p>
    <form id="change-password-form" novalidate>
      <label for="current-password">Current (one-time) password</label>
      <input id="current-password" type="password" autocomplete="current-password" required>
      <label for="new-password">New password</label>
      <input id="new-password" type="password" autocomplete="new-password" minlength="12" required>
      <button type="submit">Save password</button>
    </form>
  </section>

  <section id="policy" hidden aria-labelledby="policy-title">
    <h1 id="policy-title">Our confidentiality policy</h1>
    <p>Before you can see confidential records, read the policy you work under and accept it (clause 3.5).</p>
    <pre id="policy-text" class="policy" tabindex="0"></pre>
    <button id="accept-policy" type="button">I have read and accept this policy</button>
  </section>

  <section id="home" hidden aria-labelledby="home-title">
    <h1 id="home-title">People you work with</h1>
    <p class="hint">You see only the people you need to know about. Open the API reference at <a href="/api/docs">/api/docs</a>.</p>
    <table id="people"><thead><tr><th scope="col">Name</th><th scope="col">Kind</th></tr></thead><tbody></tbody></table>
    <p id="people-empty" hidden>No one yet: you see people once you are on their case team or are granted access.</p>
  </section>

  <p><button id="sign-out" type="button" class="secondary" hidden>Sign out</button></p>
</main>
</body>
</html>
`;

/** The minimal server-rendered UI: sign-in, first-password change, policy acceptance and the people you may see. */
export const webRoutes = [
  publicRoute({
    method: 'GET', url: '/', public: true, tags: ['web'], summary: 'The web app (sign-in page)',
    handler: async (_ctx, { reply }) => reply.type('text/html; charset=utf-8').send(PAGE),
  }),
  publicRoute({
    method: 'GET', url: '/assets/:file', public: true, tags: ['web'], summary: 'Static assets of the web app',
    params: z.strictObject({ file: z.string().max(40) }),
    handler: async (_ctx, { params, reply }) => {
      const type = Object.hasOwn(ASSETS, params.file) ? ASSETS[params.file] : undefined;
      if (!type) throw notFound('asset');
      return reply.type(type).send(asset(params.file));
    },
  }),
];
