import { Worker } from 'node:worker_threads';

/** How often the background thread copies the log back (src/db/connect.ts, ConnectOptions.walCheckpointer). */
export const WAL_CHECKPOINT_EVERY_MS = 100;

/** A running {@link startWalCheckpointer}. */
export interface WalCheckpointer {
  /** Stops the thread and closes its connection; resolves once the thread has ended. */
  stop(): Promise<void>;
}

/**
 * Starts a thread that copies the SQLite database's write-ahead log back into the database file (a PASSIVE
 * checkpoint) every `everyMs`, on a connection of its own.
 *
 * Why: otherwise the copy runs inside the commit that takes the log past `wal_autocheckpoint` pages, on the thread
 * that serves requests — about once a second under load, each time tens of milliseconds spent writing and syncing
 * files while no request is answered. PASSIVE never waits for a lock and never blocks a reader or the writer; it
 * copies what is committed. The serving connection keeps its automatic checkpoint as the bound on the log: when it
 * comes due, the thread has already copied nearly everything, so it copies the rest and the log starts over.
 * Measured with the audited read (bench/http.ts, 10 clients, twice each way): the group commits' time on the serving
 * thread fell from ~74 to ~67 µs a request, of which the commits that stalled (over 3 ms) from ~8.5 to ~4; a
 * commit that ran the copy itself stalled 60–100 ms.
 *
 * `onFailure` hears of a copy that failed for another reason than a lock (the error's code only).
 */
export function startWalCheckpointer(file: string, options: { everyMs?: number; onFailure?: (code: string) => void } = {}): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { file, everyMs: options.everyMs ?? WAL_CHECKPOINT_EVERY_MS },
  });
  worker.unref(); // never what keeps the process alive
  const reported = new Set<string>();
  const report = (code: string) => {
    if (reported.has(code)) return;
    reported.add(code);
    options.onFailure?.(code);
  };
  worker.on('message', (m: { failed?: string }) => m.failed && report(m.failed));
  worker.on('error', (error: Error & { code?: string }) => report(error.code ?? error.name));
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      worker.postMessage('stop');
      await ended;
    },
  };
}
