import { accessTally, type AccessTallyRow } from '../access/access-log';
import { SYSTEM_ACTOR } from '../accounts/system-actor';
import type { Ctx } from '../context';
import type { AccessGroupLine, AccessMonth } from '../documents/information-use-pdf';
import { READ_ACTIONS } from '../policy/actions';
import { mainRole, times, ukMonth } from './plain';

/**
 * What counts as looking at a person's record: opening any part of it (their details, a case, a note, a document,
 * a consent), a receipt or this summary, and a manager reading who has seen it. Safeguarding work — concerns, their
 * referrals and the disclosures those made — is left out (src/access/access-log.ts, accessTally): telling the person
 * that safeguarding leads looked at a concern about them could put a child or adult at risk, and the law allows it to
 * be withheld (UK GDPR and the Data Protection Act 2018, Schedule 3); the summary says, always and in the same words,
 * that such work is not included — never whether there was any.
 */
export const LOOKS: readonly string[] = [...READ_ACTIONS.filter((a) => a !== 'concern.read'), 'consent.receipt', 'person.information-use', 'audit.read'];

/** How many months are shown one by one; earlier months are added up in one line. */
export const MONTHS_SHOWN = 12;

type Group = AccessGroupLine['group'];
const GROUP_ORDER: readonly Group[] = ['case-team', 'manager', 'granted', 'emergency', 'guardian', 'other-staff', 'volunteer', 'administrator'];

/**
 * The group an access belongs to, in the terms the person knows: their case team (whoever is on one of their cases'
 * teams now), access a manager granted for a time, emergency access, or otherwise the user's role. Never a name, an
 * id or a rule.
 */
function groupOf(row: AccessTallyRow, team: ReadonlySet<string>, roles: readonly string[]): Group {
  if (row.ruleId?.startsWith('break-glass/')) return 'emergency';
  if (row.ruleId === 'need-to-know/access-grant') return 'granted';
  if (team.has(row.actorId)) return 'case-team';
  const role = mainRole(roles);
  if (role === 'manager') return 'manager';
  if (role === 'guardian') return 'guardian';
  if (role === 'administrator') return 'administrator';
  if (role === 'volunteer' || role === 'student') return 'volunteer';
  return 'other-staff';
}

/** One sentence for a group's looks in a period ("in March 2026", "before April 2025", or '' under the period's heading). */
function sentence(group: Group, people: number, looks: number, period: string): string {
  const many = people > 1;
  const when = period ? ` ${period}` : '';
  switch (group) {
    case 'case-team': return `Your case team (${people} ${many ? 'people' : 'person'}) looked at your record ${times(looks)}${when}.`;
    case 'manager': return `${many ? `${people} managers` : 'A manager'} looked at your record ${times(looks)}${when}.`;
    case 'granted': return `${many ? `${people} members of staff` : 'A member of staff'} given time-limited access by a manager looked ${times(looks)}${when}.`;
    case 'emergency': return `Emergency access was used to open your record ${times(looks)}${when}. A manager checks every emergency access.`;
    case 'guardian': return `Our information guardian, who checks how we use information, looked ${times(looks)}${when}.`;
    case 'other-staff': return `${many ? `${people} other members of staff` : 'Another member of staff'} looked ${times(looks)}${when}.`;
    case 'volunteer': return `${many ? `${people} volunteers or students` : 'A volunteer or student'} looked ${times(looks)}${when}.`;
    case 'administrator': return `${many ? `${people} system administrators` : 'A system administrator'} looked ${times(looks)}${when}.`;
  }
}

/** Adds up tally rows (of one period) into its lines, in a fixed order of groups. */
function linesOf(rows: readonly AccessTallyRow[], team: ReadonlySet<string>, rolesOf: (id: string) => readonly string[], when: string) {
  const byGroup = new Map<Group, { people: Set<string>; looks: number }>();
  let refused = 0;
  for (const r of rows) {
    if (r.decision === 'deny') {
      refused += r.count;
      continue;
    }
    const g = groupOf(r, team, rolesOf(r.actorId));
    const entry = byGroup.get(g) ?? { people: new Set<string>(), looks: 0 };
    entry.people.add(r.actorId);
    entry.looks += r.count;
    byGroup.set(g, entry);
  }
  const lines: AccessGroupLine[] = GROUP_ORDER.filter((g) => byGroup.has(g)).map((g) => {
    const { people, looks } = byGroup.get(g)!;
    return { group: g, people: people.size, looks, sentence: sentence(g, people.size, looks, when), short: sentence(g, people.size, looks, '') };
  });
  const stopped = `someone who did not need to know was stopped from seeing your record ${times(refused)}.`;
  return { lines, refused, refusedSentence: refused ? `${when[0].toUpperCase()}${when.slice(1)}, ${stopped}` : null, refusedShort: refused ? `${stopped[0].toUpperCase()}${stopped.slice(1)}` : null };
}

/**
 * Which teams and roles have looked at the person's record, month by month, newest first (Caldicott 8; 3.4: the
 * person can see that need to know held): from the audit chain, counted per month by the access-log query, then
 * grouped by team membership and role. It names no one and carries no user id, rule or clause. The last
 * {@link MONTHS_SHOWN} months are shown one by one, and anything earlier in one period.
 */
export async function accessSummary(ctx: Ctx, personId: string): Promise<AccessMonth[]> {
  const tally = (await accessTally(ctx, personId, LOOKS, true)).filter((r) => r.actorId !== SYSTEM_ACTOR.id);
  if (!tally.length) return [];
  const actorIds = [...new Set(tally.map((r) => r.actorId))];
  const [teamRows, roleRows] = await Promise.all([
    ctx.db.selectFrom('case_team').select('user_id').where('person_id', '=', personId).execute(),
    ctx.db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', actorIds).execute(),
  ]);
  const team = new Set(teamRows.map((r) => r.user_id));
  const roles = new Map<string, string[]>();
  for (const r of roleRows) roles.set(r.user_id, [...(roles.get(r.user_id) ?? []), r.role]);
  const rolesOf = (id: string) => roles.get(id) ?? [];

  const months = [...new Set(tally.map((r) => r.month))].sort().reverse();
  const shown = months.slice(0, MONTHS_SHOWN);
  const out: AccessMonth[] = shown.map((m) => ({ month: m, label: ukMonth(m), ...linesOf(tally.filter((r) => r.month === m), team, rolesOf, `in ${ukMonth(m)}`) }));
  if (months.length > MONTHS_SHOWN) {
    const oldestShown = shown[shown.length - 1];
    const when = `before ${ukMonth(oldestShown)}`;
    out.push({ month: null, label: `Before ${ukMonth(oldestShown)}`, ...linesOf(tally.filter((r) => r.month < oldestShown), team, rolesOf, when) });
  }
  return out;
}
