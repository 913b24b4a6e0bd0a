import type { Services } from '../context';
import { recordAuditNow } from '../audit/record';
import { generatePassword } from './passwords';
import { insertUser } from './users';

/**
 * On first start with no accounts, creates the administrator with a one-time password that must be changed at
 * first sign-in. Returns the password so the caller can print it to the terminal (it is never logged).
 */
export async function ensureAdministrator(services: Services): Promise<{ username: string; password: string } | null> {
  const db = services.db.kysely;
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const password = generatePassword();
  const nowIso = services.clock.now().toISOString();
  const id = await insertUser(db, { username: 'admin', displayName: 'Administrator', password, roles: ['administrator'], mustChangePassword: true }, nowIso);
  await recordAuditNow(services, [{ action: 'user.manage', decision: 'change', resourceType: 'user', resourceId: id, detail: { created: 'first administrator', roles: ['administrator'] } }], { actorId: null, requestId: null, at: nowIso });
  return { username: 'admin', password };
}
