import { describe, expect, it } from 'vitest';
import { howAlerted } from '../../web/src/labels';
import { alertedAs } from '../../src/notify/notify';
import type { Ctx } from '../../src/context';

const ctxWith = (smtpUrl: string) => ({ services: { config: { smtpUrl } } }) as unknown as Ctx;

describe('telling the raiser who was alerted (practice 4.1, 5)', () => {
  it('practice 4.1 safeguarding-management: e-mail is said to be held only when some was queued and no e-mail server is set up', () => {
    expect(alertedAs(ctxWith(''), 'manager', { recipients: ['a', 'b'], emailed: 1 })).toEqual({ role: 'manager', people: 2, emailed: 1, emailHeld: true });
    expect(alertedAs(ctxWith(''), 'manager', { recipients: ['a'], emailed: 0 })).toEqual({ role: 'manager', people: 1, emailed: 0, emailHeld: false });
    expect(alertedAs(ctxWith('smtp://mail.example.org'), 'safeguarding_lead', { recipients: ['a'], emailed: 1 }))
      .toEqual({ role: 'safeguarding_lead', people: 1, emailed: 1, emailHeld: false });
  });

  it('practice 4.1 safeguarding-management: the sentence claims e-mail only when it was sent, and names the role found', () => {
    expect(howAlerted({ role: 'safeguarding_lead', people: 1, emailed: 1, emailHeld: false })).toBe('One safeguarding lead was alerted just now in Confide and by e-mail.');
    expect(howAlerted({ role: 'manager', people: 3, emailed: 2, emailHeld: false }))
      .toBe('3 managers were alerted just now in Confide and by e-mail (2 of them: the others have no e-mail address on their account).');
    expect(howAlerted({ role: 'manager', people: 1, emailed: 0, emailHeld: false })).toBe('One manager was alerted just now in Confide. Nobody was e-mailed: there is no e-mail address on their account.');
    expect(howAlerted({ role: 'guardian', people: 2, emailed: 2, emailHeld: true })).toBe('2 guardians were alerted just now in Confide; 2 e-mails wait in the outbox, as no e-mail server is set up.');
    expect(howAlerted({ role: 'safeguarding_lead', people: 1, emailed: 1, emailHeld: true })).toBe('One safeguarding lead was alerted just now in Confide; an e-mail waits in the outbox, as no e-mail server is set up.');
  });
});
