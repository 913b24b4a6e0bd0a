import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { notFound, nothingHere } from '../lib/errors';
import { publicRoute } from '../http/route';
import { asPage } from '../http/security-headers';

/** Where Vite writes the built web app (web/ → web/dist; see web/vite.config.ts and scripts/web-build.ts). */
export const WEB_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');
/** The built page; the web app is built when it exists. */
export const WEB_PAGE = join(WEB_DIST, 'index.html');

/** Top-level paths of the web app's pages: a deep link or a reload of any of them serves the app. */
export const APP_SECTIONS = ['sign-in', 'people', 'cases', 'notes', 'organisations', 'access', 'admin', 'account', 'concerns', 'notifications', 'disclosures', 'agreements', 'acknowledge', 'breaches', 'purposes', 'notices', 'meetings', 'meeting-acknowledge', 'review', 'privacy'] as const;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** An asset name with Vite's content hash ("index-h7ZhF6xL.js"). */
const HASHED = /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Confide</title></head><body>
<main><h1>The web app is not built yet</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed), then reload.</p></main>
</body></html>`;

/**
 * The built files, read once: the page and an allow-list of asset names taken from the build directory, so no path
 * from a request ever reaches the file system. Vite names assets by content hash, so they may be cached for good.
 */
function loadBuild() {
  const assetsDir = join(WEB_DIST, 'assets');
  const page = existsSync(WEB_PAGE) ? readFileSync(WEB_PAGE) : null;
  const assets = new Map<string, { type: string; body: Buffer }>();
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      const type = TYPES[extname(name)];
      if (type) assets.set(name, { type, body: readFileSync(join(assetsDir, name)) });
    }
  }
  return { page, assets };
}

let build: ReturnType<typeof loadBuild> | undefined;
let loadedAt = 0;
/**
 * The current build. `refresh` re-reads it when a page or asset is missing (a rebuild while the server runs, as
 * in development), at most once a second, so requests for names that do not exist cannot keep it reading.
 */
function current(refresh = false) {
  if (!build || (refresh && Date.now() - loadedAt > 1000)) {
    build = loadBuild();
    loadedAt = Date.now();
  }
  return build;
}

const sendPage = (reply: import('fastify').FastifyReply) => {
  const page = current().page ?? current(true).page;
  return asPage(reply).send(page ?? NOT_BUILT);
};

/**
 * A browser opening an address itself (a typed or mistyped address, an old bookmark), not a script asking for data:
 * it accepts an HTML page. Such a request for an address the app does not have gets the app's page, answered 404,
 * so the app says "Page not found" in its own frame instead of the browser showing problem+json.
 */
const wantsPage = (request: import('fastify').FastifyRequest) => /\btext\/html\b/.test(request.headers.accept ?? '');

/** The web app: its page for every app path (client-side routing) and its built, allow-listed assets. */
export const webRoutes = [
  publicRoute({
    method: 'GET', url: '/', public: true, tags: ['web'], summary: 'The web app',
    handler: async (_ctx, { reply }) => sendPage(reply),
  }),
  publicRoute({
    method: 'GET', url: '/*', public: true, tags: ['web'], summary: 'A page of the web app (deep links and reloads)',
    handler: async (_ctx, { request, reply }) => {
      const section = request.url.split(/[/?#]/)[1] ?? '';
      if ((APP_SECTIONS as readonly string[]).includes(section)) return sendPage(reply);
      // The API's addresses always answer problem+json, whoever asks; anything else a browser opens gets the app.
      if (section === 'api' || !wantsPage(request)) throw nothingHere();
      return sendPage(reply.code(404));
    },
  }),
  publicRoute({
    method: 'GET', url: '/assets/:file', public: true, tags: ['web'], summary: 'Static assets of the web app (content-hashed)',
    params: z.strictObject({ file: z.string().max(80) }),
    handler: async (_ctx, { params, reply }) => {
      const asset = current().assets.get(params.file) ?? current(true).assets.get(params.file);
      if (!asset) throw notFound('asset');
      // Names Vite gave a content hash never change; the rest (the API reference's app.css) are re-checked.
      if (HASHED.test(params.file)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      return reply.type(asset.type).send(asset.body);
    },
  }),
];
