/**
 * Child process of the HTTP benchmark: seeds a fresh database, then serves, from ONE process and ONE database handle,
 * - the real Confide app (helmet, cookies, access log, pipeline, policy, audit) on one port, and
 * - a bare Fastify instance (no plugins, no logger) on another, with the fair peer (the same person row read
 *   through the same Kysely handle, no pipeline, no audit) and a hello-world route. On PostgreSQL that handle's pool
 *   lends the bare read a connection per query, as a plain Fastify app's would; the audited read's plain reads travel
 *   on the shared pipelined connections (src/db/pg-pipeline.ts).
 * Reports ports, ids and the session cookie to the parent over IPC.
 */
import Fastify from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createSession } from '../src/accounts/sessions';
import { SESSION_COOKIE } from '../src/http/auth/cookies';
import { newId } from '../src/lib/ids';
import { sortKey } from '../src/records/paging';
import { createServices, prepareDatabase } from '../src/services';
import { startupSteps } from '../src/server';
import { procCpu } from './lib';

const dataDir = process.env.BENCH_DATA_DIR!;
const config = loadConfig({
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', // the real access log is part of the cost (stdout → /dev/null)
});
const services = createServices(config, { connect: { pgSchema: process.env.BENCH_PG_SCHEMA || undefined, walCheckpointer: {} } }); // as src/server.ts serves
await prepareDatabase(services);
for (const step of startupSteps) await step(services);
const db = services.db.kysely;
const nowIso = new Date().toISOString();

// A case-team staff member, 10k people, and the person they read: one case with them on the team.
const staffId = newId();
await db.insertInto('users').values({
  id: staffId, username: 'bench-staff', display_name: 'Bench Staff', email: null, password_hash: 'x', must_change_password: 0,
  totp_secret: null, totp_enabled: 0, failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null,
  created_at: nowIso, updated_at: nowIso, version: 1,
}).execute();
await db.insertInto('user_roles').values({ user_id: staffId, role: 'staff' }).execute();
for (const doc of await db.selectFrom('policy_documents').select('id').execute()) {
  await db.insertInto('policy_acceptances').values({ user_id: staffId, policy_document_id: doc.id, accepted_at: nowIso }).execute();
}
let personId = '';
await db.transaction().execute(async (trx) => {
  const rows = [];
  for (let i = 0; i < 10_000; i++) {
    const id = newId();
    if (i === 5_000) personId = id;
    const family = `Family${i}`;
    rows.push({
      id, kind: 'service_user', given_name: 'Alex', family_name: family, preferred_name: null, sort_key: sortKey(family, 'Alex'),
      date_of_birth: '2010-04-01', pronouns: 'they/them', email: `p${i}@example.org`, phone: '01234 567890', address: '1 High Street',
      ethnicity: null, health_notes: 'asthma', safeguarding_notes: 'known to social care', archived_at: null, created_by: null,
      created_at: nowIso, updated_at: nowIso, version: 1,
    });
    if (rows.length === 500) await trx.insertInto('people').values(rows.splice(0)).execute();
  }
  if (rows.length) await trx.insertInto('people').values(rows).execute();
});
const caseId = newId();
await db.insertInto('cases').values({
  id: caseId, person_id: personId, service: 'Youth mentoring', status: 'open', opened_on: nowIso.slice(0, 10), closed_on: null,
  summary: 'referred by school', support_needs: 'anxiety', risk_notes: null, archived_at: null, created_by: null,
  created_at: nowIso, updated_at: nowIso, version: 1,
}).execute();
await db.insertInto('case_team').values({ case_id: caseId, user_id: staffId, team_role: 'lead', added_at: nowIso, added_by: null }).execute();
const session = await createSession(db, staffId, new Date(), config);
if (services.db.dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);

const app = await buildApp(services);
await app.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify();
bare.get<{ Params: { id: string } }>('/bare/people/:id', async (request, reply) => {
  const row = await db.selectFrom('people').selectAll().where('id', '=', request.params.id).executeTakeFirst();
  if (!row) return reply.code(404).send({ title: 'Not found' });
  return row;
});
bare.get('/hello', async () => ({ hello: 'world' }));
await bare.listen({ port: 0, host: '127.0.0.1' });

const port = (a: typeof bare) => (a.server.address() as { port: number }).port;
process.send!({
  confidePort: port(app as never), barePort: port(bare), personId, cookie: `${SESSION_COOKIE}=${session.cookieValue}`, dialect: services.db.dialect,
});
// With BENCH_CPU_PROF=dir the parent brackets the measured rounds with profile-start / profile-stop, so the profile
// shows requests only (not module loading and seeding).
let profiler: import('node:inspector/promises').Session | null = null;
process.on('message', async (m) => {
  if (m === 'profile-start' && process.env.BENCH_CPU_PROF) {
    const { Session } = await import('node:inspector/promises');
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    process.send!({ profiling: true });
  }
  if (m === 'profile-stop' && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(process.env.BENCH_CPU_PROF!, { recursive: true });
    const file = `${process.env.BENCH_CPU_PROF}/http-${services.db.dialect}-${Date.now()}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    process.send!({ profile: file });
  }
  if (m === 'stats') {
    const n = await db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cpu = process.cpuUsage();
    // The main thread alone (Linux): the one that answers requests, whichever other threads the process has.
    const mainThreadMicros = procCpu(`/proc/self/task/${process.pid}/stat`)?.micros ?? 0;
    process.send!({ auditEntries: Number(n.n), cpuMicros: cpu.user + cpu.system, userMicros: cpu.user, systemMicros: cpu.system, mainThreadMicros });
  }
  if (m === 'stop') {
    await app.close();
    await bare.close();
    await services.db.close();
    process.exit(0);
  }
});
