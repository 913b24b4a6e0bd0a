import type { Ctx } from '../context';
import type { CaseRow, PurposeRow } from '../db/schema';
import { invalidInput, conflict } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import type { Decision } from '../policy/types';
import { heldForColumns, heldForOf, requireHeldForPurpose } from '../purposes/held-for';
import { purposeInForceFor } from '../purposes/in-force';
import { checkWrite, findVisible, findWritable, presentWritten, refusalTarget, requireAllowed, type Visible } from '../records/guard';
import { applyEdit, updateVersioned } from '../records/versioned';
import { requireNotArchived } from './access';
import type { OpenCaseInput, UpdateCaseInput } from './schema';

/**
 * Opens a case for a person the actor can see, with the actor as lead worker on its team (need to know follows
 * the work, 3.4), held for a purpose of the register in force (2.1: refused by purposes/not-in-force naming
 * `options.path`, default body.purposeId, and audited as case.create). `skipPersonCheck` is only for opening the first
 * case of a person created in the same command; `lead` names another lead worker (an import for a colleague's team,
 * after the caller checked case.team.manage).
 */
export async function openCase(ctx: Ctx, input: OpenCaseInput, options: { skipPersonCheck?: boolean; lead?: string; path?: string } = {}) {
  // The case not yet written is on the person's team as the actor stands to it (3.4): a person just registered in
  // the same request is the registering worker's; an existing one only if the actor already works with them.
  let team = 1;
  let person: Visible | null = null;
  if (!options.skipPersonCheck) {
    person = await findVisible(ctx, 'person', input.personId, 'case.create');
    if (person.row.archived_at) throw conflict('This person is archived; a new case cannot be opened for them.');
    team = Number(person.row._team);
  }
  const { personId, ...fields } = input;
  const d = checkWrite(ctx, 'case.create', 'case', fields, { person_id: personId, _team: team }, personId);
  // A person registered in this request is not written if this refuses: the refusal names no record.
  await purposeInForceFor(ctx, input.purposeId, options.path ?? 'body.purposeId', 'case.create', person);
  const id = newId(ctx.now.getTime());
  await ctx.db
    .insertInto('cases')
    .values({
      id, person_id: personId, service: input.service, status: 'open', opened_on: ctx.nowIso.slice(0, 10), closed_on: null,
      summary: input.summary ?? null, support_needs: input.supportNeeds ?? null, risk_notes: input.riskNotes ?? null, purpose_id: input.purposeId,
      archived_at: null, created_by: ctx.actor.id, created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
    })
    .execute();
  const lead = options.lead ?? ctx.actor.id;
  // The actor leads the case they open (allowed by case.create); a colleague as lead was allowed by case.team.manage,
  // checked by the caller (an import, src/transfer/import-people.ts) with the same facts.
  const leadBy = lead === ctx.actor.id ? d : decide(ctx.actor, 'case.team.manage', { type: 'case', classification: 'general' });
  await ctx.db.insertInto('case_team').values({ case_id: id, user_id: lead, team_role: 'lead', added_at: ctx.nowIso, added_by: ctx.actor.id }).execute();
  ctx.audit.add({ action: 'case.create', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'case', resourceId: id, subjectPersonId: personId, detail: { fields: Object.keys(fields).sort(), purposeId: input.purposeId } });
  ctx.audit.add({ action: 'case.team.manage', decision: 'change', ruleId: leadBy.ruleId, clause: leadBy.clause, resourceType: 'case', resourceId: id, subjectPersonId: personId, detail: { added: lead, teamRole: 'lead' } });
  return { id, version: 1 };
}

const COLUMNS: Record<string, keyof CaseRow> = {
  service: 'service', status: 'status', closedOn: 'closed_on', summary: 'summary', supportNeeds: 'support_needs', riskNotes: 'risk_notes', purposeId: 'purpose_id',
};

/** Maps API field names to columns, keeping only fields that were sent. */
function toColumns(input: Record<string, unknown>): Partial<CaseRow> {
  const out: Record<string, unknown> = {};
  for (const [api, value] of Object.entries(input)) if (api in COLUMNS && value !== undefined) out[COLUMNS[api]] = value;
  return out as Partial<CaseRow>;
}

/**
 * The closing date after a change: a closed case has one (today unless given, never before it opened nor in the
 * future); an open case has none.
 */
