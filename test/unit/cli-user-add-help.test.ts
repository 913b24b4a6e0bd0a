import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { cliAddUser, registerUserCommands } from '../../src/cli/users';
import type { Services } from '../../src/context';
import { DomainError } from '../../src/lib/errors';
import { ROLES } from '../../src/policy/types';

/** The help of `confide user add` as commander prints it. */
function addHelp(): string {
  const program = new Command('confide');
  registerUserCommands(program);
  const add = program.commands.find((c) => c.name() === 'user')!.commands.find((c) => c.name() === 'add')!;
  return add.helpInformation().replace(/\s+/g, ' ');
}

describe('confide user add --role (3.7 secure-conditions: accounts are managed)', () => {
  it('the help says a role is needed and what happens without one, not "(default: [])"', () => {
    const help = addHelp();
    expect(help).not.toContain('default: []');
    expect(help).not.toMatch(/\(default:/);
    expect(help).toContain('at least one');
    expect(help).toContain('Without --role no account is created');
    for (const role of ROLES) expect(help).toContain(role);
  });

  it('without a role nothing is created: invalid input (exit code 2) naming the roles, before the database is touched', async () => {
    const untouched = new Proxy({}, { get: () => { throw new Error('the database was touched'); } }) as Services;
    const missing = cliAddUser(untouched, 'no.role', { name: 'No Role' });
    await expect(missing).rejects.toBeInstanceOf(DomainError);
    await expect(missing).rejects.toMatchObject({ kind: 'invalid-input', detail: expect.stringMatching(/^roles: give at least one --role \(administrator, /) });
    await expect(cliAddUser(untouched, 'no.role', { name: 'No Role', role: [] })).rejects.toMatchObject({ kind: 'invalid-input' });
  });
});
