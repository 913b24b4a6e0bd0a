// Words the app shows for the API's names: fields, classifications, roles and audited actions.

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

/** What an audited action did, as a verb phrase: "read", "changed", … */
const ACTION_VERBS: Record<string, string> = {
  read: 'viewed', create: 'created', update: 'changed', archive: 'archived', request: 'asked for access to', decide: 'decided access to',
  revoke: 'ended access to', open: 'opened with break-glass', review: 'reviewed break-glass on', manage: 'changed the team of',
};
const NOUNS: Record<string, string> = { person: 'the person’s record', case: 'a case', note: 'a note', attachment: 'an attachment', grant: 'an access grant', user: 'an account' };

/** "viewed the person’s record" from ("person.read", "person"). */
export function describeAction(action: string, resourceType: string): string {
  if (action === 'audit.read') return 'looked at who has seen this record';
  if (action === 'case.team.manage') return 'changed a case team';
  if (action === 'breakglass.open') return 'used emergency (break-glass) access to';
  const verb = ACTION_VERBS[action.split('.').pop() ?? ''] ?? action;
  return `${verb} ${NOUNS[resourceType] ?? resourceType}`;
}
