import { describe, expect, it } from 'vitest';
import { WHY_BY_RULE, whyOf } from '../../src/access/why';
import { RULES } from '../../src/policy/rules';

describe('3.1 justify-purpose: "who has seen this record" says why in words', () => {
  it('3.1 justify-purpose: every rule of the engine has a third-person reason for the access log', () => {
    expect(RULES.map((r) => r.id).filter((id) => !(id in WHY_BY_RULE))).toEqual([]);
  });

  it('3.1 justify-purpose: an entry without a rule (a recorded change) has no reason; an unknown rule none either', () => {
    expect(whyOf(null)).toBeNull();
    expect(whyOf('no/such-rule')).toBeNull();
    expect(whyOf('need-to-know/case-team')).toBe('They are on the case team working with this client.');
  });
});
