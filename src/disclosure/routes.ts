import { z } from 'zod';
import { publicRoute, route } from '../http/route';
import { setEtag } from '../http/versions';
import { decideException, recordPersonTold, requestDisclosure } from './commands';
import { getDisclosure, listDisclosureRegister, listDisclosuresForPerson, listDisclosuresForRecipient, registerCsv } from './queries';
import { acknowledgeTerms, attestAcknowledgement, issueAcknowledgementLink, releaseDisclosure, releasedPack, showAcknowledgement } from './release';
import { acknowledgeBody, approvalBody, attestationBody, idParams, releaseBody, personRegisterQuery, registerQuery, requestBody, tokenParams, toldBody } from './schema';

const tags = ['disclosure'];
const empty = z.strictObject({}).optional();

/**
 * Third-party disclosure (1.2, 1.3, 2.2, 3.2, 4.3): request, the manager's decision on an exception, the
 * recipient's acknowledgement (a one-time link, or staff attestation for an oral disclosure), release of the
 * CONFIDENTIAL pack, and the register per person, per recipient and organisation-wide.
 */
export const disclosureRoutes = [
  route({
    method: 'POST', url: '/api/disclosures', action: 'disclosure.request', tags, body: requestBody, status: 201,
    bodyTarget: [{ id: 'personIds', type: 'person' }],
    summary: "Request a disclosure of one person's chosen items to a named recipient for an active purpose (or record an oral one); the basis is decided on the server",
    handler: async (ctx, { body, reply }) => {
      const d = await requestDisclosure(ctx, body);
      reply.header('location', `/api/disclosures/${d.data.id as string}`);
      setEtag(reply, d.version);
      return d;
    },
  }),
  route({
    method: 'GET', url: '/api/disclosures', action: 'disclosure.register', tags, query: registerQuery,
    summary: 'The organisation-wide disclosure register (management and the guardian), filterable by date, basis and status; format=csv exports it',
    handler: async (ctx, { query, reply }) => {
      const out = await listDisclosureRegister(ctx, query);
      if (query.format !== 'csv') return out;
      if (out.nextCursor) reply.header('x-next-cursor', out.nextCursor);
      reply.header('content-disposition', 'attachment; filename="disclosure-register.csv"');
      reply.type('text/csv; charset=utf-8');
      return registerCsv(out.items);
    },
  }),
  route({
    method: 'GET', url: '/api/disclosures/:id', action: 'disclosure.read', tags, params: idParams,
    summary: 'Read a disclosure (need to know)',
    handler: async (ctx, { params, reply }) => {
      const d = await getDisclosure(ctx, params.id);
      setEtag(reply, d.version);
      return d;
    },
  }),
  route({
    method: 'POST', url: '/api/disclosures/:id/approval', action: 'disclosure.approve', tags, params: idParams, body: approvalBody,
    summary: 'A manager other than the requester approves or refuses an exception (1.3), with a justification and whether the person is told',
    handler: (ctx, { params, body }) => decideException(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/disclosures/:id/acknowledgement-link', action: 'disclosure.release', tags, params: idParams, body: empty, status: 201,
    summary: 'Issue the one-time, expiring link through which the recipient acknowledges the confidentiality terms',
    handler: (ctx, { params }) => issueAcknowledgementLink(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/disclosures/:id/attestation', action: 'disclosure.release', tags, params: idParams, body: attestationBody,
    summary: 'Attest that the recipient of an oral disclosure was told it is CONFIDENTIAL and accepted the terms',
    handler: (ctx, { params, body }) => attestAcknowledgement(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/disclosures/:id/release', action: 'disclosure.release', tags, params: idParams, body: releaseBody,
    summary: 'Release an acknowledged disclosure: everything is checked again, then the CONFIDENTIAL pack is made and its SHA-256 recorded',
    responses: { 400: 'Accepted under another name than the recipient\'s: confirm recipientChecked', 403: 'Refused with the rule and clause (consent withdrawn, purpose retired …): nothing released', 409: 'Not acknowledged yet' },
    handler: (ctx, { params, body }) => releaseDisclosure(ctx, params.id, body),
  }),
  route({
    method: 'GET', url: '/api/disclosures/:id/pack.pdf', action: 'disclosure.pack', tags, params: idParams,
    summary: 'The released pack as a PDF, exactly as it went out — or, when you may not read every item where it is kept, your copy with those items withheld and why (audited)',
    handler: async (ctx, { params, reply }) => {
      const p = await releasedPack(ctx, params.id, 'pdf');
      reply.header('content-disposition', `attachment; filename="disclosure-${p.reference}${p.copy === 'reader' ? '-your-copy' : ''}.pdf"`);
      reply.type('application/pdf');
      return p.body;
    },
  }),
  route({
    method: 'GET', url: '/api/disclosures/:id/pack.json', action: 'disclosure.pack', tags, params: idParams,
    summary: 'The released pack as JSON, exactly as it went out — or, when you may not read every item where it is kept, your copy with those items withheld and why (audited)',
    handler: async (ctx, { params, reply }) => {
      const p = await releasedPack(ctx, params.id, 'json');
      reply.header('content-disposition', `attachment; filename="disclosure-${p.reference}${p.copy === 'reader' ? '-your-copy' : ''}.json"`);
      reply.type('application/json');
      return p.body;
    },
  }),
  route({
    method: 'POST', url: '/api/disclosures/:id/person-told', action: 'disclosure.told', tags, params: idParams, body: toldBody,
    summary: 'Record when the person was told of the disclosure',
    handler: (ctx, { params, body }) => recordPersonTold(ctx, params.id, body.toldAt),
  }),
  route({
    method: 'GET', url: '/api/people/:id/disclosures', action: 'disclosure.read', tags, params: idParams, query: personRegisterQuery,
    summary: "A person's disclosure register: only what you may see under need to know",
    handler: (ctx, { params, query }) => listDisclosuresForPerson(ctx, params.id, query),
  }),
  route({
    method: 'GET', url: '/api/organisations/:id/disclosures', action: 'disclosure.register', tags, params: idParams, query: registerQuery,
    summary: 'What was released to one recipient organisation, newest first; format=csv exports it',
    handler: async (ctx, { params, query, reply }) => {
      const out = await listDisclosuresForRecipient(ctx, params.id, query);
      if (query.format !== 'csv') return out;
      if (out.nextCursor) reply.header('x-next-cursor', out.nextCursor);
      reply.header('content-disposition', 'attachment; filename="disclosures-to-recipient.csv"');
      reply.type('text/csv; charset=utf-8');
      return registerCsv(out.items);
    },
  }),
  publicRoute({
    method: 'GET', url: '/api/disclosure-acknowledgements/:token', public: true, tags, params: tokenParams,
    summary: 'What a recipient sees before acknowledging: the terms, the organisation, the reference and who it is for — nothing confidential',
    responses: { 404: 'Unknown, used or expired link (all alike)', 429: 'Too many attempts from this address' },
    handler: (ctx, { params, request }) => showAcknowledgement(ctx, params.token, request.ip),
  }),
  publicRoute({
    method: 'POST', url: '/api/disclosure-acknowledgements/:token', public: true, tags, params: tokenParams, body: acknowledgeBody,
    summary: 'The recipient acknowledges the confidentiality terms with their typed name and the date; the link then stops working',
    responses: { 404: 'Unknown, used or expired link (all alike)', 429: 'Too many attempts from this address' },
    handler: (ctx, { params, body, request }) => acknowledgeTerms(ctx, params.token, request.ip, body),
  }),
];
