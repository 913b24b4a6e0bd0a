import type { Command } from 'commander';
import { adminCtx, createUser, deactivateUser, listUsers, resetPassword, userIdByUsername, type AccountsCtx } from '../accounts/admin';
import { createUserBody } from '../accounts/schema';
import type { Services } from '../context';
import { DomainError, invalidInput } from '../lib/errors';
import { ROLES } from '../policy/types';
import { runUnit } from '../unit';
import { failWith } from './errors';
import { fail, withServices } from './shared';

/**
 * Runs an account command as the system in one unit of work: the change and its audit entries commit together,
 * exactly as over HTTP, and the audit names the system as actor.
 */
export function asSystem<T>(services: Services, fn: (ctx: AccountsCtx) => Promise<T>): Promise<T> {
  return runUnit(services, { actor: 'system', requestId: 'cli-user', work: (ctx) => fn(adminCtx(ctx)) });
}

/**
 * `confide user add`: creates the account and returns the lines to print, including the one-time password. An
 * account needs at least one role: without one nothing is created (invalid input, exit code 2).
 */
export async function cliAddUser(services: Services, username: string, options: { name: string; role?: string[]; email?: string }): Promise<string> {
  const roles = options.role ?? [];
  if (!roles.length) throw invalidInput(`roles: give at least one --role (${ROLES.join(', ')}); no account was created`);
  const parsed = createUserBody.safeParse({ username, displayName: options.name, email: options.email ?? null, roles });
  if (!parsed.success) {
    throw invalidInput(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  }
  const created = await asSystem(services, (ctx) => createUser(ctx, parsed.data));
  return `created ${created.user.username} (${created.user.roles.join(', ')})\none-time password: ${created.oneTimePassword}\nIt must be changed at first sign-in. It is not stored anywhere else.\n`;
}

/** `confide user list`: a table of accounts. */
export async function cliListUsers(services: Services, includeInactive: boolean): Promise<string> {
  const { items } = await listUsers({ db: services.db.kysely }, { includeInactive, full: true });
  const lines = items.map((u) => [u.username, u.displayName, u.roles.join(','), u.active ? 'active' : 'deactivated', 'totpEnabled' in u && u.totpEnabled ? 'totp' : ''].join('\t'));
  return `${['username', 'name', 'roles', 'status', 'second factor'].join('\t')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

/** `confide user deactivate`. */
export async function cliDeactivateUser(services: Services, username: string): Promise<string> {
  const user = await asSystem(services, async (ctx) => deactivateUser(ctx, await userIdByUsername(ctx, username)));
  return `deactivated ${user.username}; their sessions and API tokens are revoked\n`;
}

/** `confide user reset-password`: says who was told of it (src/accounts/admin.ts resetPassword). */
export async function cliResetPassword(services: Services, username: string, options: { clearSecondFactor?: boolean; revokeApiTokens?: boolean } = {}): Promise<string> {
  const out = await asSystem(services, async (ctx) => resetPassword(ctx, await userIdByUsername(ctx, username), options));
  const also = `${options.clearSecondFactor ? ' Any second factor was removed.' : ''}${options.revokeApiTokens ? ' Their API tokens are revoked.' : ''}`;
  const told = out.told.accountHolder ? `Told in the app: ${out.told.people ? `${out.told.people} other (${out.told.roles.join(', ')}) and ` : ''}the account holder.\n` : '';
  return `new one-time password for ${out.user.username}: ${out.oneTimePassword}\nIt must be changed at first sign-in, and the policy accepted again.${also}\n${told}`;
}

/** Collects a repeated option; no default, so the help shows none (an empty list read as "(default: [])"). */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Runs a command body, turning expected problems into a message and an exit code. */
async function run(fn: (services: Services) => Promise<string>) {
  try {
    const text = await withServices(fn);
    process.stdout.write(text);
  } catch (error) {
    if (error instanceof DomainError) failWith(error);
    else fail((error as Error).message);
  }
}

/** `confide user add|list|deactivate|reset-password` (clause 3.7: accounts are managed, never deleted). */
export function registerUserCommands(program: Command) {
  const user = program.command('user').description('accounts: add, list, deactivate, reset passwords');
  user
    .command('add <username>')
    .description('create an account and print its one-time password')
    .requiredOption('--name <name>', 'display name')
    .option('--role <role>', `a role, at least one (repeat for several): ${ROLES.join(', ')}. Without --role no account is created`, collect)
    .option('--email <email>', 'email address')
    .action((username: string, options: { name: string; role?: string[]; email?: string }) => run((s) => cliAddUser(s, username, options)));
  user
    .command('list')
    .description('list accounts')
    .option('--all', 'include deactivated accounts')
    .action((options: { all?: boolean }) => run((s) => cliListUsers(s, options.all === true)));
  user
    .command('deactivate <username>')
    .description('deactivate an account (it is kept; sessions and tokens are revoked)')
    .action((username: string) => run((s) => cliDeactivateUser(s, username)));
  user
    .command('reset-password <username>')
    .description('give an account a new one-time password and sign it out everywhere')
    .option('--clear-second-factor', 'also remove the account\'s TOTP second factor')
    .option('--revoke-api-tokens', 'also revoke the account\'s API tokens (it may have been misused)')
    .action((username: string, options: { clearSecondFactor?: boolean; revokeApiTokens?: boolean }) => run((s) => cliResetPassword(s, username, {
      clearSecondFactor: options.clearSecondFactor === true, revokeApiTokens: options.revokeApiTokens === true,
    })));
}
