import { z } from 'zod';
import { linkAcknowledgeBody, linkTokenParams } from '../acknowledgement/schema';
import { publicRoute, route } from '../http/route';
import { acknowledgeConfidentiality, createMeeting, getMeeting, shareMeetingNotes } from './commands';
import { acknowledgeMeetingLink, issueMeetingLink, showMeetingLink } from './link';
import { listMeetingsForPerson } from './queries';
import { acknowledgeBody, attendeeParams, createMeetingBody, meetingParams, shareBody } from './schema';

const tags = ['meetings'];

const empty = z.strictObject({}).optional();

/** Meetings with third parties (practice 3): attendees, their acknowledgement of confidentiality, notes shared after it. */
export const meetingRoutes = [
  route({
    method: 'POST', url: '/api/meetings', action: 'meeting.record', tags, body: createMeetingBody, status: 201,
    bodyTarget: [{ id: 'personId', type: 'person' }, { id: 'caseId', type: 'case' }],
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
  route({
    method: 'POST', url: '/api/meetings/:id/attendees/:attendeeId/acknowledgement-link', action: 'meeting.update', tags, params: attendeeParams, body: empty, status: 201,
    summary: 'Issue the one-time, expiring link through which an external attendee acknowledges confidentiality and then receives the notes once',
    responses: { 409: 'The attendee already used a link: the notes went to them once' },
    handler: (ctx, { params }) => issueMeetingLink(ctx, params.id, params.attendeeId),
  }),
  publicRoute({
    method: 'GET', url: '/api/meeting-acknowledgements/:token', public: true, tags, params: linkTokenParams,
    summary: 'What an external attendee sees before acknowledging: the terms, who sends it, who it is for and when the meeting was held — nothing confidential',
    responses: { 404: 'Unknown, used or expired link (all alike)', 429: 'Too many attempts from this address' },
    handler: (ctx, { params, request }) => showMeetingLink(ctx, params.token, request.ip),
  }),
  publicRoute({
    method: 'POST', url: '/api/meeting-acknowledgements/:token', public: true, tags, params: linkTokenParams, body: linkAcknowledgeBody,
    summary: "The attendee acknowledges confidentiality with their typed name and the date; the link stops working and the meeting's notes are given once (JSON and a CONFIDENTIAL PDF), or withheld with the rule that refused",
    responses: {
      400: "Bad input, or a typed name that is not the attendee's as the organiser recorded it (body.typedName, code typed-name-mismatch): nothing is written, the attempt counts and the link still works",
      404: 'Unknown, used or expired link (all alike)', 429: 'Too many attempts from this address, or too many wrong names on this link (Retry-After)',
    },
    handler: (ctx, { params, body, request }) => acknowledgeMeetingLink(ctx, params.token, request.ip, body),
  }),
];
