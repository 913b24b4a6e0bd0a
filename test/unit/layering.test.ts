import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

/** Every TypeScript file under src/, as a path relative to the repository ("src/people/queries.ts"). */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

/** The modules a file imports or re-exports (static, type-only and dynamic), resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specifiers.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(dirname(join(ROOT, file)), s)) : s));
}

/** The transports: HTTP, the CLI, the web app, the entry points and each area's thin routes.ts. */
const isTransport = (file: string) => /^src\/(http|cli|web)\//.test(file) || /^src\/(app|routes|server|cli)\.ts$/.test(file) || /routes\.ts$/.test(file);

describe('layering: use cases know no HTTP', () => {
  const files = sourceFiles();

  it('finds the source tree and reads its imports (the walk itself works)', () => {
    expect(files).toContain('src/people/queries.ts');
    expect(importsOf('src/http/pipeline.ts').some((i) => i.startsWith('src/http/'))).toBe(true);
    expect(importsOf('src/attachments/routes.ts')).toContain('src/http/route');
  });

  it('no use-case, domain or shared module imports from src/http/ (only the transports and routes.ts files may)', () => {
    const offenders = files
      .filter((f) => !isTransport(f))
      .flatMap((f) => importsOf(f).filter((i) => i === 'src/http' || i.startsWith('src/http/')).map((i) => `${f} → ${i}`));
    expect(offenders).toEqual([]);
  });

  it('context.ts and services.ts import nothing from src/http/', () => {
    for (const file of ['src/context.ts', 'src/services.ts']) expect(importsOf(file).filter((i) => i.startsWith('src/http/'))).toEqual([]);
  });

  it('documents/ renders what it is given: it imports no use-case module, only lib/ and itself', () => {
    const offenders = files
      .filter((f) => f.startsWith('src/documents/'))
      .flatMap((f) => importsOf(f).filter((i) => i.startsWith('src/') && !/^src\/(documents|lib)\//.test(i)).map((i) => `${f} → ${i}`));
    expect(offenders).toEqual([]);
  });

  it('1.1 records-management: no policy route sends its own answer — it returns it, so the answer leaves only after its audit entries are committed', () => {
    // A handler runs inside its unit of work; reply.send() there would put a confidential answer on the wire before
    // the transaction holding its audit entry commits (and even if it then rolled back). Only the public web routes,
    // which run no unit, may send themselves.
    const offenders = files
      .filter((f) => f.endsWith('routes.ts') && f !== 'src/web/routes.ts')
      .filter((f) => /\.send\(/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
