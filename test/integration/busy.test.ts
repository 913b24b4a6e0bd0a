import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliExportPeople } from '../../src/cli/transfer';
import type { Services } from '../../src/context';
import { createServices } from '../../src/services';
import { as, casePurpose, insertPurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// Issue 9: a long console export held one transaction for its whole length, and on SQLite the running server then
// answered 500 "database is locked". Exports page in short units of work, and a lock timeout is a 503 with
// Retry-After, never a 500 — on both engines.

const person = (purposeId: string) => ({ givenName: 'Busy', familyName: 'Tester', kind: 'service_user', openCase: { service: 'Music mentoring', purposeId } });
const peopleCount = async (world: World) => Number((await world.services.db.kysely.selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe.each(dialects())('a database lock held too long is a 503, never a 500 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  beforeAll(async () => {
    world = await createWorld(dialect, { dbLockTimeoutMs: 150 });
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  /** Holds the lock every write needs, from another connection (as a long job in another process would). */
  async function holdLock(): Promise<() => Promise<void>> {
    if (dialect === 'sqlite') {
      const other = new SQLite(world.services.db.location);
      other.exec('begin immediate');
      return async () => {
        other.exec('rollback');
        other.close();
      };
    }
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(world.services.db.kysely)).rows[0].s;
    const client = new pg.Client({ connectionString: world.config.databaseUrl, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query('begin');
    await client.query('select seq from audit_head where id = 1 for update'); // the audit chain's head: every unit appends to it
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }

  it('issue 9: a write and an audited read wait the lock timeout, then answer 503 problem+json with Retry-After; nothing is written; then they succeed', async () => {
    const before = await peopleCount(world);
    const purposeId = await casePurpose(world); // written before the lock is taken
    const release = await holdLock();
    try {
      const write = await as(world, staff).post('/api/people', person(purposeId));
      expect(write.statusCode, write.body).toBe(503);
      expect(write.headers['content-type']).toContain('application/problem+json');
      expect(write.headers['retry-after']).toBe('1');
      expect(write.json()).toMatchObject({ status: 503, title: 'Service unavailable' });
      expect(write.body).not.toMatch(/locked|SQLITE|lock_timeout|audit_head/i);
      const read = await as(world, staff).get('/api/people');
      expect(read.statusCode).toBe(503);
    } finally {
      await release();
    }
    expect(await peopleCount(world)).toBe(before);
    expect((await as(world, staff).post('/api/people', person(purposeId))).statusCode).toBe(201);
  });
});

describe.each(dialects())('a console export does not hold the database (%s)', (dialect) => {
  let world: World;
  let exporter: Services;
  let staff: TestUser;
  let manager: TestUser;
  let purpose: string;
  let dir: string;
  const ids: string[] = [];
  beforeAll(async () => {
    world = await createWorld(dialect, { dbLockTimeoutMs: 150 });
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    purpose = await insertPurpose(world, { name: 'Service planning', guardianId: (await makeUser(world, ['guardian'])).id, createdBy: manager.id });
    for (let i = 0; i < 12; i++) {
      const id = await makePerson(world, { healthNotes: `note ${i}` });
      await makeCase(world, id, { [staff.id]: 'lead' });
      ids.push(id);
    }
    // The export runs on a connection of its own, as `confide export people` does in its own process.
    dir = mkdtempSync(join(tmpdir(), 'confide-export-'));
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(world.services.db.kysely)).rows[0].s : undefined;
    exporter = createServices({ ...world.config, dataDir: world.config.dataDir }, {
      clock: world.clock, logger: pino({ level: 'silent' }),
      connect: dialect === 'postgres' ? { pgSchema: schema } : { sqliteFile: world.services.db.location },
    });
  });
  afterAll(async () => {
    await exporter.db.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('issue 9: between pages of an export the server writes without waiting (lock timeout 150 ms), and every page is audited before it is written out', async () => {
    const writes: number[] = [];
    let pages = 0;
    const chunks: string[] = [];
    const result = await cliExportPeople(exporter, staff.username, purpose, async (chunk) => {
      pages++;
      // Each page's audit entries are committed before its rows are handed out.
      const audited = await world.services.db.kysely.selectFrom('audit_events').select('resource_id').where('request_id', '=', 'cli-export').execute();
      const shown = parse(chunks.join('') + chunk, { columns: true }) as { id: string }[];
      expect(new Set(audited.map((a) => a.resource_id))).toEqual(new Set(shown.map((r) => r.id)));
      chunks.push(chunk);
      // The running server: a write and an audited read, through its own connection, while the export is under way.
      // A manager registers someone on no case team: the exporting staff member does not see them.
      writes.push((await as(world, manager).post('/api/people', { givenName: 'Added', familyName: 'Meanwhile', kind: 'service_user' })).statusCode);
      writes.push((await as(world, staff).get('/api/people')).statusCode);
    }, 5);
    expect(pages).toBe(3);
    expect(writes.every((s) => s === 201 || s === 200)).toBe(true);
    const rows = parse(chunks.join(''), { columns: true }) as { id: string; healthNotes: string }[];
    expect(result.rows).toBe(12);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort()); // every person once; none of those added meanwhile (on no team of theirs)
    expect(rows.every((r) => r.healthNotes.startsWith('note '))).toBe(true);
  });
});
