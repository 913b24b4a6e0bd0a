// Words the app shows for the API's names: fields, classifications, roles and audited actions.

import type { Alerted } from './api/models';

export const FIELD_LABELS: Record<string, string> = {
  kind: 'Kind', givenName: 'Given name', familyName: 'Family name', preferredName: 'Preferred name', pronouns: 'Pronouns',
  dateOfBirth: 'Date of birth', email: 'Email', phone: 'Phone', address: 'Address', ethnicity: 'Ethnicity',
  healthNotes: 'Health notes', safeguardingNotes: 'Safeguarding notes',
  service: 'Service', status: 'Status', openedOn: 'Opened', closedOn: 'Closed', summary: 'Summary', supportNeeds: 'Support needs',
  riskNotes: 'Risk notes', title: 'Title', body: 'What happened', channel: 'How it took place', occurredAt: 'When',
  filename: 'File name', classification: 'Classification', name: 'Name', website: 'Website', contactName: 'Contact name',
  commercialNotes: 'Commercial notes', password: 'Password',
};
export const fieldLabel = (f: string) => FIELD_LABELS[f] ?? f.replace(/([A-Z])/g, ' $1').toLowerCase();

export const CLASSIFICATION_LABELS: Record<string, { label: string; description: string }> = {
  general: { label: 'General', description: 'names, dates and status' },
  personal: { label: 'Personal', description: 'contact details, date of birth, case summaries' },
  special: { label: 'Special category', description: 'health, ethnicity and support needs' },
  safeguarding: { label: 'Safeguarding', description: 'child and vulnerable-adult protection information' },
  session: { label: 'Session details', description: 'what happened in sessions and conversations' },
  commercial: { label: 'Commercial', description: 'business information of an organisation' },
};

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

/** What an audited action did, as a verb phrase after the person's name ("viewed the person’s record"). */
const ACTION_PHRASES: Record<string, string> = {
  'audit.read': 'looked at who has seen these records',
  'case.team.manage': 'changed who is on a case team',
  'breakglass.open': 'opened the record with emergency (break-glass) access',
  'breakglass.review': 'reviewed an emergency (break-glass) access',
  'grant.request': 'asked a manager for access',
  'grant.decide': 'decided an access request',
  'grant.revoke': 'ended an access grant',
};
const VERBS: Record<string, string> = { read: 'viewed', create: 'created', update: 'changed', archive: 'archived' };
const NOUNS: Record<string, string> = { person: 'the person’s record', case: 'a case', note: 'a note', attachment: 'an attachment', organisation: 'an organisation' };

/** "viewed the person’s record" from ("person.read", "person"). */
export function describeAction(action: string, resourceType: string): string {
  if (ACTION_PHRASES[action]) return ACTION_PHRASES[action];
  const verb = VERBS[action.split('.').pop() ?? ''];
  return verb ? `${verb} ${NOUNS[resourceType] ?? 'a record'}` : action.replace('.', ' ');
}

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
 * Who was alerted and how, as it is: always in Confide; by e-mail only when e-mails were queued, and said to be
 * waiting when no e-mail server is set up. For at least one person (the page says so when nobody could be alerted).
 */
export function howAlerted(a: Alerted): string {
  const [one, many] = ROLE_NOUNS[a.role] ?? [a.role, a.role];
  const inApp = `${a.people === 1 ? `One ${one} was` : `${a.people} ${many} were`} alerted just now in Confide`;
  if (a.emailed === 0) return `${inApp}. Nobody was e-mailed: there is no e-mail address on ${a.people === 1 ? 'their account' : 'their accounts'}.`;
  const mails = a.emailed === 1 ? 'an e-mail waits' : `${a.emailed} e-mails wait`;
  if (a.emailHeld) return `${inApp}; ${mails} in the outbox, as no e-mail server is set up.`;
  return `${inApp} and by e-mail${a.emailed < a.people ? ` (${a.emailed} of them: the others have no e-mail address on their account)` : ''}.`;
}
