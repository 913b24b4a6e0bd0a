import type { Rule } from '../rule';
import type { Classification } from '../types';

/** What a breach report holds: its status and bookkeeping (general) and what the reporter wrote (personal). */
const REPORT_CLASSES: readonly Classification[] = ['general', 'personal'];

/**
 * The breach register (clause 5: "any breach of this policy, intended or accidental, is not acceptable …
 * infringements … will be dealt with seriously as a disciplinary matter under Music24's normal disciplinary
 * procedures"; UK GDPR Art 33–34).
 *
 * - Anyone working here reports a suspected breach — staff, volunteers, students: a breach that is not reported
 *   cannot be dealt with. Not behind the policy-acceptance gate (src/policy/actions.ts): a report is never held up.
 * - The reporter reads back their own report and its status, nothing of the handling.
 * - Management handle breaches: the organisation's normal disciplinary procedures are management's, and the
 *   controller's Art 33–34 decisions are taken by management.
 * - The guardian reads the register and its handling but does not handle it while a manager is free to. Decision:
 *   the guardian reviews how information is used (3.1, "Monitoring and Review") — an oversight role, like
 *   explain/oversight and review/guardian-overview — and is not the line manager a disciplinary referral goes
 *   through (clause 5).
 * - Nobody deals with their own conduct: a breach or a review flag about what a manager did (the glass they broke,
 *   the activity a flag names) is handled, decided and closed by another manager — a disciplinary matter is not
 *   judged by the person it concerns. Nor do they read it, nor its handling (the risk assessment, the decisions, the
 *   disciplinary reference): a disciplinary matter is not followed by the person it concerns either, as it goes on,
 *   which would let them shape the account of their own conduct. It is not in their list of breaches, a read of it
 *   answers as a breach they may not see does (404), the flags about their activity are not in their queue, and they
 *   are not told of them (src/breaches/flags.ts); the organisation's disciplinary procedure tells them what it must.
 * - When no active manager is free (the breach or review flag is about every one of them, none has set up their
 *   account yet — never signed in to choose a password: src/accounts/can-act.ts — or there is none), the
 *   guardian handles the breach — or decides the flag: dismisses it with the reason, or opens it as a breach — and the
 *   alerts and the ICO clock's warnings go to the guardian instead (src/breaches/conduct.ts). Only then: while a
 *   manager is free, a flag stays in management's queue, out of the guardian's.
 */
export const BREACH_RULES: readonly Rule[] = [
  {
    // Record-dependent: decided on the users whose conduct the breach or flag is about (`conductOf`, loaded with the
    // breach row or by src/breaches/conduct.ts), through the relation `own-conduct`, whose SQL form leaves these
    // breaches out of lists too. Never warn-only: the independence of a disciplinary matter.
    id: 'breaches/not-own-conduct', clauseKey: 'breach-handling', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['breach.read', 'breach.review', 'breach.handle', 'breach.flags'], configurable: false,
    relation: 'own-conduct',
    reason: 'This breach or review flag is about your own conduct: another manager handles, decides and closes it, and you do not follow its handling.',
  },
  {
    id: 'breaches/report', clauseKey: 'breach-handling', effect: 'allow',
    roles: ['manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'], relation: 'any',
    actions: ['breach.report'], classifications: REPORT_CLASSES,
    reason: 'Anyone working here reports a suspected breach of the policy, intended or accidental, so that it is dealt with seriously.',
  },
  {
    id: 'breaches/management', clauseKey: 'breach-handling', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['breach.read', 'breach.review', 'breach.handle', 'breach.flags'], classifications: REPORT_CLASSES,
    reason: 'Management deal with breaches of the policy: they assess, contain and decide who must be told, within the 72 hours the law allows.',
  },
  {
    // Clause 5, "dealt with seriously": a breach or a review flag about the conduct of every active manager (in a small
    // charity, often the only one) would otherwise be handled by nobody — the guardian is the one told of it. The
    // guardian steps in then, and only then: the flag queue lists them only such flags (the relation's SQL form).
    id: 'breaches/guardian-when-no-manager-free', clauseKey: 'breach-handling', effect: 'allow', roles: ['guardian'], relation: 'no-free-manager',
    actions: ['breach.handle', 'breach.flags'], classifications: REPORT_CLASSES,
    reason: 'No active manager is free to deal with this breach or review flag (it is about their own conduct, they have not set up their account yet, or there is none): the guardian deals with it.',
  },
  {
    id: 'breaches/guardian-oversight', clauseKey: 'breach-handling', effect: 'allow', roles: ['guardian'], relation: 'any',
    actions: ['breach.read', 'breach.review'], classifications: REPORT_CLASSES,
    reason: 'The guardian reviews how breaches are dealt with; management handle them.',
  },
  {
    // Last, so a manager or the guardian reading a breach they reported is recorded under their oversight rule.
    id: 'breaches/reporter-own-report', clauseKey: 'breach-handling', effect: 'allow', roles: 'any', relation: 'self',
    actions: ['breach.read'], classifications: REPORT_CLASSES,
    reason: 'You reported this breach: you see what you wrote and its status.',
  },
];
