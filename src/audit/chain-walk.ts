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

/**
 * Entries read per page of a walk: small enough to die young. 20,000-row pages were promoted out of the young
 * generation and the garbage collector took ~40 % of a 1M-entry verify; 2,000-row pages halved its CPU time
 * (bench/audit.ts). Between pages other queries get the connection, so a live server keeps serving while verify runs.
 */
export const WALK_PAGE = 2_000;

/** A whole row as a {@link Link}, its canonical text written by the definition. */
export function linkOf(row: AuditEventRow): Link {
  const seq = Number(row.seq);
  return { seq, prev_hash: row.prev_hash, hash: row.hash, canonical: canonicalEntry({ ...row, seq }) };
}

/** Whether `whole`, the entry read again as a whole row, is `link` and hashes to its stored hash over `prev`. */
export function holdsAsWholeRow(prev: string, link: Link, whole: Link | undefined): boolean {
  return whole?.seq === link.seq && chainHash(prev, whole.canonical) === link.hash;
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

/**
 * Walks the chain page by page from `state` on, with {@link step}: `page(after)` reads the links after an entry
 * (none at the end); `wholeHolds(prev, link)` settles a 'recheck' by reading the entry again as a whole row — null
 * when the links were read as whole rows already, so a hash that fails means the entry was altered. Returns the
 * first problem, or null once the pages run out; `state` then says how far the chain held.
 */
export async function walk(
  state: WalkState,
  expected: Expected,
  page: (after: number) => Link[] | Promise<Link[]>,
  wholeHolds: ((prev: string, link: Link) => boolean | Promise<boolean>) | null,
): Promise<Problem | null> {
  for (let links = await page(state.last); links.length > 0; links = await page(state.last)) {
    for (const link of links) {
      let problem = step(state, link, expected);
      if (problem === 'recheck') problem = wholeHolds ? step(state, link, expected, await wholeHolds(state.prev, link)) : altered(link.seq);
      if (problem) return problem as Problem;
    }
  }
  return null;
}
