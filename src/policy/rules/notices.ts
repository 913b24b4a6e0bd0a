import type { Rule } from '../rule';

/**
 * The organisation's notice and first contact (4.1: "we will inform those that come into contact with the charity of
 * our Confidentiality Policy at the first point of contact"; 3.5: everyone working here knows what people are told).
 *
 * Decided here:
 * - Everyone working here reads the published notice (3.5 staff-awareness): whoever meets a person may be the one
 *   to tell them, and must know what the notice says. Drafts are for those who publish.
 * - Management and the guardian publish it (4.1): the notice states how the organisation uses information, which
 *   the guardian reviews (3.1) and management answer for.
 * - Recording that a person was told needs need to know on them (3.4): staff and trained volunteers on the person's
 *   case team — telling someone about the policy at first contact is something a volunteer who met them does — and
 *   management, who oversee every case. Placement students are third parties to the work (practice 3): they do not
 *   record it, and neither does the guardian, who reviews rather than works with clients.
 */
export const NOTICES_RULES: readonly Rule[] = [
  {
    id: 'notices/read', clauseKey: 'staff-awareness', effect: 'allow',
    roles: ['administrator', 'manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'], relation: 'any',
    actions: ['notice.read'],
    reason: 'Everyone working here knows what the people we support are told about confidentiality.',
  },
  {
    id: 'notices/publish', clauseKey: 'first-contact-notice', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['notice.publish'],
    reason: 'Management and the guardian publish the notice people are given at first contact.',
  },
  {
    id: 'first-contact/case-team', clauseKey: 'first-contact-notice', effect: 'allow', roles: ['staff', 'volunteer'], relation: 'team',
    actions: ['person.inform'], classifications: ['general', 'personal'],
    reason: 'You work with this person: tell them about the confidentiality policy at first contact and record it.',
  },
  {
    id: 'first-contact/management', clauseKey: 'first-contact-notice', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['person.inform'], classifications: ['general', 'personal'],
    reason: 'Management oversee every case and may record that a person was told of the policy.',
  },
];
