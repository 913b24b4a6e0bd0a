/** "a, b and c" (or "a, b or c" with `conjunction` 'or'): a list in a sentence a person reads. */
export const listOf = (xs: readonly string[], conjunction: 'and' | 'or' = 'and') =>
  (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${conjunction} ${xs[xs.length - 1]}`);
