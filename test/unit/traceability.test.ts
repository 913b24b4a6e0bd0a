import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLAUSE_KEYS, SAMPLE_CLAUSE_MAP_DOCUMENT, SAMPLE_PROCEDURAL, type ClauseMapDocument } from '../../src/policy/clauses';
import { RULES } from '../../src/policy/rules';
import { matrixPdf } from '../../src/documents/matrix-pdf';
import { buildMatrix, matrixMarkdown, saysPlanned, unmappedRuleKeys } from '../../src/policy-document/matrix';
import { parsePolicy } from '../../src/policy-document/parse';
import { clauseMapErrors } from '../../src/policy-document/store';
import testIndex from '../../src/policy-document/test-index.json' with { type: 'json' };
import { indexTests, keysCitedBy } from '../../src/policy-document/test-titles';

const text = readFileSync('policies/sample-confidentiality-policy.md', 'utf8');
const clauses = parsePolicy(text);
const doc = { id: 'sample', version: 1, title: 'sample', body: text, clauses, clauseMap: SAMPLE_CLAUSE_MAP_DOCUMENT, loadedAt: '2026-01-01T00:00:00Z', loadedBy: null };
/** The sample document with 2.1 marked planned, as an organisation's map may mark a clause whose software it has not built. */
const PLANNED_NOTE = 'Planned: everyday uses that must each name an active purpose.';
const withPlanned21 = () => {
  const map = structuredClone(SAMPLE_CLAUSE_MAP_DOCUMENT);
  map.planned['2.1'] = PLANNED_NOTE;
  return { ...doc, clauseMap: map };
};

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

  it('no clause of the sample policy is uncovered (rules with tests, a procedural or planned note, or a section heading)', () => {
    expect(buildMatrix(doc).summary.uncovered).toEqual([]);
  });

  it('3.6 no clause of the sample policy is planned any more: the summary counts no gaps and says so', () => {
    const m = buildMatrix(doc);
    expect(m.summary.planned).toEqual([]);
    expect(m.summary.gaps).toEqual([]);
    expect(m.summary.attention).toEqual([]);
    expect(Object.keys(SAMPLE_CLAUSE_MAP_DOCUMENT.planned)).toEqual([]);
  });

  it('3.6 a clause map that marks a clause planned shows it planned, whatever rules cite it, and the summary counts it as a gap and names it', () => {
    const m = buildMatrix(withPlanned21());
    expect(m.summary.planned).toEqual(['2.1']);
    expect(m.summary.gaps).toEqual(['2.1']);
    expect(m.summary.attention).toEqual(['1 clause is planned, not yet enforced: 2.1.']);
    const row = m.rows.find((r) => r.clause === '2.1')!;
    expect(row).toMatchObject({ status: 'planned', planned: PLANNED_NOTE });
    expect(row.rules.length).toBeGreaterThan(0);
  });

  it('2.1 authorised-use is enforced: every case is held for a purpose in force (purposes/case-purpose-in-force keeps new information out of a case whose purpose is not, purposes/manager-assigns-case lets only managers move it), with the purpose register\'s rules, and tests cover them', () => {
    const row = buildMatrix(doc).rows.find((r) => r.clause === '2.1')!;
    expect(row).toMatchObject({ status: 'enforced', planned: null, procedural: null });
    expect(row.keys).toEqual(['authorised-use', 'purpose-register']);
    expect(row.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['purposes/case-purpose-in-force', 'purposes/manager-assigns-case', 'purposes/guardian-approves']));
    expect(row.tests.some((t) => t.file === 'test/integration/case-purpose.test.ts')).toBe(true);
    expect(row.tests.some((t) => t.file === 'test/unit/decide.test.ts' && t.title.includes('purposes/case-purpose-in-force'))).toBe(true);
    expect(CLAUSE_KEYS['authorised-use']).toMatch(/held for a purpose/);
  });

  it('5 breach-handling is enforced: the breach register\'s rules cite it and tests cover them', () => {
    const row = buildMatrix(doc).rows.find((r) => r.clause === '5')!;
    expect(row.status).toBe('enforced');
    expect(row.planned).toBeNull();
    expect(row.rules.map((r) => r.id)).toEqual(['breaches/not-own-conduct', 'breaches/report', 'breaches/management', 'breaches/guardian-when-no-manager-free', 'breaches/guardian-oversight', 'breaches/reporter-own-report']);
    expect(row.tests.some((t) => t.file === 'test/integration/breaches.test.ts')).toBe(true);
  });

  it('3.1 purpose-register is enforced: the purpose register rules cite it and have tests; 4.1 is enforced by consent and first contact; 1.3, 1.2, 2.2, 3.2 and 4.3 are enforced by the disclosure workflow', () => {
    const m = buildMatrix(doc);
    const row = m.rows.find((r) => r.clause === '3.1')!;
    expect(row.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['purposes/guardian-approves', 'purposes/no-self-approval']));
    expect(row.status).toBe('enforced');
    expect(row.tests.length).toBeGreaterThan(0);
    const informed = m.rows.find((x) => x.clause === '4.1')!;
    expect(informed.status).toBe('enforced');
    expect(informed.rules.map((x) => x.id)).toEqual(expect.arrayContaining(['consent/record-case-team', 'first-contact/case-team', 'notices/publish']));
    const exceptions = m.rows.find((x) => x.clause === '1.3')!;
    expect(exceptions.status).toBe('enforced');
    expect(exceptions.rules.map((x) => x.id)).toEqual(expect.arrayContaining(['consent/record-case-team', 'disclosure/manager-decides-exception', 'disclosure/no-self-approval']));
    const by = (clause: string) => m.rows.find((x) => x.clause === clause)!;
    expect(by('1.2')).toMatchObject({ status: 'enforced', planned: null });
    expect(by('4.3').rules.map((x) => x.id)).toContain('disclosure/case-team-requests');
    expect(by('2.2').rules.map((x) => x.id)).toEqual(['disclosure/one-person-each']);
    expect(by('3.2').rules.map((x) => x.id)).toEqual(['disclosure/no-organisation-data']);
    for (const c of ['1.2', '1.3', '2.2', '3.2', '4.3']) expect(by(c).status, c).toBe('enforced');
  });

  it('practice 4.2 and practice 4.3 are enforced with the referral rules: a referral shares through the legal-duty exception (1.3), released at once by a manager (practice 4.1), recorded with its reasons, and tested', () => {
    const m = buildMatrix(doc);
    const by = (clause: string) => m.rows.find((x) => x.clause === clause)!;
    expect(by('practice 4.2')).toMatchObject({ status: 'enforced', planned: null });
    expect(by('practice 4.2').rules.map((r) => r.id)).toEqual(expect.arrayContaining(['safeguarding/work-concern', 'safeguarding/urgent-release-by-manager']));
    expect(by('practice 4.3')).toMatchObject({ status: 'enforced', planned: null });
    expect(by('practice 4.3').rules.map((r) => r.id)).toEqual(expect.arrayContaining(['safeguarding/referral', 'safeguarding/referral-disclosure', 'safeguarding/referral-disclosure-reads']));
    for (const c of ['practice 4.2', 'practice 4.3']) expect(by(c).tests.some((t) => t.file === 'test/integration/referrals.test.ts'), c).toBe(true);
    expect(by('practice 4.1').rules.map((r) => r.id)).toContain('safeguarding/urgent-release-by-manager');
  });

  it('practice 5.1 sharing-agreements and practice 3 third-party-meetings are enforced: their rules cite them and have tests', () => {
    const m = buildMatrix(doc);
    const protocols = m.rows.find((r) => r.clause === 'practice 5.1')!;
    expect(protocols).toMatchObject({ status: 'enforced', planned: null });
    expect(protocols.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['agreements/manage', 'agreements/covers']));
    const meetings = m.rows.find((r) => r.clause === 'practice 3')!;
    expect(meetings.status).toBe('enforced');
    expect(meetings.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['meetings/acknowledgement-first', 'meetings/share-after-acknowledgement']));
    expect(meetings.tests.length).toBeGreaterThan(0);
  });

  it('a note that speaks of planned software makes its clause planned, and no sample procedural note does', () => {
    const m = buildMatrix(doc);
    for (const r of m.rows) {
      if (saysPlanned(r.procedural) || saysPlanned(r.planned)) expect(r.status, r.clause).toBe('planned');
      if (r.status === 'planned') expect(r.planned, r.clause).toBeTruthy();
    }
    expect(Object.entries(SAMPLE_PROCEDURAL).filter(([, note]) => saysPlanned(note)).map(([id]) => id)).toEqual([]);
  });

  it('a clause is shown as enforced only when rules cite it and tests cover them', () => {
    const m = buildMatrix(doc);
    const enforced = m.rows.filter((r) => r.status === 'enforced');
    expect(enforced.length).toBeGreaterThan(10);
    for (const r of enforced) {
      expect(r.rules.length, r.clause).toBeGreaterThan(0);
      expect(r.tests.length, r.clause).toBeGreaterThan(0);
      expect(r.planned, r.clause).toBeNull();
    }
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
    expect(row('2.2').rules.map((r) => r.id)).toContain('disclosure/one-person-each');
    expect(row('equality-and-diversity').status).toBe('enforced');
  });

  it('3.6 and monitoring-and-review management-review are enforced by the review rules with their tests; equality-and-diversity by the equality-monitoring rules', () => {
    const m = buildMatrix(doc);
    const row = (id: string) => m.rows.find((r) => r.clause === id)!;
    for (const clause of ['3.6', 'monitoring-and-review']) {
      expect(row(clause), clause).toMatchObject({ status: 'enforced', planned: null, procedural: null });
      expect(row(clause).rules.map((r) => r.id)).toEqual(expect.arrayContaining(['review/senior-management', 'review/senior-management-only']));
      expect(row(clause).tests.some((t) => t.file === 'test/integration/management-review.test.ts')).toBe(true);
    }
    const equality = row('equality-and-diversity');
    expect(equality.rules.map((r) => r.id)).toEqual(['equality/aggregate-only', 'equality/case-team-records', 'equality/management-reports']);
    expect(equality.tests.some((t) => t.file === 'test/integration/equality.test.ts')).toBe(true);
    expect(equality.tests.some((t) => t.file === 'test/unit/equality-suppression.test.ts')).toBe(true);
  });
});

