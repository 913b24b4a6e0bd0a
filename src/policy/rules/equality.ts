import type { Rule } from '../rule';

/**
 * Equality monitoring ("Equality and Diversity": the organisation "values, recognises and responds to the diverse
 * needs of … those we serve" and adheres to the Equality Act 2010). Characteristics are special-category data (UK
 * GDPR Art 9), optional and self-declared, kept as their own record kind (src/equality/), not as fields of the
 * person record, so no read, list, export or descriptor loop ever reaches them.
 *
 * - Written only on the person's explicit recording path: staff or a manager on the person's case team record what
 *   the person chose to declare (every answer may be "prefer not to say" or left out), or remove it at their request.
 * - Decision: NO ONE reads a declaration per person through the API — not the recorder, not management, not an
 *   administrator (equality/aggregate-only, a forbid with no exception, cited when anyone asks). Monitoring needs
 *   counts, not people (3.3: person-specific information only when there is no alternative).
 * - Reported only in aggregate, with small numbers suppressed, to the senior management team who respond to the
 *   figures (src/equality/suppress.ts).
 */
export const EQUALITY_RULES: readonly Rule[] = [
  {
    id: 'equality/aggregate-only', clauseKey: 'equality-monitoring', effect: 'forbid', roles: 'any', actorLevel: true,
    actions: ['equality.read'], configurable: false,
    when: () => true,
    reason: "A person's equality monitoring answers are never shown one person at a time: they are reported only as counts, with small numbers suppressed.",
  },
  {
    id: 'equality/case-team-records', clauseKey: 'equality-monitoring', effect: 'allow', roles: ['staff', 'manager'], relation: 'team',
    actions: ['equality.record'], classifications: ['special'],
    reason: "You are on the person's case team: record the equality monitoring answers they chose to give, or remove them at their request.",
  },
  {
    id: 'equality/management-reports', clauseKey: 'equality-monitoring', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['equality.report'],
    reason: 'The Senior Management Team see equality monitoring as counts, with small numbers suppressed, to respond to the diverse needs of those we serve.',
  },
];
