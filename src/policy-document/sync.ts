import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { applyRuleModes } from './rule-modes';
import { applyCurrentClauseMap } from './store';

/** Which database (by its services object) and which access epoch the engine's policy state was last read at. */
let applied: { source: object; epoch: number } | null = null;

/**
 * Brings the engine's copy of the organisation's policy — the clause numbers decisions cite and the rule modes —
 * in step with the database whenever the access epoch has moved (loading a policy or switching a rule's mode moves
 * it, by trigger). So a change made by any process — `confide policy load` beside the running server, another
 * instance — applies from the next request, and a change that was rolled back never applies: the state is only
 * ever read from what the request's own transaction sees.
 */
export async function syncPolicyState(db: Kysely<Database>, source: object, epoch: number): Promise<void> {
  if (applied && applied.source === source && applied.epoch === epoch) return;
  await applyCurrentClauseMap(db);
  await applyRuleModes(db);
  applied = { source, epoch };
}
