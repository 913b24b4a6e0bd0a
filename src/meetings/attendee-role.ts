import type { Ctx } from '../context';
import type { MeetingAttendeeRow } from '../db/schema';
import { invalidInput } from '../lib/errors';
import type { Role } from '../policy/types';

/*
 * Who a user here is at a meeting (practice 3). Third parties "may include … students undertaking work placement
 * or visiting students in the course of their training, volunteers of Music24, other legitimate visitors": a user
 * attending is recorded with the role they actually hold, and one whose role is a student's or a volunteer's is a
 * third party at the meeting as much as an external attendee is — they acknowledge confidentiality before any notes
 * go to them, and attending does not give them need to know on the notes (src/meetings/access.ts).
 */

/** Roles whose holders are the staff team working with clients, most trusted first. */
const STAFF_TEAM: readonly Role[] = ['manager', 'safeguarding_lead', 'staff'];
/** Roles whose holders work with clients but are third parties at a meeting (practice 3), most trusted first. */
const THIRD_PARTY_WORK: readonly Role[] = ['volunteer', 'student'];
/** Roles of the organisation that are no client work (the guardian's review, administration of accounts). */
const ORGANISATION: readonly Role[] = ['guardian', 'administrator'];

/** The role recorded for a user who holds no role here: a visitor, a third party (practice 3). */
export const NO_ROLE = 'visitor';

/**
 * The one role recorded for a user attending a meeting, from the roles they hold: their most trusted working role —
 * the staff team (manager, safeguarding lead, staff, in that order) before volunteer and student — since that role
 * decides what they may know of clients; only someone with no working role is recorded as guardian or administrator;
 * someone with no role at all as a {@link NO_ROLE visitor}. So a user who is both staff and a placement student is
 * recorded as staff, and an administrator who is also a volunteer as a volunteer (a third party).
 */
export function attendeeRole(roles: readonly string[]): string {
  for (const r of [...STAFF_TEAM, ...THIRD_PARTY_WORK, ...ORGANISATION]) if (roles.includes(r)) return r;
  return NO_ROLE;
}

/** Roles an attending user may be recorded with who is not a third party at the meeting: the staff and the organisation. */
export const INSIDE_ROLES: readonly string[] = [...STAFF_TEAM, ...ORGANISATION];

/**
 * Whether an attendee is a third party at the meeting (practice 3): everyone external, and a user recorded as a
 * student, a volunteer or a visitor. A third party acknowledges confidentiality before notes are shared with them.
 */
export const isThirdParty = (a: Pick<MeetingAttendeeRow, 'kind' | 'role'>) => a.kind !== 'user' || !INSIDE_ROLES.includes(a.role);

/** A user attending a meeting: their id, their name, and the role recorded for them ({@link attendeeRole}). */
export interface AttendingUser {
  id: string;
  display_name: string;
  role: string;
}

/**
 * The users attending a meeting, in the order given, each with the role they hold ({@link attendeeRole}); 400
 * naming `body.userIds` when one of them is not an active user.
 */
export async function attendingUsers(ctx: Ctx, ids: readonly string[]): Promise<AttendingUser[]> {
  if (!ids.length) return [];
  const users = await ctx.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).where('active', '=', 1).execute();
  if (users.length !== ids.length) throw invalidInput('Every attending user must be an active user.', [{ path: 'body.userIds', message: 'no active user with one of these ids' }]);
  const roles = await ctx.db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', ids).execute();
  return ids.map((id) => ({ ...users.find((u) => u.id === id)!, role: attendeeRole(roles.filter((r) => r.user_id === id).map((r) => r.role)) }));
}
