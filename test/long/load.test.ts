import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify';
import { makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { percentile, recordReliability } from '../support/reliability';
import { httpClient, signInOver, startServer, stopServer, type ServerProcess } from '../support/server-process';
import { createWorld, dialects, type World } from '../support/world';

// Issue 9 long run: 50 clients for 60 s on 20 overlapping records through a real server process. Each client reads a
// person and writes back a counter one higher with If-Match (the version it read). 1.1 records-management: no update
// is lost — each record's counter equals the number of updates the server acknowledged for it — and nothing answers 5xx.

const CLIENTS = 50;
const SECONDS = Number(process.env.CONFIDE_LONG_SECONDS ?? 60);
const RECORDS = 20;

describe.each(dialects())('issue 9 long run: %s, 50 clients on overlapping records', (dialect) => {
  let world: World;
  let server: ServerProcess;
  const workers: TestUser[] = [];
  const people: string[] = [];
  beforeAll(async () => {
    world = await createWorld(dialect);
    for (let i = 0; i < 5; i++) workers.push(await makeUser(world, ['staff']));
    for (let i = 0; i < RECORDS; i++) {
      const id = await makePerson(world);
      await makeCase(world, id, Object.fromEntries(workers.map((w, j) => [w.id, j === 0 ? 'lead' : 'worker'])));
      people.push(id);
    }
    server = await startServer({ dataDir: world.config.dataDir, pgSchema: world.pgSchema });
  });
  afterAll(async () => {
    await stopServer(server);
    await world.close();
  });

  it(`1.1 records-management: ${CLIENTS} clients for ${SECONDS} s lose no update and get no 5xx`, async () => {
    const sessions = await Promise.all(workers.map((w) => signInOver(server, w.username)));
    const acknowledged = new Map<string, number>(people.map((p) => [p, 0]));
    const statuses = new Map<number, number>();
    const readMs: number[] = [];
    const writeMs: number[] = [];
    const end = Date.now() + SECONDS * 1000;
    let seed = 7;
    const pick = () => people[(seed = (seed * 48271) % 2147483647) % people.length];
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

    const client = async (c: number) => {
      const call = httpClient(server, sessions[c % sessions.length]);
      while (Date.now() < end) {
        const person = pick();
        let t = performance.now();
        const read = await call('GET', `/api/people/${person}`);
        readMs.push(performance.now() - t);
        count(read.status);
        if (read.status !== 200) continue;
        const counter = Number((read.json().data as { address: string | null }).address ?? 0);
        t = performance.now();
        const write = await call('PATCH', `/api/people/${person}`, { address: String(counter + 1) }, { 'if-match': read.headers.get('etag')! });
        writeMs.push(performance.now() - t);
        count(write.status);
        if (write.status === 200) acknowledged.set(person, acknowledged.get(person)! + 1);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, k]) => n + k, 0);
    expect(fivexx).toBe(0);
    expect([...statuses.keys()].every((s) => s === 200 || s === 412)).toBe(true);
    const rows = await world.services.db.kysely.selectFrom('people').select(['id', 'address', 'version']).where('id', 'in', people).execute();
    const lost = rows.filter((r) => Number(r.address ?? 0) !== acknowledged.get(r.id) || Number(r.version) !== acknowledged.get(r.id)! + 1);
    expect(lost.map((r) => r.id)).toEqual([]);
    const updates = [...acknowledged.values()].reduce((a, b) => a + b, 0);
    expect(updates).toBeGreaterThan(RECORDS);
    const verified = await verifyAudit(world.services.db.kysely, world.services.signer);
    expect(verified.ok).toBe(true);

    recordReliability(`concurrent-${dialect}`, {
      clients: CLIENTS, seconds: SECONDS, records: RECORDS, requests: readMs.length + writeMs.length,
      acknowledgedUpdates: updates, conflicts412: statuses.get(412) ?? 0, lostUpdates: lost.length, serverErrors: fivexx,
      readMs: { p50: percentile(readMs, 50), p95: percentile(readMs, 95) }, writeMs: { p50: percentile(writeMs, 50), p95: percentile(writeMs, 95) },
    });
  }, (SECONDS + 120) * 1000);
});
