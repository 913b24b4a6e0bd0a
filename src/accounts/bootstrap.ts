import { holdStartupLock } from '../db/startup-lock';
import type { Services } from '../context';
import { ADMINISTER_RULE } from '../policy/rules/accounts';
import { runUnit } from '../unit';
import { generatePassword } from './passwords';
import { insertUser } from './users';

/**
 * On first start with no accounts, creates the administrator with a one-time password that must be changed at
 * first sign-in, as the system, in one unit of work with its audit entry. Returns the password so the caller can
 * print it to the terminal (it is never logged).
 */
export async function ensureAdministrator(services: Services): Promise<{ username: string; password: string } | null> {
  return runUnit(services, {
    actor: 'system', requestId: 'startup',
    work: async (ctx) => {
      await holdStartupLock(ctx.db, ctx.services.db.dialect);
      const any = await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (any) return null;
      const password = generatePassword();
      const id = await insertUser(ctx.db, { username: 'admin', displayName: 'Administrator', password, roles: ['administrator'], mustChangePassword: true }, ctx.nowIso);
      // The system creates the first administrator; the entry cites the rule for creating accounts (accounts/administer).
      ctx.audit.add({ action: 'user.manage', decision: 'change', ruleId: ADMINISTER_RULE.id, clause: ctx.actor.policy.clauseFor(ADMINISTER_RULE.clauseKey), resourceType: 'user', resourceId: id, detail: { created: 'first administrator', roles: ['administrator'] } });
      return { username: 'admin', password };
    },
  });
}
