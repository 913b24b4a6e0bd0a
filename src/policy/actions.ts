import { RECORD_ACTIONS } from '../records/registry';

export { RECORD_ACTIONS, READ_ACTIONS } from '../records/registry';

/**
 * Every action the pipeline can ask the policy about: the record actions each record type's descriptor lists, and
 * these. A route must name one (or be public); the route-table test checks that every named action has a rule.
 */
export const OTHER_ACTIONS = [
  'account.self',
  'user.list', 'user.manage', 'user.roles',
  'grant.request', 'grant.list', 'grant.decide', 'grant.revoke', 'grant.withdraw',
  'breakglass.open', 'breakglass.review',
  'access.explain', 'audit.read', 'audit.verify',
  'policy.read', 'policy.accept', 'policy.load',
  'notification.read',
  'notice.read', 'notice.publish',
  'purpose.read', 'purpose.create', 'purpose.update', 'purpose.approve', 'purpose.retire', 'purpose.assign',
  'disclosure.register',
  'agreement.read', 'agreement.manage', 'agreement.document', 'agreement.check', 'agreement.review',
  'meeting.read', 'meeting.record', 'meeting.update', 'meeting.share',
  'review.read', 'review.record',
  'equality.record', 'equality.read', 'equality.report',
] as const;

export type Action = (typeof RECORD_ACTIONS)[number] | (typeof OTHER_ACTIONS)[number];
export const ACTIONS: readonly Action[] = [...RECORD_ACTIONS, ...OTHER_ACTIONS];

/**
 * Actions that touch confidential data, so they wait until the user has accepted the policy (3.5). Raising a
 * safeguarding concern is not among them: it reveals nothing to the raiser, and a concern must never wait (practice
 * 4.1–4.2: all concerns are brought to management). Nor is reporting a suspected breach (clause 5): a breach nobody
 * may report cannot be dealt with.
 */
export const CONFIDENTIAL_ACTIONS: readonly Action[] = [
  ...RECORD_ACTIONS.filter((a) => a !== 'concern.raise' && a !== 'breach.report'),
  // The request queue holds each requester's reason, which may name a client or what happened (3.4).
  'grant.request', 'grant.list', 'grant.decide', 'grant.revoke', 'breakglass.open', 'breakglass.review', 'access.explain', 'audit.read',
  // Changing the purpose register is governance: under the policy. Reading it is not confidential (3.1). Moving a
  // case to another purpose (2.1) changes what a client's information is used for.
  'purpose.create', 'purpose.update', 'purpose.approve', 'purpose.retire', 'purpose.assign',
  // Writing the notice people are told at first contact (drafting and publishing it) is governance under the policy
  // (4.1); reading the published notice is not confidential — whoever meets a person must know what it says.
  'notice.publish',
  'disclosure.register',
  // Sharing agreements name a partner's signatories and the conditions agreed with it — a partner's business
  // information, held as confidentially as personal information (1.4, 2.3): reading the register, managing it, the
  // signed copy and checking or reviewing an agreement all wait for acceptance; so does every meeting action (its
  // notes are confidential).
  'agreement.read', 'agreement.manage', 'agreement.document', 'agreement.check', 'agreement.review',
  'meeting.read', 'meeting.record', 'meeting.update', 'meeting.share',
  // The management review lists records of every area; equality declarations are special-category data (Art 9).
  'review.read', 'review.record',
  'equality.record', 'equality.read', 'equality.report',
];

/** True when the string names a known action. */
export const isAction = (s: string): s is Action => (ACTIONS as readonly string[]).includes(s);
