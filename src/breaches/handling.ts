import type { Ctx } from '../context';
import type { BreachRow } from '../db/schema';
import { conflict, DomainError, invalidInput } from '../lib/errors';
import { notify } from '../notify/notify';
import { findVisible } from '../records/guard';
import { updateVersioned } from '../records/versioned';
import { closingProblems, handlingProblems, icoDeadline, riskLevel } from './assessment';
import { changeEntry } from './commands';
import { getBreach, handleable } from './queries';
import { BREACH_STATUSES, type AffectedPeopleInput, type CloseBreachInput, type HandleBreachInput } from './schema';

/** API field → column, for the handling fields management record. */
const COLUMNS: Readonly<Record<Exclude<keyof HandleBreachInput, 'status'>, keyof BreachRow>> = {
  whatHappened: 'what_happened', occurredAt: 'occurred_at', awareAt: 'aware_at', dataCategories: 'data_categories', peopleAffected: 'people_affected',
  likelihood: 'likelihood', severity: 'severity', riskNotes: 'risk_notes', containment: 'containment', icoDecision: 'ico_decision', icoReason: 'ico_reason',
  icoReportedAt: 'ico_reported_at', icoReference: 'ico_reference', peopleToldDecision: 'people_told_decision',
  peopleNotToldGround: 'people_not_told_ground', peopleToldReason: 'people_told_reason', peopleToldAt: 'people_told_at',
  disciplinaryReference: 'disciplinary_reference',
};
const TIMES = new Set(['occurredAt', 'awareAt', 'icoReportedAt', 'peopleToldAt']);
const rankOf = (status: string) => BREACH_STATUSES.indexOf(status as (typeof BREACH_STATUSES)[number]);

/** A closed breach takes no more changes. */
function requireOpen(row: BreachRow) {
  if (row.status === 'closed') throw conflict('This breach is closed.', [{ path: 'params.id', message: 'closed' }]);
}

/**
 * Records the handling of a breach (clause 5; UK GDPR Art 33–34): what happened, when, when the organisation became
 * aware (which moves the 72-hour deadline: earlier when someone knew before it was reported, never later than the
 * report), the data and number of people affected, the risk assessment, containment, the decisions on telling the
 * ICO and the people affected, and the disciplinary reference — management only, never a manager whose own conduct
 * the breach is about (rule breaches/not-own-conduct), with If-Match. The fields are
 * checked together on the record as it will be (a reason where the law asks for one), a breach moves forward only
 * (reported → assessing → contained; closing is its own step), and the first handling of a reported breach marks it
 * assessing. The audit names the fields changed and the status, never their contents.
 */
export async function handleBreach(ctx: Ctx, id: string, expectedVersion: number, input: HandleBreachInput) {
  if (Object.values(input).every((v) => v === undefined)) throw invalidInput('Name at least one field to change.', [{ path: 'body', message: 'no field to change' }]);
  const { row, decision } = await handleable(ctx, id);
  requireOpen(row);
  const changes: Partial<BreachRow> = {};
  for (const [api, value] of Object.entries(input)) {
    if (value === undefined || api === 'status') continue;
    const column = COLUMNS[api as keyof typeof COLUMNS];
    (changes as Record<string, unknown>)[column] =
      value === null ? null : api === 'dataCategories' ? JSON.stringify([...(value as string[])].sort()) : TIMES.has(api) ? new Date(value as string).toISOString() : value;
  }
  if (changes.aware_at) changes.ico_deadline_at = icoDeadline(changes.aware_at);
  if ('likelihood' in changes || 'severity' in changes) {
    changes.risk_level = riskLevel(changes.likelihood !== undefined ? changes.likelihood : row.likelihood, changes.severity !== undefined ? changes.severity : row.severity);
  }
  const from = row.status;
  let to = from === 'reported' ? 'assessing' : from;
  if (input.status) {
    if (rankOf(input.status) < rankOf(from)) {
      throw conflict(`A breach moves forward only: it is ${from}.`, [{ path: 'body.status', message: `cannot go back from ${from}` }]);
    }
    to = input.status;
  }
  if (to !== from) changes.status = to;
  const after = { ...row, ...changes } as BreachRow;
  const problems = handlingProblems(after, ctx.now, new Set(Object.keys(input)));
  if (problems.length) throw invalidInput('The handling does not hold together: see the fields named.', problems);
  const version = await updateVersioned(ctx, 'breach', id, expectedVersion, changes);
  ctx.audit.add(changeEntry('breach.handle', decision, {
    resourceType: 'breach', resourceId: id,
    detail: { fields: Object.keys(input).sort(), version, ...(to !== from ? { status: { from, to } } : {}), ...(changes.aware_at ? { deadlineAt: changes.ico_deadline_at } : {}) },
  }));
  return getBreach(ctx, id);
}

