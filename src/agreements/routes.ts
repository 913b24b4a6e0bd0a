import { open } from 'node:fs/promises';
import { contentDisposition } from '../attachments/routes';
import { contentPath, removeTemp } from '../attachments/store';
import { route } from '../http/route';
import { formParts } from '../http/uploads';
import { ifMatchVersion, setEtag } from '../http/versions';
import type { Classification } from '../policy/types';
import { createAgreement, recordSignatory, terminateAgreement, updateAgreement, varyAgreement } from './commands';
import { checkAgreement } from './covers';
import { attachSignedCopy, authoriseSignedCopy, receiveSignedCopy, type SignedCopy } from './document';
import { agreementsDueForReview, getAgreement, listAgreements } from './queries';
import { listAgreementReviews, recordAgreementReview } from './reviews';
import { agreementParams, checkAgreementQuery, createAgreementBody, listAgreementsQuery, recordReviewBody, reviewDueQuery, signatoryBody, terminateBody, updateAgreementBody } from './schema';

const tags = ['agreements'];
type Versioned = { version: number };
const tagged = async <T extends Versioned>(reply: { header(n: string, v: string): unknown }, p: Promise<T>) => {
  const r = await p;
  setEtag(reply as never, r.version);
  return r;
};

/** Sharing agreements — joint working protocols with partners (practice 5.1). */
export const agreementRoutes = [
  route({
    method: 'GET', url: '/api/agreements', action: 'agreement.read', tags, query: listAgreementsQuery,
    summary: 'Sharing agreements by title (who with, for what; not the signed copy); filter by status or partner',
    handler: (ctx, { query }) => listAgreements(ctx, query),
  }),
  route({
    method: 'GET', url: '/api/agreements/review-due', action: 'agreement.read', tags, query: reviewDueQuery,
    summary: 'Signed agreements whose end or review date falls within withinDays (default AGREEMENT_REVIEW_DAYS)',
    handler: (ctx, { query }) => agreementsDueForReview(ctx, query.withinDays),
  }),
  route({
    method: 'GET', url: '/api/agreements/check', action: 'agreement.check', tags, query: checkAgreementQuery,
    summary: 'Does a signed agreement in force cover this partner, purpose and information? (audited)',
    handler: (ctx, { query }) => checkAgreement(ctx, { organisationId: query.organisationId, purposeId: query.purposeId, categories: query.categories as Classification[], at: query.at ? new Date(query.at).toISOString() : undefined }),
  }),
  route({
    method: 'POST', url: '/api/agreements', action: 'agreement.manage', tags, body: createAgreementBody, status: 201,
    summary: 'Draft a sharing agreement (management or the guardian)',
    handler: async (ctx, { body, reply }) => {
      const a = await tagged(reply, createAgreement(ctx, body));
      reply.header('location', `/api/agreements/${a.data.id}`);
      return a;
    },
  }),
  route({
    method: 'GET', url: '/api/agreements/:id', action: 'agreement.read', tags, params: agreementParams,
    summary: 'Read a sharing agreement',
    handler: (ctx, { params, reply }) => tagged(reply, getAgreement(ctx, params.id)),
  }),
  route({
    method: 'PATCH', url: '/api/agreements/:id', action: 'agreement.manage', tags, params: agreementParams, body: updateAgreementBody,
    summary: 'Change a draft no party has signed yet (If-Match required)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, updateAgreement(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/agreements/:id/signatories', action: 'agreement.manage', tags, params: agreementParams, body: signatoryBody,
    summary: "Record one party's signatory (ours: a manager or the guardian; If-Match required)",
    handler: (ctx, { params, body, request, reply }) => tagged(reply, recordSignatory(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/agreements/:id/document', action: 'agreement.manage', tags, params: agreementParams, multipart: true,
    summary: 'Attach the signed copy (multipart/form-data: file, a PDF or scanned image; If-Match required)',
    responses: { 413: 'The file is larger than MAX_UPLOAD_BYTES', 415: 'Not a PDF or image, or it does not match its bytes' },
    receive: ({ request }, services) => receiveSignedCopy(formParts(request), services.config),
    release: (received) => removeTemp((received as SignedCopy).tmpPath),
    handler: (ctx, { params, received, request, reply }) => tagged(reply, attachSignedCopy(ctx, params.id, ifMatchVersion(request), received as SignedCopy)),
  }),
  route({
    method: 'GET', url: '/api/agreements/:id/document', action: 'agreement.document', tags, params: agreementParams,
    summary: 'Download the signed copy (management and the guardian; audited)',
    handler: async (ctx, { params, reply }) => {
      const file = await authoriseSignedCopy(ctx, params.id);
      const fh = await open(contentPath(ctx.services.config, file.sha256), 'r').catch(() => {
        throw new Error('agreement signed copy is missing from storage'); // a true server fault: logged, 500
      });
      reply.header('content-type', file.contentType).header('content-length', String(file.sizeBytes))
        .header('content-disposition', contentDisposition(file.filename)).header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox");
      return fh.createReadStream();
    },
  }),
  route({
    method: 'POST', url: '/api/agreements/:id/terminate', action: 'agreement.manage', tags, params: agreementParams, body: terminateBody,
    summary: 'End a signed agreement early, with the reason (If-Match required)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, terminateAgreement(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'GET', url: '/api/agreements/:id/reviews', action: 'agreement.read', tags, params: agreementParams,
    summary: 'The reviews of a sharing agreement, newest first: who, when, the outcome, the note and the next review date',
    handler: (ctx, { params }) => listAgreementReviews(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/agreements/:id/reviews', action: 'agreement.review', tags, params: agreementParams, body: recordReviewBody,
    summary: 'Record a review of a signed agreement in force (managers or the guardian; If-Match required): the outcome, a note and the next review date',
    responses: { 409: 'A draft, or an agreement superseded, ended or ended early: not reviewed' },
    handler: (ctx, { params, body, request, reply }) => tagged(reply, recordAgreementReview(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/agreements/:id/vary', action: 'agreement.manage', tags, params: agreementParams, status: 201,
    summary: 'Start a variation: a new draft version that supersedes this one once signed',
    handler: (ctx, { params, reply }) => tagged(reply, varyAgreement(ctx, params.id)),
  }),
];
