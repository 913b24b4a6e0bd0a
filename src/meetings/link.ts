import { loadActor } from '../accounts/actor';
import { SYSTEM_ACTOR } from '../accounts/system-actor';
import { findByLink, linkGone, linkTokenHash, linkUrl, newLink, publicLinkUnit, type LinkLookup } from '../acknowledgement/link';
import type { LinkAcknowledgeInput } from '../acknowledgement/schema';
import { countNameAttempt, forgetNameAttempts } from '../acknowledgement/name-attempts';
import { nameMismatch, sameName } from '../acknowledgement/typed-name';
import { fromDecision } from '../audit/append';
import type { Ctx, PublicCtx } from '../context';
import type { MeetingAttendeeRow, MeetingRow } from '../db/schema';
import { meetingNotesPdf, type MeetingNotesModel } from '../documents/meeting-notes-pdf';
import { conflict } from '../lib/errors';
import { decide } from '../policy/decide';
import type { Classification, Decision } from '../policy/types';
import { actAs } from '../unit';
import { clientRequested, findMeeting, onMeetingTeam, requireOnMeeting, subjectOf } from './access';
import { confidentialityTerms, thirdPartyAttendee, meetingNotesFor, notesSha256 } from './commands';
import { checkAcknowledgementDate } from '../acknowledgement/date';
import { isThirdParty } from './attendee-role';
import { sha256 } from '../disclosure/pack';

/**
 * A third party's acknowledgement link (practice 3, 4.3) — for an external attendee, or a student, volunteer or
 * visitor here (src/meetings/attendee-role.ts); the same one-time, expiring link as a disclosure's
 * (src/acknowledgement/link.ts) — and the one delivery of the meeting's notes through it:
 * - a member of the meeting's team issues it for one third party (meeting.update, as the attestation);
 * - before acknowledgement it shows the terms, who sends it, who it is for and when the meeting was held: not the
 *   meeting's title, its subject or its notes;
 * - the attendee types their name and the date. A name that is not the attendee's as the organiser recorded it
 *   (src/acknowledgement/typed-name.ts) is refused: nothing is written, the link keeps working, the refusal is
 *   audited without either name. Otherwise their acknowledgement is recorded (the first one stands, when staff
 *   already attested it at the meeting), with the name typed for staff to see, and the link stops working;
 * - in the same step, and only then, the notes of this meeting and nothing else go to them once, as JSON and as a
 *   PDF marked CONFIDENTIAL on every page — on the authority of the member of staff who issued the link, whose need
 *   to know and the practice 2 rule for session details are decided again now (meeting.share). When that refuses,
 *   the acknowledgement stands and the notes are withheld, with the rule and clause; nothing is sent.
 */

type Attendee = MeetingAttendeeRow & { held_at: string; about: string; person_id: string | null; case_id: string | null };

const MEETING_LINK: LinkLookup<Attendee> = {
  action: 'meeting.acknowledge', ruleId: 'meetings/acknowledgement-link', clauseKey: 'third-party-meetings',
  find: (ctx, hash) => ctx.db.selectFrom('meeting_attendees').innerJoin('meetings', 'meetings.id', 'meeting_attendees.meeting_id')
    .selectAll('meeting_attendees').select(['meetings.held_at', 'meetings.about', 'meetings.person_id', 'meetings.case_id'])
    .where('meeting_attendees.link_token_hash', '=', hash).executeTakeFirst(),
  usable: (a, nowIso) => isThirdParty(a) && a.link_used_at === null && !!a.link_expires_at && a.link_expires_at > nowIso,
};

/**
 * Issues the one-time link through which a third party at the meeting acknowledges its confidentiality and then
 * receives its notes once. A new link replaces an unused one; once a link was used, another is refused (409): the
 * notes went to the attendee once.
 */
