import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { newId } from '../lib/ids';
import type { Role } from '../policy/types';
import { hashPassword } from './passwords';

/** What it takes to create an account. */
export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  password: string;
  roles: readonly Role[];
  mustChangePassword: boolean;
}

/** Inserts a user and their roles (caller's transaction). Returns the new id. */
export async function insertUser(db: Kysely<Database>, user: NewUser, nowIso: string): Promise<string> {
  const id = newId(Date.parse(nowIso));
  await db
    .insertInto('users')
    .values({
      id, username: user.username.toLowerCase(), display_name: user.displayName, email: user.email ?? null,
      password_hash: await hashPassword(user.password), must_change_password: user.mustChangePassword ? 1 : 0,
      totp_secret: null, totp_enabled: 0, failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null,
      created_at: nowIso, updated_at: nowIso, version: 1,
    })
    .execute();
  if (user.roles.length) await db.insertInto('user_roles').values(user.roles.map((role) => ({ user_id: id, role }))).execute();
  return id;
}
