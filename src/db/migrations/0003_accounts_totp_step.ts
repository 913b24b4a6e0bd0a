import type { Kysely } from 'kysely';

/**
 * The last TOTP time step a user signed in with, so a second-factor code cannot be replayed within its window
 * (clause 3.7 secure conditions).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
}
