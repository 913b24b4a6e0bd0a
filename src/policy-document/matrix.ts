import type { ClauseMapDocument } from '../policy/clauses';
import { RULES } from '../policy/rules';
import type { Clause } from './parse';
import type { PolicyDocument } from './store';
import testIndex from './test-index.json' with { type: 'json' };
import type { IndexedTest } from './test-titles';

/** What the software does about one clause. */
export interface MatrixRow {
  clause: string;
  heading: string | null;
  text: string;
  keys: string[];
  rules: { id: string; effect: 'allow' | 'forbid'; reason: string }[];
  tests: { file: string; title: string }[];
  procedural: string | null;
  /** enforced: rules (and tests); procedural: a documented non-software measure; section: groups sub-clauses;
   * gap: none of these — the traceability test fails on a gap. */
  status: 'enforced' | 'procedural' | 'section' | 'gap';
}

/** The traceability matrix of a policy document: every clause with its rules, tests or procedural note. */
export function buildMatrix(doc: PolicyDocument, tests: readonly IndexedTest[] = (testIndex as { tests: IndexedTest[] }).tests) {
  const keysOf = (clause: Clause) => Object.entries(doc.clauseMap.keys).filter(([, ids]) => ids.includes(clause.id)).map(([k]) => k).sort();
  const rows: MatrixRow[] = doc.clauses.map((clause) => {
    const keys = keysOf(clause);
    const rules = RULES.filter((r) => keys.includes(r.clauseKey)).map((r) => ({ id: r.id, effect: r.effect, reason: r.reason }));
    const covering = tests.filter((t) => t.keys.some((k) => keys.includes(k))).map((t) => ({ file: t.file, title: t.title }));
    const procedural = doc.clauseMap.procedural[clause.id] ?? null;
    const status: MatrixRow['status'] = rules.length && covering.length ? 'enforced' : procedural ? 'procedural' : clause.section ? 'section' : 'gap';
    return { clause: clause.id, heading: clause.heading, text: clause.text, keys, rules, tests: covering, procedural, status };
  });
  return {
    policy: { title: doc.title, version: doc.version, loadedAt: doc.loadedAt },
    summary: {
      clauses: rows.length,
      enforced: rows.filter((r) => r.status === 'enforced').length,
      procedural: rows.filter((r) => r.status === 'procedural').length,
      sections: rows.filter((r) => r.status === 'section').length,
      gaps: rows.filter((r) => r.status === 'gap').map((r) => r.clause),
    },
    rows,
  };
}

export type Matrix = ReturnType<typeof buildMatrix>;

/**
 * Clause keys that rules cite but no clause of the map names: decisions under those rules would cite the bare key
 * instead of the organisation's clause number. The traceability test requires none for the sample map.
 */
export function unmappedRuleKeys(map: ClauseMapDocument, rules: readonly { clauseKey: string }[] = RULES): string[] {
  return [...new Set(rules.map((r) => r.clauseKey))].filter((k) => !(map.keys[k] ?? []).length).sort();
}

const label = (id: string) => (/^\d|^practice/.test(id) ? id : id.replace(/-/g, ' '));

/** The matrix as Markdown, for the repository or an email to trustees. */
export function matrixMarkdown(m: Matrix): string {
  const out = [
    `# ${m.policy.title} — traceability (version ${m.policy.version})`,
    '',
    `${m.summary.clauses} clauses: ${m.summary.enforced} enforced by rules and tests, ${m.summary.procedural} procedural, ${m.summary.sections} section headings${m.summary.gaps.length ? `, **gaps: ${m.summary.gaps.join(', ')}**` : ', no gaps'}.`,
    '',
  ];
  for (const r of m.rows) {
    out.push(`## ${label(r.clause)}${r.heading ? ` — ${r.heading}` : ''}`, '');
    if (r.text) out.push(`> ${r.text.replace(/\n/g, '\n> ')}`, '');
    out.push(`**Status:** ${r.status}${r.keys.length ? ` · clause keys: ${r.keys.map((k) => `\`${k}\``).join(', ')}` : ''}`, '');
    if (r.rules.length) out.push('**Rules**', '', ...r.rules.map((x) => `- \`${x.id}\` (${x.effect}): ${x.reason}`), '');
    if (r.tests.length) out.push(`**Tests** (${r.tests.length})`, '', ...r.tests.map((t) => `- ${t.title} — \`${t.file}\``), '');
    if (r.procedural) out.push(`**Procedural:** ${r.procedural}`, '');
  }
  return out.join('\n');
}
