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
  'breach-handling': 'Breaches of the policy, intended or accidental, are reported by anyone, recorded and dealt with seriously by management.',
  'first-contact-notice': 'Everyone who comes into contact with the charity is told of the Confidentiality Policy at the first point of contact.',
  'purpose-register': 'Every use or transfer of information is a purpose in the register, approved by a guardian who did not propose it and reviewed by its date.',
  'authorised-use': 'Information is used to provide a service or carry out an authorised transaction: every case is held for a purpose in the register that is in force, new information goes into it only while it is, only management move it to another purpose, and every read of it names the purpose.',
  'informed-consent': 'Information goes to a recipient only with the informed consent of the person it is about, for that purpose and recipient; a withdrawal takes effect at once.',
  'consent-by-trained-staff': 'Consent is sought and recorded by staff trained to explain why, with whom and the consequences.',
  'third-party-disclosure': 'Information goes to a third party only on a checked basis, at the minimum necessary, after the recipient accepts the terms, marked CONFIDENTIAL and recorded.',
  'disclosure-exception': 'Without consent, information is disclosed only where the law, an emergency or the prevention or detection of crime requires it, decided by a manager other than the requester.',
  'no-sale-or-bulk': 'Confidential information is never sold, traded, rented or lent, nor handed over in bulk.',
  'no-organisation-data': 'Organisation-specific data is not given to a third party.',
  'sharing-agreements': 'Information is shared with a partner under a joint working protocol agreed and signed by appropriate people on each side, in force and covering the purpose and information.',
  'third-party-meetings': 'What is discussed at a meeting with third parties present is as confidential as the rest of the record: each third party acknowledges it, and the notes reach them only after that and within the meeting\'s need to know.',
  'management-review': 'The senior management team regularly review the operation of the policy, and review the policy itself by its next review date.',
  'equality-monitoring': 'Equality characteristics are optional and self-declared, written only on the person\'s own recording path, never read per person, and reported only in aggregate with small numbers suppressed (Equality Act 2010; UK GDPR Art 9).',
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
  // Clause 5 is enforced by the breach register (rules breaches/*, src/breaches/): anyone reports, management handle
  // against the 72-hour ICO clock (UK GDPR Art 33–34), the guardian reviews, review flags come from the audit chain,
  // and a break-glass use reviewed as a breach opens a record. The disciplinary procedure itself and the report to
  // the ICO stay outside Confide: it records a referral's reference (never HR detail) and when the ICO was told.
  'breach-handling': ['5'],
  'first-contact-notice': ['4.1'],
  'purpose-register': ['3.1', '2.1'],
  // Clause 2.1 is enforced by the purposes information is used for: a case is opened for an active purpose of the
  // register (POST /api/cases and a registration's first case refuse a draft, retired or overdue one, purposes/
  // not-in-force); a note, a file, a meeting about the case, a note's edit or any change to the case but closing it
  // is refused while its purpose is not in force or it names none (rule purposes/case-purpose-in-force, 409); only
  // a manager moves a case to another purpose in force (purposes/manager-assigns-case); every read of a case, of its
  // notes, files and meetings names the purpose in its audit entry and in who has seen the record. Consent, the
  // consent check, disclosures and the people export each name an active purpose too (purposes/not-in-force). A
  // person's own record is read under need to know (3.4), not for one case's purpose.
  'authorised-use': ['2.1'],
  'informed-consent': ['1.3', '4.1', '4.2'],
  'consent-by-trained-staff': ['4.1', '3.5'],
  'third-party-disclosure': ['4.3', '1.2'],
  'disclosure-exception': ['1.3'],
  'no-sale-or-bulk': ['2.2'],
  'no-organisation-data': ['3.2'],
  'sharing-agreements': ['practice 5.1'],
  'third-party-meetings': ['practice 3'],
  'no-surprises': ['4.1'],
  // "The Senior Management Team will regularly review the operation of this policy" and 3.6 "This policy will be
  // reviewed regularly": the review view, the recorded policy reviews and the overdue-review flag (rules review/*).
  'management-review': ['monitoring-and-review', '3.6'],
  // "values, recognises and responds to the diverse needs of … those we serve … Equality Act 2010": optional
  // self-declared monitoring reported only in aggregate (rules equality/*). Not discriminating is conduct, which no
  // software enforces; the monitoring is how the organisation recognises whom it serves.
  'equality-monitoring': ['equality-and-diversity'],
};

