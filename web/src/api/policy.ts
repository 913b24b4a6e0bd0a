// The shapes of the policy and audit answers the administration pages read (src/policy-document/commands.ts,
// matrix.ts, rule-modes.ts; src/audit/status.ts), next to models.ts, which holds the rest.

/** A policy version as listed (without its text). */
export interface PolicySummary {
  id: string;
  version: number;
  title: string;
  loadedAt: string;
  clauseCount: number;
}

/** One numbered clause of a policy text. */
export interface PolicyClause {
  id: string;
  heading: string | null;
  text: string;
  section: boolean;
}

/** The organisation's map of its clauses to the engine's clause keys, with procedural and planned notes. */
export interface ClauseMap {
  keys: Record<string, string[]>;
  procedural: Record<string, string>;
  planned: Record<string, string>;
}

/** One version in full. */
export interface PolicyVersion extends PolicySummary {
  body: string;
  clauses: PolicyClause[];
  clauseMap: ClauseMap;
}

/** What loading a version answers: its gaps, so the administrator can complete the clause map. */
export interface LoadedPolicy extends PolicySummary {
  coverage: { gaps: string[]; planned: string[]; uncovered: string[]; unmappedKeys: string[] };
}

/** in-part: rules with tests carry out part of the clause, its procedural note says what the organisation does for the rest. */
export type ClauseStatus = 'enforced' | 'in-part' | 'warn-only' | 'planned' | 'procedural' | 'section' | 'gap';

/** One clause of the traceability matrix. */
export interface MatrixRow {
  clause: string;
  heading: string | null;
  text: string;
  keys: string[];
  rules: { id: string; effect: 'allow' | 'forbid'; reason: string; mode?: 'enforce' | 'warn' }[];
  tests: { file: string; title: string }[];
  procedural: string | null;
  planned: string | null;
  status: ClauseStatus;
}

/** The traceability matrix of the current policy (3.6). */
export interface Matrix {
  policy: { title: string; version: number; loadedAt: string };
  summary: {
    clauses: number; enforced: number; inPart: string[]; warnOnly: string[]; procedural: number; sections: number; planned: string[]; uncovered: string[]; gaps: string[];
    attention: string[]; noGaps: string | null; inPartLine: string | null;
  };
  rows: MatrixRow[];
}

/** A rule of the engine with the clause it cites and its mode. */
export interface PolicyRule {
  id: string;
  effect: 'allow' | 'forbid';
  clauseKey: string;
  clause: string;
  reason: string;
  configurable: boolean;
  mode: 'enforce' | 'warn';
}

/** One finished check of the audit hash chain (1.1). */
export interface AuditCheck {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  checkpointsChecked: number;
  problem: { seq: number; message: string } | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** The audit status: the last check and whether one is running. */
export interface AuditStatus {
  last: AuditCheck | null;
  running: boolean;
  runningSince: string | null;
  nextCheckFrom: string | null;
  started?: boolean;
}
