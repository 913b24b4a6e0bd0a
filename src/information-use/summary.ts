import { listOf } from '../lib/list-words';
import { fromDecision } from '../audit/append';
import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { ConsentRow } from '../db/schema';
import type { ConsentEvent, ConsentStory, InformationUseModel, NoticeGiven, PurposeLine } from '../documents/information-use-pdf';
import { purposeInForce } from '../policy/consent-relation';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { Decision } from '../policy/types';
import { findVisible, refusalTarget, requireAllowed } from '../records/guard';
import { accessSummary } from './access-summary';
import { DISCLOSURES_LEFT_OUT, MANAGER_TO_COMPLETE, disclosureStatement, disclosuresComplete, disclosuresFor } from './disclosures';
import { meetingNotesGiven, meetingNotesStatement, namesPersonalDetails } from './meeting-notes';
import {
  ART9_WORDS, CATEGORY_WORDS, CONTACT_WORDS, LAWFUL_BASIS_WORDS, METHOD_WORDS, ROLE_WORDS, WITHDRAWAL_WORDS, whyTheLawAllows,
  languageName, mainRole, nameWithRole, periodWords, ukDate,
} from './plain';

/** The title the document and the JSON carry. */
export const TITLE = 'How your information is used';

interface StoredRecipient { kind: string; organisationId?: string; category?: string }

/**
 * A consent's recipients as the person reads them: "Music24 only" when it goes nowhere else, beside other
 * recipients the organisation's own staff (not "Music24 only and a partner"); a named organisation by its name.
 */
export const recipientWords = (recipients: readonly StoredRecipient[], ours: string, orgNames: ReadonlyMap<string, string>): string[] =>
  recipients.map((r) => (r.kind === 'internal' ? (recipients.length === 1 ? `${ours} only` : `${ours}'s own staff`)
    : r.kind === 'organisation' ? (orgNames.get(r.organisationId!) ?? 'a partner organisation') : r.category!));

/** Users by id with their display name and roles, for "by whom". */
async function usersById(ctx: Ctx, ids: readonly string[]) {
  if (!ids.length) return new Map<string, { name: string; roles: string[] }>();
  const [users, roles] = await Promise.all([
    ctx.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...ids]).execute(),
    ctx.db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', [...ids]).execute(),
  ]);
  return new Map(users.map((u) => [u.id, { name: u.display_name, roles: roles.filter((r) => r.user_id === u.id).map((r) => r.role) }]));
}

/** "Given by" in words; the name of whoever gave it for the person is personal, like what they were told. */
function givenByWords(row: ConsentRow): string | null {
  if (!row.given_by) return null;
  const d = JSON.parse(row.given_by_detail ?? '{}') as { name?: string; relationship?: string };
  if (row.given_by === 'person') return 'you';
  if (row.given_by === 'competent_child') return 'you (we checked you were able to decide for yourself)';
  if (row.given_by === 'parental_responsibility') return `${d.name} (${d.relationship}), who has parental responsibility for you`;
  return `${d.name} (${d.relationship}), acting for you`;
}

/** One consent version as the person would read it. */
function eventOf(row: ConsentRow, recipients: string[], showTold: boolean): ConsentEvent {
  const information = (JSON.parse(row.data_categories) as string[]).map((c) => CATEGORY_WORDS[c] ?? c);
  if (row.decision === 'withdrawn') {
    const how = WITHDRAWAL_WORDS[row.withdrawal_method ?? ''] ?? 'in another way';
    return {
      kind: 'withdrawn', on: row.withdrawn_at!, recordedOn: row.recorded_at, recipients, information, told: null, how: null, givenBy: null, expiresOn: null,
      withdrawal: { on: row.withdrawn_at!, how },
      sentence: `On ${ukDate(row.withdrawn_at!)} you withdrew your consent, ${how}. It stopped at once: nothing more is shared under it.`,
    };
  }
  const how = METHOD_WORDS[row.method ?? ''] ?? null;
  const givenBy = showTold ? givenByWords(row) : null;
  const agreed = row.decision === 'given' ? 'you agreed that we may share' : 'you said no to sharing';
  const until = row.decision === 'given' && row.expires_at ? ` until ${ukDate(row.expires_at)}` : '';
  return {
    kind: row.decision as 'given' | 'refused', on: row.recorded_at, recordedOn: row.recorded_at, recipients, information,
    told: showTold ? { why: row.told_why ?? '', withWhom: row.told_with_whom ?? '', consequences: row.told_consequences ?? '', serviceImpact: row.told_service_impact ?? '' } : null,
    how, givenBy, expiresOn: row.expires_at, withdrawal: null,
    sentence: `On ${ukDate(row.recorded_at)} ${agreed} ${listOf(information)} with ${listOf(recipients)}${until}${how ? `, ${how}` : ''}.`,
  };
}

