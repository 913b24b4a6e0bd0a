import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { conflict, invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import type { Decision, Resource } from '../policy/types';
import { findVisible } from '../records/guard';
import type { FirstContactInput } from './schema';

/** A person just registered in the same unit of work: their decision facts, known without loading them. */
export interface NewPerson {
  facts: Resource;
}

/** The published notice version a first contact names; 400 naming the field when there is none or it is a draft. */
async function publishedNotice(ctx: Ctx, input: FirstContactInput, prefix: string) {
  const row = await ctx.db.selectFrom('notices').selectAll().where('version', '=', input.noticeVersion).where('language', '=', input.language).executeTakeFirst();
  if (!row || row.status !== 'published') {
    const why = row ? 'is a draft, not published' : 'does not exist';
    throw invalidInput(`Version ${input.noticeVersion} of the notice in "${input.language}" ${why}: give a published version.`, [
      { path: `${prefix}.noticeVersion`, message: `no published version ${input.noticeVersion} in "${input.language}"` },
    ]);
  }
  const publishedOn = (row.published_at ?? row.created_at).slice(0, 10);
  if (input.contactedOn < publishedOn) {
    throw invalidInput(`Version ${input.noticeVersion} was published on ${publishedOn}; it cannot have been given before.`, [
      { path: `${prefix}.contactedOn`, message: `must be on or after ${publishedOn}, when that version was published` },
    ]);
  }
  return row;
}

/** Decides person.inform for the fields sent (the note of questions is personal); denials are audited. */
function decideInform(ctx: Ctx, personId: string, facts: Resource, input: FirstContactInput): Decision {
  const general = decide(ctx.actor, 'person.inform', { ...facts, classification: 'general' });
  const d = general.allowed && input.questions !== undefined ? decide(ctx.actor, 'person.inform', { ...facts, classification: 'personal' }) : general;
  enforce(ctx, 'person.inform', d, { resourceType: 'person', resourceId: personId, subjectPersonId: personId, detail: { fields: Object.keys(input).sort() } });
  return general;
}

/**
 * Records that a person was given the organisation's notice (4.1, first contact): which version and language, the
 * date, how, and who told them (the recording worker), with an optional note of the questions they asked. A newer
 * version can be given later: each giving is kept. The person's `toldAt` is the earliest date they were told.
 *
 * Needs need to know on the person (their case team, or management): someone who may not see the person gets the
 * same 404 as for a person who does not exist. `newPerson` is for a person registered in the same unit of work
 * (their facts are known); `prefix` names where the fields sit in the request ("body", "body.firstContact").
 */
export async function recordFirstContact(ctx: Ctx, personId: string, input: FirstContactInput, options: { newPerson?: NewPerson; prefix?: string } = {}) {
  const prefix = options.prefix ?? 'body';
  const v = options.newPerson ? null : await findVisible(ctx, 'person', personId, 'person.inform');
  const d = decideInform(ctx, personId, options.newPerson?.facts ?? v!.facts, input);
  if (v?.row.archived_at) throw conflict('This person is archived; record first contact on a current record.', [{ path: 'params.id', message: 'archived' }]);
  if (input.contactedOn > ctx.nowIso.slice(0, 10)) {
    throw invalidInput('The date the person was told cannot be in the future.', [{ path: `${prefix}.contactedOn`, message: 'must not be in the future' }]);
  }
  const notice = await publishedNotice(ctx, input, prefix);
  const id = newId(ctx.now.getTime());
  await ctx.db.insertInto('first_contacts').values({
    id, person_id: personId, notice_id: notice.id, contacted_on: input.contactedOn, method: input.method, questions: input.questions ?? null,
    recorded_by: ctx.actor.id, recorded_at: ctx.nowIso,
  }).execute();
  // The earliest date they were told: the worklist of people not yet told reads this column (migration 0016).
  await ctx.db.updateTable('people').set({ told_at: input.contactedOn })
    .where('id', '=', personId).where((eb) => eb.or([eb('told_at', 'is', null), eb('told_at', '>', input.contactedOn)])).execute();
  ctx.audit.add(fromDecision('person.inform', d, {
    resourceType: 'person', resourceId: personId, subjectPersonId: personId,
    detail: { firstContact: id, notice: notice.id, version: Number(notice.version), language: notice.language, method: input.method, fields: Object.keys(input).sort() },
  }));
  return {
    id, personId, noticeId: notice.id, noticeVersion: Number(notice.version), language: notice.language, noticeTitle: notice.title,
    contactedOn: input.contactedOn, method: input.method, questions: input.questions ?? null, recordedBy: ctx.actor.id, recordedAt: ctx.nowIso,
  };
}

/**
 * The notices a person was given, oldest first (4.1), for anyone who may see the person. The note of questions is
 * personal information: shown to those who may read the person's personal details, listed as restricted otherwise.
 * Audited as a read of the person, naming the personal field when it was shown.
 */
export async function listFirstContacts(ctx: Ctx, personId: string) {
  const v = await findVisible(ctx, 'person', personId);
  const general = decide(ctx.actor, 'person.read', { ...v.facts, classification: 'general' });
  const personal = decide(ctx.actor, 'person.read', { ...v.facts, classification: 'personal' });
  const rows = await ctx.db
    .selectFrom('first_contacts as f')
    .innerJoin('notices as n', 'n.id', 'f.notice_id')
    .select(['f.id', 'f.notice_id', 'n.version', 'n.language', 'n.title', 'f.contacted_on', 'f.method', 'f.questions', 'f.recorded_by', 'f.recorded_at'])
    .where('f.person_id', '=', personId)
    .orderBy('f.contacted_on').orderBy('f.id')
    .execute();
  const showQuestions = personal.allowed && rows.some((r) => r.questions !== null);
  ctx.audit.add(fromDecision('person.read', showQuestions ? personal : general, {
    resourceType: 'person', resourceId: personId, subjectPersonId: personId,
    detail: { list: 'first-contacts', results: rows.length, fields: showQuestions ? ['questions'] : [], classes: showQuestions ? ['personal'] : [] },
  }));
  return {
    personId,
    toldAt: (v.row.told_at as string | null) ?? null,
    items: rows.map((r) => ({
      id: r.id, noticeId: r.notice_id, noticeVersion: Number(r.version), language: r.language, noticeTitle: r.title, contactedOn: r.contacted_on,
      method: r.method, ...(personal.allowed ? { questions: r.questions } : {}), recordedBy: r.recorded_by, recordedAt: r.recorded_at,
    })),
    restricted: personal.allowed ? [] : [{ field: 'questions', classification: 'personal', reason: personal.reason }],
  };
}
