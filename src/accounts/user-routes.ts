import { route } from '../http/route';
import { ifMatchVersion, setEtag } from '../http/versions';
import { adminCtx, createUser, deactivateUser, getUser, listUsers, resetPassword, seesAccountDetails, updateUser } from './admin';
import { createUserBody, emptyBody, idParams, listUsersQuery, resetPasswordBody, updateUserBody } from './schema';

const tags = ['users'];

/** Account administration (clauses 3.5, 3.7): administrators manage accounts; managers list them to assign teams. */
export const userRoutes = [
  route({
    method: 'GET', url: '/api/users', action: 'user.list', tags, query: listUsersQuery,
    summary: 'Everyone with an account (administrators also see security state)',
    handler: (ctx, { query }) => listUsers(ctx, { includeInactive: query.includeInactive === 'true', full: seesAccountDetails(ctx) }),
  }),
  route({
    method: 'POST', url: '/api/users', action: 'user.manage', tags, body: createUserBody, status: 201,
    summary: 'Create an account; its one-time password is returned once and must be changed at first sign-in',
    handler: async (ctx, { body, reply }) => {
      const created = await createUser(adminCtx(ctx), body);
      reply.header('location', `/api/users/${created.user.id}`);
      setEtag(reply, created.user.version);
      return created;
    },
  }),
  route({
    method: 'GET', url: '/api/users/:id', action: 'user.manage', tags, params: idParams,
    summary: 'One account as an administrator sees it',
    handler: async (ctx, { params, reply }) => {
      const user = await getUser(ctx, params.id);
      setEtag(reply, user.version);
      return user;
    },
  }),
  route({
    method: 'PATCH', url: '/api/users/:id', action: 'user.manage', tags, params: idParams, body: updateUserBody,
    summary: 'Change display name, email or roles (If-Match required)',
    handler: async (ctx, { params, body, request, reply }) => {
      const user = await updateUser(adminCtx(ctx), params.id, ifMatchVersion(request), body);
      setEtag(reply, user.version);
      return user;
    },
  }),
  route({
    method: 'POST', url: '/api/users/:id/deactivate', action: 'user.manage', tags, params: idParams, body: emptyBody,
    summary: 'Deactivate an account (never deleted); revokes its sessions and API tokens',
    handler: async (ctx, { params, reply }) => {
      const user = await deactivateUser(adminCtx(ctx), params.id);
      setEtag(reply, user.version);
      return user;
    },
  }),
  route({
    method: 'POST', url: '/api/users/:id/reset-password', action: 'user.manage', tags, params: idParams, body: resetPasswordBody,
    summary: 'New one-time password (returned once); revokes sessions; optionally clears the second factor',
    handler: async (ctx, { params, body }) => resetPassword(adminCtx(ctx), params.id, body ?? {}),
  }),
];
