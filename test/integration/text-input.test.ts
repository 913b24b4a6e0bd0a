import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../src/cli';
import { cliImportPeople } from '../../src/cli/transfer';
import { DomainError } from '../../src/lib/errors';
import { textFault, textFaults } from '../../src/lib/text';
import { casePurpose, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// Issue 9: one rule for text on both engines — a NUL or an unpaired surrogate is refused, naming where it was,
// for CSV import cells and console arguments as for every HTTP input (test/integration/fuzz.test.ts sweeps those).

describe('text the engines cannot store alike', () => {
  it('a NUL, a lone high or low surrogate are refused; paired surrogates (emoji) and other text are fine', () => {
    for (const bad of ['\u0000', 'a\u0000', 'a\ud800', '\ud800a', 'a\udc00', '\udc00\ud800']) expect(textFault(bad), JSON.stringify(bad)).not.toBeNull();
    for (const good of ['', 'Zoë', '😀', 'a\ud83d\ude00b', '\u0001', 'x'.repeat(1000)]) expect(textFault(good), JSON.stringify(good)).toBeNull();
    expect(textFaults('body', { a: 'ok', b: ['x', 'y\u0000'], c: { d: '\ud800' }, ['k\u0000']: 1 })).toEqual([
      { path: 'body.b.1', message: 'must not contain the NUL character (U+0000)' },
      { path: 'body.c.d', message: 'must be valid Unicode text (it contains an unpaired surrogate)' },
      { path: 'body.<key 4>', message: 'field name must not contain the NUL character (U+0000)' },
    ]);
  });

  it('console arguments and options are checked before any command runs (exit code of invalid input)', async () => {
    for (const argv of [['user', 'add', 'bad\ud800name', '--name', 'X', '--role', 'staff'], ['export', 'people', '--as', 'ad\udc00min', '--purpose', 'p']]) {
      const cli = buildCli().exitOverride();
      const error = await cli.parseAsync(argv, { from: 'user' }).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe('invalid-input');
      expect((error as DomainError).errors?.[0].message).toMatch(/unpaired surrogate/);
    }
  });
});

describe.each(dialects())('CSV import cells with a NUL (%s)', (dialect) => {
  let world: World;
  let dir: string;
  let staff: TestUser;
  beforeAll(async () => {
    world = await createWorld(dialect);
    dir = mkdtempSync(join(tmpdir(), 'confide-text-'));
    staff = await makeUser(world, ['staff']);
  });
  afterAll(async () => {
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cell with a NUL is reported by row and column, never stored, never a fault; the whole import rolls back', async () => {
    const file = join(dir, 'people.csv');
    writeFileSync(file, 'givenName,familyName,kind\r\nAda,Good,service_user\r\nBen\u0000,Bad,service_user\r\n');
    const before = await world.services.db.kysely.selectFrom('people').select('id').execute();
    const report = await cliImportPeople(world.services, file, staff.username, false, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(report).toMatchObject({ rows: 2, imported: 0, rejected: 1, committed: false });
    expect(report.problems).toEqual([{ row: 3, field: 'givenName', message: 'must not contain the NUL character (U+0000)' }]);
    expect(await world.services.db.kysely.selectFrom('people').select('id').execute()).toEqual(before);
    const partial = await cliImportPeople(world.services, file, staff.username, true, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(partial).toMatchObject({ imported: 1, rejected: 1, committed: true });
  });
});
