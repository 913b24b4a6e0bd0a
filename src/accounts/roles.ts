import type { Role } from '../policy/types';

/**
 * Role combinations one account may not hold (rule id `accounts/separate-roles`, clause key need-to-know: 3.4;
 * practice 3). Roles decide what an account sees, so some must stay with different people:
 * - **administrator with any other role.** The administrator manages accounts and sees no client records (README,
 *   roles table); every other role sees client records or oversees their use. An administrator who is also a
 *   manager could give themselves, through their own accounts page, what management decides for others.
 * - **manager with guardian.** The guardian reviews how information is used (3.1, "Monitoring and Review") — an
 *   oversight role independent of management: they approve the purposes management propose, and handle a breach or a
 *   review flag no manager is free to (one about a manager's own conduct). Held by one person, the review is of
 *   oneself. Refused.
 * - **volunteer or student with safeguarding_lead.** Practice 3 counts volunteers and placement students among third
 *   parties; a safeguarding lead sees every concern with the name of the person it is about.
 * Staff with guardian, and safeguarding_lead with staff or manager, remain allowed (the README's roles table).
 * Accounts that held a refused combination before this check keep it until their roles are next changed; any change
 * of roles must then arrive at an allowed set.
 */
export const SEPARATE_ROLES_RULE = 'accounts/separate-roles';

/** Roles that see client records or oversee their use: everything but administrator. */
export const CLIENT_FACING_ROLES: readonly Role[] = ['manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'];

/** Why `roles` may not be held together by one account, in plain words; null when they may. */
export function roleCombinationProblem(roles: readonly Role[]): string | null {
  const has = (r: Role) => roles.includes(r);
  if (has('administrator')) {
    const other = roles.filter((r) => r !== 'administrator');
    if (other.length) return `an administrator sees no client records, so cannot also be ${other.join(', ')}: give those roles to a separate account`;
  }
  if (has('manager') && has('guardian')) return 'the guardian reviews how management use information, so one account cannot be both manager and guardian';
  const thirdParty = roles.filter((r) => r === 'volunteer' || r === 'student');
  if (has('safeguarding_lead') && thirdParty.length) {
    return `a ${thirdParty.join(' or ')} is a third party under practice 3 and cannot be a safeguarding lead, who sees every concern with the name of the person it is about`;
  }
  return null;
}
