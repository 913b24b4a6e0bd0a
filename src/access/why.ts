import { RULES } from '../policy/rules';

/**
 * Why an entry of "who has seen this record" happened, in the third person for the manager or guardian reading it
 * (3.1: uses reviewed by a guardian). Keyed by the rule the audit entry names; a rule missing here falls back to its
 * own reason (test/unit/access-why.test.ts keeps every rule that can touch a person's records listed).
 */
export const WHY_BY_RULE: Readonly<Record<string, string>> = {
  'agreement/not-accepted': 'They had not yet accepted the current confidentiality policy, so it was refused.',
  'session/staff-team-only': 'Session details are confidential to the staff team working with the client, so it was refused.',
  'grant/no-self-approval': 'Their own request or emergency access must be decided by another manager, so it was refused.',
  'need-to-know/case-team': 'They are on the case team working with this client.',
  'need-to-know/case-team-volunteer': 'They work with this client as a volunteer or student (general details only).',
  'session/manager-on-team': 'They are a manager on the staff team working with this client.',
  'safeguarding/management-oversight': 'Management oversee every case so that concerns can be acted on immediately.',
  'review/guardian-overview': 'The guardian reviews how information is used (general details only).',
  'need-to-know/access-grant': 'A manager granted them time-limited access to this record.',
  'break-glass/emergency-access': 'They opened it with emergency (break-glass) access; a manager reviews every use.',
  'safeguarding/raise-concern': 'They raised a safeguarding concern, which goes to the safeguarding leads at once.',
  'safeguarding/raiser-own-report': 'They raised this concern and may see what they wrote and its status.',
  'safeguarding/leads-and-management': 'Safeguarding leads and management act on every concern.',
  'safeguarding/work-concern': 'A safeguarding lead or manager recorded what was done about the concern.',
  'safeguarding/referral': 'A safeguarding lead or manager decided to share information to protect someone.',
  'records/staff-create': 'Staff record the people they support.',
  'records/manager-write': 'Management keep records accurate, including safeguarding information.',
  'records/case-team-update': 'They are on the case team working with this client.',
  'records/team-manage': 'Management decide who needs to know, by assigning case teams.',
  'notes/case-team-write': 'They are on the case team and record its sessions and conversations.',
  'safeguarding/management-documents': 'Management file safeguarding documents with the case.',
  'notes/author-edit': 'They wrote it and are still on the case team.',
  'grants/request': 'They asked a manager for access, giving a reason.',
  'grants/own': 'It was their own access grant.',
  'grants/manage': 'Management decide who needs to know.',
  'break-glass/open': 'They used emergency (break-glass) access, giving a reason; managers review every use.',
  'break-glass/breach': 'A manager reviewed an emergency access and recorded it as a breach.',
  'organisations/directory': 'Partner and funder names are general information for everyone working here.',
  'organisations/contact-details': 'Staff may contact partner organisations.',
  'organisations/commercial-team': 'They deal with this organisation, so they see its business information.',
  'organisations/manage': 'Staff record the organisations they work with.',
  'organisations/update': 'Staff keep partner details up to date.',
  'organisations/archive': 'Management archive organisations.',
  'explain/self': 'They asked why they can or cannot see something.',
  'audit/verify': 'Administrators and the guardian check the audit trail is intact.',
  'notices/read': 'Everyone working here reads the notice people are given at first contact.',
  'notices/publish': 'Management or the guardian published the notice people are given at first contact.',
  'first-contact/case-team': 'They work with this person and recorded telling them about the confidentiality policy.',
  'first-contact/management': 'A manager recorded that this person was told about the confidentiality policy.',
  'purposes/no-self-approval': 'A purpose must be approved by someone other than its author, so it was refused.',
  'purposes/register-open': 'The purpose register is open to everyone working here.',
  'purposes/propose': 'Management or the guardian defined a purpose information is used for.',
  'purposes/author-edits-draft': 'They proposed this purpose and changed it before approval.',
  'purposes/guardian-approves': 'A guardian scrutinised and approved the purpose.',
  'purposes/not-in-force': 'The purpose named was not active (a draft, retired or due for review), so it was refused.',
  'consent/explained-by-trained-staff': 'Consent is explained and recorded by trained staff, so a volunteer or student was refused.',
  'consent/none-covers': 'No current consent of this person covered that recipient, purpose and information, so it was refused.',
  'consent/case-team-reads': 'They are on the case team working with this person.',
  'consent/case-team-volunteer-reads': 'They work with this person as a volunteer or student (what was agreed only).',
  'consent/management-oversight': 'Management oversee every case, including what people agreed to.',
  'consent/guardian-review': 'The guardian reviews how each purpose is used (general details only).',
  'consent/record-case-team': "They are on the person's case team and recorded the consent they explained.",
  'consent/withdraw-case-team': 'They work with this person and recorded their withdrawal at once.',
  'consent/withdraw-management': 'A manager recorded this person\'s withdrawal at once.',
  'consent/check-case-team': "The person's current consent covered that recipient, purpose and information.",
  'consent/check-management': "The person's current consent covered that recipient, purpose and information.",
  'information-use/prepared-by-staff': 'The summary of how a person\'s information is used is prepared by staff, so a volunteer or student was refused.',
  'information-use/case-team': "They are on the person's case team and prepared the summary of how their information is used.",
  'information-use/management': 'A manager prepared the summary of how this person\'s information is used.',
  'accounts/self': 'It concerned their own account or the policy they work under.',
  'accounts/directory': 'Administrators and managers see who works here, to assign teams.',
  'accounts/administer': 'Administrators manage accounts and load the organisation’s policy.',
  'explain/oversight': 'Managers and the guardian review who can see and who has seen records.',
  'default/deny': 'No rule gives their role access to this information, so it was refused.',
  'default/not-found': 'The record was not found, or was not theirs to see, so it was refused.',
};

const REASONS = new Map(RULES.map((r) => [r.id, r.reason]));

/** The readable "why" of an audit entry's rule (null when the entry names none, e.g. a recorded change). */
export function whyOf(ruleId: string | null): string | null {
  if (!ruleId) return null;
  return WHY_BY_RULE[ruleId] ?? REASONS.get(ruleId) ?? null;
}
