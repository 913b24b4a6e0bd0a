import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { AuditEventRow } from '../db/schema';
import { holdsAsWholeRow, linkOf, walk, WALK_PAGE, type Link, type Problem, type WalkState } from './chain-walk';
import { CANONICAL_ENTRY_SQL } from './hash';

/** One contiguous range of the chain for a worker thread: the entries after `after` up to `through`. */
export interface RangeTask {
  file: string;
  after: number;
  /** The hash stored on entry `after` (the start of the chain for 0): the range links to it. */
  prev: string;
  through: number;
  /** The vouched-for hashes within the range, as [seq, list] pairs. */
  expected: [number, { hash: string; what: string }[]][];
}

/** A worker's answer: how far the range held, and its first problem if any. */
export interface RangeResult {
  state: WalkState;
  problem: Problem | null;
}

/**
 * Walks one range with its own read-only connection, exactly as verify.ts walks the whole chain, reading with
 * better-sqlite3 directly: this thread has nothing else to serve.
 */
async function walkRange(task: RangeTask): Promise<RangeResult> {
  const db = new SQLite(task.file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('mmap_size = 1073741824');
    const fast = db.prepare(`select seq, prev_hash, hash, ${CANONICAL_ENTRY_SQL} as canonical from audit_events where seq > ? and seq <= ? order by seq limit ?`);
    const whole = db.prepare('select * from audit_events where seq > ? and seq <= ? order by seq limit ?');
    const wholeLinks = (after: number, limit: number) => (whole.all(after, task.through, limit) as AuditEventRow[]).map(linkOf);
    const page = (after: number): Link[] => {
      try {
        return fast.all(after, task.through, WALK_PAGE) as Link[];
      } catch {
        return wholeLinks(after, WALK_PAGE); // json_array refuses a BLOB slipped into a text column (see verify.ts)
      }
    };
    const state: WalkState = { last: task.after, prev: task.prev, checked: 0 };
    const problem = await walk(state, new Map(task.expected), page, (prev, link) => holdsAsWholeRow(prev, link, wholeLinks(link.seq - 1, 1)[0]));
    return { state, problem };
  } finally {
    db.close();
  }
}

if (parentPort && workerData) parentPort.postMessage(await walkRange(workerData as RangeTask));
