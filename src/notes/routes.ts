import { route } from '../http/route';
import { ifMatchVersion, setEtag } from '../records/versioned';
import { archiveNote, createNote, updateNote } from './commands';
import { getNote, listNotes } from './queries';
import { caseParams, createNoteBody, idParams, listNotesQuery, updateNoteBody } from './schema';

const tags = ['notes'];

/** Session notes and conversations: confidential to the staff team working with the client (practice 1–2). */
export const noteRoutes = [
  route({
    method: 'GET', url: '/api/cases/:caseId/notes', action: 'note.read', tags, params: caseParams, query: listNotesQuery,
    summary: 'List the notes of a case (general fields; never a session body), newest first',
    handler: (ctx, { params, query }) => listNotes(ctx, params.caseId, query),
  }),
  route({
    method: 'POST', url: '/api/cases/:caseId/notes', action: 'note.create', tags, params: caseParams, body: createNoteBody, status: 201,
    summary: 'Record a session or a conversation (case team only)',
    handler: async (ctx, { params, body, reply }) => {
      const note = await createNote(ctx, params.caseId, body);
      reply.header('location', `/api/notes/${note.data.id as string}`);
      setEtag(reply, note.version);
      return note;
    },
  }),
  route({
    method: 'GET', url: '/api/notes/:id', action: 'note.read', tags, params: idParams,
    summary: 'Read a note: the body is restricted unless you are on the staff team working with the client',
    handler: async (ctx, { params, reply }) => {
      const note = await getNote(ctx, params.id);
      setEtag(reply, note.version);
      return note;
    },
  }),
  route({
    method: 'PATCH', url: '/api/notes/:id', action: 'note.update', tags, params: idParams, body: updateNoteBody,
    summary: 'Change a note you wrote, while on the case team (If-Match required)',
    handler: async (ctx, { params, body, request, reply }) => {
      const note = await updateNote(ctx, params.id, ifMatchVersion(request), body);
      setEtag(reply, note.version);
      return note;
    },
  }),
  route({
    method: 'POST', url: '/api/notes/:id/archive', action: 'note.archive', tags, params: idParams,
    summary: 'Archive a note you wrote (kept, hidden from lists; not erasure)',
    handler: async (ctx, { params, request, reply }) => {
      const note = await archiveNote(ctx, params.id, ifMatchVersion(request));
      setEtag(reply, note.version);
      return note;
    },
  }),
];
