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
    // Practice 4.2: a concern goes to management "for appropriate course of action to be agreed" — not settled by the
    // one who raised it. A lead or manager who raised a concern records what they know in its chronology, but someone
    // else acknowledges it (its escalation runs until then) and closes it.
    id: 'safeguarding/not-own-concern', clauseKey: 'safeguarding-management', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['concern.settle'], configurable: false,
    when: (actor, r) => r.ownerId === actor.id,
    reason: 'You raised this concern: another safeguarding lead or manager acknowledges and closes it.',
  },
  {
    id: 'safeguarding/work-concern', clauseKey: 'safeguarding-concern-record', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'any', actions: ['concern.work', 'concern.settle'],
    reason: 'The safeguarding leads and management agree the course of action and record it, with reasons and who agreed.',
  },
  {
    id: 'safeguarding/referral', clauseKey: 'safeguarding-duty-to-share', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'any', actions: ['concern.refer'],
    reason: 'The safeguarding leads and management refer to the local authority or the police when the law requires it, recording why.',
  },
  {
    // Practice 4.1: concerns are brought to management "for their immediate action". A manager making an urgent
    // referral is that action, so they release it at once under the legal duty (1.3) without waiting for a second
    // manager; the second manager's review is recorded afterwards, within REFERRAL_COMPLETE_HOURS, and an
    // incomplete record past that time is flagged (src/safeguarding/referral-clock.ts). Anyone else's referral —
    // a lead who is not a manager, or one that is not urgent — waits for a manager who did not make it (practice
    // 4.2: the course of action is agreed with management; 1.3 disclosure/no-self-approval).
    id: 'safeguarding/urgent-release-by-manager', clauseKey: 'safeguarding-management', effect: 'allow',
    roles: ['manager'], relation: 'any', actions: ['concern.release'],
    reason: 'Management take immediate action on a concern: a manager releases an urgent referral at once, and a second manager reviews it afterwards.',
  },
  {
    // Practice 4.1: concerns go to the leads and management "for their immediate action", and a lead cannot act on
    // a concern without knowing whom it is about. A lead off the person's case team may not open their record (need
    // to know, 3.4), so the concern itself carries the person's name — their general fields only, nothing of the
    // record — for those who work concerns. The raiser reads back what they wrote, no more.
    id: 'safeguarding/subject-name-for-leads', clauseKey: 'safeguarding-management', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'any', actions: ['concern.subject'], classifications: ['general'],
    reason: 'The safeguarding leads and management act on a concern at once, so they see by name whom it is about (their name only).',
  },
  {
    // The disclosure a referral makes (1.3 legal duty, practice 4.3): asked for, released and told by the leads
    // and management through relation `referral` — the case team's disclosure rules require `ordinary` instead.
    id: 'safeguarding/referral-disclosure', clauseKey: 'safeguarding-duty-to-share', effect: 'allow',
    roles: ['safeguarding_lead', 'manager'], relation: 'referral', actions: ['disclosure.request', 'disclosure.release', 'disclosure.told'],
    reason: 'The safeguarding leads and management share what the law requires with the safeguarding team or the police, recording why.',
  },
  {
    // 3.4 need to know: a lead reads a referral's record (who, when, to whom, on which basis, which items) as their
    // work needs (safeguarding/referral-disclosure-reads), but the VALUES the pack carries only as the person's own
    // record would show them — on the person's case team. This rule only opens the pack ('general': its reference,
    // recipient and terms): each item in it is decided where it lives, a person field, note or document by its
    // record's read at its classification, the concern's account by the concern's (src/disclosure/pack-read.ts). So
    // a lead who is also staff reads health notes (need-to-know/case-team) but not safeguarding notes, which on the
    // record are management's (safeguarding/management-oversight, practice 4.1); a lead off the team opens none of
    // it. Management read every pack whole (disclosure/management-releases, not scoped to classifications).
    id: 'safeguarding/referral-pack-need-to-know', clauseKey: 'need-to-know', effect: 'allow',
    roles: ['safeguarding_lead'], relation: ['referral', 'team'], actions: ['disclosure.pack'],
    classifications: ['general'],
    reason: "You are a safeguarding lead on the person's case team: you open what the referral sent, and read each item in it as its own record shows it to you.",
  },
  {
    id: 'safeguarding/referral-disclosure-reads', clauseKey: 'safeguarding-duty-to-share', effect: 'allow',
    roles: ['safeguarding_lead'], relation: 'referral', actions: ['disclosure.read'], classifications: ['general', 'personal'],
    reason: 'The safeguarding leads see every referral made to the safeguarding team or the police, with its reasons.',
  },
];
