import { z } from 'zod';
import { ROLES } from '../policy/types';
import { SYSTEM_ACTOR } from './system-actor';
import { TOKEN_SCOPES } from './tokens';

const code = z.string().trim().regex(/^[0-9]{6}$/, 'six digits from your authenticator app');
// Argon2 over megabyte-sized inputs is a cheap denial of service; no real password is longer than this.
const password = z.string().min(1).max(1024);

/** POST /api/auth/sign-in. The username is not pattern-checked here, so the answer reveals nothing about it. */
export const signInBody = z.strictObject({
  username: z.string().trim().min(1).max(100),
  password,
  code: code.optional(),
});
export type SignInInput = z.infer<typeof signInBody>;

/** POST /api/auth/password. passwordProblem() checks the new password's strength. */
export const changePasswordBody = z.strictObject({ currentPassword: password, newPassword: z.string().min(1).max(200) });
export type ChangePasswordInput = z.infer<typeof changePasswordBody>;

/** POST /api/auth/totp/confirm. */
export const totpConfirmBody = z.strictObject({ code });
/** POST /api/auth/totp/disable. */
export const totpDisableBody = z.strictObject({ password, code });

/** POST /api/auth/tokens. */
export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.union([z.tuple([z.literal('read')]), z.tuple([z.literal('read'), z.literal('write')])]),
  expiresInDays: z.number().int().min(1).max(365),
});
export type CreateTokenInput = z.infer<typeof createTokenBody>;
export { TOKEN_SCOPES };

/**
 * Usernames: lower-case letters, digits, dot, underscore and hyphen, 3 to 40 characters; not `system`, the name the
 * audit gives Confide itself (src/accounts/system-actor.ts).
 */
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9._-]{3,40}$/, 'lower-case letters, digits, . _ -, 3 to 40 characters')
  .refine((u) => u !== SYSTEM_ACTOR.username, 'reserved for Confide itself');
const roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length).refine((r) => new Set(r).size === r.length, 'list each role once');

/** POST /api/users. */
export const createUserBody = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(100),
  email: z.email().max(254).nullable().optional(),
  roles,
});
export type CreateUserInput = z.infer<typeof createUserBody>;

/** PATCH /api/users/:id: any of these, at least one. */
export const updateUserBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100).optional(),
    email: z.email().max(254).nullable().optional(),
    roles: roles.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateUserInput = z.infer<typeof updateUserBody>;

/** POST /api/users/:id/reset-password. */
export const resetPasswordBody = z.strictObject({ clearSecondFactor: z.boolean().optional(), revokeApiTokens: z.boolean().optional() }).optional();
export type ResetPasswordInput = z.infer<typeof resetPasswordBody>;

/** GET /api/users. */
export const listUsersQuery = z.strictObject({ includeInactive: z.enum(['true', 'false']).default('false') });

/** Actions that take no input: a body, if sent, must be empty (unknown fields are rejected, as everywhere). */
export const emptyBody = z.strictObject({}).optional();

/** Path parameter of a user or token id. */
export const idParams = z.strictObject({ id: z.uuid() });
