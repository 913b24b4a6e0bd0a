// Builds the web app (web/ → web/dist) when its sources changed since the last build: `npm start` runs this first
// (prestart), so a fresh clone serves the built app and an unchanged restart costs only a hash of the sources.
// `--force` always builds. The test run calls ensureWebBuild() too (test/support/global-setup.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const web = join(root, 'web');
const stampFile = join(web, 'dist', '.source-hash');

/** Every file the build reads from this repository: web sources and public files, the page, the Vite config and the lockfile. */
function sources(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return [...walk(join(web, 'src')), ...walk(join(web, 'public')), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'package-lock.json')].sort();
}

/** A hash of the build's inputs, so a rebuild happens exactly when they change (not on a timestamp). */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sources()) hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Builds web/dist unless it is already built from the current sources. Returns whether it built. */
export async function ensureWebBuild(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  const hash = sourceHash();
  const built = existsSync(join(web, 'dist', 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash;
  if (built && !options.force) return false;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (error) {
    // Installed without development dependencies: serve the build that is there, if any.
    if (existsSync(join(web, 'dist', 'index.html'))) return false;
    throw new Error(`The web app is not built and Vite is not installed (npm install without --omit=dev): ${(error as Error).message}`);
  }
  const started = Date.now();
  // Always the production build of React and friends, even when called from a test run (NODE_ENV=test).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: options.quiet ? 'error' : 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stampFile, hash);
  if (!options.quiet) process.stdout.write(`  Built the web app in ${((Date.now() - started) / 1000).toFixed(1)} s (web/dist)\n`);
  return true;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  ensureWebBuild({ force: process.argv.includes('--force') }).catch((error) => {
    process.stderr.write(`confide: could not build the web app: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