/** Where a purpose's answers stand now, in a sentence. */
function nowWords(current: ConsentRow, nowIso: string): { status: ConsentStory['status']; now: string } {
  if (current.decision === 'withdrawn') return { status: 'withdrawn', now: `You withdrew your consent on ${ukDate(current.withdrawn_at!)}. We stopped sharing for this then.` };
  if (current.decision === 'refused') return { status: 'refused', now: 'You said no. We do not share your information for this.' };
  if (current.expires_at && current.expires_at <= nowIso) return { status: 'expired', now: `Your consent ended on ${ukDate(current.expires_at)}. We no longer share for this.` };
  return { status: 'given', now: current.expires_at ? `You agreed, until ${ukDate(current.expires_at)}.` : 'You agreed. This lasts until you withdraw it.' };
}

/** Why what the person was told is left out for one who reads the summary at the general level only (the guardian). */
const GENERAL_ONLY = 'What the person was told when their consent was sought, and who gave it for them, are left out: you read this summary at the general level only.';

/** Why the names of those outside the staff team who were given meeting notes are left out for one who reads at the general level. */
const MEETINGS_GENERAL_ONLY = 'The names of people outside the staff team who were given notes of a meeting about the person, and the words of the person\'s request to pass them on, are left out: you read this summary at the general level only.';

/** The rule a copy to hand over (the PDF) is refused under to someone who may read only part of the summary (4.1). */
export const HAND_OVER_COMPLETE = 'information-use/hand-over-complete';

/**
 * The refusal of the PDF to someone who may read the summary but not all of it — the guardian, who reviews how
 * information is used at the general level (rule information-use/guardian-review): the copy handed to the person is
 * the whole of it, prepared by their case team or management, who can explain it (4.1).
 */
const handOverRefused = (ctx: Ctx): Decision => ({
  allowed: false, ruleId: HAND_OVER_COMPLETE, clauseKey: 'no-surprises', clause: ctx.actor.policy.clauseFor('no-surprises'),
  reason: 'The copy handed to the person is prepared by their case team or management, who see all of it; you may read the summary on screen.',
  via: null, obligations: [], actorLevel: false,
});

/**
 * "How your information is used" for one person (Caldicott 8, no surprises; 4.1, 1.3, 3.1): the notices they were
 * given, every version of their consents and withdrawals with what they were told, the purposes their information
 * is used for in plain words, disclosures made, the meetings about them whose notes went outside the staff team (to
 * whom, at whose request, their acknowledgement: src/information-use/meeting-notes.ts), and which teams and roles
 * have looked at their record, with how to withdraw, how to ask for a copy and whom to contact.
 *
 * Prepared by staff and managers on the person's case team, and by managers (rules information-use/*); read by the
 * guardian at the general level (rule information-use/guardian-review), who is refused the PDF handed to the person
 * ({@link HAND_OVER_COMPLETE}, audited); anyone who may not see the person gets the same 404 as for no person. It
 * reads only what the reader may see: a part they may not read is left out and listed in `restricted` with the
 * reason, never its content: at the general level, what the person was told and the names of those outside the staff
 * team who were given meeting notes. Disclosures never read "none" when one may be left out: see
 * src/information-use/disclosures.ts (a preparer who may not see a safeguarding referral's disclosure is told, and
 * the person reads, that a manager completes that part). Audited once, as `person.information-use` naming the person, the rule, the
 * clause, the format, the classifications shown and how many of each section it holds.
 */
