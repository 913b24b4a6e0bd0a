import type { Action } from './actions';
import { decide } from './decide';
import { FIELDS, classificationOf } from '../records/registry';
import { factsFor } from './relations';
import type { Actor, Classification, Decision, RecordType, Resource } from './types';

/** A field the actor may not see, so the UI can show "restricted — request access". */
export interface Restricted {
  field: string;
  classification: Classification;
  reason: string;
}

/** A record as one actor may see it. */
export interface Presented {
  data: Record<string, unknown>;
  restricted: Restricted[];
  /** Classifications of the fields actually shown (for the audit: which fields, never their values). */
  shownClasses: Classification[];
  /** The decision on the record's general fields: whether it is visible at all. */
  decision: Decision;
  /**
   * For each confidential classification shown whose fields another rule opened than {@link decision}'s (a manager on
   * the team reading session details, which oversight does not open), that rule's id: for the audit.
   */
  otherRules: Partial<Record<Classification, string>>;
}

/**
 * Builds the response for one row from field-by-field decisions: visible fields in `data`, the rest listed as
 * restricted with the reason. Decisions are cached per classification (at most six per row). `onlyGeneral`
 * builds a list summary: non-general fields are left out without being listed as restricted. `facts`: the row's
 * decision facts when the caller has them already (default: read off the row).
 */
export function present(
  actor: Actor,
  action: Action,
  type: RecordType,
  row: Record<string, unknown>,
  options: { onlyGeneral?: boolean; facts?: Resource } = {},
): Presented {
  // One copy of the facts, its classification set per decision: decisions are pure and keep nothing.
  const resource: Resource = { ...(options.facts ?? factsFor(actor, type, row)) };
  const byClass = new Map<Classification, Decision>();
  const data: Record<string, unknown> = {};
  const restricted: Restricted[] = [];
  const shown = new Set<Classification>();
  for (const spec of FIELDS[type]) {
    const c = classificationOf(spec, row);
    if (options.onlyGeneral && c !== 'general') continue;
    const d = decisionOn(actor, action, resource, c, byClass);
    if (d.allowed) {
      data[spec.api] = row[spec.column] ?? null;
      shown.add(c);
    } else {
      restricted.push({ field: spec.api, classification: c, reason: d.reason });
    }
  }
  const decision = decisionOn(actor, action, resource, 'general', byClass);
  const otherRules: Partial<Record<Classification, string>> = {};
  for (const c of shown) {
    const rule = byClass.get(c)!.ruleId;
    if (rule !== decision.ruleId) otherRules[c] = rule;
  }
  return { data, restricted, shownClasses: [...shown], decision, otherRules };
}

/** The decision on fields of class `c`, from `decided` when it was made already. */
function decisionOn(actor: Actor, action: Action, resource: Resource, c: Classification, decided: Map<Classification, Decision>): Decision {
  let d = decided.get(c);
  if (!d) {
    resource.classification = c;
    d = decide(actor, action, resource);
    decided.set(c, d);
  }
  return d;
}
