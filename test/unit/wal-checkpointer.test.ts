import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type ConnectOptions, type Db } from '../../src/db/connect';
import { startWalCheckpointer } from '../../src/db/wal-checkpointer';

const dirs: string[] = [];
const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An SQLite database in a directory of its own whose commits never copy the log back themselves. */
function open(walCheckpointer?: ConnectOptions['walCheckpointer']) {
  const dir = mkdtempSync(join(tmpdir(), 'confide-wal-'));
  dirs.push(dir);
  const db = connect({ databaseUrl: '', dataDir: dir, walCheckpointer });
  opened.push(db);
  db.sqlite!.pragma('wal_autocheckpoint = 0');
  return { db, file: db.location };
}

/** Commits ~2 MB in one transaction; it lands in the log, not yet in the database file. */
function writeTwoMegabytes(db: Db) {
  const sqlite = db.sqlite!;
  sqlite.exec('create table filler (body blob)');
  const insert = sqlite.prepare('insert into filler (body) values (?)');
  sqlite.transaction(() => {
    for (let i = 0; i < 64; i++) insert.run(Buffer.alloc(32 * 1024, i));
  })();
}

/** How many of this process's open file descriptors are on `file` (Linux). */
function openDescriptorsOf(file: string) {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // closed meanwhile (the directory's own descriptor)
    }
  }
  return n;
}

async function until(condition: () => boolean, ms: number) {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

describe('background copy of the SQLite log (src/db/wal-checkpointer.ts)', () => {
  it('copies committed pages into the database file on its own thread, with no commit of the writer doing it', async () => {
    const { db, file } = open({});
    writeTwoMegabytes(db);
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
    expect(await until(() => statSync(file).size >= 2 * 1024 * 1024, 5000)).toBe(true);
    expect(db.sqlite!.prepare('select count(*) as n from filler').get()).toEqual({ n: 64 });
  });

  it('without it, the same commit stays in the log until a commit copies it', async () => {
    const { db, file } = open();
    writeTwoMegabytes(db);
    await new Promise((r) => setTimeout(r, 500));
    expect(statSync(file).size).toBeLessThan(1024 * 1024);
  });

  it.runIf(existsSync('/proc/self/fd'))('closing the database ends the thread and its connection, leaving no file open', async () => {
    const { db, file } = open({});
    writeTwoMegabytes(db);
    expect(await until(() => openDescriptorsOf(file) >= 2, 5000)).toBe(true); // the writer's and the thread's
    await db.close();
    opened.splice(opened.indexOf(db), 1);
    expect(openDescriptorsOf(file)).toBe(0);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('reports a copy that cannot run (here: no database file) by its code, once, and still stops', async () => {
    const codes: string[] = [];
    const checkpointer = startWalCheckpointer(join(tmpdir(), 'confide-no-such-dir', 'x.db'), { everyMs: 10, onFailure: (code) => codes.push(code) });
    expect(await until(() => codes.length > 0, 5000)).toBe(true);
    await checkpointer.stop();
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatch(/^[A-Za-z_]+$/);
  });
});