export async function informationUse(ctx: Ctx, personId: string, format: 'json' | 'pdf'): Promise<InformationUseModel> {
  const person = await findVisible(ctx, 'person', personId, 'person.information-use');
  const d = requireAllowed(ctx, 'person.information-use', person, 'general', { format });
  const consentFacts = factsFor(ctx.actor, 'consent', { person_id: personId, _team: person.row._team });
  const told = decide(ctx.actor, 'consent.read', { ...consentFacts, classification: 'personal' });
  const preparing = decide(ctx.actor, 'person.information-use', { ...person.facts, classification: 'personal' });
  const showTold = told.allowed && preparing.allowed;
  if (format === 'pdf' && !showTold) enforce(ctx, 'person.information-use', handOverRefused(ctx), refusalTarget(person, { format }));
  const restricted = showTold ? [] : [{ section: 'consents.told', reason: preparing.allowed ? told.reason : GENERAL_ONLY }];
  // Meeting notes that left the staff team: names and the person's words at the level of the summary's preparer.
  const personalMeetings = preparing.allowed;
  // Practice 4.1, 1.3: may the preparer see every disclosure the person may be told of (a referral's too)? Decided
  // from who they are, never from what is recorded; when not, the section says a manager completes it.
  const allDisclosures = disclosuresComplete(ctx, personId, person.row._team);

  const db = ctx.db;
  const [notices, consents, disclosures, meetingNotes, access] = await Promise.all([
    db.selectFrom('first_contacts as f').innerJoin('notices as n', 'n.id', 'f.notice_id')
      .select(['n.title', 'n.version', 'n.language', 'f.contacted_on', 'f.method', 'f.recorded_by', 'f.id'])
      .where('f.person_id', '=', personId).orderBy('f.contacted_on').orderBy('f.id').execute(),
    db.selectFrom('consents').selectAll().where('person_id', '=', personId).orderBy('recorded_at').orderBy('id').execute(),
    disclosuresFor(ctx, personId),
    meetingNotesGiven(ctx, personId, personalMeetings),
    accessSummary(ctx, personId),
  ]);
  if (!personalMeetings && namesPersonalDetails(meetingNotes)) restricted.push({ section: 'meetingNotes.recipients', reason: MEETINGS_GENERAL_ONLY });
  const personalShown = showTold || (personalMeetings && namesPersonalDetails(meetingNotes));
  const purposeIds = [...new Set(consents.map((c) => c.purpose_id))];
  const orgIds = [...new Set(consents.flatMap((c) => (JSON.parse(c.recipients) as StoredRecipient[]).flatMap((r) => (r.organisationId ? [r.organisationId] : []))))];
  const [purposes, orgs, users] = await Promise.all([
    purposeIds.length ? db.selectFrom('purposes').selectAll().where('id', 'in', purposeIds).execute() : [],
    orgIds.length ? db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', orgIds).execute() : [],
    usersById(ctx, [...new Set([...notices.map((n) => n.recorded_by), ctx.actor.id])]),
  ]);
  const org = ctx.services.config.organisation;
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const recipientsOf = (row: ConsentRow) => recipientWords(JSON.parse(row.recipients) as StoredRecipient[], org.name, orgName);

  const noticeItems: NoticeGiven[] = notices.map((n) => {
    const by = users.get(n.recorded_by) ?? { name: 'a member of staff', roles: [] };
    const how = CONTACT_WORDS[n.method] ?? n.method;
    return {
      title: n.title, version: Number(n.version), language: n.language, languageName: languageName(n.language), givenOn: n.contacted_on, how,
      givenBy: { displayName: by.name, role: ROLE_WORDS[mainRole(by.roles)] ?? '' },
      sentence: `On ${ukDate(n.contacted_on)}, ${nameWithRole(by.name, by.roles)} gave you "${n.title}" (version ${n.version}, in ${languageName(n.language)}) ${how}.`,
    };
  });

  const stories: ConsentStory[] = [];
  const purposeLines: PurposeLine[] = [];
  for (const p of [...purposes].sort((a, b) => a.name.localeCompare(b.name))) {
    const chain = consents.filter((c) => c.purpose_id === p.id);
    const current = chain.find((c) => c.superseded_by === null) ?? chain[chain.length - 1];
    const state = nowWords(current, ctx.nowIso);
    stories.push({ purpose: p.name, ...state, history: chain.map((c) => eventOf(c, recipientsOf(c), showTold)) });
    if (purposeInForce({ id: p.id, status: p.status, nextReviewOn: p.next_review_on }, ctx.nowIso)) {
      purposeLines.push({
        name: p.name, description: p.description, inUse: state.status === 'given', yourAnswer: state.now,
        lawfulBasis: LAWFUL_BASIS_WORDS[p.lawful_basis] ?? p.lawful_basis, sensitive: p.art9_condition ? (ART9_WORDS[p.art9_condition] ?? null) : null,
        whyAllowed: whyTheLawAllows(p.lawful_basis, p.art9_condition),
        information: (JSON.parse(p.data_categories) as string[]).map((c) => CATEGORY_WORDS[c] ?? c), keptFor: periodWords(p.retention_period),
      });
    }
  }

  const me = users.get(ctx.actor.id) ?? { name: ctx.actor.username, roles: [...ctx.actor.roles] };
  const contact = [org.address, org.email, org.phone].filter(Boolean).join(', ');
  const reach = `${org.name} (${org.contact})${contact ? `: ${contact}` : ''}`;
  const model: InformationUseModel = {
    title: TITLE,
    preparedFor: { personId, name: `${person.row.given_name as string} ${person.row.family_name as string}` },
    preparedAt: ctx.nowIso, preparedOn: ukDate(ctx.nowIso),
    preparedBy: { displayName: me.name, role: ROLE_WORDS[mainRole(me.roles)] ?? '' },
    organisation: { ...org }, privacyNoticeUrl: ctx.services.config.privacyPolicyUrl,
    notices: {
      items: noticeItems,
      statement: noticeItems.length ? 'When you first came to us, we told you how we keep information confidential.' : 'We have no record of giving you our confidentiality notice yet. Please ask us for a copy.',
    },
    consents: {
      items: stories,
      statement: stories.length ? 'Each time we asked whether we may share your information, we wrote down your answer. Every answer is kept, including any you changed or withdrew.' : 'We have not asked you for consent to share your information.',
    },
    purposes: {
      items: purposeLines,
      statement: purposeLines.length ? 'These are the reasons we use your information, why the law allows it and how long we keep it.' : 'Your consents name no purpose that is in use now.',
    },
    disclosures: {
      items: disclosures, statement: disclosureStatement(disclosures, allDisclosures), leftOut: DISCLOSURES_LEFT_OUT, toComplete: allDisclosures ? null : MANAGER_TO_COMPLETE,
    },
    meetingNotes: { items: meetingNotes, statement: meetingNotesStatement(meetingNotes) },
    access: {
      months: access,
      statement: access.length ? 'Every time someone opens part of your record, Confide writes it down. This is who looked, by team and role.' : 'Nobody has looked at your record in Confide yet.',
      leftOut: 'This does not include work to keep you or other people safe where telling you could put someone at risk. The law allows us to leave this out.',
    },
    yourRights: {
      withdraw: `You can withdraw any consent at any time: in writing, by phone or in person. It stops at once. Tell any member of staff${contact ? ', or contact us (details below)' : ''}.`,
      copy: `You can ask for a copy of all the information we hold about you. Ask any member of staff${contact ? ', or contact us (details below)' : ''}. We will reply within one month.`,
      contact: reach,
      complain: ctx.services.config.jurisdiction === 'GB'
        ? "If you are unhappy with how we use your information, please tell us first. You can also complain to the Information Commissioner's Office: ico.org.uk, 0303 123 1113."
        : null,
    },
    restricted,
  };
  ctx.audit.add(fromDecision('person.information-use', personalShown ? preparing : d, {
    resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId,
    detail: {
      format, classes: personalShown ? ['personal'] : [], notices: noticeItems.length, consents: consents.length, purposes: purposeLines.length,
      disclosures: disclosures.length, disclosuresComplete: allDisclosures, meetings: meetingNotes.length, accessMonths: access.length, restricted: restricted.map((r) => r.section),
    },
  }));
  return model;
}
