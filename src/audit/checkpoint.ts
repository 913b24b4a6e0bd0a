import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditCheckpointRow, Database } from '../db/schema';
import { ensurePrivateDir } from '../lib/private-files';

/** Signs and verifies audit checkpoints with the installation's Ed25519 key. */
export interface Signer {
  keyId: string;
  publicKeyPem: string;
  sign(message: string): string;
  verify(message: string, signature: string, publicKeyPem?: string): boolean;
}

/** The exact bytes a checkpoint signs. */
export const checkpointMessage = (seq: number, hash: string) => `confide-audit-checkpoint/v1:${seq}:${hash}`;

/** Wraps a key pair as a {@link Signer}. */
function signerFrom(privateKey: KeyObject): Signer {
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyId = createHash('sha256').update(publicKeyPem).digest('hex').slice(0, 16);
  return {
    keyId,
    publicKeyPem,
    sign: (message) => sign(null, Buffer.from(message), privateKey).toString('base64'),
    verify: (message, signature, pem) =>
      verify(null, Buffer.from(message), pem ? createPublicKey(pem) : publicKey, Buffer.from(signature, 'base64')),
  };
}

/**
 * Loads the Ed25519 key from DATA_DIR/audit-signing-key.pem, creating it (mode 0600) on first start. Two processes
 * starting together (the server and a CLI command) both succeed with the same key: the key is written in full to a
 * file of its own and then linked into place, which fails for the second one, who reads the first one's key.
 */
export function loadOrCreateSigner(dataDir: string): Signer {
  const file = join(dataDir, 'audit-signing-key.pem');
  if (!existsSync(file)) {
    ensurePrivateDir(dataDir); // 3.7: owner-only when made here, as connect() makes it
    const { privateKey } = generateKeyPairSync('ed25519');
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.new`;
    writeFileSync(draft, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return signerFrom(createPrivateKey(readFileSync(file)));
}

/** Writes a signed checkpoint over (seq, hash) in the caller's transaction. */
export async function writeCheckpoint(trx: Kysely<Database>, signer: Signer, head: { seq: number; hash: string }, at: string) {
  const row: AuditCheckpointRow = {
    seq: head.seq,
    hash: head.hash,
    at,
    signature: signer.sign(checkpointMessage(head.seq, head.hash)),
    key_id: signer.keyId,
  };
  await trx.insertInto('audit_checkpoints').values(row).onConflict((oc) => oc.column('seq').doNothing()).execute();
  return row;
}

/** A checkpoint as exported for safekeeping outside the database. */
export interface ExportedCheckpoint {
  format: 'confide-audit-checkpoint/v1';
  seq: number;
  hash: string;
  at: string;
  signature: string;
  keyId: string;
  publicKey: string;
}

/** The latest checkpoint, signed now if the chain has grown since, ready to store elsewhere. */
export async function exportCheckpoint(db: Kysely<Database>, signer: Signer, at: string): Promise<ExportedCheckpoint> {
  const cp = await db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return writeCheckpoint(trx, signer, { seq: Number(head.seq), hash: head.hash }, at);
  });
  return {
    format: 'confide-audit-checkpoint/v1', seq: cp.seq, hash: cp.hash, at: cp.at, signature: cp.signature,
    keyId: cp.key_id, publicKey: signer.publicKeyPem,
  };
}
