import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCheckpoint } from '../../src/audit/checkpoint';
import { recordAudit } from '../../src/audit/record';
import { registerSigner, UnregisteredSignerError } from '../../src/audit/signers';
import { verifyAudit } from '../../src/audit/verify';
import type { Services } from '../../src/context';
import { createServices, prepareDatabase } from '../../src/services';
import { createWorld, dialects, type World } from '../support/world';

// 1.1 records-management / practice 4.3: the audit trail is append-only on both engines (migration 0013), and
// every process that signs checkpoints has its public key recorded in the database, so processes with separate
// DATA_DIRs on one database never raise false tamper alarms (issue 9).

/** Appends `n` entries through `services`, one transaction each, as n operations would. */
async function append(services: Services, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    await services.db.kysely.transaction().execute((trx) =>
      recordAudit(trx, services, [{ action: 'person.read', decision: 'allow', resourceType: 'person', resourceId: `${tag}${i}`, detail: { fields: ['email'] } }], { actorId: 'u1', requestId: `${tag}${i}`, at: new Date().toISOString() }),
    );
  }
}

describe.each(dialects())('1.1 records-management: the audit tables are append-only (%s)', (dialect) => {
  let world: World;
  beforeEach(async () => {
    world = await createWorld(dialect, { auditCheckpointEvery: 3 });
    await append(world.services, 7, 'p');
  });
  afterEach(() => world.close());
  const db = () => world.services.db.kysely;
  const headSeq = async () => Number((await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);

  it('1.1 records-management: the application\'s own connection cannot UPDATE or DELETE audit entries, checkpoints or signers', async () => {
    const attempts = [
      () => db().updateTable('audit_events').set({ detail: '{}' }).where('seq', '=', 2).execute(),
      () => db().deleteFrom('audit_events').where('seq', '=', 2).execute(),
      () => db().deleteFrom('audit_events').execute(),
      () => db().updateTable('audit_checkpoints').set({ signature: 'x' }).execute(),
      () => db().deleteFrom('audit_checkpoints').execute(),
      () => db().updateTable('audit_signers').set({ public_key: 'x' }).execute(),
      () => db().deleteFrom('audit_signers').execute(),
    ];
    const before = await headSeq();
    for (const attempt of attempts) await expect(attempt()).rejects.toThrow(/append-only/);
    if (dialect === 'postgres') {
      for (const t of ['audit_events', 'audit_checkpoints', 'audit_signers']) await expect(sql`truncate ${sql.raw(t)}`.execute(db())).rejects.toThrow(/append-only/);
    }
    expect(Number((await db().selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(before);
    expect((await db().selectFrom('audit_checkpoints').selectAll().execute()).length).toBe(2);
    expect((await verifyAudit(db(), world.services.signer)).ok).toBe(true);
  });

  it('1.1 records-management: appending still works, and a refused change inside a transaction rolls back the whole transaction', async () => {
    const before = await headSeq();
    await expect(db().transaction().execute(async (trx) => {
      await recordAudit(trx, world.services, [{ action: 'person.read', decision: 'allow' }], { actorId: 'u1', requestId: 'r', at: new Date().toISOString() });
      await trx.deleteFrom('audit_events').where('seq', '=', 1).execute();
    })).rejects.toThrow(/append-only/);
    await append(world.services, 2, 'q');
    const r = await verifyAudit(db(), world.services.signer);
    expect(r).toMatchObject({ ok: true, checked: before + 2 });
  });
});

describe.each(dialects())('1.1 records-management: several processes with their own DATA_DIR on one database (%s)', (dialect) => {
  let world: World;
  let other: Services | undefined;
  let otherDir: string;
  beforeEach(async () => {
    world = await createWorld(dialect, { auditCheckpointEvery: 3 });
    otherDir = mkdtempSync(join(tmpdir(), 'confide-other-'));
  });
  afterEach(async () => {
    await other?.db.close();
    other = undefined;
    rmSync(otherDir, { recursive: true, force: true });
    await world.close();
  });

  /** A second process: the same database, its own DATA_DIR (and so its own signing key). */
  async function secondProcess(): Promise<Services> {
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(world.services.db.kysely)).rows[0].s : undefined;
    other = createServices({ ...world.config, dataDir: otherDir }, {
      clock: world.clock, logger: pino({ level: 'silent' }),
      connect: dialect === 'postgres' ? { pgSchema: schema } : { sqliteFile: world.services.db.location },
    });
    return other;
  }

  it('1.1 records-management: the first process registered its key; a second with a new key refuses to start, naming the way out', async () => {
    await append(world.services, 4, 'a');
    const signers = await world.services.db.kysely.selectFrom('audit_signers').selectAll().execute();
    expect(signers).toEqual([expect.objectContaining({ key_id: world.services.signer.keyId, public_key: world.services.signer.publicKeyPem, registered_by: 'first-start' })]);

    const b = await secondProcess();
    expect(b.signer.keyId).not.toBe(world.services.signer.keyId);
    const refused = await prepareDatabase(b).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(UnregisteredSignerError);
    expect((refused as Error).message).toContain(b.signer.keyId);
    expect((refused as Error).message).toContain(world.services.signer.keyId);
    expect((refused as Error).message).toMatch(/confide audit register-key/);
    expect((await world.services.db.kysely.selectFrom('audit_signers').selectAll().execute()).length).toBe(1);
  });

  it('1.1 records-management: with each key registered, checkpoints signed by both processes verify from either DATA_DIR, with no false alarm', async () => {
    await append(world.services, 4, 'a');
    const b = await secondProcess();
    expect(await registerSigner(b.db.kysely, b.signer, new Date().toISOString())).toBe('registered');
    expect(await registerSigner(b.db.kysely, b.signer, new Date().toISOString())).toBe('already');
    await prepareDatabase(b);
    await append(b, 4, 'b');
    await append(world.services, 3, 'c');
    const total = Number((await b.db.kysely.selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
    const exported = await exportCheckpoint(b.db.kysely, b.signer, new Date().toISOString());

    const keyIds = (await world.services.db.kysely.selectFrom('audit_checkpoints').select('key_id').distinct().execute()).map((r) => r.key_id).sort();
    expect(keyIds).toEqual([world.services.signer.keyId, b.signer.keyId].sort());
    for (const services of [world.services, b]) {
      const r = await verifyAudit(services.db.kysely, services.signer, [exported]);
      expect(r.problem).toBeUndefined();
      expect(r).toMatchObject({ ok: true, checked: total, signers: [world.services.signer.keyId, b.signer.keyId].sort() });
    }
  });

  it('1.1 records-management: a key carried by a forged checkpoint is never trusted; only registered keys are', async () => {
    await append(world.services, 4, 'a');
    const b = await secondProcess(); // never registered: it may verify (read only) but its signatures are not trusted
    const forged = await b.db.kysely.transaction().execute(async (trx) => {
      const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
      return { format: 'confide-audit-checkpoint/v1' as const, seq: Number(head.seq), hash: head.hash, at: '', signature: b.signer.sign(`confide-audit-checkpoint/v1:${head.seq}:${head.hash}`), keyId: b.signer.keyId, publicKey: b.signer.publicKeyPem };
    });
    const r = await verifyAudit(world.services.db.kysely, world.services.signer, [forged]);
    expect(r.problem?.message).toMatch(new RegExp(`signed by a key that is not registered \\(${b.signer.keyId}`));
  });
});
