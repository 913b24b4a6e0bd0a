import { route } from '../http/route';
import { versionedRecordRoutes } from '../records/routes';
import { setEtag } from '../http/versions';
import { archiveNote, createNote, updateNote } from './commands';
import { getNote, listNotes } from './queries';
import { caseParams, createNoteBody, listNotesQuery, updateNoteBody } from './schema';

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
  ...versionedRecordRoutes({
    type: 'note', path: '/api/notes', tags,
    read: { summary: 'Read a note: the body is restricted unless you are on the staff team working with the client', run: getNote },
    update: { summary: 'Change a note you wrote, while on the case team (If-Match required)', body: updateNoteBody, run: updateNote },
    archive: { summary: 'Archive a note you wrote (kept, hidden from lists; not erasure)', run: archiveNote },
  }),
];
