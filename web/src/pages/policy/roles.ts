import type { Role } from '../../api/models';

/**
 * Who sees the administration area, as the API decides it: the policy's matrix, versions and rules are read by
 * management, the guardian and administrators (monitoring and review: everyone may read them under rule
 * accounts/self, but these are the people who review them); the audit status by administrators and the guardian
 * (rule audit/verify, 1.1); accounts by administrators (accounts/administer). Kept apart from the pages so the
 * header does not pull them into the first download.
 */
export const ADMIN_AREA_ROLES: readonly Role[] = ['administrator', 'guardian', 'manager'];

/**
 * The people working with clients, as the API decides it: they raise safeguarding concerns (safeguarding/raise-
 * concern, practice 4.1) and report breaches (breaches/report, clause 5). An administrator account alone is a
 * system account, refused both, so it is not offered them.
 */
export const WORKING_ROLES: readonly Role[] = ['manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'];
