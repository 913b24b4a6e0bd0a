import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { conflict, invalidInput, notFound, staleVersion } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import { classMask, type Classification } from '../policy/types';
import type { Action } from '../policy/actions';
import { activeManagers, notify } from '../notify/notify';
import { openCasesHeldFor } from './cases-held';
import { presentPurpose, purposeStatus } from './record';
import { MAX_REVIEW_YEARS, ORGANISATION_DATA_REFUSED, thirdPartiesFor, usesSpecial, type CreatePurposeInput, type UpdatePurposeInput } from './schema';

/** Loads a purpose row (404 when there is none: the register is open, so nothing is hidden). */
export async function loadPurpose(ctx: Ctx, id: string): Promise<PurposeRow> {
  const row = await ctx.db.selectFrom('purposes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('purpose');
  return row;
}

/** Decides `action` on a purpose (its author is its owner); a refusal is audited and answers 403 with the reason. */
function require(ctx: Ctx, action: Action, row: Pick<PurposeRow, 'id' | 'created_by'> | null) {
  return enforce(ctx, action, decide(ctx.actor, action, { type: 'purpose', id: row?.id, ownerId: row?.created_by ?? null }), { resourceType: 'purpose', resourceId: row?.id ?? null });
}

/** The responsible guardian must be an active user with the guardian role (400 naming the field otherwise). */
async function requireGuardian(ctx: Ctx, userId: string) {
  const ok = await ctx.db.selectFrom('users').innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select('users.id').where('users.id', '=', userId).where('users.active', '=', 1).where('user_roles.role', '=', 'guardian').executeTakeFirst();
  if (!ok) throw invalidInput('The responsible guardian must be an active user with the guardian role.', [{ path: 'body.guardianId', message: 'not an active guardian' }]);
}

/**
 * A review date must be after today (3.1: a purpose approved with its review already due would cover nothing) and
 * no more than three years ahead (3.1: continuing uses are regularly reviewed — not once a lifetime).
 */
function requireReviewDate(ctx: Ctx, day: string) {
  if (day <= ctx.nowIso.slice(0, 10)) throw invalidInput('The next review date must be after today.', [{ path: 'body.nextReviewOn', message: 'must be after today' }]);
  const limit = new Date(Date.UTC(ctx.now.getUTCFullYear() + MAX_REVIEW_YEARS, ctx.now.getUTCMonth(), ctx.now.getUTCDate())).toISOString().slice(0, 10);
  if (day > limit) {
    throw invalidInput(`A purpose is reviewed at least every ${MAX_REVIEW_YEARS} years: the next review must be on or before ${limit}.`, [{ path: 'body.nextReviewOn', message: `must be on or before ${limit}` }]);
  }
}

/** 3.2: a purpose using organisation-specific data names no recipient but "internal service only" (400 naming the field otherwise). */
function requireNoThirdPartyForOrganisationData(dataCategories: readonly string[], recipientCategories: readonly string[]) {
  if (thirdPartiesFor(dataCategories, recipientCategories).length) {
    throw invalidInput(ORGANISATION_DATA_REFUSED.message, [{ path: 'body.dataCategories', message: ORGANISATION_DATA_REFUSED.field }]);
  }
}

/**
 * Proposes a purpose (3.1): management or the guardian define a use or transfer of information, with its lawful
 * basis, the categories of information and recipients, whether it needs identifiable data (3.3), how long the
 * information is kept, and who reviews it by when. It starts as a draft and covers nothing until a guardian who
 * did not write it approves it.
 */
export async function createPurpose(ctx: Ctx, input: CreatePurposeInput) {
  const d = require(ctx, 'purpose.create', null);
  requireNoThirdPartyForOrganisationData(input.dataCategories, input.recipientCategories);
  requireReviewDate(ctx, input.nextReviewOn);
  await requireGuardian(ctx, input.guardianId);
  const id = newId(ctx.now.getTime());
  const row: PurposeRow = {
    id, name: input.name, description: input.description, lawful_basis: input.lawfulBasis, art9_condition: input.art9Condition ?? null,
    data_categories: JSON.stringify(input.dataCategories), categories_mask: classMask(input.dataCategories as Classification[]),
    recipient_categories: JSON.stringify(input.recipientCategories), needs_identity: input.needsIdentity ? 1 : 0,
    retention_period: input.retentionPeriod, guardian_id: input.guardianId, next_review_on: input.nextReviewOn, status: 'draft',
    created_by: ctx.actor.id, approved_by: null, approved_at: null, retired_by: null, retired_at: null, retire_reason: null,
    created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
  };
  await ctx.db.insertInto('purposes').values(row).execute();
  ctx.audit.add(fromDecision('purpose.create', d, { resourceType: 'purpose', resourceId: id, detail: { fields: Object.keys(input).sort() } }));
  return presentPurpose(row, ctx.nowIso);
}

/** Applies `changes` if the purpose is still at `expected` (412 otherwise); returns the row as written. */
async function writeVersioned(ctx: Ctx, row: PurposeRow, expected: number, changes: Partial<PurposeRow>): Promise<PurposeRow> {
  const done = await ctx.db.updateTable('purposes').set({ ...changes, version: expected + 1, updated_at: ctx.nowIso })
    .where('id', '=', row.id).where('version', '=', expected).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw staleVersion(Number(row.version));
  return { ...row, ...changes, version: expected + 1, updated_at: ctx.nowIso };
}

/** Changes a draft: only its author, only while it is a draft, only from the version they loaded. */
export async function updatePurpose(ctx: Ctx, id: string, expected: number, input: UpdatePurposeInput) {
  const row = await loadPurpose(ctx, id);
  const d = require(ctx, 'purpose.update', row);
  if (row.status !== 'draft') throw conflict('Only a draft purpose can be changed; retire it and propose a new one.', [{ path: 'params.id', message: `the purpose is ${row.status}` }]);
  const dataCategories = input.dataCategories ?? (JSON.parse(row.data_categories) as string[]);
  const art9 = input.art9Condition !== undefined ? input.art9Condition : row.art9_condition;
  if (usesSpecial(dataCategories) && !art9) throw invalidInput('A purpose using special-category information needs an Article 9 condition.', [{ path: 'body.art9Condition', message: 'required: the purpose uses special-category or safeguarding information' }]);
  // The purpose as it will be: its categories and recipients, changed or kept.
  requireNoThirdPartyForOrganisationData(dataCategories, input.recipientCategories ?? (JSON.parse(row.recipient_categories) as string[]));
  if (input.nextReviewOn) requireReviewDate(ctx, input.nextReviewOn);
  if (input.guardianId) await requireGuardian(ctx, input.guardianId);
  const changes: Partial<PurposeRow> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.lawfulBasis !== undefined) changes.lawful_basis = input.lawfulBasis;
  if (input.art9Condition !== undefined) changes.art9_condition = input.art9Condition;
  if (input.dataCategories !== undefined) {
    changes.data_categories = JSON.stringify(input.dataCategories);
    changes.categories_mask = classMask(input.dataCategories as Classification[]);
  }
  if (input.recipientCategories !== undefined) changes.recipient_categories = JSON.stringify(input.recipientCategories);
  if (input.needsIdentity !== undefined) changes.needs_identity = input.needsIdentity ? 1 : 0;
  if (input.retentionPeriod !== undefined) changes.retention_period = input.retentionPeriod;
  if (input.guardianId !== undefined) changes.guardian_id = input.guardianId;
  if (input.nextReviewOn !== undefined) changes.next_review_on = input.nextReviewOn;
  const written = await writeVersioned(ctx, row, expected, changes);
  ctx.audit.add(fromDecision('purpose.update', d, { resourceType: 'purpose', resourceId: id, detail: { fields: Object.keys(input).sort(), version: written.version } }));
  return presentPurpose(written, ctx.nowIso);
}