/**
 * What the organisation does, outside the software, for clauses of the sample policy that software does not carry out
 * in full. A clause with no rules and such a note is **procedural** (no software rule enforces it, none is meant to);
 * a clause whose rules with tests carry out only part of it, and which has such a note for the rest, is **enforced in
 * part** — never counted or shown as enforced, and not a gap. So a clause whose rules do carry all of it out has no
 * note here. A note here never speaks of software still to come — that belongs in {@link SAMPLE_PLANNED} (the
 * traceability test fails otherwise). A database still on the bundled sample policy is given notes added here on its
 * next start (refreshSampleNotes, src/policy-document/store.ts).
 */
export const SAMPLE_PROCEDURAL: Readonly<Record<string, string>> = {
  'aim-of-policy': 'Statement of intent. Realised by the rules mapped to the numbered clauses.',
  '2.4': 'Rationale for the policy; no rule of its own.',
  // Enforced in part: "Music24 complies with The Data Protection Act 2018" is the whole organisation's work; the
  // software's part is the policy's regular review (rules review/*) and the registers that evidence compliance.
  '3.6': 'Complying with the Data Protection Act 2018 as a whole is the organisation\'s own work, outside Confide: it '
    + 'chooses the lawful basis for each use of personal information, keeps its registration with the Information '
    + 'Commissioner\'s Office (ICO) up to date, decides how long information is kept and sees that it is not kept longer, '
    + 'names who leads on data protection, and checks at each review of this policy that it still meets the law. '
    + 'Confide\'s part is the regular review itself — each one recorded with its next date, and managers told once it '
    + 'is overdue — and the '
    + 'registers that evidence compliance (purposes, consent, disclosures, breaches and the audit trail).',
  // Enforced in part: the software holds its own records under restricted conditions (rules accounts/*); the office,
  // paper and devices are the organisation's.
  '3.7': 'Secure and restricted conditions in the office are the organisation\'s own practice, outside Confide: who '
    + 'may enter the office and when, paper files and anything printed or downloaded from Confide (its PDFs included) '
    + 'locked away, screens kept out of view and locked when left, the computers and phones staff sign in from kept '
    + 'secure, and the machine Confide runs on and its backups held under the same conditions. '
    + 'Confide\'s part is the records it holds: personal accounts and signed-in sessions, roles kept apart, and '
    + 'accounts managed by administrators only (rules accounts/*).',
  // Enforced in part: the breach register (rules breaches/*, see breach-handling above) records and handles breaches;
  // the disciplinary procedure the clause names is the organisation's.
  '5': 'The disciplinary procedure itself is the organisation\'s, outside Confide: management investigate an '
    + 'infringement and take informal or formal action under Music24\'s normal disciplinary procedures, and keep its '
    + 'records in personnel files, not in Confide. Confide\'s part is the breach register: anyone reports a breach, '
    + 'management assess, contain and decide it, and the disciplinary referral is recorded by its reference only.',
  // Enforced in part: the equality monitoring (rules equality/*) is how the organisation recognises whom it serves;
  // not discriminating is conduct.
  'equality-and-diversity': 'Not discriminating against any person or organisation, with particular reference to the '
    + 'protected characteristics of the Equality Act 2010, is the conduct of everyone at Music24, outside Confide: how '
    + 'staff and volunteers treat people, whom the organisation serves and employs, and how it adapts its services '
    + 'to people\'s needs. Confide\'s part is equality monitoring: optional and self-declared, reported only in '
    + 'aggregate with small numbers suppressed (rules equality/*).',
};

/**
 * Clauses of the sample policy whose software is not built yet. The matrix shows them as **planned** and counts them
 * as gaps, whatever rules cite them: a clause is enforced only when rules that carry out its meaning cite it, and a
 * rule that merely supports part of a clause does not make it enforced (1.3 is the example: before the disclosure workflow, consent was recorded and
 * checked but nothing could be disclosed, so 1.3 stayed planned until its exceptions were built). Each note says
 * what exists today and what is missing. None is planned today: 2.1 was the last, until cases were held for a
 * purpose in force (clause key authorised-use).
 */
export const SAMPLE_PLANNED: Readonly<Record<string, string>> = {};

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