export async function issueMeetingLink(ctx: Ctx, id: string, attendeeId: string) {
  const m = await findMeeting(ctx, id, 'meeting.update');
  const a = await thirdPartyAttendee(ctx, id, attendeeId, 'params.attendeeId');
  const d = requireOnMeeting(ctx, 'meeting.update', { ...m.facts, classification: 'general' }, m.subjectPersonId, { attendeeId });
  if (a.link_used_at) throw conflict('This attendee already used their link: the notes went to them once.', [{ path: 'params.attendeeId', message: 'link already used' }]);
  const link = newLink(ctx.now);
  await ctx.db.updateTable('meeting_attendees').set({ link_token_hash: link.tokenHash, link_expires_at: link.expiresAt, link_issued_by: ctx.actor.id, link_issued_at: ctx.nowIso })
    .where('id', '=', attendeeId).where('link_used_at', 'is', null).execute();
  ctx.audit.add(fromDecision('meeting.acknowledgement-link', d, { resourceType: 'meeting', resourceId: id, subjectPersonId: m.subjectPersonId, detail: { attendeeId, role: a.role, expiresAt: link.expiresAt } }));
  // The web app's page, which reads and answers through /api/meeting-acknowledgements/:token.
  return { url: linkUrl(ctx, 'meeting-acknowledge', link.token), expiresAt: link.expiresAt };
}

/** What the link shows before acknowledgement: the terms, who sends it, who it is for and when the meeting was held. */
export function showMeetingLink(pctx: PublicCtx, token: string, address: string) {
  return publicLinkUnit(pctx, async (ctx) => {
    const a = await findByLink(ctx, token, address, MEETING_LINK);
    return {
      from: ctx.services.config.organisation.name, attendee: { name: a.name, organisation: a.organisation, role: a.role }, heldAt: a.held_at,
      terms: confidentialityTerms(ctx), expiresAt: a.link_expires_at,
      next: 'Once you acknowledge, the notes of this meeting are shown to you once, as JSON and as a PDF marked CONFIDENTIAL on every page.',
    };
  });
}

/** What went to the attendee: the notes summary with its hash, and the PDF. */
interface Delivery {
  summary: MeetingNotesModel;
  sha256: string;
  pdf: Buffer;
  pdfSha256: string;
}

/**
 * Decides, as the member of staff who issued the link, whether the notes may go to the attendee now (meeting.share:
 * their need to know on the meeting, the acknowledgement, practice 2 for session details), and only then makes what
 * goes out. The decision is audited under their name, with the hashes of what went out. A deactivated issuer shares
 * nothing.
 */
async function shareAsIssuer(ctx: Ctx, row: MeetingRow, a: MeetingAttendeeRow, subjectPersonId: string | null): Promise<{ decision: Decision | null; delivery: Delivery | null }> {
  const detail = { attendeeId: a.id, via: 'link', classification: row.notes_classification };
  const issuer = a.link_issued_by ? await loadActor(ctx.db, a.link_issued_by, ctx.nowIso) : null;
  if (!issuer) {
    ctx.audit.add({ action: 'meeting.share', decision: 'deny', ruleId: 'meetings/acknowledgement-link', clause: ctx.actor.policy.clauseFor('third-party-meetings'), resourceType: 'meeting', resourceId: row.id, subjectPersonId, detail: { ...detail, issuer: 'inactive' } });
    return { decision: null, delivery: null };
  }
  return actAs(ctx, issuer, async (as) => {
    const d = decide(as.actor, 'meeting.share', {
      type: 'meeting', id: row.id, team: await onMeetingTeam(as, row), classification: row.notes_classification as Classification,
      meeting: { acknowledged: true, clientRequested: clientRequested(row) },
    });
    let delivery: Delivery | null = null;
    if (d.allowed) {
      const summary = meetingNotesFor(ctx, row, a);
      const pdf = await meetingNotesPdf(summary);
      delivery = { summary, sha256: notesSha256(summary), pdf, pdfSha256: sha256(pdf) };
    }
    as.audit.add(fromDecision('meeting.share', d, { resourceType: 'meeting', resourceId: row.id, subjectPersonId, detail: delivery ? { ...detail, sha256: delivery.sha256, pdfSha256: delivery.pdfSha256 } : detail }));
    return { decision: d, delivery };
  });
}

/**
 * Refuses a typed name that is not the attendee's (practice 3): there is no release step after the link — the notes
 * go at once to whoever accepts — so someone else holding the link gets nothing. Audited as a denial naming the
 * meeting and the attendee, never the names; the answer does not echo the attendee's name either. The unit still
 * commits (nothing else was written), so the attempt stays counted against the link (src/acknowledgement/name-attempts.ts).
 */
async function refuseOtherName(ctx: Ctx, a: Attendee): Promise<never> {
  ctx.audit.add({
    action: 'meeting.acknowledge', decision: 'deny', ruleId: 'meetings/attendee-name', clause: ctx.actor.policy.clauseFor('third-party-meetings'),
    resourceType: 'meeting', resourceId: a.meeting_id, subjectPersonId: await subjectOf(ctx, a), detail: { attendeeId: a.id, method: 'link', nameMatches: false },
  });
  throw nameMismatch('The name typed is not the name of the person this link was sent to. Nothing was shared, and the link still works.', [
    { path: 'body.typedName', message: 'type your name as the meeting\'s organiser recorded it' },
  ]);
}

