import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { ConsentRow } from '../db/schema';
import { isInFuture } from '../lib/clock';
import { conflict, invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { classMask, type Classification } from '../policy/types';
import { findVisible, refusalTarget, requireAllowed } from '../records/guard';
import { purposeInForceFor } from '../purposes/in-force';
import { getConsent } from './queries';
import { checkRecipients } from './recipients';
import type { RecordConsentInput, WithdrawInput } from './schema';
import { givenByFault } from './who-may-answer';

/** The person's current version for the purpose, if any. */
function currentVersion(ctx: Ctx, personId: string, purposeId: string) {
  return ctx.db.selectFrom('consents').selectAll().where('person_id', '=', personId).where('purpose_id', '=', purposeId).where('superseded_by', 'is', null).executeTakeFirst();
}

/** Marks `previous` superseded by `next`; 409 when someone else got there first (it is no longer current). */
async function supersede(ctx: Ctx, previousId: string, nextId: string) {
  const done = await ctx.db.updateTable('consents').set({ superseded_by: nextId }).where('id', '=', previousId).where('superseded_by', 'is', null).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This consent has just been replaced or withdrawn; reload the history.', [{ path: 'body.supersedes', message: 'no longer current' }]);
}

/** Writes a version and its recipient keys. */
async function insertVersion(ctx: Ctx, row: ConsentRow, keys: readonly string[]) {
  await ctx.db.insertInto('consents').values(row).execute();
  if (keys.length) await ctx.db.insertInto('consent_recipients').values(keys.map((recipient) => ({ consent_id: row.id, recipient }))).execute();
}

/**
 * Records a person's informed answer about one purpose (1.3, 4.1, 4.2): given or refused (a refusal is recorded
 * too), to which recipients, for which categories, what they were told, how and by whom it was given. Staff and
 * managers on the person's case team record it (consent/record-case-team); volunteers and students may not
 * (consent/explained-by-trained-staff, 3.5). Who gave it must be able to for the person's age (src/consent/who-may-answer.ts).
 * Consent is never edited: when the person already has a current answer
 * for the purpose, this is a new version that must name it in `supersedes`, and it stops being current.
 */
export async function recordConsent(ctx: Ctx, personId: string, input: RecordConsentInput) {
  const person = await findVisible(ctx, 'person', personId, 'consent.record');
  const draft = factsFor(ctx.actor, 'consent', { person_id: personId, _team: person.row._team, recorded_by: ctx.actor.id });
  for (const classification of ['general', 'personal'] as const) {
    enforce(ctx, 'consent.record', decide(ctx.actor, 'consent.record', { ...draft, classification }), refusalTarget(person));
  }
  const allowed = decide(ctx.actor, 'consent.record', { ...draft, classification: 'personal' });
  const whoGaveIt = givenByFault(input, person.row.date_of_birth as string | null, ctx.now);
  if (whoGaveIt) throw whoGaveIt;
  const purpose = await purposeInForceFor(ctx, input.purposeId, 'body.purposeId', 'consent.record', person);
  const recipients = await checkRecipients(ctx, purpose, input.recipients, 'body.recipients');
  const purposeCategories = JSON.parse(purpose.data_categories) as string[];
  const outside = input.dataCategories.filter((c) => !purposeCategories.includes(c));
  if (outside.length) throw invalidInput("Consent can cover only the purpose's categories of information.", [{ path: 'body.dataCategories', message: `not used by the purpose: ${outside.join(', ')}` }]);
  if (input.expiresAt && new Date(input.expiresAt).getTime() <= ctx.now.getTime()) throw invalidInput('An expiry must be in the future.', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
  if (input.method.kind === 'signed_form') {
    const form = await ctx.db.selectFrom('attachments').innerJoin('cases', 'cases.id', 'attachments.case_id').select('attachments.id')
      .where('attachments.id', '=', input.method.attachmentId).where('cases.person_id', '=', personId).where('attachments.archived_at', 'is', null).executeTakeFirst();
    if (!form) throw invalidInput('The signed form must be an attachment uploaded to one of this person\'s cases.', [{ path: 'body.method.attachmentId', message: "no such attachment on this person's cases" }]);
  }
  const current = await currentVersion(ctx, personId, purpose.id);
  if (current && input.supersedes !== current.id) {
    throw conflict('This person already has a current answer for this purpose: record a new version naming it in supersedes.', [{ path: 'body.supersedes', message: `must be the current version ${current.id}` }]);
  }
  if (!current && input.supersedes) throw conflict('There is no current answer for this purpose to supersede.', [{ path: 'body.supersedes', message: 'nothing current to supersede' }]);

  const id = newId(ctx.now.getTime());
  if (current) await supersede(ctx, current.id, id);
  const { kind: method, ...methodDetail } = input.method;
  const { kind: givenBy, ...givenByDetail } = input.givenBy;
  const row: ConsentRow = {
    id, person_id: personId, purpose_id: purpose.id, decision: input.decision,
    recipients: JSON.stringify(recipients.map(({ key: _key, ...r }) => r)), data_categories: JSON.stringify(input.dataCategories),
    categories_mask: classMask(input.dataCategories as Classification[]),
    told_why: input.told.why, told_with_whom: input.told.withWhom, told_consequences: input.told.consequences, told_service_impact: input.told.serviceImpact,
    method, method_detail: JSON.stringify(methodDetail), given_by: givenBy, given_by_detail: JSON.stringify(givenByDetail),
    expires_at: input.expiresAt ? new Date(input.expiresAt).toISOString() : null, supersedes: current?.id ?? null, superseded_by: null,
    withdrawn_at: null, withdrawal_method: null, withdrawal_note: null, recorded_by: ctx.actor.id, recorded_at: ctx.nowIso,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  await insertVersion(ctx, row, recipients.map((r) => r.key));
  ctx.audit.add(fromDecision('consent.record', allowed, {
    resourceType: 'consent', resourceId: id, subjectPersonId: personId,
    detail: { purposeId: purpose.id, decision: input.decision, recipients: recipients.length, dataCategories: [...input.dataCategories].sort(), method, givenBy, supersedes: current?.id ?? null },
  }));
  return getConsent(ctx, id);
}

/**
 * Records that the person withdrew consent (1.3, 4.1): a new version that takes effect at once — every later check
 * honours it — recording when and how they withdrew and who recorded it. Anyone on the person's case team records
 * it, volunteers and students included, and management anywhere: a withdrawal never waits.
 */
export async function withdrawConsent(ctx: Ctx, consentId: string, input: WithdrawInput) {
  const v = await findVisible(ctx, 'consent', consentId, 'consent.withdraw');
  const d = requireAllowed(ctx, 'consent.withdraw', v);
  const row = v.row as unknown as ConsentRow;
  if (row.superseded_by) throw conflict('This is not the current version: withdraw the current one.', [{ path: 'params.id', message: `superseded by ${row.superseded_by}` }]);
  if (row.decision !== 'given') throw conflict(row.decision === 'withdrawn' ? 'This consent is already withdrawn.' : 'The person refused: there is no consent to withdraw.', [{ path: 'params.id', message: row.decision }]);
  const withdrawnAt = input.withdrawnAt ? new Date(input.withdrawnAt).toISOString() : ctx.nowIso;
  if (isInFuture(withdrawnAt, ctx.now)) throw invalidInput('A withdrawal records something that has happened.', [{ path: 'body.withdrawnAt', message: 'must not be in the future' }]);
  if (withdrawnAt < row.recorded_at) throw invalidInput('The withdrawal cannot be before the consent was recorded.', [{ path: 'body.withdrawnAt', message: 'before the consent was recorded' }]);
  const id = newId(ctx.now.getTime());
  await supersede(ctx, row.id, id);
  const next: ConsentRow = {
    id, person_id: row.person_id, purpose_id: row.purpose_id, decision: 'withdrawn', recipients: row.recipients, data_categories: row.data_categories,
    categories_mask: Number(row.categories_mask), told_why: null, told_with_whom: null, told_consequences: null, told_service_impact: null,
    method: null, method_detail: null, given_by: null, given_by_detail: null, expires_at: null, supersedes: row.id, superseded_by: null,
    withdrawn_at: withdrawnAt, withdrawal_method: input.method, withdrawal_note: input.note ?? null, recorded_by: ctx.actor.id, recorded_at: ctx.nowIso,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  // A withdrawal names no recipients: nothing is covered from now.
  await insertVersion(ctx, next, []);
  ctx.audit.add(fromDecision('consent.withdraw', d, { resourceType: 'consent', resourceId: id, subjectPersonId: row.person_id, detail: { withdraws: row.id, purposeId: row.purpose_id, method: input.method, withdrawnAt } }));
  return getConsent(ctx, id);
}
