import { route } from '../http/route';
import { setEtag } from '../http/versions';
import { consentReceiptPdf } from '../documents/consent-receipt-pdf';
import { checkConsent } from './check';
import { recordConsent, withdrawConsent } from './commands';
import { consentHistory, getConsent } from './queries';
import { kantaraReceipt, receiptModel } from './receipt';
import { checkBody, checkQuery, consentParams, historyQuery, personParams, recordConsentBody, withdrawBody } from './schema';

const tags = ['consent'];

/** Informed consent per purpose and recipient (1.3, 4.1, 4.2), its withdrawal, history, receipts and the check. */
export const consentRoutes = [
  route({
    method: 'POST', url: '/api/people/:id/consents', action: 'consent.record', tags, params: personParams, body: recordConsentBody, status: 201,
    summary: "Record a person's informed answer (given or refused) about one purpose, or a new version of it (staff on the case team)",
    handler: async (ctx, { params, body, reply }) => {
      const c = await recordConsent(ctx, params.id, body);
      reply.header('location', `/api/consents/${c.data.id as string}`);
      setEtag(reply, c.version);
      return c;
    },
  }),
  route({
    method: 'GET', url: '/api/people/:id/consents', action: 'consent.read', tags, params: personParams, query: historyQuery,
    summary: "A person's full consent history, newest first: every version, refusal and withdrawal",
    handler: (ctx, { params, query }) => consentHistory(ctx, params.id, query),
  }),
  route({
    method: 'GET', url: '/api/people/:id/consent-check', action: 'consent.check', tags, params: personParams, query: checkQuery,
    summary: "May this person's information in these categories go to this recipient for this purpose? The decision, its rule and clause, and the consent that decided",
    handler: (ctx, { params, query }) => checkConsent(ctx, params.id, { ...query, dataCategories: query.categories }, 'query'),
  }),
  route({
    method: 'POST', url: '/api/people/:id/consent-check', action: 'consent.check', tags, params: personParams, body: checkBody,
    summary: 'The consent check with the question in the body',
    handler: (ctx, { params, body }) => checkConsent(ctx, params.id, body, 'body'),
  }),
  route({
    method: 'GET', url: '/api/consents/:id', action: 'consent.read', tags, params: consentParams,
    summary: 'Read one consent version (what the person was told is restricted to the case team and management)',
    handler: async (ctx, { params, reply }) => {
      const c = await getConsent(ctx, params.id);
      setEtag(reply, c.version);
      return c;
    },
  }),
  route({
    method: 'POST', url: '/api/consents/:id/withdraw', action: 'consent.withdraw', tags, params: consentParams, body: withdrawBody, status: 201,
    summary: 'Record that the person withdrew this consent: it takes effect at once (anyone on the case team)',
    handler: async (ctx, { params, body, reply }) => {
      const c = await withdrawConsent(ctx, params.id, body);
      reply.header('location', `/api/consents/${c.data.id as string}`);
      return c;
    },
  }),
  route({
    method: 'GET', url: '/api/consents/:id/receipt', action: 'consent.read', tags, params: consentParams,
    summary: 'The Kantara Consent Receipt v1.1 JSON of a consent (audited)',
    handler: async (ctx, { params }) => kantaraReceipt(await receiptModel(ctx, params.id, 'json')),
  }),
  route({
    method: 'GET', url: '/api/consents/:id/receipt.pdf', action: 'consent.read', tags, params: consentParams,
    summary: 'A one-page printable receipt the person can keep (audited)',
    handler: async (ctx, { params, reply }) => {
      const pdf = await consentReceiptPdf(await receiptModel(ctx, params.id, 'pdf'), ctx.nowIso);
      reply.header('content-disposition', `attachment; filename="consent-receipt-${params.id}.pdf"`);
      reply.type('application/pdf');
      return pdf;
    },
  }),
];
