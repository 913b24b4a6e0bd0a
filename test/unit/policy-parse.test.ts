import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy-document/parse';

const sample = readFileSync('policies/sample-confidentiality-policy.md', 'utf8');

describe('parsing an organisation\'s policy into clauses', () => {
  it('finds every clause of the sample policy, including "The Policy in Practice" numbering', () => {
    const ids = parsePolicy(sample).map((c) => c.id);
    const expected = [
      'aim-of-policy', '1', '1.1', '1.2', '1.3', '1.4', '2', '2.1', '2.2', '2.3', '2.4',
      '3', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '4', '4.1', '4.2', '4.3', '5',
      'practice 1', 'practice 2', 'practice 3', 'practice 4', 'practice 4.1', 'practice 4.2', 'practice 4.3',
      'practice 5', 'practice 5.1', 'equality-and-diversity', 'monitoring-and-review',
    ];
    expect(ids).toEqual(expected);
  });

  it('keeps headings, joins wrapped lines, lists bullets and links sub-clauses to their section', () => {
    const clauses = new Map(parsePolicy(sample).map((c) => [c.id, c]));
    expect(clauses.get('4.2')!.heading).toBe('Need to Know');
    expect(clauses.get('4.1')!.text).toContain('why there is a need to share information');
    expect(clauses.get('1.3')!.text).toContain('• when, by law, we must share information');
    expect(clauses.get('practice 4.2')!.parent).toBe('practice 4');
    expect(clauses.get('practice 4')!.section).toBe(true);
    expect(clauses.get('1.4')!.text).toBe('To promote a policy that respects commercial sensitivity');
  });

  it('ignores running page headers and signature blocks', () => {
    const all = parsePolicy(sample);
    expect(all.some((c) => c.text.includes('Music24 Confidentiality Policy Music24'))).toBe(false);
    expect(all.some((c) => /signature/i.test(c.id))).toBe(false);
    // The sign-off after "Monitoring and Review" is not part of that section's text.
    expect(all.find((c) => c.id === 'monitoring-and-review')!.text).toBe('The Senior Management Team will regularly review the operation of this policy.');
    expect(all.some((c) => /Agreed by|Signature/.test(c.text))).toBe(false);
  });

  it('a sign-off block ends the clause before it, wherever it appears', () => {
    const clauses = parsePolicy('1. Scope\n\n1.1 Staff keep records safe and locked away at night.\n\nApproved by: the trustees\nDate: 1 May 2026\n');
    expect(clauses.map((c) => [c.id, c.text])).toEqual([['1', ''], ['1.1', 'Staff keep records safe and locked away at night.']]);
  });

  it('parses a differently organised Markdown policy', () => {
    const ids = parsePolicy(readFileSync('test/fixtures/second-policy.md', 'utf8')).map((c) => c.id);
    expect(ids).toEqual(['1', '1.1', '2', '2.1', '2.2', '2.3', '3', '3.1', '3.2', '4', '4.1']);
  });

  it('returns no clauses for text without structure', () => {
    expect(parsePolicy('just words')).toEqual([]);
  });
});
