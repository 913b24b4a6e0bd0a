import { z } from 'zod';
import { route } from '../http/route';
import { setEtag } from '../http/versions';
import { acknowledgeConcern, closeConcern, raiseConcern, recordEntry } from './commands';
import { getChronology, getConcern, listConcerns } from './queries';
import { listReferrals } from './referral-queries';
import { completeReferral, decideReferral, makeReferral, reviewReferral } from './referrals';
import { closeBody, completionBody, concernParams, entryBody, listConcernsQuery, listReferralsQuery, raiseConcernBody, referralApprovalBody, referralBody, referralParams, reviewBody } from './schema';

const tags = ['safeguarding'];
const empty = z.strictObject({}).optional();

/**
 * Safeguarding concerns (practice 4.1–4.3): anyone working here raises one; the designated safeguarding leads and
 * management work it as a chronology; the raiser reads back their own report and its status.
 */
export const concernRoutes = [
  route({
    method: 'POST', url: '/api/concerns', action: 'concern.raise', tags, body: raiseConcernBody, status: 201,
    summary: 'Raise a safeguarding concern about a child or vulnerable adult (anyone working here); it reaches the safeguarding leads at once',
    handler: async (ctx, { body, reply }) => {
      const concern = await raiseConcern(ctx, body);
      reply.header('location', `/api/concerns/${concern.data.id as string}`);
      setEtag(reply, concern.version);
      return concern;
    },
  }),
  route({
    method: 'GET', url: '/api/concerns', action: 'concern.read', tags, query: listConcernsQuery,
    summary: 'Concerns you may see, newest first: all of them for the safeguarding leads and management, your own otherwise',
    handler: (ctx, { query }) => listConcerns(ctx, query),
  }),
  route({
    method: 'GET', url: '/api/concerns/:id', action: 'concern.read', tags, params: concernParams,
    summary: 'Read a concern (the person who raised it sees what they wrote and its status)',
    handler: async (ctx, { params, reply }) => {
      const concern = await getConcern(ctx, params.id);
      setEtag(reply, concern.version);
      return concern;
    },
  }),
  route({
    method: 'GET', url: '/api/concerns/:id/chronology', action: 'concern.work', tags, params: concernParams,
    summary: 'How a concern is handled: alerts, acknowledgement, escalations, facts, actions, decisions, outcomes and referrals',
    handler: (ctx, { params }) => getChronology(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/concerns/:id/acknowledge', action: 'concern.work', tags, params: concernParams, body: empty,
    summary: 'Acknowledge a concern: its escalation stops',
    handler: (ctx, { params }) => acknowledgeConcern(ctx, params.id),
  }),
  route({
    method: 'POST', url: '/api/concerns/:id/entries', action: 'concern.work', tags, params: concernParams, body: entryBody, status: 201,
    summary: 'Add a fact, an action, a decision (with its reason and who agreed) or an outcome to the chronology',
    handler: (ctx, { params, body }) => recordEntry(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/concerns/:id/referrals', action: 'concern.refer', tags, params: concernParams, body: referralBody, status: 201,
    summary: "Refer to the local authority or the police with the decision aid's answers as its reasons; with `share`, the information goes under the legal-duty exception (1.3), released at once when a manager makes an urgent referral",
    responses: { 403: 'Refused with the rule and clause (session notes without the client\'s request, an item you may not read, a purpose not active): nothing written' },
    handler: (ctx, { params, body }) => makeReferral(ctx, params.id, body),
  }),
  route({
    method: 'GET', url: '/api/referrals', action: 'concern.work', tags, query: listReferralsQuery,
    summary: 'Referrals whose record is incomplete (soonest deadline first), overdue, or all — for the safeguarding leads and management',
    handler: (ctx, { query }) => listReferrals(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/referrals/:id/approval', action: 'disclosure.approve', tags, params: referralParams, body: referralApprovalBody,
    summary: 'A manager who did not make the referral approves it — releasing it at once — or refuses it, with a justification (1.3)',
    handler: (ctx, { params, body }) => decideReferral(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/referrals/:id/review', action: 'disclosure.approve', tags, params: referralParams, body: reviewBody,
    summary: 'A second manager reviews a referral released at once (practice 4.1)',
    handler: (ctx, { params, body }) => reviewReferral(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/referrals/:id/completion', action: 'concern.work', tags, params: referralParams, body: completionBody,
    summary: 'Complete the answers an urgent referral left (consent, telling the person), who agreed and the agency\'s reference',
    handler: (ctx, { params, body }) => completeReferral(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/concerns/:id/close', action: 'concern.work', tags, params: concernParams, body: closeBody,
    summary: 'Close a concern with its outcome and the reason',
    handler: (ctx, { params, body }) => closeConcern(ctx, params.id, body),
  }),
];
