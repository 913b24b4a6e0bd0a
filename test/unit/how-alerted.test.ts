import { describe, expect, it } from 'vitest';
import { howAlerted } from '../../web/src/labels';
import { alertedAs } from '../../src/notify/notify';
import type { Ctx } from '../../src/context';

const ctxWith = (smtpUrl: string) => ({ services: { config: { smtpUrl } } }) as unknown as Ctx;

describe('telling the raiser who was alerted (practice 4.1, 5)', () => {
  it('practice 4.1 safeguarding-management: e-mail is said to be held only when some was queued and no e-mail server is set up; the roles are kept in the order given', () => {
    expect(alertedAs(ctxWith(''), ['manager'], { recipients: ['a', 'b'], emailed: 1 })).toEqual({ roles: ['manager'], people: 2, emailed: 1, emailHeld: true });
    expect(alertedAs(ctxWith(''), ['manager'], { recipients: ['a'], emailed: 0 })).toEqual({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false });
    expect(alertedAs(ctxWith('smtp://mail.example.org'), ['safeguarding_lead', 'manager'], { recipients: ['a', 'b'], emailed: 2 }))
      .toEqual({ roles: ['safeguarding_lead', 'manager'], people: 2, emailed: 2, emailHeld: false });
    expect(alertedAs(ctxWith(''), [], { recipients: [], emailed: 0 })).toEqual({ roles: [], people: 0, emailed: 0, emailHeld: false });
  });

  it('practice 4.1 safeguarding-management: the sentence claims e-mail only when it was sent, and names the roles found', () => {
    expect(howAlerted({ roles: ['safeguarding_lead'], people: 1, emailed: 1, emailHeld: false })).toBe('One safeguarding lead was alerted just now in Confide and by e-mail.');
    expect(howAlerted({ roles: ['manager'], people: 3, emailed: 2, emailHeld: false }))
      .toBe('3 managers were alerted just now in Confide and by e-mail (2 of them: the others have no e-mail address on their account).');
    expect(howAlerted({ roles: ['manager'], people: 1, emailed: 0, emailHeld: false })).toBe('One manager was alerted just now in Confide. Nobody was e-mailed: there is no e-mail address on their account.');
    expect(howAlerted({ roles: ['guardian'], people: 2, emailed: 2, emailHeld: true })).toBe('2 guardians were alerted just now in Confide; 2 e-mails wait in the outbox, as no e-mail server is set up.');
    expect(howAlerted({ roles: ['safeguarding_lead'], people: 1, emailed: 1, emailHeld: true })).toBe('One safeguarding lead was alerted just now in Confide; an e-mail waits in the outbox, as no e-mail server is set up.');
  });

  it('practice 4.1 safeguarding-management: leads and management alerted together are named together; someone holding both roles is one person', () => {
    expect(howAlerted({ roles: ['safeguarding_lead', 'manager'], people: 3, emailed: 3, emailHeld: false }))
      .toBe('3 people, the safeguarding leads and managers, were alerted just now in Confide and by e-mail.');
    expect(howAlerted({ roles: ['safeguarding_lead', 'manager'], people: 2, emailed: 1, emailHeld: true }))
      .toBe('2 people, the safeguarding leads and managers, were alerted just now in Confide; an e-mail waits in the outbox, as no e-mail server is set up.');
    expect(howAlerted({ roles: ['safeguarding_lead', 'manager'], people: 1, emailed: 0, emailHeld: false }))
      .toBe('One person, a safeguarding lead and manager, was alerted just now in Confide. Nobody was e-mailed: there is no e-mail address on their account.');
  });
});