/**
 * Closes a contained breach once the ICO decision (and, when reported, the report) and the people-told decision
 * (and, when they are told, when) are recorded, with what was concluded (If-Match) — by a manager whose conduct it is
 * not about. The reporter is told in the app.
 */
export async function closeBreach(ctx: Ctx, id: string, expectedVersion: number, input: CloseBreachInput) {
  const { row, decision } = await handleable(ctx, id, 'breach.close');
  requireOpen(row);
  const missing = closingProblems(row);
  if (missing.length) {
    throw new DomainError('conflict', 'This breach cannot be closed yet: record what is missing first.', {
      errors: missing.map((e) => ({ path: e.path.startsWith('params.') ? e.path : `record.${e.path}`, message: e.message })),
    });
  }
  const version = await updateVersioned(ctx, 'breach', id, expectedVersion, { status: 'closed', closed_at: ctx.nowIso, closed_by: ctx.actor.id, closing_note: input.note });
  ctx.audit.add(changeEntry('breach.close', decision, { resourceType: 'breach', resourceId: id, detail: { fields: ['note'], version, status: { from: row.status, to: 'closed' } } }));
  if (row.reported_by !== ctx.actor.id) {
    await notify(ctx, [row.reported_by], {
      kind: 'breach-closed', subject: 'A breach you reported was closed', body: 'Management have dealt with the breach you reported and closed it.', resourceType: 'breach', resourceId: id, decision,
    });
  }
  return getBreach(ctx, id);
}

/**
 * Links or unlinks the person records a breach affected, where known (If-Match). A person is named only if the
 * manager may see their record: an id they may not see answers like one that does not exist (404 naming body.add),
 * after the same lookup and audit. Each link and unlink is audited under the person, so "who has seen this
 * person's records" shows that their record is tied to a breach.
 */
export async function changeAffectedPeople(ctx: Ctx, id: string, expectedVersion: number, input: AffectedPeopleInput) {
  const { row, decision } = await handleable(ctx, id, 'breach.people');
  requireOpen(row);
  const add = [...new Set(input.add ?? [])];
  const remove = [...new Set(input.remove ?? [])].filter((p) => !add.includes(p));
  for (const [i, personId] of add.entries()) {
    try {
      await findVisible(ctx, 'person', personId);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'not-found') throw error;
      throw new DomainError('not-found', 'No person with that id, or you do not have access to their record.', { errors: [{ path: `body.add.${i}`, message: 'no person with that id that you may see' }] });
    }
  }
  const linked = new Set((await ctx.db.selectFrom('breach_people').select('person_id').where('breach_id', '=', id).execute()).map((r) => r.person_id));
  const toAdd = add.filter((p) => !linked.has(p));
  const toRemove = remove.filter((p) => linked.has(p));
  if (toAdd.length) {
    await ctx.db.insertInto('breach_people').values(toAdd.map((person_id) => ({ breach_id: id, person_id, linked_by: ctx.actor.id, linked_at: ctx.nowIso }))).execute();
  }
  if (toRemove.length) await ctx.db.deleteFrom('breach_people').where('breach_id', '=', id).where('person_id', 'in', toRemove).execute();
  const version = await updateVersioned(ctx, 'breach', id, expectedVersion, row.status === 'reported' ? { status: 'assessing' } : {});
  for (const personId of toAdd) ctx.audit.add(changeEntry('breach.people', decision, { resourceType: 'breach', resourceId: id, subjectPersonId: personId, detail: { linked: true, version } }));
  for (const personId of toRemove) ctx.audit.add(changeEntry('breach.people', decision, { resourceType: 'breach', resourceId: id, subjectPersonId: personId, detail: { linked: false, version } }));
  return getBreach(ctx, id);
}
