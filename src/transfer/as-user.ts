import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/actor';
import type { Ctx, Services } from '../context';
import type { Database } from '../db/schema';
import type { ActorFacts } from '../policy/types';
import { runUnit } from '../unit';
import { TransferError } from './csv';

/** Thrown from inside {@link asUser} to roll the transaction back while still returning a result. */
export class RollBack<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back');
  }
}

/** The active user with this username, loaded as an actor; an unknown or deactivated username is a TransferError. */
async function activeUser(db: Kysely<Database>, username: string, nowIso: string): Promise<ActorFacts> {
  const user = await db.selectFrom('users').select('id').where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
  const actor = user ? await loadActor(db, user.id, nowIso) : null;
  if (!actor) throw new TransferError(`No active user "${username}".`);
  return actor;
}

/**
 * Runs `fn` as the named user, in one unit of work, with that user's need to know (their roles, team memberships,
 * grants and policy acceptance), and records its audit entries in the same transaction under that user. An
 * unknown or deactivated username is a TransferError. When `fn` throws {@link RollBack}, nothing it wrote stays,
 * its denials are still recorded, and the RollBack's result is returned.
 */
export async function asUser<T>(services: Services, username: string, requestId: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const now = services.clock.now();
  try {
    return await runUnit(services, { actor: (db) => activeUser(db, username, now.toISOString()), requestId, now, work: fn });
  } catch (error) {
    if (error instanceof RollBack) return error.result as T;
    throw error;
  }
}
