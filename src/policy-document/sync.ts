import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { readAccessEpoch } from '../accounts/caller-cache';
import type { Database } from '../db/schema';
import { SAMPLE_CLAUSE_MAP_DOCUMENT } from '../policy/clauses';
import type { RuleMode } from '../policy/modes';
import { PolicyState } from '../policy/state';
import { currentPolicy } from './store';

/** Reads the organisation's policy as decisions apply it — clause map of the current document, rule modes — via `db`. */
export async function loadPolicyState(db: Kysely<Database>): Promise<PolicyState> {
  const [doc, modes] = await Promise.all([
    currentPolicy(db),
    db.selectFrom('policy_rule_modes').select(['rule_id', 'mode']).execute(),
  ]);
  return new PolicyState(doc ? doc.clauseMap.keys : SAMPLE_CLAUSE_MAP_DOCUMENT.keys, Object.fromEntries(modes.map((r) => [r.rule_id, r.mode as RuleMode])));
}

/**
 * The policy state per access epoch, for one set of services. Loading a policy or switching a rule's mode moves the
 * access epoch (by trigger), so a change made by any process — `confide policy load` beside the running server,
 * another instance — applies from the next unit of work, and a change that was rolled back never applies: the state
 * is only ever read through the unit's own transaction, at the epoch that transaction saw. Keeps the last state
 * read; an older or newer epoch simply reads again.
 */
export class PolicyStates {
  private last: { epoch: number; state: PolicyState } | null = null;

  /** The policy state at `epoch` (read by the caller through `db` before anything else in its transaction). */
  async at(db: Kysely<Database>, epoch: number): Promise<PolicyState> {
    const last = this.last;
    if (last && last.epoch === epoch) return last.state;
    const state = await loadPolicyState(db);
    this.last = { epoch, state };
    return state;
  }

  /** The policy state as `db` sees it now (reads the access epoch first). */
  async current(db: Kysely<Database>, sqlite?: SQLite.Database): Promise<PolicyState> {
    return this.at(db, await readAccessEpoch(db, sqlite));
  }
}
