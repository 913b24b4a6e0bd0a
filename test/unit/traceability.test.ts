import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLAUSE_KEYS, SAMPLE_CLAUSE_MAP_DOCUMENT } from '../../src/policy/clauses';
import { RULES } from '../../src/policy/rules';
import { buildMatrix } from '../../src/policy-document/matrix';
import { parsePolicy } from '../../src/policy-document/parse';
import { clauseMapErrors } from '../../src/policy-document/store';
import testIndex from '../../src/policy-document/test-index.json' with { type: 'json' };
import { indexTests } from '../../src/policy-document/test-titles';

const text = readFileSync('policies/sample-confidentiality-policy.md', 'utf8');
const clauses = parsePolicy(text);
const doc = { id: 'sample', version: 1, title: 'sample', body: text, clauses, clauseMap: SAMPLE_CLAUSE_MAP_DOCUMENT, loadedAt: '2026-01-01T00:00:00Z', loadedBy: null };

describe('traceability: every clause of the policy is enforced, tested or procedural', () => {
  it('every clause key a rule cites is mapped to at least one clause of the sample policy', () => {
    const unmapped = [...new Set(RULES.map((r) => r.clauseKey))].filter((k) => !(SAMPLE_CLAUSE_MAP_DOCUMENT.keys[k] ?? []).length);
    expect(unmapped).toEqual([]);
  });

  it('every rule cites a known clause key', () => {
    expect(RULES.filter((r) => !(r.clauseKey in CLAUSE_KEYS)).map((r) => r.id)).toEqual([]);
  });

  it('the sample clause map names only clauses that exist', () => {
    expect(clauseMapErrors(SAMPLE_CLAUSE_MAP_DOCUMENT, clauses)).toEqual([]);
  });

  it('no clause of the sample policy is a gap (rules with tests, a procedural note, or a section heading)', () => {
    expect(buildMatrix(doc).summary.gaps).toEqual([]);
  });

  it('every clause key is covered by at least one test that cites it', () => {
    const cited = new Set((testIndex as { tests: { keys: string[] }[] }).tests.flatMap((t) => t.keys));
    expect(Object.keys(CLAUSE_KEYS).filter((k) => !cited.has(k))).toEqual([]);
  });

  it('the committed test index is up to date (run `npm run traceability`)', () => {
    expect(indexTests(process.cwd())).toEqual((testIndex as { tests: unknown[] }).tests);
  });
});
