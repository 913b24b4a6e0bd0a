import type { Action } from './actions';
import { decide } from './decide';
import { FIELDS, classificationOf } from './fields';
import { grantedMask, ownerOf, scopeKey } from './filter';
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
}

/** The decision facts for one row: team flag from the query, grant mask from the actor, owner from the row. */
export function factsFor(actor: Actor, type: RecordType, row: Record<string, unknown>): Resource {
  return {
    type,
    id: row.id as string,
    team: row._team === 1 || row._team === true || row._team === '1',
    granted: grantedMask(actor, type, scopeKey(type, row)),
    emergency: grantedMask(actor, type, scopeKey(type, row), 'break_glass'),
    ownerId: ownerOf(type, row),
  };
}

/**
 * Builds the response for one row from field-by-field decisions: visible fields in `data`, the rest listed as
 * restricted with the reason. Decisions are cached per classification (at most six per row). `onlyGeneral`
 * builds a list summary: non-general fields are left out without being listed as restricted.
 */
export function present(
  actor: Actor,
  action: Action,
  type: RecordType,
  row: Record<string, unknown>,
  options: { onlyGeneral?: boolean } = {},
): Presented {
  const facts = factsFor(actor, type, row);
  const byClass = new Map<Classification, Decision>();
  const decisionFor = (c: Classification) => {
    let d = byClass.get(c);
    if (!d) {
      d = decide(actor, action, { ...facts, classification: c });
      byClass.set(c, d);
    }
    return d;
  };
  const data: Record<string, unknown> = {};
  const restricted: Restricted[] = [];
  const shown = new Set<Classification>();
  for (const spec of FIELDS[type]) {
    const c = classificationOf(spec, row);
    if (options.onlyGeneral && c !== 'general') continue;
    const d = decisionFor(c);
    if (d.allowed) {
      data[spec.api] = row[spec.column] ?? null;
      shown.add(c);
    } else {
      restricted.push({ field: spec.api, classification: c, reason: d.reason });
    }
  }
  return { data, restricted, shownClasses: [...shown], decision: decisionFor('general') };
}
