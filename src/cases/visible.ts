import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../http/errors';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/present';
import type { Classification, Resource, RecordType } from '../policy/types';
import { loadWithFacts, subjectOf, type FactRow } from '../records/guard';
import { NOUN } from '../records/tables';

/** A record the actor may see (its general fields), with the facts later decisions need. */
export interface Visible {
  row: FactRow;
  facts: Resource;
  subjectPersonId: string | null;
}

/**
 * Finds a record the actor may see, without presenting or auditing any confidential field: for commands that
 * only need to know the record is there for this actor (3.4). Missing and forbidden both answer the same 404
 * after the same lookup, and both are audited as denials, exactly like `readRecord`.
 */
export async function findVisible(ctx: Ctx, type: RecordType, id: string): Promise<Visible> {
  const action = `${type}.read` as Action;
  const row = await loadWithFacts(ctx, type, id);
  if (!row) {
    ctx.audit.add({ action, decision: 'deny', resourceType: type, resourceId: id, ruleId: 'default/not-found', clause: null, detail: { found: false } });
    throw notFound(NOUN[type]);
  }
  const facts = factsFor(ctx.actor, type, row);
  const d = decide(ctx.actor, action, { ...facts, classification: 'general' });
  const subjectPersonId = await subjectOf(ctx, type, row);
  if (!d.allowed) {
    ctx.audit.add(fromDecision(action, d, { resourceType: type, resourceId: id, subjectPersonId }));
    throw notFound(NOUN[type]);
  }
  return { row, facts, subjectPersonId };
}

/**
 * Requires `action` on a visible record (403 with the policy's explanation otherwise; the denial is audited).
 * Returns the allowing decision.
 */
export function requireAllowed(ctx: Ctx, action: Action, v: Visible, classification: Classification = 'general', detail?: Record<string, unknown>) {
  const d = decide(ctx.actor, action, { ...v.facts, classification });
  if (!d.allowed) {
    ctx.audit.add(fromDecision(action, d, { resourceType: v.facts.type as string, resourceId: v.row.id, subjectPersonId: v.subjectPersonId, detail }));
    throw forbidden(d);
  }
  return d;
}
