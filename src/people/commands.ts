import type { Ctx } from '../context';
import type { PersonRow } from '../db/schema';
import { newId } from '../lib/ids';
import { openCase } from '../cases/commands';
import { checkWrite, findWritable, presentWritten } from '../records/guard';
import { sortKey } from '../records/paging';
import { updateVersioned } from '../records/versioned';
import { getPerson } from './queries';
import type { CreatePersonInput, UpdatePersonInput } from './schema';

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

/**
 * Records a new person. Each field is checked against the actor's write clearance (no mass assignment). With
 * `openCase`, the first case is opened with the creator as lead worker so they keep need to know.
 */
export async function createPerson(ctx: Ctx, input: CreatePersonInput) {
  const { openCase: caseInput, ...fields } = input;
  checkWrite(ctx, 'person.create', 'person', fields);
  const id = newId(ctx.now.getTime());
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
  ctx.audit.add({ action: 'person.create', decision: 'change', resourceType: 'person', resourceId: id, subjectPersonId: id, detail: { fields: Object.keys(fields).sort() } });
  const caseId = caseInput ? (await openCase(ctx, { personId: id, service: caseInput.service }, { skipPersonCheck: true })).id : null;
  const visible = await getPerson(ctx, id).catch(() => null);
  return { id, caseId, version: 1, person: visible };
}

/** Changes some fields of a person, if the actor may write each of them and `expectedVersion` is current. */
export async function updatePerson(ctx: Ctx, id: string, expectedVersion: number, input: UpdatePersonInput) {
  const v = await findWritable(ctx, 'person.update', 'person', id, input);
  const { row } = v;
  const changes = toColumns(input);
  if (input.givenName !== undefined || input.familyName !== undefined) {
    changes.sort_key = sortKey(input.familyName ?? (row.family_name as string), input.givenName ?? (row.given_name as string));
  }
  const version = await updateVersioned(ctx, 'person', id, expectedVersion, changes);
  ctx.audit.add({ action: 'person.update', decision: 'change', resourceType: 'person', resourceId: id, subjectPersonId: id, detail: { fields: Object.keys(input).sort(), version } });
  return presentWritten(ctx, 'person', v, { ...changes, version });
}

/** Archives a person (not erasure: the record stays, hidden from lists). */
export async function archivePerson(ctx: Ctx, id: string, expectedVersion: number) {
  const v = await findWritable(ctx, 'person.archive', 'person', id);
  const version = await updateVersioned(ctx, 'person', id, expectedVersion, { archived_at: ctx.nowIso });
  ctx.audit.add({ action: 'person.archive', decision: 'change', resourceType: 'person', resourceId: id, subjectPersonId: id, detail: { version } });
  return presentWritten(ctx, 'person', v, { archived_at: ctx.nowIso, version });
}