describe('traceability checks catch a broken clause map', () => {
  const without = (mutate: (map: ClauseMapDocument) => void) => {
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
    const m = buildMatrix(without((map) => delete map.procedural['2.4']));
    expect(m.summary.uncovered).toEqual(['2.4']);
    expect(m.summary.gaps).toContain('2.4');
    // Mapped, but only to a key no rule cites, and its note removed: still a gap.
    expect(buildMatrix(without((m) => {
      m.keys['no-rule-cites-this'] = ['2.4'];
      delete m.procedural['2.4'];
    })).summary.uncovered).toEqual(['2.4']);
  });

  it('a planned clause stays planned even when rules and tests cite it; an older map\'s "Planned:" procedural note is read as planned', () => {
    const mapped = buildMatrix(without((m) => {
      m.planned['2.1'] = PLANNED_NOTE;
      m.keys['need-to-know'] = [...m.keys['need-to-know'], '2.1'];
    }));
    expect(mapped.rows.find((r) => r.clause === '2.1')).toMatchObject({ status: 'planned' });
    const older = buildMatrix(without((m) => {
      m.procedural['2.1'] = PLANNED_NOTE;
    }));
    expect(older.rows.find((r) => r.clause === '2.1')).toMatchObject({ status: 'planned', procedural: null });
    expect(older.summary.gaps).toContain('2.1');
  });

  it('a clause with no rules is never enforced, however its map reads', () => {
    const m = buildMatrix(without((map) => {
      delete map.procedural['2.4'];
      map.keys['no-rule-cites-this'] = ['2.4'];
    }));
    expect(m.rows.find((r) => r.clause === '2.4')).toMatchObject({ status: 'gap', rules: [] });
  });

  it('a clause whose rules no test cites is a gap unless it has a procedural note', () => {
    const m = buildMatrix(doc, undefined, []);
    expect(m.summary.uncovered).toContain('3.4');
    expect(m.summary.gaps).not.toContain('2.4');
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
    const firstPage = md.slice(0, md.indexOf('\n## '));
    expect(firstPage).toContain('0 planned');
    expect(firstPage).toContain('No gaps: every clause is enforced, procedural or a section heading.');
    const planned = matrixMarkdown(buildMatrix(withPlanned21()));
    const plannedFirstPage = planned.slice(0, planned.indexOf('\n## '));
    expect(plannedFirstPage).toContain('1 clause is planned, not yet enforced: 2.1.');
    expect(plannedFirstPage).not.toMatch(/no gaps/i);
    expect(planned).toContain('**Rules that support part of it** (the clause is not enforced yet)');
  });

  it('3.6 the PDF says on its first page which clauses are planned, not yet enforced (a map marking 2.1 planned), and that there are no gaps when none is', async () => {
    const firstPageLines = async (d: typeof doc) => {
      const raw = (await matrixPdf(buildMatrix(d), '2026-03-02T09:00:00Z')).toString('latin1');
      // The first page's content stream, its text runs decoded (PDFKit writes them as hex strings in TJ arrays).
      const streams = [...raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].map((m) => {
        try {
          return inflateSync(Buffer.from(m[1], 'latin1')).toString('latin1');
        } catch {
          return '';
        }
      });
      const firstPage = streams.find((s) => s.includes('TJ'))!;
      return [...firstPage.matchAll(/\[(.*?)\] TJ/g)].map((m) => [...m[1].matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''));
    };
    const lines = await firstPageLines(withPlanned21());
    expect(lines).toContain('POLICY TRACEABILITY MATRIX');
    expect(lines).toContain('1 clause is planned, not yet enforced: 2.1.');
    expect(lines.join(' ')).not.toMatch(/no gaps/i);
    const sample = await firstPageLines(doc);
    expect(sample).toContain('POLICY TRACEABILITY MATRIX');
    expect(sample.join(' ')).toMatch(/No gaps: every clause is enforced, procedural or a section heading\./);
  });

  it('the PDF is A4 with a title page, an overview and clause tables that flow (not a page per clause)', async () => {
    const pdf = await matrixPdf(buildMatrix(doc), '2026-03-02T09:00:00Z');
    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-')).toBe(true);
    const pages = raw.match(/\/Type \/Page\b/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    // A page per clause would be more pages than clauses (plus the title and overview). The tables grow as rules and
    // tests are added to clauses, so this bound is not tied to today's count (half the clauses was: 4.1's first-contact
    // rules and tests took it over).
    // Tables flow: fewer pages than clauses. (The count grows with the tests listed under each clause, so the bound is
    // the layout's, not the content's.)
    expect(pages).toBeLessThan(clauses.length);
    expect(raw).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
  });
});
