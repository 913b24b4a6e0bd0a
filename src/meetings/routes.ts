import { route } from '../http/route';
import { acknowledgeConfidentiality, createMeeting, getMeeting, shareMeetingNotes } from './commands';
import { listMeetingsForPerson } from './queries';
import { acknowledgeBody, attendeeParams, createMeetingBody, meetingParams, shareBody } from './schema';

const tags = ['meetings'];

/** Meetings with third parties (practice 3): attendees, their acknowledgement of confidentiality, notes shared after it. */
export const meetingRoutes = [
  route({
    method: 'POST', url: '/api/meetings', action: 'meeting.record', tags, body: createMeetingBody, status: 201,
    summary: 'Record a meeting about a person or case you work with (or general): attendees, external ones with their role, and the notes',
    handler: async (ctx, { body, reply }) => {
      const m = await createMeeting(ctx, body);
      reply.header('location', `/api/meetings/${m.data.id}`);
      return m;
    },
  }),
  route({
    method: 'GET', url: '/api/people/:id/meetings', action: 'meeting.read', tags, params: meetingParams,
    summary: 'Meetings about a person and their cases that you may read (need to know; audited): titles, dates and acknowledgements, not the notes',
    handler: (ctx, { params }) => listMeetingsForPerson(ctx, params.id),
  }),
  route({
    method: 'GET', url: '/api/meetings/:id', action: 'meeting.read', tags, params: meetingParams,
    summary: "Read a meeting and its notes (need to know on its person or case; audited)",
    handler: (ctx, { params }) => getMeeting(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/meetings/:id/attendees/:attendeeId/acknowledge', action: 'meeting.update', tags, params: attendeeParams, body: acknowledgeBody,
    summary: "Record an external attendee's acknowledgement of confidentiality, attested at the meeting with its time",
    handler: (ctx, { params, body }) => acknowledgeConfidentiality(ctx, params.id, params.attendeeId, body),
  }),
  route({
    method: 'POST', url: '/api/meetings/:id/share', action: 'meeting.share', tags, params: meetingParams, body: shareBody,
    summary: 'The notes for one external attendee, marked CONFIDENTIAL: only after their acknowledgement, never session details unless the client asked',
    handler: (ctx, { params, body }) => shareMeetingNotes(ctx, params.id, body.attendeeId),
  }),
];
