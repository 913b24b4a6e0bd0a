// Worker thread of src/db/wal-checkpointer.ts: copies an SQLite database's write-ahead log back into the database
// file on a connection of its own. Plain JavaScript, so it starts in milliseconds without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, everyMs } = workerData;
const db = new SQLite(file, { fileMustExist: true });
// Never wait for a lock: a copy that cannot run now runs at the next tick.
db.pragma('busy_timeout = 0');
const copy = db.prepare('pragma wal_checkpoint(PASSIVE)');
let timer;
const tick = () => {
  try {
    copy.run();
  } catch (error) {
    // SQLITE_BUSY (another copy is running) passes; anything else is reported once per kind, and the next tick tries
    // again. The serving connection's own automatic checkpoint still bounds the log either way.
    if (error?.code !== 'SQLITE_BUSY') parentPort.postMessage({ failed: String(error?.code ?? 'unknown') });
  }
  timer = setTimeout(tick, everyMs);
};
timer = setTimeout(tick, everyMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