/**
 * Approves a draft (3.1 scrutiny): a guardian who is not its author (rule purposes/no-self-approval). From now the
 * purpose is active until its review date.
 */
export async function approvePurpose(ctx: Ctx, id: string, expected: number, input: { nextReviewOn?: string }) {
  const row = await loadPurpose(ctx, id);
  const d = require(ctx, 'purpose.approve', row);
  if (row.status !== 'draft') throw conflict('Only a draft purpose can be approved; an active one is re-approved at its review.', [{ path: 'params.id', message: `the purpose is ${purposeStatus(row, ctx.nowIso)}` }]);
  const nextReviewOn = input.nextReviewOn ?? row.next_review_on;
  requireReviewDate(ctx, nextReviewOn);
  const written = await writeVersioned(ctx, row, expected, { status: 'active', approved_by: ctx.actor.id, approved_at: ctx.nowIso, next_review_on: nextReviewOn });
  ctx.audit.add(fromDecision('purpose.approve', d, { resourceType: 'purpose', resourceId: id, detail: { nextReviewOn, version: written.version } }));
  return presentPurpose(written, ctx.nowIso);
}

/** Re-approves an active purpose at (or before) its review, for another period: 3.1 continuing uses regularly reviewed. */
export async function reapprovePurpose(ctx: Ctx, id: string, expected: number, input: { nextReviewOn: string }) {
  const row = await loadPurpose(ctx, id);
  const d = require(ctx, 'purpose.approve', row);
  if (row.status !== 'active') throw conflict('Only an active purpose (or one due for review) can be re-approved.', [{ path: 'params.id', message: `the purpose is ${row.status}` }]);
  requireReviewDate(ctx, input.nextReviewOn);
  const written = await writeVersioned(ctx, row, expected, { approved_by: ctx.actor.id, approved_at: ctx.nowIso, next_review_on: input.nextReviewOn });
  ctx.audit.add(fromDecision('purpose.reapprove', d, { resourceType: 'purpose', resourceId: id, detail: { nextReviewOn: input.nextReviewOn, wasDue: purposeStatus(row, ctx.nowIso) === 'review_due', version: written.version } }));
  return presentPurpose(written, ctx.nowIso);
}

