import type { Ctx } from '../context';
import type { PersonRow } from '../db/schema';
import { invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { recordFirstContact } from '../notices/first-contact';
import { decide } from '../policy/decide';
import type { Resource } from '../policy/types';
import { openCase } from '../cases/commands';
import { checkWrite, findWritable, presentWritten } from '../records/guard';
import { sortKey } from '../records/paging';
import { applyEdit, updateVersioned } from '../records/versioned';
import { getPerson } from './queries';
import type { CreatePersonInput, UpdatePersonInput } from './schema';
import { latestCalendarDay } from '../lib/clock';

const COLUMNS: Record<string, keyof PersonRow> = {
  kind: 'kind', givenName: 'given_name', familyName: 'family_name', preferredName: 'preferred_name', pronouns: 'pronouns',
  dateOfBirth: 'date_of_birth', email: 'email', phone: 'phone', address: 'address', ethnicity: 'ethnicity',
  healthNotes: 'health_notes', safeguardingNotes: 'safeguarding_notes',
};

/** Maps API field names to columns, keeping only fields that were sent. */
function toColumns(input: Record<string, unknown>): Partial<PersonRow> {
  const out: Record<string, unknown> = {};
  for (const [api, value] of Object.entries(input)) if (api in COLUMNS && value !== undefined) out[COLUMNS[api]] = value;
  return out as Partial<PersonRow>;
}

/** Refuses a registration the worker could not see afterwards (201, then 404 on the next read): 400 saying what to add. */
function requireStaysVisible(ctx: Ctx, facts: Resource, path: string) {
  if (decide(ctx.actor, 'person.read', { ...facts, classification: 'general' }).allowed) return;
  throw invalidInput(
    'You would not be able to see this person once registered: you see the people of your case teams (3.4). Open their first case for a service, with you as lead worker, in the same request.',
    [{ path, message: 'required: name the service of their first case and the purpose it is held for, e.g. {"service": "Music mentoring", "purposeId": "…"}' }],
  );
}

/**
 * Refuses a date of birth after today (400 naming `body.dateOfBirth`): who may answer for a person's consent follows
 * from their age (src/consent/who-may-answer.ts). Today is the organisation's calendar day, which may be a day ahead of
 * the server's UTC day.
 */
function requireBorn(ctx: Ctx, dateOfBirth: string | null | undefined) {
  if (!dateOfBirth) return;
  if (dateOfBirth > latestCalendarDay(ctx.now)) throw invalidInput('The date of birth cannot be in the future.', [{ path: 'body.dateOfBirth', message: 'must not be in the future' }]);
}

/**
 * Registers a new person, in one unit of work: the person, their first case with its lead worker (`openCase`),
 * and that they were given the notice at first contact (`firstContact`, 4.1). Each field is checked against the
 * actor's write clearance (no mass assignment). The case's lead worker is the actor, or `lead` (an import says
 * whose team imported people join; putting someone else on a team is case.team.manage, checked by the caller). A
 * registration that would leave the person invisible to the actor is refused (400 naming body.openCase) before
 * anything is written. The first case names its purpose in force (2.1): refused naming body.openCase.purposeId (or
 * `purposePath`), nothing written.
 */
export async function createPerson(ctx: Ctx, input: CreatePersonInput, options: { lead?: string; path?: string; purposePath?: string } = {}) {
  const { openCase: caseInput, firstContact, ...fields } = input;
  const d = checkWrite(ctx, 'person.create', 'person', fields);
  requireBorn(ctx, fields.dateOfBirth);
  const id = newId(ctx.now.getTime());
  const lead = options.lead ?? ctx.actor.id;
  const facts: Resource = { type: 'person', id, team: !!caseInput && lead === ctx.actor.id, granted: 0, emergency: 0, ownerId: null };
  requireStaysVisible(ctx, facts, options.path ?? 'body.openCase');
  await ctx.db
    .insertInto('people')
    .values({
      id, kind: fields.kind, given_name: fields.givenName, family_name: fields.familyName,
      preferred_name: null, pronouns: null, date_of_birth: null, email: null, phone: null, address: null,
      ethnicity: null, health_notes: null, safeguarding_notes: null, ...toColumns(fields),
      sort_key: sortKey(fields.familyName, fields.givenName), archived_at: null, created_by: ctx.actor.id,
      created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
    })
    .execute();
  ctx.audit.add({ action: 'person.create', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'person', resourceId: id, subjectPersonId: id, detail: { fields: Object.keys(fields).sort() } });
  const caseId = caseInput
    ? (await openCase(ctx, { personId: id, ...caseInput }, { skipPersonCheck: true, lead, path: options.purposePath ?? 'body.openCase.purposeId' })).id
    : null;
  const told = firstContact ? await recordFirstContact(ctx, id, firstContact, { newPerson: { facts }, prefix: 'body.firstContact' }) : null;
  const view = await getPerson(ctx, id);
  return { id, caseId, ...view, firstContact: told };
}

/** Changes some fields of a person, if the actor may write each of them and `expectedVersion` is current. */
export async function updatePerson(ctx: Ctx, id: string, expectedVersion: number, input: UpdatePersonInput) {
  const v = await findWritable(ctx, 'person.update', 'person', id, input);
  requireBorn(ctx, input.dateOfBirth);
  const { row } = v;
  const changes = toColumns(input);
  if (input.givenName !== undefined || input.familyName !== undefined) {
    changes.sort_key = sortKey(input.familyName ?? (row.family_name as string), input.givenName ?? (row.given_name as string));
  }
  return applyEdit(ctx, 'person', v, expectedVersion, changes, Object.keys(input));
}

/** Archives a person (not erasure: the record stays, hidden from lists). */
export async function archivePerson(ctx: Ctx, id: string, expectedVersion: number) {
  const v = await findWritable(ctx, 'person.archive', 'person', id);
  const version = await updateVersioned(ctx, 'person', id, expectedVersion, { archived_at: ctx.nowIso });
  ctx.audit.add({ action: 'person.archive', decision: 'change', ruleId: v.decision.ruleId, clause: v.decision.clause, resourceType: 'person', resourceId: id, subjectPersonId: id, detail: { version } });
  return presentWritten(ctx, 'person', v, { archived_at: ctx.nowIso, version });
}
