import { describe, expect, it } from 'vitest';
import { howAlerted, notSetUpWords } from '../../web/src/labels';
import { alertedAs } from '../../src/notify/notify';
import type { Ctx } from '../../src/context';
import type { Role } from '../../src/policy/types';

const ctxWith = (smtpUrl: string) => ({ services: { config: { smtpUrl } } }) as unknown as Ctx;

describe('telling the raiser who was alerted (practice 4.1, 5)', () => {
  it('practice 4.1 safeguarding-management: e-mail is said to be held only when some was queued and no e-mail server is set up; the roles are kept in the order given', () => {
    const found = (roles: Role[], ready: string[]) => ({ roles, ready });
    expect(alertedAs(ctxWith(''), found(['manager'], ['a', 'b']), { recipients: ['a', 'b'], emailed: 1, emailedTo: ['a'] })).toEqual({ roles: ['manager'], people: 2, emailed: 1, emailHeld: true, notSetUp: 0 });
    expect(alertedAs(ctxWith(''), found(['manager'], ['a']), { recipients: ['a'], emailed: 0, emailedTo: [] })).toEqual({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false, notSetUp: 0 });
    expect(alertedAs(ctxWith('smtp://mail.example.org'), found(['safeguarding_lead', 'manager'], ['a', 'b']), { recipients: ['a', 'b'], emailed: 2, emailedTo: ['a', 'b'] }))
      .toEqual({ roles: ['safeguarding_lead', 'manager'], people: 2, emailed: 2, emailHeld: false, notSetUp: 0 });
    expect(alertedAs(ctxWith(''), found([], []), { recipients: [], emailed: 0 })).toEqual({ roles: [], people: 0, emailed: 0, emailHeld: false, notSetUp: 0 });
  });

  it('practice 4.1 safeguarding-management: only accounts that can act are counted as alerted, and their e-mails as sent; accounts never signed in to are counted apart, and alone they make nobody alerted, through no role', () => {
    // 'c' was alerted and e-mailed, but its account is not set up (src/accounts/can-act.ts).
    expect(alertedAs(ctxWith(''), { roles: ['manager'], ready: ['a'] }, { recipients: ['a', 'c'], emailed: 2, emailedTo: ['a', 'c'] }))
      .toEqual({ roles: ['manager'], people: 1, emailed: 1, emailHeld: true, notSetUp: 1 });
    expect(alertedAs(ctxWith(''), { roles: [], ready: [] }, { recipients: ['c', 'd'], emailed: 1, emailedTo: ['c'] }))
      .toEqual({ roles: [], people: 0, emailed: 0, emailHeld: false, notSetUp: 2 });
    expect(howAlerted({ roles: ['manager'], people: 1, emailed: 1, emailHeld: false, notSetUp: 1 }))
      .toBe('One manager was alerted just now in Confide and by e-mail. One more account was alerted too, whose holder has not yet signed in and chosen a password: they will see it once they do, and cannot act on it before.');
    expect(notSetUpWords(2, false)).toBe('2 accounts were alerted too, whose holders have not yet signed in and chosen a password: they will see it once they do, and cannot act on it before.');
  });

  it('practice 4.1 safeguarding-management: the sentence claims e-mail only when it was sent, and names the roles found', () => {
    expect(howAlerted({ roles: ['safeguarding_lead'], people: 1, emailed: 1, emailHeld: false, notSetUp: 0 })).toBe('One safeguarding lead was alerted just now in Confide and by e-mail.');
    expect(howAlerted({ roles: ['manager'], people: 3, emailed: 2, emailHeld: false, notSetUp: 0 }))
      .toBe('3 managers were alerted just now in Confide and by e-mail (2 of them: the others have no e-mail address on their account).');
    expect(howAlerted({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false, notSetUp: 0 })).toBe('One manager was alerted just now in Confide. Nobody was e-mailed: there is no e-mail address on their account.');
    expect(howAlerted({ roles: ['guardian'], people: 2, emailed: 2, emailHeld: true, notSetUp: 0 })).toBe('2 guardians were alerted just now in Confide; 2 e-mails wait in the outbox, as no e-mail server is set up.');
    expect(howAlerted({ roles: ['safeguarding_lead'], people: 1, emailed: 1, emailHeld: true, notSetUp: 0 })).toBe('One safeguarding lead was alerted just now in Confide; an e-mail waits in the outbox, as no e-mail server is set up.');
  });

  it('practice 4.1 safeguarding-management: leads and management alerted together are named together; someone holding both roles is one person', () => {
    expect(howAlerted({ roles: ['safeguarding_lead', 'manager'], people: 3, emailed: 3, emailHeld: false, notSetUp: 0 }))
      .toBe('3 people, the safeguarding leads and managers, were alerted just now in Confide and by e-mail.');
    expect(howAlerted({ roles: ['safeguarding_lead', 'manager'], people: 2, emailed: 1, emailHeld: true, notSetUp: 0 }))
      .toBe('2 people, the safeguarding leads and managers, were alerted just now in Confide; an e-mail waits in the outbox, as no e-mail server is set up.');
    expect(howAlerted({ roles: ['safeguarding_lead', 'manager'], people: 1, emailed: 0, emailHeld: false, notSetUp: 0 }))
      .toBe('One person, a safeguarding lead and manager, was alerted just now in Confide. Nobody was e-mailed: there is no e-mail address on their account.');
  });
});