function closingDate(ctx: Ctx, row: Record<string, unknown>, input: UpdateCaseInput): string | null {
  const status = input.status ?? (row.status as string);
  const today = ctx.nowIso.slice(0, 10);
  if (status === 'open') {
    if (input.closedOn !== undefined) throw invalidInput('Only a closed case has a closing date.', [{ path: 'body.closedOn', message: 'the case is open; send status "closed" to close it' }]);
    return null;
  }
  const closedOn = input.closedOn ?? (row.status === 'closed' && row.closed_on ? (row.closed_on as string) : today);
  if (closedOn < (row.opened_on as string)) throw invalidInput('A case cannot close before it opened.', [{ path: 'body.closedOn', message: `must be on or after ${row.opened_on as string}` }]);
  if (closedOn > today) throw invalidInput('A case cannot close in the future.', [{ path: 'body.closedOn', message: 'must not be in the future' }]);
  return closedOn;
}

/** Whether a change only closes the case (or sets when it closed): the organisation may always close its records (2.1). */
function closesOnly(row: Record<string, unknown>, input: UpdateCaseInput): boolean {
  const sent = Object.keys(input).filter((k) => input[k as keyof UpdateCaseInput] !== undefined);
  return sent.every((k) => k === 'status' || k === 'closedOn') && (input.status ?? row.status) === 'closed';
}

/**
 * Changes fields of a case, if the actor may write each of them (no mass assignment; staff on the team may not
 * write risk notes, which are safeguarding information for management, practice 4.1) and `expectedVersion` is
 * current (412 otherwise). Closing sets closedOn; reopening clears it.
 *
 * 2.1: `purposeId` moves the case to another purpose — management only (purpose.assign, rule
 * purposes/manager-assigns-case; 403 otherwise), to one in force (purposes/not-in-force naming body.purposeId), both
 * refusals audited as purpose.assign and the move audited with the old and new purpose ids. Any change but closing is
 * refused while the case is not held for a purpose in force, as it stands after the change (409,
 * purposes/case-purpose-in-force): a manager moving it to one in force, reopening it in the same change, is not.
 */
export async function updateCase(ctx: Ctx, id: string, expectedVersion: number, input: UpdateCaseInput) {
  const v = await findWritable(ctx, 'case.update', 'case', id, input);
  const { row } = v;
  requireNotArchived(row, 'case');
  let heldFor = heldForOf(row, ctx.nowIso);
  let moved: { to: PurposeRow; by: Decision } | null = null;
  if (input.purposeId !== undefined && input.purposeId !== row.purpose_id) {
    const by = requireAllowed(ctx, 'purpose.assign', v);
    const to = await purposeInForceFor(ctx, input.purposeId, 'body.purposeId', 'purpose.assign', v);
    heldFor = heldForOf(heldForColumns(to), ctx.nowIso);
    moved = { to, by };
  }
  if (!closesOnly(row, input)) await requireHeldForPurpose(ctx, 'case.update', heldFor, refusalTarget(v), 'body.purposeId');
  const changes = toColumns(input);
  if (input.status !== undefined || input.closedOn !== undefined) changes.closed_on = closingDate(ctx, row, input);
  const view = await applyEdit(ctx, 'case', v, expectedVersion, changes, Object.keys(input), moved ? heldForColumns(moved.to) : {});
  if (moved) {
    ctx.audit.add({
      action: 'purpose.assign', decision: 'change', ruleId: moved.by.ruleId, clause: moved.by.clause, resourceType: 'case', resourceId: id,
      subjectPersonId: v.subjectPersonId, detail: { from: (row.purpose_id as string | null) ?? null, to: moved.to.id },
    });
  }
  return view;
}

/** Archives a case (not erasure: it stays, read-only, hidden from lists unless asked for). */
export async function archiveCase(ctx: Ctx, id: string, expectedVersion: number) {
  const v = await findWritable(ctx, 'case.archive', 'case', id);
  requireNotArchived(v.row, 'case');
  const version = await updateVersioned(ctx, 'case', id, expectedVersion, { archived_at: ctx.nowIso });
  ctx.audit.add({ action: 'case.archive', decision: 'change', ruleId: v.decision.ruleId, clause: v.decision.clause, resourceType: 'case', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { version } });
  return presentWritten(ctx, 'case', v, { archived_at: ctx.nowIso, version });
}
