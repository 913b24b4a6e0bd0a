import { z } from 'zod';
import { pageQuery } from '../records/paging';

/** How a person was given the notice (4.1). */
export const CONTACT_METHODS = ['in_person', 'phone', 'online', 'letter'] as const;
/** A notice version is a draft until published; a published version is never changed (a change is a new version). */
export const NOTICE_STATUSES = ['draft', 'published'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

/** A language tag (BCP 47, lower-case primary subtag), e.g. "en", "cy", "pt-BR". */
export const language = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as "en", "cy" or "pt-BR"')
  .max(35);

/**
 * POST /api/notices: a new version of the notice, or with `translationOf` a translation of an existing version into
 * another language. `publish` publishes it at once (default: kept as a draft to publish later).
 */
export const createNoticeBody = z.strictObject({
  title: text(200),
  body: text(100_000).describe('the notice text (plain text or Markdown)'),
  language,
  translationOf: z.number().int().min(1).optional().describe('the version this is a translation of'),
  publish: z.boolean().default(false),
});
export type CreateNoticeInput = z.infer<typeof createNoticeBody>;

/** GET /api/notices. */
export const listNoticesQuery = z.strictObject({
  language: language.optional(),
  status: z.enum(NOTICE_STATUSES).optional(),
});
export type ListNoticesQuery = z.infer<typeof listNoticesQuery>;

/** GET /api/privacy-notice: which language to read it in (default English, or the first there is). */
export const publicNoticeQuery = z.strictObject({ lang: language.optional() });

/** The fields of a first contact, shared by its own route and by registering a person. */
export const firstContactFields = {
  noticeVersion: z.number().int().min(1).describe('the version of the notice given'),
  language: language.describe('the language of the notice given'),
  contactedOn: z.iso.date().describe('the date the person was told (not in the future)'),
  method: z.enum(CONTACT_METHODS),
  questions: text(5000).optional().describe('questions the person asked, if any'),
};

/** POST /api/people/:id/first-contacts: the person was given the notice (4.1). */
export const firstContactBody = z.strictObject(firstContactFields);
export type FirstContactInput = z.infer<typeof firstContactBody>;

/** GET /api/people/not-yet-told: the worklist, name-ordered, paged like the people list. */
export const notYetToldQuery = z.strictObject({ ...pageQuery, q: z.string().trim().min(1).max(100).optional() });
export type NotYetToldQuery = z.infer<typeof notYetToldQuery>;

/** Path parameter of a record id. */
export const idParams = z.strictObject({ id: z.uuid() });
