import { describe, expect, it } from 'vitest';
import { scrubberFor, WITHHELD } from '../../src/disclosure/scrub';

describe('3.3 need-to-know: a pseudonymised pack (person-specific information only where there is no alternative) scrubs the person\'s recorded identifiers from free text', () => {
  const scrub = scrubberFor({
    names: ['Zoë Bloggs', 'Zoë', 'Bloggs', 'Jo Bloggs', 'Jo'],
    other: ['jo.bloggs@example.org', '1 High Street\nTown', '01900000-0000-7000-8000-000000000001'],
    phone: '07700 900123', dateOfBirth: '2010-04-01',
  }, 'P-ABC');

  it('replaces names as whole words in any case, full names first, in any script', () => {
    expect(scrub('Jo Bloggs said JO\'s mum and zoë bloggs came; Joanna and Bloggsworth did not.')).toBe('P-ABC said P-ABC\'s mum and P-ABC came; Joanna and Bloggsworth did not.');
  });

  it('withholds e-mail, phone in any spacing, address, date of birth in its usual forms, and record ids', () => {
    expect(scrub('Mail jo.bloggs@example.org or call 07700-900-123 / (07700) 900 123 at 1 High Street Town.')).toBe(`Mail ${WITHHELD} or call ${WITHHELD} / (${WITHHELD} at ${WITHHELD}.`);
    expect(scrub('Born 2010-04-01, 1/4/2010, 01.04.2010, 1st April 2010, April 1, 2010; record 01900000-0000-7000-8000-000000000001.'))
      .toBe(`Born ${WITHHELD}, ${WITHHELD}, ${WITHHELD}, ${WITHHELD}, ${WITHHELD}; record ${WITHHELD}.`);
  });

  it('leaves text without the person\'s identifiers as it is', () => {
    expect(scrub('Talked about drumming on 2 May 2010 with Sam.')).toBe('Talked about drumming on 2 May 2010 with Sam.');
  });
});
