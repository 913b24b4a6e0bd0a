// The JavaScript a browser loads before the first page shows, gzipped, against the budget (issue: < 200 KB).
// `npm run check:bundle` builds if needed and prints it; test/integration/web-bundle.test.ts asserts it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuild } from './web-build';

/** The budget for the initial JavaScript, gzipped. */
export const INITIAL_JS_BUDGET_BYTES = 200 * 1024;

/**
 * The scripts index.html loads (module entries and their modulepreloads) with their gzipped sizes. Pages loaded
 * later (React.lazy chunks) are not part of the first load.
 */
export function initialScripts(dist = join(import.meta.dirname, '..', 'web', 'dist')) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  return srcs.map((src) => ({ src, gzipBytes: gzipSync(readFileSync(join(dist, src))).length }));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await ensureWebBuild({ quiet: true });
  const scripts = initialScripts();
  const total = scripts.reduce((n, s) => n + s.gzipBytes, 0);
  for (const s of scripts) process.stdout.write(`  ${s.src}  ${(s.gzipBytes / 1024).toFixed(1)} KB gzipped\n`);
  process.stdout.write(`initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${INITIAL_JS_BUDGET_BYTES / 1024} KB)\n`);
  if (total > INITIAL_JS_BUDGET_BYTES) process.exit(1);
}
