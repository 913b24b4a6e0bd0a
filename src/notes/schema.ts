import { z } from 'zod';
import { pageQuery } from '../records/paging';
import { instant } from '../lib/clock';

/** What a note records: a session (practice 2) or a conversation with or about the client (practice 1). */
export const NOTE_KINDS = ['session', 'contact'] as const;
/** How a conversation took place (practice 1: face to face, telephone or any electronic media). */
export const CHANNELS = ['face_to_face', 'telephone', 'email', 'video', 'message', 'other'] as const;

const title = z.string().trim().min(1).max(200);
const body = z.string().trim().min(1).max(50_000);

/** POST /api/cases/:caseId/notes. A contact note names its channel; occurredAt defaults to now. */
export const createNoteBody = z
  .strictObject({
    kind: z.enum(NOTE_KINDS),
    channel: z.enum(CHANNELS).nullable().optional(),
    occurredAt: instant().optional(),
    title,
    body,
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'contact' && !v.channel) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'a contact note says how the conversation took place' });
  });
export type CreateNoteInput = z.infer<typeof createNoteBody>;

/** PATCH /api/notes/:id: any subset, at least one. */
export const updateNoteBody = z
  .strictObject({
    kind: z.enum(NOTE_KINDS).optional(),
    channel: z.enum(CHANNELS).nullable().optional(),
    occurredAt: instant().optional(),
    title: title.optional(),
    body: body.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateNoteInput = z.infer<typeof updateNoteBody>;

/** GET /api/cases/:caseId/notes. */
export const listNotesQuery = z.strictObject({
  ...pageQuery,
  kind: z.enum(NOTE_KINDS).optional(),
  includeArchived: z.enum(['true', 'false']).default('false'),
});
export type ListNotesQuery = z.infer<typeof listNotesQuery>;

/** Path parameter of a case, for the notes under it. */
export const caseParams = z.strictObject({ caseId: z.uuid() });
/** Path parameter of a note. */
export const idParams = z.strictObject({ id: z.uuid() });
