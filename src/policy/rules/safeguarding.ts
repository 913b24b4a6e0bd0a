import type { Rule } from '../rule';
import type { Classification } from '../types';

/** What the people who work a concern read of it: everything but commercial and session information. */
const HANDLING_CLASSES: readonly Classification[] = ['general', 'personal', 'special', 'safeguarding'];
/** What a concern's raiser wrote, and its status: all a raiser reads back. */
const RAISER_CLASSES: readonly Classification[] = ['general', 'safeguarding'];

/**
 * Safeguarding concerns (practice 4.1–4.3; Caldicott principle 7, the duty to share). Anyone working here can
 * raise one; it reaches the designated safeguarding leads (role safeguarding_lead) and management at once; only they
 * work it, and the raiser reads back their own report and its status — nothing of the handling.
 */
export const SAFEGUARDING_RULES: readonly Rule[] = [
  {
    // Not behind the policy-acceptance gate either (src/policy/actions.ts): a concern is never held up.
    id: 'safeguarding/raise-concern', clauseKey: 'safeguarding-management', effect: 'allow',
    roles: ['manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'], relation: 'any',
    actions: ['concern.raise'], classifications: RAISER_CLASSES,
    reason: 'Anyone working here brings a concern about a child or vulnerable adult to the safeguarding leads and management at once.',
  },
  {
    id: 'safeguarding/raiser-own-report', clauseKey: 'safeguarding-management', effect: 'allow', roles: 'any', relation: 'self',
    actions: ['concern.read'], classifications: RAISER_CLASSES,
    reason: 'You raised this concern: you see what you wrote and its status.',
  },
  {
    id: 'safeguarding/leads-and-management', clauseKey: 'safeguarding-management', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'any', actions: ['concern.read'], classifications: HANDLING_CLASSES,
    reason: 'Concerns go to the designated safeguarding leads and management for their immediate action.',
  },
  {
    id: 'safeguarding/work-concern', clauseKey: 'safeguarding-concern-record', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'any', actions: ['concern.work'],
    reason: 'The safeguarding leads and management agree the course of action and record it, with reasons and who agreed.',
  },
  {
    id: 'safeguarding/referral', clauseKey: 'safeguarding-duty-to-share', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'any', actions: ['concern.refer'],
    reason: 'The safeguarding leads and management refer to the local authority or the police when the law requires it, recording why.',
  },
];
