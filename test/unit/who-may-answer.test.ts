import { describe, expect, it } from 'vitest';
import { ageOn, givenByFault } from '../../src/consent/who-may-answer';

describe('who may give consent for a person of an age (4.1 informed consent, practice 4.1 children)', () => {
  it('4.1 ageOn counts whole years, turning a year older on the birthday itself, and knows nothing of a missing or malformed date', () => {
    expect(ageOn('2010-03-03', new Date('2026-03-02T23:59:59Z'))).toBe(15);
    expect(ageOn('2010-03-03', new Date('2026-03-03T00:00:00Z'))).toBe(16);
    expect(ageOn('2010-12-31', new Date('2026-01-01T00:00:00Z'))).toBe(15);
    expect(ageOn('2008-02-29', new Date('2026-02-28T12:00:00Z'))).toBe(17);
    expect(ageOn('2008-02-29', new Date('2026-03-01T00:00:00Z'))).toBe(18);
    for (const unknown of [null, undefined, '', '03/03/2010', '2010-3-3']) expect(ageOn(unknown, new Date())).toBeNull();
  });

  it('4.1 the boundaries: 15 needs a competent child or a parent, 16 is the person, 17 may still be a parent, 18 never is; refusals and unknown ages pass', () => {
    const at = new Date('2026-06-15T10:00:00Z');
    const fault = (dob: string | null, kind: string, decision: 'given' | 'refused' = 'given') =>
      (givenByFault({ decision, givenBy: { kind } as never }, dob, at) as { errors?: { message: string }[] } | null)?.errors?.[0]?.message ?? null;
    expect(fault('2010-06-16', 'person')).toBe('under 16: competent_child or parental_responsibility');
    expect(fault('2010-06-16', 'representative')).toBe('under 16: competent_child or parental_responsibility');
    expect(fault('2010-06-16', 'competent_child')).toBeNull();
    expect(fault('2010-06-16', 'parental_responsibility')).toBeNull();
    expect(fault('2010-06-15', 'person')).toBeNull();
    expect(fault('2010-06-15', 'competent_child')).toBe('16 or over: not competent_child');
    expect(fault('2008-06-16', 'parental_responsibility')).toBeNull();
    expect(fault('2008-06-15', 'parental_responsibility')).toBe('18 or over: not parental_responsibility');
    expect(fault('2008-06-15', 'representative')).toBeNull();
    expect(fault('2016-01-01', 'person', 'refused')).toBeNull();
    expect(fault(null, 'person')).toBeNull();
  });
});
