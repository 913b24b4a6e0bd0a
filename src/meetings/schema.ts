import { z } from 'zod';
import { instant } from '../lib/clock';

/** Who an external attendee is (practice 3's list of third parties). */
export const EXTERNAL_ROLES = ['health_professional', 'other_agency', 'student', 'volunteer', 'visitor'] as const;
/** What a meeting's notes may be classified as. */
export const NOTE_CLASSIFICATIONS = ['general', 'personal', 'special', 'session'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * The client's request that their session details go to the third parties at the meeting (practice 2): how and
 * when they asked, in staff's words — recorded with who recorded it and when, as a disclosure's is.
 */
export const clientRequest = z.strictObject({ detail: text(2000).describe('how and when the client asked for their session details to be passed on') });

const external = z.strictObject({ name: text(200), organisation: text(200).optional(), role: z.enum(EXTERNAL_ROLES) });

/** POST /api/meetings: a meeting about a person, a case, or general, with its attendees and notes. */
export const createMeetingBody = z.strictObject({
  about: z.enum(['person', 'case', 'general']),
  personId: z.uuid().optional(),
  caseId: z.uuid().optional(),
  title: text(200),
  heldAt: instant({ offset: false }),
  notes: text(50_000),
  notesClassification: z.enum(NOTE_CLASSIFICATIONS).describe('session: never shared with a third party unless the client asked (practice 2)'),
  clientRequest: clientRequest.optional()
    .describe('practice 2: the client asked for their session details to be passed on to the third parties at the meeting — only for session notes, which go to none of them without it'),
  userIds: z.array(z.uuid()).max(50).default([]).refine((a) => new Set(a).size === a.length, 'list each user once'),
  external: z.array(external).max(50).default([]),
}).superRefine((v, ctx) => {
  if (v.about === 'person' && !v.personId) ctx.addIssue({ code: 'custom', path: ['personId'], message: 'required for a meeting about a person' });
  if (v.about === 'case' && !v.caseId) ctx.addIssue({ code: 'custom', path: ['caseId'], message: 'required for a meeting about a case' });
  if (v.about !== 'person' && v.personId) ctx.addIssue({ code: 'custom', path: ['personId'], message: `not for a meeting about ${v.about === 'case' ? 'a case' : 'no one'}` });
  if (v.about !== 'case' && v.caseId) ctx.addIssue({ code: 'custom', path: ['caseId'], message: `not for a meeting about ${v.about === 'person' ? 'a person' : 'no one'}` });
  // Only session details wait for the client's request; other notes go to an attendee once they acknowledge (practice 3).
  if (v.clientRequest && v.notesClassification !== 'session') ctx.addIssue({ code: 'custom', path: ['clientRequest'], message: 'only for notes classified session: other notes need no request of the client' });
});
export type CreateMeetingInput = z.infer<typeof createMeetingBody>;

/** POST /api/meetings/:id/attendees/:attendeeId/acknowledge: attested by staff at the meeting, with the time. */
export const acknowledgeBody = z.strictObject({
  method: z.literal('attested_at_meeting'),
  acknowledgedAt: instant({ offset: false }).describe('when the attendee acknowledged the confidentiality of the meeting'),
});

/** POST /api/meetings/:id/share: the notes for one external attendee. */
export const shareBody = z.strictObject({ attendeeId: z.uuid() });

export const meetingParams = z.strictObject({ id: z.uuid() });
export const attendeeParams = z.strictObject({ id: z.uuid(), attendeeId: z.uuid() });
