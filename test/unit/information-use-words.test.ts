import { describe, expect, it } from 'vitest';
import { ART9_WORDS, LAWFUL_BASIS_WORDS, whyTheLawAllows } from '../../src/information-use/plain';
import { ART9_CONDITIONS, LAWFUL_BASES } from '../../src/purposes/schema';

describe('4.1 no-surprises: "How your information is used" says why the law allows each purpose in plain sentences', () => {
  it('4.1 no-surprises: the lawful basis and the condition for sensitive information read as two clean sentences', () => {
    expect(whyTheLawAllows('legitimate_interests', 'not_for_profit_body')).toBe(
      'It is needed for our work, and we have checked that this does not outweigh your rights. For sensitive information, it is used only within our charity and its members.',
    );
    expect(whyTheLawAllows('consent', null)).toBe('You agreed to it (your consent).');
  });

  it('4.1 no-surprises: every basis with every condition (or none) — whole sentences, no ".;", no label, "For sensitive information" at most once', () => {
    for (const basis of LAWFUL_BASES) {
      expect(LAWFUL_BASIS_WORDS[basis], basis).toMatch(/^[A-Z].*\.$/);
      for (const condition of [null, ...ART9_CONDITIONS]) {
        if (condition) expect(ART9_WORDS[condition], condition).toMatch(/^For sensitive information, .*\.$/);
        const text = whyTheLawAllows(basis, condition);
        expect(text, `${basis} ${condition}`).toMatch(/^[A-Z][^;]*\.$/);
        expect(text).not.toMatch(/\.;|\.\s*\.|;\s*for sensitive information:/i);
        expect(text.match(/for sensitive information/gi)?.length ?? 0).toBe(condition ? 1 : 0);
        expect(text).toBe(condition ? `${LAWFUL_BASIS_WORDS[basis]} ${ART9_WORDS[condition]}` : LAWFUL_BASIS_WORDS[basis]);
      }
    }
  });
});
