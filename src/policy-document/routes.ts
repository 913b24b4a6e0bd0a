import { matrixPdf } from '../documents/matrix-pdf';
import { notFound } from '../lib/errors';
import { route } from '../http/route';
import { acceptPolicy, getCurrentPolicy, getPolicyVersion, listPolicies, loadPolicy } from './commands';
import { buildMatrix, matrixMarkdown } from './matrix';
import { listRules, setRuleMode } from './rule-modes';
import { acceptPolicyBody, loadPolicyBody, matrixQuery, ruleModeBody, ruleParams, versionParams } from './schema';
import { currentPolicy } from './store';

const tags = ['policy'];

/** The organisation's confidentiality policy: versions, acceptance (3.5) and traceability (3.6, monitoring). */
export const policyDocumentRoutes = [

  route({
    method: 'GET', url: '/api/policy/current', action: 'policy.read', tags,
    summary: 'The current confidentiality policy, its clauses, and whether you have accepted it',
    handler: (ctx) => getCurrentPolicy(ctx),
  }),
  route({
    method: 'GET', url: '/api/policy/documents', action: 'policy.read', tags, summary: 'Every version of the policy',
    handler: (ctx) => listPolicies(ctx),
  }),
  route({
    method: 'GET', url: '/api/policy/documents/:version', action: 'policy.read', tags, params: versionParams,
    summary: 'One version of the policy with its clause map', handler: (ctx, { params }) => getPolicyVersion(ctx, params.version),
  }),
  route({
    method: 'POST', url: '/api/policy/documents', action: 'policy.load', tags, body: loadPolicyBody, status: 201,
    summary: 'Load a new version of the policy (text or Markdown); everyone must accept it again',
    handler: (ctx, { body }) => loadPolicy(ctx, body),
  }),
  route({
    method: 'POST', url: '/api/policy/accept', action: 'policy.accept', tags, body: acceptPolicyBody,
    summary: 'Accept the current version of the policy (required before seeing confidential records)',
    responses: { 409: 'Not the current version' },
    handler: (ctx, { body }) => acceptPolicy(ctx, body.version),
  }),
  route({
    method: 'GET', url: '/api/policy/rules', action: 'policy.read', tags,
    summary: 'Every rule of the engine with the clause it cites, whether it may be switched to warn, and its mode',
    handler: (ctx) => listRules(ctx),
  }),
  route({
    // Changing how the policy is applied is the administrators' job, like loading it: same action.
    method: 'PUT', url: '/api/policy/rules/:ruleId/mode', action: 'policy.load', tags, params: ruleParams, body: ruleModeBody,
    summary: 'Switch a configurable rule between enforce and warn (ruleId URL-encoded, e.g. agreement%2Fnot-accepted; safety rules never: 409)',
    responses: { 409: 'The rule may not be switched' },
    handler: (ctx, { params, body }) => setRuleMode(ctx, params.ruleId, body.mode),
  }),
  route({
    method: 'GET', url: '/api/policy/matrix', action: 'policy.read', tags, query: matrixQuery,
    summary: 'For every clause: the rules enforcing it, the tests covering them, or its procedural note (json, md, pdf)',
    handler: async (ctx, { query, reply }) => {
      const doc = await currentPolicy(ctx.db);
      if (!doc) throw notFound('policy');
      const matrix = buildMatrix(doc, (ruleId) => ctx.actor.policy.modeOf(ruleId));
      if (query.format === 'md') {
        reply.type('text/markdown; charset=utf-8');
        return matrixMarkdown(matrix);
      }
      if (query.format === 'pdf') {
        reply.header('content-disposition', `attachment; filename="policy-v${doc.version}-traceability.pdf"`);
        reply.type('application/pdf');
        return matrixPdf(matrix, ctx.nowIso);
      }
      return matrix;
    },
  }),
];
