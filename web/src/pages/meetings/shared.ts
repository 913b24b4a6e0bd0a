// Meetings with third parties (practice 3): the API's shapes (src/meetings/commands.ts presentMeeting, queries.ts) and words.

export interface Attendee {
  id: string;
  kind: 'user' | 'external';
  userId: string | null;
  name: string;
  organisation: string | null;
  /** For a user here, the role they hold (src/meetings/attendee-role.ts); for an external attendee, who they are. */
  role: string;
  /** A third party at the meeting (practice 3): external, or a student, volunteer or visitor here. They acknowledge confidentiality. */
  thirdParty: boolean;
  acknowledgedAt: string | null;
  acknowledgementMethod: string | null;
  /** An unused one-time link: until when it works (null when none, or once used). */
  linkExpiresAt: string | null;
  /** Once the link was used: when, and the name and date the attendee typed (their signature). */
  linkUsedAt: string | null;
  linkName: string | null;
  linkDate: string | null;
  /** When the notes went to them through the link (null when withheld). */
  notesServedAt: string | null;
}
export interface Meeting {
  id: string;
  about: 'person' | 'case' | 'general';
  personId: string | null;
  caseId: string | null;
  title: string;
  heldAt: string;
  notes: string;
  notesClassification: 'general' | 'personal' | 'special' | 'session';
  /**
   * For session notes: the client's request that they go to the meeting's third parties (practice 2) — how and when
   * they asked, in staff's words, who recorded it and when. Null when they did not ask: the notes go to none of them.
   */
  clientRequest: { detail: string; recordedBy: string | null; recordedAt: string | null } | null;
  attendees: Attendee[];
  createdBy: string;
  createdAt: string;
  version: number;
}
export interface MeetingItem {
  id: string;
  about: 'person' | 'case';
  caseId: string | null;
  title: string;
  heldAt: string;
  notesClassification: string;
  attendees: number;
  external: number;
  awaitingAcknowledgement: number;
}
export interface SharedNotes {
  marking: string;
  terms: string;
  recipient: { name: string; organisation: string | null; role: string; acknowledgedAt: string };
  meeting: { title: string; heldAt: string; notes: string };
  sharedAt: string;
  reference: string;
  sha256: string;
}

export const EXTERNAL_ROLES = [
  { id: 'health_professional', label: 'Health professional' },
  { id: 'other_agency', label: 'Another agency' },
  { id: 'student', label: 'Placement student' },
  { id: 'volunteer', label: 'Volunteer' },
  { id: 'visitor', label: 'Visitor' },
] as const;
/** The roles a user here may be recorded with at a meeting, in words. */
const USER_ROLES: Readonly<Record<string, string>> = {
  manager: 'Manager here', safeguarding_lead: 'Safeguarding lead here', staff: 'Staff here', guardian: 'Guardian here', administrator: 'Administrator here',
  volunteer: 'Volunteer here', student: 'Placement student here', visitor: 'Visitor with an account here',
};
/** Who an attendee is, in words: a user here by the role they hold, an external attendee by who they are. */
export const roleLabel = (a: Pick<Attendee, 'kind' | 'role'>) =>
  (a.kind === 'user' ? USER_ROLES[a.role] : EXTERNAL_ROLES.find((r) => r.id === a.role)?.label) ?? a.role;
export const NOTE_CLASSES = [
  { id: 'general', label: 'General', description: 'Nothing personal or sensitive' },
  { id: 'personal', label: 'Personal', description: 'About the person and their circumstances' },
  { id: 'special', label: 'Special category', description: 'Health, ethnicity or support needs' },
  { id: 'session', label: 'Session details', description: 'What happened in sessions: never passed to a third party unless the client asked' },
] as const;
