import type { ClauseMapDocument } from '../policy/clauses';
import type { RuleMode } from '../policy/modes';
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
  /** Each rule citing the clause; a forbid rule with its mode (warn: what it would refuse is allowed and recorded). */
  rules: { id: string; effect: 'allow' | 'forbid'; reason: string; mode?: RuleMode }[];
  tests: { file: string; title: string }[];
  /**
   * What the organisation does instead of software: all of a procedural clause, or the rest of a clause enforced in
   * part (the part no rule carries out).
   */
  procedural: string | null;
  /** What exists today and what is still to be built, for planned clauses. */
  planned: string | null;
  /**
   * - enforced: rules that carry out the clause cite it, and tests cover them;
   * - in-part: rules with tests carry out the part of it they name, and a procedural note says what the organisation
   *   does for the rest: never counted or shown as enforced, and not a gap (no software is planned for the rest);
   * - warn-only: rules with tests cite it, but a forbid rule of it is switched to warn: what it would refuse is
   *   allowed (and recorded);
   * - planned: its software is not built yet — whatever rules cite it, they only support part of it (a gap);
   * - procedural: a documented non-software measure supports it, and no software is meant to;
   * - section: groups sub-clauses;
   * - gap: none of these — the traceability test fails on it.
   */
  status: ClauseStatus;
}

/** What the software does about a clause; see {@link MatrixRow.status}. */
export type ClauseStatus = 'enforced' | 'in-part' | 'warn-only' | 'planned' | 'procedural' | 'section' | 'gap';

/**
 * Whether a note speaks of software still to come. Such a note always makes its clause planned, even when the
 * clause map files it as procedural (maps written before planned clauses were listed did): planned work is never
 * shown as a measure in place.
 */
export const saysPlanned = (note: string | null | undefined) => !!note && /\bplanned\b/i.test(note);

/**
 * The status of one clause; planned wins over rules, so a partly supported clause never reads as enforced; a clause
 * one of whose forbid rules is switched to warn reads as warn-only, not enforced; and a clause whose rules carry out
 * only part of it — the map gives it a procedural note for the rest — reads as in-part, not enforced.
 */
function statusOf(rules: MatrixRow['rules'], tests: number, planned: string | null, procedural: string | null, section: boolean): ClauseStatus {
  if (planned) return 'planned';
  if (rules.length && tests) return rules.some((r) => r.mode === 'warn') ? 'warn-only' : procedural ? 'in-part' : 'enforced';
  if (procedural) return 'procedural';
  return section ? 'section' : 'gap';
}

const label = (id: string) => (/^\d|^practice/.test(id) ? id : id.replace(/-/g, ' '));

/**
 * What the first page of every rendering (Markdown, PDF) must say about gaps: how many clauses are planned, not yet
 * enforced, and which; and which clauses nothing covers. Empty when there are none.
 */
function attentionLines(planned: readonly string[], uncovered: readonly string[], warned: readonly MatrixRow[] = []): string[] {
  const lines: string[] = [];
  if (planned.length) {
    lines.push(`${planned.length} clause${planned.length === 1 ? ' is' : 's are'} planned, not yet enforced: ${planned.map(label).join(', ')}.`);
  }
  if (warned.length) {
    const which = warned.map((r) => `${label(r.clause)} (${r.rules.filter((x) => x.mode === 'warn').map((x) => x.id).join(', ')})`);
    lines.push(`${warned.length} clause${warned.length === 1 ? ' has a rule' : 's have rules'} switched to warn only — what it would refuse is allowed and recorded, not refused: ${which.join('; ')}.`);
  }
  if (uncovered.length) {
    lines.push(`${uncovered.length} clause${uncovered.length === 1 ? ' has' : 's have'} neither rules with tests nor a procedural or planned note: ${uncovered.map(label).join(', ')}.`);
  }
  return lines;
}

/**
 * What the first page says of the clauses enforced in part: not a gap, but never to be read as enforced. Null when
 * there are none.
 */
function inPartLine(inPart: readonly string[]): string | null {
  if (!inPart.length) return null;
  return `${inPart.length} clause${inPart.length === 1 ? ' is' : 's are'} enforced in part — the software carries out what ${inPart.length === 1 ? 'its' : 'their'} rules name, and ${inPart.length === 1 ? 'its' : 'each'} procedural note says what the organisation does for the rest: ${inPart.map(label).join(', ')}.`;
}

/** The first page's sentence when nothing is a gap; it names enforcement in part only when a clause is. */
const noGapsLine = (inPart: readonly string[]) =>
  `No gaps: every clause is enforced, ${inPart.length ? 'enforced in part with a procedural note for the rest, ' : ''}procedural or a section heading.`;

/**
 * The traceability matrix of a policy document: every clause with its rules, tests, procedural or planned note.
 * The summary's `gaps` are the clauses the software does not yet carry out — the planned ones and any clause
 * nothing covers (`uncovered`, which the traceability test and `confide policy load` report as a map to complete).
 * `modeOf` gives the rule modes in force: a clause whose forbid rule is switched to warn is not shown as enforced.
 */
