import type { FastifyRequest } from 'fastify';
import { assertSameOriginJson, clearSessionCookie, presentedSessionId, setSessionCookie, viaBearer } from '../http/auth/cookies';
import { publicRoute, route } from '../http/route';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens';
import { changePasswordBody, createTokenBody, emptyBody, idParams, signInBody, totpConfirmBody, totpDisableBody } from './schema';
import { changePassword, confirmTotp, disableTotp, enrolTotp, getMe, Refusal, signOut, type Credential } from './self';
import { signIn } from './sign-in';

const tags = ['accounts'];

/** The caller's credential: the session the cookie names, or none when a bearer token is used. */
const credentialOf = (request: FastifyRequest): Credential => ({ sessionId: viaBearer(request) ? null : presentedSessionId(request) });

/**
 * Turns a returned refusal into the handler's result: the transaction commits (the failure count and its audit
 * entry stay), then the pipeline sends the domain error, and Fastify hands an Error payload to the problem+json error
 * handler. The answer therefore never leaves before the count is stored.
 */
const respond = <T>(out: T | Refusal) => (out instanceof Refusal ? out.problem : out);

/** Sign-in, sign-out, the signed-in user, password, second factor and personal API tokens (clause 3.7). */
export const authRoutes = [
  publicRoute({
    method: 'POST', url: '/api/auth/sign-in', public: true, tags, body: signInBody,
    summary: 'Sign in with username, password and (once enrolled) a TOTP code; sets the session cookie',
    responses: { 401: 'Invalid username, password or code', 415: 'Not JSON', 429: 'Too many failures from this address (Retry-After)' },
    handler: async (ctx, { body, request, reply }) => {
      assertSameOriginJson(request);
      const result = await signIn(ctx, body, { address: request.ip, presentedSessionId: presentedSessionId(request) });
      if (!result.ok) {
        if (result.retryAfter) reply.header('retry-after', String(result.retryAfter));
        throw result.problem;
      }
      setSessionCookie(reply, request, ctx.services.config, result.cookieValue);
      return result.body;
    },
  }),
  route({
    method: 'POST', url: '/api/auth/sign-out', action: 'account.self', tags, body: emptyBody, status: 204,
    summary: 'Sign out: revoke this session and clear the cookie',
    handler: async (ctx, { request, reply }) => {
      await signOut(ctx, credentialOf(request));
      clearSessionCookie(reply, request, ctx.services.config);
      return undefined;
    },
  }),
  route({
    method: 'GET', url: '/api/auth/me', action: 'account.self', tags,
    summary: 'The signed-in user, roles, CSRF token, and whether the current policy is accepted',
    handler: (ctx, { request }) => getMe(ctx, credentialOf(request)),
  }),
  route({
    method: 'POST', url: '/api/auth/password', action: 'account.self', tags, body: changePasswordBody,
    summary: 'Change your password (also the one-time password); revokes your other sessions',
    handler: async (ctx, { body, request }) => respond(await changePassword(ctx, credentialOf(request), body)),
  }),
  route({
    method: 'POST', url: '/api/auth/totp/enrol', action: 'account.self', tags, body: emptyBody,
    summary: 'Start second-factor enrolment: a new TOTP secret and otpauth:// URI (unconfirmed)',
    handler: (ctx, { request }) => enrolTotp(ctx, credentialOf(request)),
  }),
  route({
    method: 'POST', url: '/api/auth/totp/confirm', action: 'account.self', tags, body: totpConfirmBody,
    summary: 'Confirm enrolment with a code; sign-in then requires a code',
    handler: (ctx, { body, request }) => confirmTotp(ctx, credentialOf(request), body.code),
  }),
  route({
    method: 'POST', url: '/api/auth/totp/disable', action: 'account.self', tags, body: totpDisableBody,
    summary: 'Remove your second factor (not for administrators and managers)',
    handler: async (ctx, { body, request }) => respond(await disableTotp(ctx, credentialOf(request), body)),
  }),
  route({
    method: 'POST', url: '/api/auth/tokens', action: 'account.self', tags, body: createTokenBody, status: 201,
    summary: 'Mint a personal API token (shown once; read or read+write; expires in 1–365 days)',
    handler: (ctx, { body, request }) => createApiToken(ctx, credentialOf(request), body),
  }),
  route({
    method: 'GET', url: '/api/auth/tokens', action: 'account.self', tags,
    summary: 'Your personal API tokens (no secrets)',
    handler: (ctx) => listApiTokens(ctx),
  }),
  route({
    method: 'DELETE', url: '/api/auth/tokens/:id', action: 'account.self', tags, params: idParams, status: 204,
    summary: 'Revoke one of your API tokens',
    handler: (ctx, { params }) => revokeApiToken(ctx, params.id).then(() => undefined),
  }),
];