/** What an audited block of the attendee's link names: the meeting and the attendee, never a name. */
const blockedTarget = (ctx: Ctx, a: Attendee) => async () => ({
  action: 'meeting.acknowledge', resourceType: 'meeting', resourceId: a.meeting_id, subjectPersonId: await subjectOf(ctx, a), detail: { attendeeId: a.id, method: 'link' },
});

/**
 * The attendee acknowledges with their typed name and the date — refused (400, nothing written, the link still works)
 * when the date is before the link was issued or after today on their calendar (src/acknowledgement/date.ts)
 * or when the name is not theirs ({@link refuseOtherName}), and blocked (429) after too many names on this link
 * (src/acknowledgement/name-attempts.ts) — and the link stops working. Then, in the same unit, the notes of this meeting go to
 * them once (JSON, and the PDF as base64) when the issuer's share decision allows it; otherwise they are withheld
 * with the rule and clause that refused.
 */
export function acknowledgeMeetingLink(pctx: PublicCtx, token: string, address: string, input: LinkAcknowledgeInput) {
  return publicLinkUnit(pctx, async (ctx) => {
    const found = await findByLink(ctx, token, address, MEETING_LINK);
    checkAcknowledgementDate(input.date, found.link_issued_at ?? found.created_at, ctx.now);
    await countNameAttempt(ctx, token, blockedTarget(ctx, found));
    if (!sameName(found.name, input.typedName)) await refuseOtherName(ctx, found);
    await forgetNameAttempts(ctx, token);
    const done = await ctx.db.updateTable('meeting_attendees').set((eb) => ({
      link_token_hash: null, link_expires_at: null, link_used_at: ctx.nowIso, link_name: input.typedName, link_date: input.date,
      acknowledged_at: eb.fn.coalesce('acknowledged_at', eb.val(ctx.nowIso)), acknowledgement_method: eb.fn.coalesce('acknowledgement_method', eb.val('link')),
    })).where('id', '=', found.id).where('link_token_hash', '=', linkTokenHash(token)).executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw linkGone();
    const row = await ctx.db.selectFrom('meetings').selectAll().where('id', '=', found.meeting_id).executeTakeFirstOrThrow();
    const a = await ctx.db.selectFrom('meeting_attendees').selectAll().where('id', '=', found.id).executeTakeFirstOrThrow();
    const subjectPersonId = await subjectOf(ctx, row);
    // Recorded now, under the system (the attendee has no account), so the chain keeps the order: acknowledgement, then share.
    await actAs(ctx, SYSTEM_ACTOR, async (sys) => sys.audit.add({
      action: 'meeting.acknowledge', decision: 'allow', ruleId: 'meetings/acknowledgement-link', clause: sys.actor.policy.clauseFor('third-party-meetings'),
      resourceType: 'meeting', resourceId: row.id, subjectPersonId, detail: { attendeeId: a.id, method: 'link', date: input.date, role: a.role, firstAcknowledgement: a.acknowledgement_method ?? 'link' },
    }));
    const { decision: d, delivery } = await shareAsIssuer(ctx, row, a, subjectPersonId);
    if (!delivery) {
      return {
        acknowledged: true, notes: null, pdf: null,
        withheld: d ? { reason: d.reason, rule: d.ruleId, clause: d.clause } : { reason: 'The member of staff who sent this link can no longer share these notes: ask them or the organisation.', rule: 'meetings/acknowledgement-link', clause: ctx.actor.policy.clauseFor('third-party-meetings') },
      };
    }
    await ctx.db.updateTable('meeting_attendees').set({ notes_served_at: ctx.nowIso, notes_json_sha256: delivery.sha256, notes_pdf_sha256: delivery.pdfSha256 }).where('id', '=', a.id).execute();
    return {
      acknowledged: true, notes: { ...delivery.summary, sha256: delivery.sha256 },
      pdf: { filename: `meeting-notes-${row.id}.pdf`, contentType: 'application/pdf', sha256: delivery.pdfSha256, base64: delivery.pdf.toString('base64') },
      withheld: null,
    };
  });
}
