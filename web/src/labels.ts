// Words the app shows for the API's names: fields, classifications, roles and audited actions.

import type { Alerted } from './api/models';

export const FIELD_LABELS: Record<string, string> = {
  kind: 'Kind', givenName: 'Given name', familyName: 'Family name', preferredName: 'Preferred name', pronouns: 'Pronouns',
  dateOfBirth: 'Date of birth', email: 'Email', phone: 'Phone', address: 'Address', ethnicity: 'Ethnicity',
  healthNotes: 'Health notes', safeguardingNotes: 'Safeguarding notes',
  service: 'Service', status: 'Status', openedOn: 'Opened', closedOn: 'Closed', summary: 'Summary', supportNeeds: 'Support needs',
  riskNotes: 'Risk notes', title: 'Title', body: 'What happened', channel: 'How it took place', occurredAt: 'When',
  filename: 'File name', classification: 'Classification', name: 'Name', website: 'Website', contactName: 'Contact name',
  contactEmail: 'Contact email', contactPhone: 'Contact phone', commercialNotes: 'Commercial notes', password: 'Password',
  purposeId: 'Purpose',
};
/** A field's label, in sentence case like every label here: its own words, or its API name spelt out ("Contact email"). */
export const fieldLabel = (f: string) => {
  if (FIELD_LABELS[f]) return FIELD_LABELS[f];
  const words = f.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const CLASSIFICATION_LABELS: Record<string, { label: string; description: string }> = {
  general: { label: 'General', description: 'names, dates and status' },
  personal: { label: 'Personal', description: 'contact details, date of birth, case summaries' },
  special: { label: 'Special category', description: 'health, ethnicity and support needs' },
  safeguarding: { label: 'Safeguarding', description: 'child and vulnerable-adult protection information' },
  session: { label: 'Session details', description: 'what happened in sessions and conversations' },
  commercial: { label: 'Commercial', description: 'business information of an organisation' },
};

/**
 * The classifications an access grant on each kind of record can open (3.4): those its information has — a person's
 * record and what hangs on the person (consents, disclosures, concerns); a case, its notes and files; an
 * organisation. Nothing else is offered: a person's record holds no business information, so "Commercial" is never
 * a choice for it. test/unit/grantable-classifications.test.ts keeps this in step with the record descriptors.
 */
export const GRANTABLE_BY_RECORD: Readonly<Record<'person' | 'case' | 'organisation', readonly string[]>> = {
  person: ['personal', 'special', 'safeguarding'],
  case: ['personal', 'special', 'safeguarding', 'session'],
  organisation: ['personal', 'commercial'],
};

/** Roles one account may not hold together (server: src/accounts/roles.ts, rule accounts/separate-roles). */
export const ROLES_HELD_APART = 'An administrator holds no other role; nobody is both manager and guardian; volunteers and students cannot be safeguarding leads.';

export const ROLE_LABELS: Record<string, { label: string; description: string }> = {
  administrator: { label: 'Administrator', description: 'accounts and the policy; sees no client records' },
  manager: { label: 'Manager', description: 'oversees every case, decides access requests, reviews break-glass' },
  guardian: { label: 'Guardian', description: 'data-protection lead: reviews how information is used' },
  staff: { label: 'Staff', description: 'works with the clients on their case teams' },
  volunteer: { label: 'Volunteer', description: 'general details of the people they work with' },
  student: { label: 'Student (placement)', description: 'general details of the people they work with' },
  safeguarding_lead: { label: 'Safeguarding lead', description: 'receives and works safeguarding concerns, makes referrals' },
};
export const roleList = (roles: readonly string[]) => roles.map((r) => ROLE_LABELS[r]?.label ?? r).join(', ') || 'no role';

export const PERSON_KINDS = [
  { id: 'service_user', label: 'Someone we support' },
  { id: 'member_of_public', label: 'Member of the public' },
  { id: 'staff', label: 'Member of staff' },
  { id: 'volunteer', label: 'Volunteer' },
] as const;
export const kindLabel = (k: string) => PERSON_KINDS.find((x) => x.id === k)?.label ?? k;

export const CHANNELS = [
  { id: 'face_to_face', label: 'Face to face' },
  { id: 'telephone', label: 'Telephone' },
  { id: 'email', label: 'Email' },
  { id: 'video', label: 'Video call' },
  { id: 'message', label: 'Message' },
  { id: 'other', label: 'Other' },
] as const;
export const channelLabel = (c: string | null) => CHANNELS.find((x) => x.id === c)?.label ?? '';

/**
 * What a note's title field says: the title is a general field, shown to everyone who can see the case — volunteers,
 * students, the guardian, managers — so session details stay out of it (3.4, practice 2).
 */
export const NOTE_TITLE_HINT = 'Everyone who can see this case sees the title, including volunteers, students and the guardian. Keep session details out of it: write them under “What happened”.';
/** What a note's body field says: only the staff team read it (practice 2). */
export const NOTE_BODY_HINT = 'Confidential to the staff team working with this client (practice 2).';

/**
 * What an audited action did, as a verb phrase after the person's name ("viewed the person’s record"). Every action
 * of the policy (src/policy/actions.ts) and every action an audit entry is written with — some are the audit's own,
 * never decided by the policy ("concern.alert", "breach.people") — has words here or below (READ_PHRASES, VERBS and
 * NOUNS): test/unit/action-labels.test.ts finds them all in the sources and fails on any shown by its name.
 */
const ACTION_PHRASES: Record<string, string> = {
  'audit.read': 'looked at who has seen these records',
  'access.explain': 'asked why someone can or cannot see these records',
  'case.team.manage': 'changed who is on a case team',
  'breakglass.open': 'opened the record with emergency (break-glass) access',
  'breakglass.review': 'reviewed an emergency (break-glass) access',
  'grant.request': 'asked a manager for access',
  'grant.decide': 'decided an access request',
  'grant.revoke': 'ended an access grant',
  'grant.withdraw': 'withdrew a request for access',
  'person.inform': 'recorded telling them how we keep information confidential',
  'person.information-use': 'opened the summary of how their information is used',
  'note.create': 'added a note to a case',
  'attachment.create': 'added a file to a case',
  'consent.record': 'recorded their answer about sharing their information',
  'consent.withdraw': 'recorded that they withdrew their consent',
  'consent.receipt': 'printed a receipt of their consent',
  'consent.check': 'checked whether their consent covers a sharing',
  'meeting.record': 'recorded a meeting with third parties',
  'meeting.update': 'changed the record of a meeting with third parties',
  'meeting.share': 'shared the notes of a meeting with an attendee',
  'disclosure.request': 'asked to share information with a third party',
  'disclosure.approve': 'decided a request to share information without consent',
  'disclosure.release': 'released information to a third party',
  'disclosure.pack': 'downloaded the information shared with a third party',
  'disclosure.told': 'recorded telling them about information shared',
  'concern.raise': 'raised a safeguarding concern',
  'concern.acknowledge': 'took on a safeguarding concern',
  'concern.work': 'recorded work on a safeguarding concern',
  'concern.record': 'recorded work on a safeguarding concern',
  'concern.settle': 'closed a safeguarding concern',
  'concern.close': 'closed a safeguarding concern',
  'concern.refer': 'made a safeguarding referral',
  'concern.subject': 'saw whom a safeguarding concern is about',
  'equality.record': 'recorded the equality monitoring answers they chose to give',
  'breach.report': 'reported a suspected breach',
  'breach.handle': 'recorded how a breach is dealt with',
  'breach.review': 'viewed how a breach is being dealt with',
  'breach.people': 'changed which people a breach affected',
  'breach.close': 'closed a breach record',
  'breach.open': 'opened a breach record for management to deal with',
  'breach.escalate': 'warned management that a breach must soon be reported to the ICO',
  'breach.flags': 'viewed the review flags',
  'breach.flag': 'raised a review flag for management',
  'breach.flag.dismiss': 'dismissed a review flag',
  'breach.flag.open': 'opened a breach record from a review flag',
  'concern.alert': 'alerted the safeguarding leads and management to a safeguarding concern',
  'concern.escalate': 'escalated a safeguarding concern nobody had taken on yet',
  'concern.chronology': 'read the chronology of a safeguarding concern',
  'concern.release': 'released an urgent safeguarding referral at once',
  'referral.review': 'reviewed a safeguarding referral released at once',
  'referral.complete': 'completed the record of a safeguarding referral',
  'referral.overdue': 'warned that the record of a safeguarding referral is overdue',
  'meeting.acknowledge': 'recorded that an attendee acknowledged a meeting is confidential',
  'meeting.acknowledgement-link': 'sent a meeting attendee a link to acknowledge that the meeting is confidential',
  'disclosure.acknowledge': 'recorded that the recipient of a disclosure accepted its terms',
  'disclosure.acknowledgement-link': 'sent the recipient of a disclosure a link to accept its terms',
  'disclosure.register': 'viewed the register of disclosures to third parties',
  'disclosure.verify': 'checked a copy of a disclosure pack against the register',
  'agreement.create': 'drafted a sharing agreement',
  'agreement.update': 'changed a draft sharing agreement',
  'agreement.manage': 'changed a sharing agreement',
  'agreement.sign': 'recorded who signed a sharing agreement',
  'agreement.signed': 'completed the signing of a sharing agreement',
  'agreement.attach': 'attached the signed copy of a sharing agreement',
  'agreement.document': 'opened the signed copy of a sharing agreement',
  'agreement.check': 'checked whether a sharing agreement covers a sharing',
  'agreement.review': 'reviewed a sharing agreement',
  'agreement.vary': 'started a variation of a sharing agreement',
  'agreement.terminate': 'ended a sharing agreement early',
  'purpose.approve': 'approved a purpose of the register',
  'purpose.reapprove': 're-approved a purpose of the register at its review',
  'purpose.retire': 'retired a purpose of the register',
  'purpose.assign': 'moved one of their cases to another purpose of the register',
  'notice.draft': 'drafted the notice people are given at first contact',
  'notice.publish': 'published the notice people are given at first contact',
  'notification.send': 'sent an alert',
  'notification.settle': 'marked alerts as dealt with',
  'organisation.team.manage': 'changed who deals with an organisation',
  'equality.report': 'viewed the equality monitoring report',
  'grant.list': 'viewed requests for access and access grants',
  'review.record': 'recorded a review of the confidentiality policy',
  'review.overdue': 'warned that the review of the confidentiality policy is overdue',
  'policy.accept': 'accepted the confidentiality policy',
  'policy.load': 'loaded or changed the confidentiality policy’s rules',
  'audit.verify': 'checked that the audit trail is intact',
  'account.self': 'looked at their own account',
  'account.password': 'changed their own password',
  'account.sign-in': 'signed in',
  'account.sign-out': 'signed out',
  'account.token.create': 'created an API token for their account',
  'account.token.revoke': 'revoked an API token',
  'account.totp.enrol': 'started to set up a second sign-in step',
  'account.totp.confirm': 'set up a second sign-in step',
  'account.totp.disable': 'removed a second sign-in step',
  'user.list': 'viewed the list of user accounts',
  'user.manage': 'managed a user account',
  'user.roles': 'changed the roles of a user account',
  'user.deactivate': 'deactivated a user account',
  'user.reset-password': 'reset the password of a user account',
};

/**
 * What reading each kind of record is called: one record opened, and a list of them (an audit entry's `list`). Named
 * by the action's record type — a person's cases are listed "under" the person, but what was seen is their cases.
 */
const READ_PHRASES: Record<string, [one: string, list: string]> = {
  person: ['viewed the person’s record', 'saw the person in a list of people'],
  case: ['opened one of their cases', 'viewed the list of their cases'],
  note: ['read a note of a session or conversation', 'viewed the list of notes on a case'],
  attachment: ['opened a file on a case', 'viewed the list of files on a case'],
  consent: ['viewed one of their consent answers', 'viewed their consent history'],
  meeting: ['viewed the record of a meeting with third parties', 'viewed the list of their meetings with third parties'],
  disclosure: ['viewed a disclosure to a third party', 'viewed the list of disclosures about them'],
  concern: ['viewed a safeguarding concern', 'viewed a list of safeguarding concerns'],
  referral: ['viewed a safeguarding referral', 'viewed a list of safeguarding referrals'],
  breach: ['viewed a breach record', 'viewed a list of breaches'],
  organisation: ['viewed an organisation', 'viewed a list of organisations'],
  equality: ['viewed equality monitoring answers', 'viewed equality monitoring answers'],
  agreement: ['viewed a sharing agreement', 'viewed the list of sharing agreements'],
  purpose: ['viewed a purpose of the register', 'viewed the purpose register'],
  notice: ['viewed the notice people are given at first contact', 'viewed the notices people are given at first contact'],
  notification: ['opened an alert', 'viewed their alerts'],
  policy: ['viewed the confidentiality policy', 'viewed the confidentiality policy'],
  review: ['viewed the management review', 'viewed the management review'],
};
/** Lists that are not a list of their action's records ("first-contacts": when the person was told of the policy). */
const LIST_PHRASES: Record<string, string> = {
  'first-contacts': 'viewed when they were told how we keep information confidential',
};
const VERBS: Record<string, string> = { create: 'created', update: 'changed', archive: 'archived' };
const NOUNS: Record<string, string> = {
  person: 'the person’s record', case: 'a case', note: 'a note', attachment: 'a file', organisation: 'an organisation', consent: 'a consent answer',
  meeting: 'the record of a meeting', disclosure: 'a disclosure', concern: 'a safeguarding concern', breach: 'a breach record',
  agreement: 'a sharing agreement', purpose: 'a purpose of the register', user: 'a user account', notice: 'the notice people are given at first contact',
};

/**
 * "opened one of their cases" for ("case.read", null), "viewed the list of their cases" for ("case.read", "case"):
 * what an audited action did, named for the kind of record the action is on, and whether one was opened or a list.
 */
export function describeAction(action: string, list: string | null = null): string {
  if (ACTION_PHRASES[action]) return ACTION_PHRASES[action];
  const [type, ...rest] = action.split('.');
  const verb = rest.join('.');
  if (verb === 'read') {
    if (list && LIST_PHRASES[list]) return LIST_PHRASES[list];
    const phrases = READ_PHRASES[type];
    if (phrases) return list ? phrases[1] : phrases[0];
    return `viewed ${NOUNS[type] ?? 'a record'}`;
  }
  return VERBS[verb] ? `${VERBS[verb]} ${NOUNS[type] ?? 'a record'}` : action.replace('.', ' ');
}

/** How a rule other than an entry's own opened part of a record ("under emergency access"), by rule. */
const OTHER_RULE_PHRASES: Record<string, string> = {
  'break-glass/emergency-access': 'under emergency access',
  'need-to-know/access-grant': 'under access a manager granted',
  'session/manager-on-team': 'as a manager on the staff team',
};
/** "under emergency access" for the rule that opened part of a record; a plain phrase for any other rule. */
export const otherRulePhrase = (rule: string) => OTHER_RULE_PHRASES[rule] ?? 'under another rule';

/** How a person was given the notice (4.1). */
export const CONTACT_METHODS = [
  { id: 'in_person', label: 'In person', description: 'Read out or handed over face to face' },
  { id: 'phone', label: 'By phone', description: 'Read out over the phone' },
  { id: 'online', label: 'Online', description: 'Sent by email or shown on a video call' },
  { id: 'letter', label: 'By letter', description: 'Posted or given as a printed copy' },
] as const;
export const contactMethodLabel = (m: string) => CONTACT_METHODS.find((x) => x.id === m)?.label ?? m;

const languageNames = new Intl.DisplayNames(['en-GB'], { type: 'language' });
/** "Welsh" for "cy"; the tag itself when the browser does not know it. */
export const languageName = (tag: string) => {
  try {
    return languageNames.of(tag) ?? tag;
  } catch {
    return tag;
  }
};

/** A role's holders, one and many, as a sentence names them. */
export const ROLE_NOUNS: Record<string, [string, string]> = {
  safeguarding_lead: ['safeguarding lead', 'safeguarding leads'], manager: ['manager', 'managers'], guardian: ['guardian', 'guardians'],
};

/**
 * Who was found through `roles`, as a sentence's subject names them, with its verb: "One safeguarding lead was",
 * "3 managers were"; through several roles, "One person, a safeguarding lead and manager, was" (someone holding
 * both) or "4 people, the safeguarding leads and managers, were".
 */
function whoWas(roles: readonly string[], people: number): string {
  const nouns = roles.map((r) => ROLE_NOUNS[r] ?? [r, r]);
  if (nouns.length === 1) return people === 1 ? `One ${nouns[0][0]} was` : `${people} ${nouns[0][1]} were`;
  if (nouns.length === 0) return people === 1 ? 'One person was' : `${people} people were`;
  const and = (names: string[]) => `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return people === 1 ? `One person, a ${and(nouns.map((n) => n[0]))}, was` : `${people} people, the ${and(nouns.map((n) => n[1]))}, were`;
}

/**
 * Who was alerted and how, as it is: always in Confide; by e-mail only when e-mails were queued, and said to be
 * waiting when no e-mail server is set up. For at least one person who can act (the page says so when nobody could
 * be alerted); those alerted whose accounts are not set up yet are said apart ({@link notSetUpWords}).
 */
export function howAlerted(a: Alerted): string {
  const inApp = `${whoWas(a.roles, a.people)} alerted just now in Confide`;
  const more = a.notSetUp ? ` ${notSetUpWords(a.notSetUp, true)}` : '';
  if (a.emailed === 0) return `${inApp}. Nobody was e-mailed: there is no e-mail address on ${a.people === 1 ? 'their account' : 'their accounts'}.${more}`;
  const mails = a.emailed === 1 ? 'an e-mail waits' : `${a.emailed} e-mails wait`;
  if (a.emailHeld) return `${inApp}; ${mails} in the outbox, as no e-mail server is set up.${more}`;
  return `${inApp} and by e-mail${a.emailed < a.people ? ` (${a.emailed} of them: the others have no e-mail address on their account)` : ''}.${more}`;
}

/**
 * The people alerted whose accounts are not set up yet (src/accounts/can-act.ts: their holder has not signed in and
 * chosen a password), and that they cannot act on it until they do; `more` when others who can act were alerted too.
 */
export function notSetUpWords(n: number, more: boolean): string {
  const accounts = n === 1 ? `${more ? 'One more account was' : 'One account was'} alerted too, whose holder has` : `${n} ${more ? 'more accounts were' : 'accounts were'} alerted too, whose holders have`;
  return `${accounts} not yet signed in and chosen a password: they will see it once they do, and cannot act on it before.`;
}
