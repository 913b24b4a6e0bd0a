import { publicRoute, route } from '../http/route';
import { createNotice, publishNotice } from './commands';
import { listFirstContacts, recordFirstContact } from './first-contact';
import { publicNotice } from './public';
import { getNotice, listNotices } from './queries';
import { createNoticeBody, firstContactBody, idParams, listNoticesQuery, publicNoticeQuery } from './schema';

const tags = ['notices'];

/**
 * The organisation's notice and first contact (4.1): management and the guardian publish the notice in versions
 * and languages; everyone working here reads it; a worker who may see a person records that they were given it.
 */
export const noticeRoutes = [
  publicRoute({
    method: 'GET', url: '/api/privacy-notice', public: true, tags, query: publicNoticeQuery,
    summary: "The current published notice for anyone to read (what receipts link to), in a language it exists in, with the organisation's contact details",
    handler: (ctx, { query }) => publicNotice(ctx, query.lang),
  }),
  route({
    method: 'GET', url: '/api/notices', action: 'notice.read', tags, query: listNoticesQuery,
    summary: 'Every version of the notice in every language, newest first, marking the current one of each language (drafts for those who publish)',
    handler: (ctx, { query }) => listNotices(ctx, query),
  }),
  route({
    method: 'GET', url: '/api/notices/:id', action: 'notice.read', tags, params: idParams,
    summary: 'One version of the notice with its text',
    handler: (ctx, { params }) => getNotice(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/notices', action: 'notice.publish', tags, body: createNoticeBody, status: 201,
    summary: 'Write a new version of the notice, or a translation of a version (management and the guardian); publish at once with publish: true',
    handler: async (ctx, { body, reply }) => {
      const notice = await createNotice(ctx, body);
      reply.header('location', `/api/notices/${notice.id}`);
      return notice;
    },
  }),
  route({
    method: 'POST', url: '/api/notices/:id/publish', action: 'notice.publish', tags, params: idParams,
    summary: 'Publish a draft version of the notice (a published version is never changed)',
    handler: (ctx, { params }) => publishNotice(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/people/:id/first-contacts', action: 'person.inform', tags: ['people', ...tags], params: idParams, body: firstContactBody, status: 201,
    summary: 'Record that a person was given the notice: which version and language, when, how, and any questions they asked',
    handler: (ctx, { params, body }) => recordFirstContact(ctx, params.id, body),
  }),
  route({
    method: 'GET', url: '/api/people/:id/first-contacts', action: 'person.read', tags: ['people', ...tags], params: idParams,
    summary: 'The notices a person was given, oldest first (the note of their questions is personal information)',
    handler: (ctx, { params }) => listFirstContacts(ctx, params.id),
  }),
];