/**
 * Retires a purpose: from now it covers nothing, and every consent for it stops covering anything (3.1). The open
 * cases held for it take nothing new until a manager moves each to a purpose in force (2.1): their number is in the
 * audit entry and the answer, and when there are any, every active manager is told, pointed to the management
 * review that lists them.
 */
export async function retirePurpose(ctx: Ctx, id: string, expected: number, input: { reason: string }) {
  const row = await loadPurpose(ctx, id);
  const d = require(ctx, 'purpose.retire', row);
  if (row.status === 'retired') throw conflict('This purpose is already retired.', [{ path: 'params.id', message: 'retired' }]);
  const written = await writeVersioned(ctx, row, expected, { status: 'retired', retired_by: ctx.actor.id, retired_at: ctx.nowIso, retire_reason: input.reason });
  const openCases = await openCasesHeldFor(ctx.db, id);
  ctx.audit.add(fromDecision('purpose.retire', d, { resourceType: 'purpose', resourceId: id, detail: { from: purposeStatus(row, ctx.nowIso), version: written.version, openCases } }));
  if (openCases > 0) {
    await notify(ctx, await activeManagers(ctx), {
      kind: 'purpose-retired-cases-held',
      subject: `A purpose was retired: ${openCases === 1 ? '1 open case is' : `${openCases} open cases are`} held for it`,
      body: `The purpose “${row.name}” was retired. Nothing new goes into a case held for it until a manager moves the case to a purpose in force (2.1). `
        + 'The management review lists the open cases held for no purpose in force.',
      resourceType: 'purpose', resourceId: id, emailPath: '/review#cases-without-purpose', decision: d,
    });
  }
  const presented = presentPurpose(written, ctx.nowIso);
  return { ...presented, data: { ...presented.data, openCases } };
}
