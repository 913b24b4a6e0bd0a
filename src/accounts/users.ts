import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { newId } from '../lib/ids';
import { ROLES, type Role } from '../policy/types';
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

/** A user's roles, sorted in the order of ROLES. */
export async function rolesOf(db: Kysely<Database>, userId: string): Promise<Role[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
  const held = new Set(rows.map((r) => r.role));
  return ROLES.filter((r) => held.has(r));
}

/** Replaces a user's roles (caller's transaction). */
export async function replaceRoles(db: Kysely<Database>, userId: string, roles: readonly Role[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length) await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: userId, role }))).execute();
}
