import type { AuditEventRow } from '../db/schema';
import { canonicalEntry, chainHash } from './hash';

/** An entry as the walk needs it: its number, the hashes stored on it, and the canonical text its hash covers. */
export interface Link {
  seq: number;
  prev_hash: string;
  hash: string;
  canonical: string;
}

/** Hashes that signed checkpoints, exported checkpoints or the head vouch for, by entry number. */
export type Expected = Map<number, { hash: string; what: string }[]>;

/** How far a walk has come: the last entry that held, its hash, and how many entries held. */
export interface WalkState {
  last: number;
  prev: string;
  checked: number;
}

/** A broken chain, named at its first bad entry. */
export interface Problem {
  seq: number;
  message: string;
}

const NONE: readonly { hash: string; what: string }[] = [];

/** A whole row as a {@link Link}, its canonical text written by the definition. */
export function linkOf(row: AuditEventRow): Link {
  const seq = Number(row.seq);
  return { seq, prev_hash: row.prev_hash, hash: row.hash, canonical: canonicalEntry({ ...row, seq }) };
}

/** The problem of an entry whose content no longer hashes to its stored hash. */
export const altered = (seq: number): Problem => ({ seq, message: `entry ${seq} was altered after it was written` });

/**
 * Checks the next entry against the walk and moves the walk on when it holds: numbered right after the last one,
 * linked to its hash, hashing to its own stored hash, and matching every checkpoint at its number. Answers
 * 'recheck' when only the hash over `canonical` fails, so a caller whose text came from the database can recompute
 * it from the whole row and call again with `hashHolds` (the walk itself does no I/O).
 */
export function step(state: WalkState, link: Link, expected: Expected, hashHolds?: boolean): Problem | 'recheck' | null {
  const seq = Number(link.seq);
  if (seq !== state.last + 1) return { seq: state.last + 1, message: `entry ${state.last + 1} is missing (next entry found is ${seq})` };
  if (link.prev_hash !== state.prev) return { seq, message: `entry ${seq} does not link to entry ${state.last}: entries were removed, inserted or reordered` };
  if (hashHolds === false) return altered(seq);
  if (hashHolds === undefined && chainHash(state.prev, link.canonical) !== link.hash) return 'recheck';
  for (const e of expected.get(seq) ?? NONE) {
    if (e.hash !== link.hash) return { seq, message: `entry ${seq} does not match ${e.what} at ${seq}` };
  }
  state.prev = link.hash;
  state.last = seq;
  state.checked++;
  return null;
}
