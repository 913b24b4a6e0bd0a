import { userInfo } from 'node:os';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Signer } from './checkpoint';

/**
 * A process's signing key is neither registered in the database nor may it register itself: the database already
 * has checkpoints, or registered keys, that this process does not hold. Starting would write checkpoints under a key
 * nobody else knows of — the old false alarm of separate DATA_DIRs ("BROKEN … invalid signature").
 */
export class UnregisteredSignerError extends Error {
  constructor(
    readonly keyId: string,
    readonly known: readonly string[],
  ) {
    super(
      `This process's audit signing key (id ${keyId}, DATA_DIR/audit-signing-key.pem) is not registered in the database, ` +
        `which already holds checkpoints or keys of other processes (key ids: ${known.join(', ') || 'none registered'}). ` +
        'Either copy audit-signing-key.pem from a process that uses this database into this DATA_DIR (one key for all), ' +
        'or register this key on purpose with `confide audit register-key` (run with this DATA_DIR). See the README, "Several processes".',
    );
    this.name = 'UnregisteredSignerError';
  }
}

/** The public keys of every registered signer, by key id. */
export async function registeredSigners(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('audit_signers').select(['key_id', 'public_key']).execute();
  return new Map(rows.map((r) => [r.key_id, r.public_key]));
}

/** Locks the audit chain's head row for the rest of the transaction (on SQLite the write transaction already is the lock). */
async function lockHead(trx: Kysely<Database>) {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select seq from audit_head where id = 1 for update`.execute(trx);
}

/** Inserts the signer's key (no change when it is there already). */
async function insertSigner(trx: Kysely<Database>, signer: Signer, nowIso: string, registeredBy: string) {
  await trx
    .insertInto('audit_signers')
    .values({ key_id: signer.keyId, public_key: signer.publicKeyPem, first_used_at: nowIso, registered_by: registeredBy })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

/**
 * Makes sure this process may sign checkpoints, at start (1.1 records management: signed checkpoints). Its key is
 * fine when it is registered. It registers itself only when nothing in the database was signed by anyone else:
 * on the very first start (no keys, no checkpoints), or on the first start after migration 0013 when every existing
 * checkpoint names this key. Otherwise it throws {@link UnregisteredSignerError}: a process never silently brings a
 * new key to a database that already has another's. Runs under the chain's lock, so two first starts cannot both
 * register.
 */
export async function ensureSignerRegistered(db: Kysely<Database>, signer: Signer, nowIso: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockHead(trx);
    const keys = await registeredSigners(trx);
    const mine = keys.get(signer.keyId);
    if (mine !== undefined) {
      if (mine.trim() !== signer.publicKeyPem.trim()) throw new Error(`Audit signer ${signer.keyId} is registered with a different public key.`);
      return;
    }
    const foreign = await trx.selectFrom('audit_checkpoints').select('key_id').distinct().where('key_id', '!=', signer.keyId).execute();
    if (keys.size > 0 || foreign.length > 0) throw new UnregisteredSignerError(signer.keyId, [...new Set([...keys.keys(), ...foreign.map((f) => f.key_id)])].sort());
    const signed = await trx.selectFrom('audit_checkpoints').select('seq').limit(1).executeTakeFirst();
    await insertSigner(trx, signer, nowIso, signed ? 'existing-checkpoints' : 'first-start');
  });
}

/**
 * Registers this process's key on purpose (`confide audit register-key`): for a deployment where each process keeps
 * its own key. The key's id and who registered it are kept with it; a registered key is never changed or removed
 * (the table is append-only, migration 0013).
 */
export async function registerSigner(db: Kysely<Database>, signer: Signer, nowIso: string): Promise<'registered' | 'already'> {
  return db.transaction().execute(async (trx) => {
    await lockHead(trx);
    if ((await registeredSigners(trx)).has(signer.keyId)) return 'already';
    let who = 'unknown';
    try {
      who = userInfo().username;
    } catch {
      // no passwd entry (a container): keep 'unknown'
    }
    await insertSigner(trx, signer, nowIso, `cli:${who}`);
    return 'registered';
  });
}