export function buildMatrix(doc: PolicyDocument, modeOf: (ruleId: string) => RuleMode = () => 'enforce', tests: readonly IndexedTest[] = (testIndex as { tests: IndexedTest[] }).tests) {
  const keysOf = (clause: Clause) => Object.entries(doc.clauseMap.keys).filter(([, ids]) => ids.includes(clause.id)).map(([k]) => k).sort();
  const rows: MatrixRow[] = doc.clauses.map((clause) => {
    const keys = keysOf(clause);
    const rules = RULES.filter((r) => keys.includes(r.clauseKey))
      .map((r) => ({ id: r.id, effect: r.effect, reason: r.reason, ...(r.effect === 'forbid' ? { mode: modeOf(r.id) } : {}) }));
    const covering = tests.filter((t) => t.keys.some((k) => keys.includes(k))).map((t) => ({ file: t.file, title: t.title }));
    const note = doc.clauseMap.procedural[clause.id] ?? null;
    const planned = doc.clauseMap.planned[clause.id] ?? (saysPlanned(note) ? note : null);
    const procedural = planned === note ? null : note;
    const status = statusOf(rules, covering.length, planned, procedural, clause.section);
    return { clause: clause.id, heading: clause.heading, text: clause.text, keys, rules, tests: covering, procedural, planned, status };
  });
  const ids = (status: ClauseStatus) => rows.filter((r) => r.status === status).map((r) => r.clause);
  const planned = ids('planned');
  const uncovered = ids('gap');
  const inPart = ids('in-part');
  const attention = attentionLines(planned, uncovered, rows.filter((r) => r.status === 'warn-only'));
  return {
    policy: { title: doc.title, version: doc.version, loadedAt: doc.loadedAt },
    summary: {
      clauses: rows.length,
      /** Clauses carried out wholly by rules with tests. */
      enforced: ids('enforced').length,
      /** Clauses carried out in part by rules with tests, the rest by what the organisation does (its procedural note). */
      inPart,
      /** Clauses carried out by rules, one of which is switched to warn only. */
      warnOnly: ids('warn-only'),
      procedural: ids('procedural').length,
      sections: ids('section').length,
      /** Clauses whose software is planned, not yet built. */
      planned,
      /** Clauses with neither rules and tests, nor a procedural or planned note: the clause map is incomplete. */
      uncovered,
      /**
       * Every clause the software does not carry out: the planned, the warn-only and the uncovered, in policy order.
       * Not the in-part ones: no software is missing for them, the organisation's practice carries out the rest.
       */
      gaps: rows.filter((r) => r.status === 'planned' || r.status === 'gap' || r.status === 'warn-only').map((r) => r.clause),
      /** The gaps in words, for the first page of the Markdown and the PDF ("9 clauses are planned, …"). */
      attention,
      /** The first page's sentence when there is no gap ("No gaps: every clause is …"), else null. */
      noGaps: attention.length ? null : noGapsLine(inPart),
      /** The clauses enforced in part in words, for the first page after the gaps; null when none is. */
      inPartLine: inPartLine(inPart),
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

/** How the Markdown introduces a clause's rules when they do not carry out all of it. */
const RULES_HEADING: Partial<Record<ClauseStatus, string>> = {
  planned: '**Rules that support part of it** (the clause is not enforced yet)',
  'in-part': '**Rules that carry out part of it** (the procedural note below says what the organisation does for the rest)',
};

/** The matrix as Markdown, for the repository or an email to trustees. */
export function matrixMarkdown(m: Matrix): string {
  const out = [
    `# ${m.policy.title} — traceability (version ${m.policy.version})`,
    '',
    `${m.summary.clauses} clauses: ${m.summary.enforced} enforced by rules and tests, ${m.summary.inPart.length} enforced in part (rules and tests for part, a procedural note for the rest), ${m.summary.warnOnly.length ? `${m.summary.warnOnly.length} with a rule switched to warn only, ` : ''}${m.summary.planned.length} planned, ${m.summary.procedural} procedural, ${m.summary.sections} section headings.`,
    '',
    ...(m.summary.noGaps ? [m.summary.noGaps, ''] : m.summary.attention.flatMap((line) => [`**${line}**`, ''])),
    ...(m.summary.inPartLine ? [m.summary.inPartLine, ''] : []),
  ];
  for (const r of m.rows) {
    out.push(`## ${label(r.clause)}${r.heading ? ` — ${r.heading}` : ''}`, '');
    if (r.text) out.push(`> ${r.text.replace(/\n/g, '\n> ')}`, '');
    out.push(`**Status:** ${r.status}${r.status === 'in-part' ? ' (enforced in part, not wholly)' : ''}${r.keys.length ? ` · clause keys: ${r.keys.map((k) => `\`${k}\``).join(', ')}` : ''}`, '');
    if (r.rules.length) out.push(RULES_HEADING[r.status] ?? '**Rules**', '', ...r.rules.map((x) => `- \`${x.id}\` (${x.effect}${x.mode === 'warn' ? ', switched to warn only' : ''}): ${x.reason}`), '');
    if (r.tests.length) out.push(`**Tests** (${r.tests.length})`, '', ...r.tests.map((t) => `- ${t.title} — \`${t.file}\``), '');
    if (r.procedural) out.push(r.status === 'in-part' ? `**Procedural — the rest, outside the software:** ${r.procedural}` : `**Procedural:** ${r.procedural}`, '');
    if (r.planned) out.push(`**Planned:** ${r.planned.replace(/^Planned:\s*/i, '')}`, '');
  }
  return out.join('\n');
}
