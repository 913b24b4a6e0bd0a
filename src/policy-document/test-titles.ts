import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CLAUSE_KEYS, SAMPLE_CLAUSE_MAP } from '../policy/clauses';

/** A test whose title cites clauses of the sample policy or clause keys. */
export interface IndexedTest {
  file: string;
  title: string;
  keys: string[];
}

const TITLE = /\b(?:it|test)(?:\.each\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1).)+)\1/g;
const SAMPLE_NUMBER = /\b(practice \d(?:\.\d)?|\d\.\d)\b/gi;

/** Clause keys a test title cites, directly ("need-to-know") or through the sample policy's numbers ("3.4"). */
export function keysCitedBy(title: string): string[] {
  const keys = new Set<string>();
  for (const key of Object.keys(CLAUSE_KEYS)) if (title.includes(key)) keys.add(key);
  for (const m of title.matchAll(SAMPLE_NUMBER)) {
    const id = m[1].toLowerCase();
    for (const [key, ids] of Object.entries(SAMPLE_CLAUSE_MAP)) if (ids.includes(id)) keys.add(key);
  }
  return [...keys].sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

/** Scans the test suite for titles citing clauses. Deterministic (sorted) so the committed index diffs cleanly. */
export function indexTests(root: string): IndexedTest[] {
  const out: IndexedTest[] = [];
  for (const file of walk(join(root, 'test')).sort()) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(TITLE)) {
      const title = m[2].replace(/\\(.)/g, '$1'); // as the test runner shows it: "person\'s" → "person's"
      const keys = keysCitedBy(title);
      if (keys.length) out.push({ file: relative(root, file), title, keys });
    }
  }
  return out;
}
