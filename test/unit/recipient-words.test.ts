import { describe, expect, it } from 'vitest';
import { recipientWords } from '../../src/information-use/summary';

describe('a consent\'s recipients in the words the person reads (4.1, Caldicott 8 no surprises)', () => {
  const orgs = new Map([['o1', 'Northbank Youth Service']]);
  it('4.1 "only" when it goes nowhere else; beside others, our own staff — never "Music24 only and a partner"', () => {
    expect(recipientWords([{ kind: 'internal' }], 'Music24', orgs)).toEqual(['Music24 only']);
    expect(recipientWords([{ kind: 'internal' }, { kind: 'organisation', organisationId: 'o1' }], 'Music24', orgs)).toEqual(["Music24's own staff", 'Northbank Youth Service']);
    expect(recipientWords([{ kind: 'category', category: 'GP practice' }, { kind: 'organisation', organisationId: 'gone' }], 'Music24', orgs)).toEqual(['GP practice', 'a partner organisation']);
  });
});
