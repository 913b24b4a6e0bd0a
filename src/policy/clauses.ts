/**
 * Rules cite clause *keys*, not numbers, so an organisation's own policy can be mapped onto them. This is the
 * mapping for the sample policy Confide ships with; loading a policy document replaces it (see policy documents).
 */
export const CLAUSE_KEYS = {
  'records-management': 'Confidential records are properly managed.',
  'justify-purpose': 'Every use of information is justified and reviewed by a guardian.',
  'need-to-know': 'Access on a strict need-to-know basis, down to the information item.',
  'staff-awareness': 'Everyone handling information knows their responsibilities.',
  'secure-conditions': 'Confidential information is held under secure, restricted conditions.',
  'commercial-sensitivity': 'Business information is treated as confidentially as personal information.',
  'session-staff-team-only': 'Session details are confidential to the staff team.',
  'safeguarding-management': 'Safeguarding concerns go to management for immediate action.',
  'safeguarding-concern-record': 'The course of action on a concern is agreed by management and recorded, with its reasons and who agreed.',
  'safeguarding-duty-to-share': 'Information is shared with the safeguarding team or the police when the law requires it, with the reasons recorded (Caldicott principle 7: the duty to share).',
  'break-glass-review': 'Every necessary breach of confidentiality and its reasons are recorded and reviewed.',
  'breach-handling': 'Breaches of the policy, intended or accidental, are recorded and dealt with seriously.',
  'first-contact-notice': 'Everyone who comes into contact with the charity is told of the Confidentiality Policy at the first point of contact.',
  'purpose-register': 'Every use or transfer of information is a purpose in the register, approved by a guardian who did not propose it and reviewed by its date.',
  'informed-consent': 'Information goes to a recipient only with the informed consent of the person it is about, for that purpose and recipient; a withdrawal takes effect at once.',
  'consent-by-trained-staff': 'Consent is sought and recorded by staff trained to explain why, with whom and the consequences.',
  'no-surprises': 'People are told, in plain words they can keep, how their information is used: what they were told, what they agreed to, for which purposes, what was shared and who has looked (Caldicott principle 8).',
} as const;

export type ClauseKey = keyof typeof CLAUSE_KEYS;

/** Clause key → clause numbers in the sample policy ("practice N" = "The Policy in Practice" section). */
export const SAMPLE_CLAUSE_MAP: Readonly<Record<string, readonly string[]>> = {
  'records-management': ['1.1'],
  'justify-purpose': ['3.1', 'monitoring-and-review'],
  'need-to-know': ['3.3', '3.4', '4.2'],
  'staff-awareness': ['3.5', 'practice 3'],
  'secure-conditions': ['3.7'],
  'commercial-sensitivity': ['1.4', '2.3'],
  'session-staff-team-only': ['practice 1', 'practice 2'],
  'safeguarding-management': ['practice 4.1', 'practice 4.2'],
  'safeguarding-concern-record': ['practice 4.2', 'practice 4.3'],
  'safeguarding-duty-to-share': ['practice 4.3'],
  'break-glass-review': ['practice 4.2', 'practice 4.3'],
  'breach-handling': ['5'],
  'first-contact-notice': ['4.1'],
  'purpose-register': ['3.1', '2.1'],
  'informed-consent': ['1.3', '4.1', '4.2'],
  'consent-by-trained-staff': ['4.1', '3.5'],
  'no-surprises': ['4.1'],
};

/**
 * Clauses of the sample policy that no software rule enforces and none is meant to: what supports them instead. The
 * matrix shows these as procedural. A note here never speaks of software still to come — that belongs in
 * {@link SAMPLE_PLANNED} (the traceability test fails otherwise).
 */
export const SAMPLE_PROCEDURAL: Readonly<Record<string, string>> = {
  'aim-of-policy': 'Statement of intent. Realised by the rules mapped to the numbered clauses.',
  '2.2': 'Confide has no feature that sells, trades, rents or lends data; exports run through need to know and are audited.',
  '2.4': 'Rationale for the policy; no rule of its own.',
  '3.6': 'Confide keeps every version of this policy and this traceability matrix so the guardian can show compliance and review regularly.',
  'equality-and-diversity': 'Organisational commitment; no software rule.',
};

/**
 * Clauses of the sample policy whose software is not built yet. The matrix shows them as **planned** and counts them
 * as gaps, whatever rules cite them: a clause is enforced only when rules that carry out its meaning cite it, and a
 * rule that merely supports part of a clause does not make it enforced (1.3 is the example: consent is recorded and
 * checked, but the disclosure workflow with its legal-duty and emergency exceptions is not built). Each note says
 * what exists today and what is missing.
 */
export const SAMPLE_PLANNED: Readonly<Record<string, string>> = {
  '1.2': 'Planned: the third-party disclosure workflow that releases information only under the Data Protection Policy. Today Confide has no way to send records outside the organisation except exports, which are filtered by need to know and audited.',
  '1.3': 'Planned: the disclosure workflow, with the legal-duty and emergency exceptions decided by management. Built today: informed consent per purpose and recipient, recorded by staff and withdrawn at once, and the consent check that a disclosure will have to pass (rules consent/record-case-team, consent/check-case-team, consent/check-management, consent/withdraw-case-team); nothing is yet disclosed through Confide.',
  '2.1': 'Planned: disclosures and reports that must each name an active purpose (their issues). Built today: the purpose register (rules purposes/*), and the consent check and consent recording refuse a purpose that is not active (purposes/not-in-force); everyday reads of a case are still justified by need to know (3.4), not by a named purpose.',
  '3.2': 'Planned: the disclosure workflow will refuse organisation-specific data to third parties. Today no data leaves Confide except exports, which are filtered by need to know and audited.',
  '4.3': 'Planned: disclosure only with express consent, recipients told the information is CONFIDENTIAL.',
  '5': 'Planned: the breaches register. Today a manager who reviews a break-glass use as a breach ends the access and the audit trail records it under this clause (rule break-glass/breach, clause key breach-handling); the disciplinary procedure is the organisation\'s own.',
  'practice 5.1': 'Planned: signed joint working protocols (sharing agreements) with partner agencies.',
};

/** An organisation's mapping: clause key → its clause ids, and notes for clauses that are procedural or planned. */
export interface ClauseMapDocument {
  keys: Record<string, string[]>;
  procedural: Record<string, string>;
  planned: Record<string, string>;
}

/** The mapping shipped for the sample policy. */
export const SAMPLE_CLAUSE_MAP_DOCUMENT: ClauseMapDocument = {
  keys: Object.fromEntries(Object.entries(SAMPLE_CLAUSE_MAP).map(([k, v]) => [k, [...v]])),
  procedural: { ...SAMPLE_PROCEDURAL },
  planned: { ...SAMPLE_PLANNED },
};
