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
import { pdfPagesText } from '../support/pdf';

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
/** The sample map as the release before enforcement in part stored it: no note for 3.6, 3.7, 5 or equality and diversity. */
const IN_PART = ['3.6', '3.7', '5', 'equality-and-diversity'];
const withoutInPartNotes = () => {
  const map = structuredClone(SAMPLE_CLAUSE_MAP_DOCUMENT);
  for (const id of IN_PART) delete map.procedural[id];
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

  it('5 breach-handling is enforced in part: the breach register\'s rules cite it and tests cover them; the disciplinary procedure is the organisation\'s (its procedural note)', () => {
    const row = buildMatrix(doc).rows.find((r) => r.clause === '5')!;
    expect(row.status).toBe('in-part');
    expect(row.planned).toBeNull();
    expect(row.procedural).toMatch(/disciplinary procedures/);
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
    expect(row('equality-and-diversity').status).toBe('in-part');
  });

  it('monitoring-and-review management-review is enforced by the review rules with their tests; 3.6 only in part — the review rules carry out its regular review, its procedural note names what complying with the Data Protection Act 2018 takes of the organisation; equality-and-diversity in part by the equality-monitoring rules', () => {
    const m = buildMatrix(doc);
    const row = (id: string) => m.rows.find((r) => r.clause === id)!;
    expect(row('monitoring-and-review')).toMatchObject({ status: 'enforced', planned: null, procedural: null });
    expect(row('3.6')).toMatchObject({ status: 'in-part', planned: null });
    expect(row('3.6').procedural).toMatch(/Data Protection Act 2018/);
    expect(row('3.6').procedural).toMatch(/lawful basis/);
    expect(row('3.6').procedural).toMatch(/Information Commissioner's Office/);
    for (const clause of ['3.6', 'monitoring-and-review']) {
      expect(row(clause).rules.map((r) => r.id)).toEqual(expect.arrayContaining(['review/senior-management', 'review/senior-management-only']));
      expect(row(clause).tests.some((t) => t.file === 'test/integration/management-review.test.ts')).toBe(true);
    }
    const equality = row('equality-and-diversity');
    expect(equality).toMatchObject({ status: 'in-part', planned: null });
    expect(equality.procedural).toMatch(/Not discriminating/);
    expect(equality.rules.map((r) => r.id)).toEqual(['equality/aggregate-only', 'equality/case-team-records', 'equality/management-reports']);
    expect(equality.tests.some((t) => t.file === 'test/integration/equality.test.ts')).toBe(true);
    expect(equality.tests.some((t) => t.file === 'test/unit/equality-suppression.test.ts')).toBe(true);
  });

  it('3.7 secure-conditions is enforced in part: rules accounts/* with their tests carry out the software part, the procedural note says what the organisation does in the office; neither enforced nor a gap', () => {
    const m = buildMatrix(doc);
    const row = m.rows.find((r) => r.clause === '3.7')!;
    expect(row).toMatchObject({ status: 'in-part', planned: null, keys: ['secure-conditions'] });
    expect(row.rules.map((r) => r.id)).toEqual(['accounts/self', 'accounts/directory', 'accounts/administer']);
    expect(row.tests.some((t) => t.file === 'test/integration/account-governance.test.ts')).toBe(true);
    for (const practice of [/office/, /paper files/, /screens/, /computers and phones/]) expect(row.procedural).toMatch(practice);
    expect(m.summary.inPart).toContain('3.7');
    expect(m.summary.gaps).not.toContain('3.7');
  });

  it('3.6 3.7 the sample\'s clauses enforced in part are exactly those with rules, tests and a procedural note, and are counted apart: never as enforced, never as gaps', () => {
    const m = buildMatrix(doc);
    expect(m.summary.inPart).toEqual(IN_PART);
    expect(m.rows.filter((r) => r.rules.length && r.tests.length && r.procedural).map((r) => r.clause)).toEqual(IN_PART);
    expect(m.summary).toMatchObject({ clauses: 35, enforced: 23, procedural: 2, sections: 6, planned: [], uncovered: [], gaps: [], warnOnly: [] });
    expect(m.summary.enforced + m.summary.inPart.length + m.summary.warnOnly.length + m.summary.planned.length + m.summary.procedural + m.summary.sections + m.summary.uncovered.length).toBe(m.summary.clauses);
    expect(m.summary.noGaps).toBe('No gaps: every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading.');
    expect(m.summary.inPartLine).toBe('4 clauses are enforced in part — the software carries out what their rules name, and each procedural note says what the organisation does for the rest: 3.6, 3.7, 5, equality and diversity.');
    for (const r of m.rows.filter((x) => x.status === 'in-part')) {
      expect(r.rules.length * r.tests.length, r.clause).toBeGreaterThan(0);
      expect(saysPlanned(r.procedural), r.clause).toBe(false);
    }
  });

  it('3.6 3.7 without their procedural notes (a map stored by the release before) the same clauses read enforced', () => {
    const m = buildMatrix(withoutInPartNotes());
    expect(m.summary.inPart).toEqual([]);
    expect(m.summary.enforced).toBe(27);
    expect(m.summary.noGaps).toBe('No gaps: every clause is enforced, procedural or a section heading.');
    expect(m.summary.inPartLine).toBeNull();
    for (const id of IN_PART) expect(m.rows.find((r) => r.clause === id)!.status, id).toBe('enforced');
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

  it('3.7 a planned note wins over enforcement in part, and a rule switched to warn makes it warn-only (a gap); an in-part clause whose rules lose their tests is procedural', () => {
    const planned = buildMatrix(without((m) => {
      delete m.procedural['3.7'];
      m.planned['3.7'] = 'Planned: screen locking enforced by the software.';
    }));
    expect(planned.rows.find((r) => r.clause === '3.7')).toMatchObject({ status: 'planned' });
    expect(planned.summary.inPart).not.toContain('3.7');
    const warned = buildMatrix(doc, (id) => (id === 'review/senior-management-only' ? 'warn' : 'enforce'));
    expect(warned.rows.find((r) => r.clause === '3.6')).toMatchObject({ status: 'warn-only' });
    expect(warned.summary.gaps).toContain('3.6');
    expect(warned.summary.inPart).not.toContain('3.6');
    const untested = buildMatrix(doc, undefined, []);
    expect(untested.rows.find((r) => r.clause === '3.7')).toMatchObject({ status: 'procedural' });
    expect(untested.summary.inPart).toEqual([]);
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
    expect(firstPage).toContain('No gaps: every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading.');
    const planned = matrixMarkdown(buildMatrix(withPlanned21()));
    const plannedFirstPage = planned.slice(0, planned.indexOf('\n## '));
    expect(plannedFirstPage).toContain('1 clause is planned, not yet enforced: 2.1.');
    expect(plannedFirstPage).not.toMatch(/no gaps/i);
    expect(planned).toContain('**Rules that support part of it** (the clause is not enforced yet)');
  });

  it('3.6 3.7 the Markdown counts the clauses enforced in part apart from the enforced ones, names them on the first page and says so under each', () => {
    const md = matrixMarkdown(buildMatrix(doc));
    const firstPage = md.slice(0, md.indexOf('\n## '));
    expect(firstPage).toContain('35 clauses: 23 enforced by rules and tests, 4 enforced in part (rules and tests for part, a procedural note for the rest), 0 planned, 2 procedural, 6 section headings.');
    expect(firstPage).toContain('4 clauses are enforced in part — the software carries out what their rules name, and each procedural note says what the organisation does for the rest: 3.6, 3.7, 5, equality and diversity.');
    const section = (id: string) => md.slice(md.indexOf(`## ${id}\n`), md.indexOf('\n## ', md.indexOf(`## ${id}\n`) + 1));
    for (const id of ['3.6', '3.7']) {
      expect(section(id), id).toContain('**Status:** in-part (enforced in part, not wholly)');
      expect(section(id), id).toContain('**Rules that carry out part of it**');
      expect(section(id), id).toContain('**Procedural — the rest, outside the software:**');
    }
    expect(section('3.5')).toContain('**Status:** enforced ·');
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
    expect(sample.join(' ').replace(/\s+/g, ' ')).toContain('No gaps: every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading.');
  });

  it('3.6 3.7 the PDF counts the clauses enforced in part apart on its first page, names them, and marks each one IN-PART with its rest as procedural', async () => {
    const pages = pdfPagesText(await matrixPdf(buildMatrix(doc), '2026-03-02T09:00:00Z')).map((p) => p.replace(/\s+/g, ' '));
    expect(pages[0]).toMatch(/ENFORCED 23 enforced by software rules/);
    expect(pages[0]).toMatch(/IN-PART 4 enforced in part: rules with tests carry out part of it/);
    expect(pages[0]).toContain('No gaps: every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading.');
    expect(pages[0]).toContain('4 clauses are enforced in part — the software carries out what their rules name, and each procedural note says what the organisation does for the rest: 3.6, 3.7, 5, equality and diversity.');
    const overview = pages.find((p) => p.includes('Clauses at a glance'))!;
    expect(overview).toMatch(/ 3\.7 Hold all confidential [^.]*? 3 \d+ IN-PART 4 Detail/);
    const table = pages.find((p) => / 3\.7 IN-PART /.test(p))!;
    // pdftotext -layout reads a two-line label beside the first line of its cell.
    expect(table).toMatch(/ENFORCED IN accounts\/self \(allow\) PART BY/);
    expect(table).toMatch(/THE REST Secure and restricted conditions in the office .*? \(PROCEDURAL\) who may enter the office/);
    // The map of the release before (no notes): the same clauses are enforced, and the page counts no in-part clause.
    const before = pdfPagesText(await matrixPdf(buildMatrix(withoutInPartNotes()), '2026-03-02T09:00:00Z'))[0].replace(/\s+/g, ' ');
    expect(before).toMatch(/ENFORCED 27 /);
    expect(before).toMatch(/IN-PART 0 /);
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
