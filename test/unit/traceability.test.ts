import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLAUSE_KEYS, SAMPLE_CLAUSE_MAP_DOCUMENT } from '../../src/policy/clauses';
import { RULES } from '../../src/policy/rules';
import { matrixPdf } from '../../src/documents/matrix-pdf';
import { buildMatrix, matrixMarkdown, unmappedRuleKeys } from '../../src/policy-document/matrix';
import { parsePolicy } from '../../src/policy-document/parse';
import { clauseMapErrors } from '../../src/policy-document/store';
import testIndex from '../../src/policy-document/test-index.json' with { type: 'json' };
import { indexTests, keysCitedBy } from '../../src/policy-document/test-titles';

const text = readFileSync('policies/sample-confidentiality-policy.md', 'utf8');
const clauses = parsePolicy(text);
const doc = { id: 'sample', version: 1, title: 'sample', body: text, clauses, clauseMap: SAMPLE_CLAUSE_MAP_DOCUMENT, loadedAt: '2026-01-01T00:00:00Z', loadedBy: null };

describe('traceability: every clause of the policy is enforced, tested or procedural', () => {
  it('every clause key a rule cites is mapped to at least one clause of the sample policy', () => {
    expect(unmappedRuleKeys(SAMPLE_CLAUSE_MAP_DOCUMENT)).toEqual([]);
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

  it('the sample matrix lists every clause of the sample policy with its rules, tests or procedural note', () => {
    const m = buildMatrix(doc);
    expect(m.rows.map((r) => r.clause)).toEqual(clauses.map((c) => c.id));
    for (const r of m.rows) {
      if (r.status === 'enforced') expect(r.rules.length * r.tests.length, r.clause).toBeGreaterThan(0);
      if (r.status === 'procedural') expect(r.procedural, r.clause).toBeTruthy();
    }
    const row = (id: string) => m.rows.find((r) => r.clause === id)!;
    expect(row('3.4').rules.map((r) => r.id)).toContain('need-to-know/case-team');
    expect(row('practice 2').rules.map((r) => r.id)).toContain('session/staff-team-only');
    expect(row('2.2').procedural).toMatch(/sell/);
    expect(row('equality-and-diversity').status).toBe('procedural');
  });
});

describe('traceability checks catch a broken clause map', () => {
  const without = (mutate: (map: { keys: Record<string, string[]>; procedural: Record<string, string> }) => void) => {
    const map = structuredClone(SAMPLE_CLAUSE_MAP_DOCUMENT);
    mutate(map);
    return { ...doc, clauseMap: map };
  };

  it('a rule whose clause key no clause maps is reported', () => {
    const broken = without((m) => delete m.keys['session-staff-team-only']);
    expect(unmappedRuleKeys(broken.clauseMap)).toEqual(['session-staff-team-only']);
    const emptied = without((m) => (m.keys['need-to-know'] = []));
    expect(unmappedRuleKeys(emptied.clauseMap)).toEqual(['need-to-know']);
  });

  it('a clause with no rule, no test and no procedural note is a gap', () => {
    expect(buildMatrix(without((m) => delete m.procedural['2.2'])).summary.gaps).toEqual(['2.2']);
    // Mapped, but only to a key no rule cites, and its note removed: still a gap.
    expect(buildMatrix(without((m) => delete m.procedural['5'])).summary.gaps).toEqual(['5']);
  });

  it('a clause whose rules no test cites is a gap unless it has a procedural note', () => {
    const m = buildMatrix(doc, []);
    expect(m.summary.gaps).toContain('3.4');
    expect(m.summary.gaps).not.toContain('2.2');
    expect(m.rows.find((r) => r.clause === '3.4')!.rules.length).toBeGreaterThan(0);
  });

  it('test titles cite clauses by the sample numbers or by key', () => {
    expect(keysCitedBy('3.4 need to know: off the team is a 404')).toEqual(['need-to-know']);
    expect(keysCitedBy('practice 4.1 safeguarding: managers see concerns')).toEqual(['safeguarding-management']);
    expect(keysCitedBy('a staff-awareness check')).toEqual(['staff-awareness']);
    expect(keysCitedBy('sign-in locks out after five attempts')).toEqual([]);
  });
});

describe('traceability matrix as Markdown and PDF', () => {
  it('the Markdown names every clause, its status and its rules', () => {
    const md = matrixMarkdown(buildMatrix(doc));
    for (const c of clauses.filter((x) => /^\d|^practice/.test(x.id))) expect(md).toContain(`## ${c.id}`);
    expect(md).toContain('`session/staff-team-only` (forbid)');
    expect(md).toContain('no gaps');
  });

  it('the PDF is A4 with a title page, an overview and clause tables that flow (not a page per clause)', async () => {
    const pdf = await matrixPdf(buildMatrix(doc), '2026-03-02T09:00:00Z');
    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-')).toBe(true);
    const pages = raw.match(/\/Type \/Page\b/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThan(clauses.length / 2);
    expect(raw).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
  });
});
