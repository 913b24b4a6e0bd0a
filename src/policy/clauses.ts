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
  'break-glass-review': 'Every necessary breach of confidentiality and its reasons are recorded and reviewed.',
} as const;

export type ClauseKey = keyof typeof CLAUSE_KEYS;

/** Clause key → clause numbers in the sample policy ("practice N" = "The Policy in Practice" section). */
export const SAMPLE_CLAUSE_MAP: Readonly<Record<string, readonly string[]>> = {
  'records-management': ['1.1'],
  'justify-purpose': ['3.1'],
  'need-to-know': ['3.4', '4.2'],
  'staff-awareness': ['3.5'],
  'secure-conditions': ['3.7'],
  'commercial-sensitivity': ['1.4', '2.3'],
  'session-staff-team-only': ['practice 2'],
  'safeguarding-management': ['practice 4.1', 'practice 4.2'],
  'break-glass-review': ['practice 4.2', 'practice 4.3'],
};

let current: Readonly<Record<string, readonly string[]>> = SAMPLE_CLAUSE_MAP;
let rendered = new Map<string, string>();

/** The organisation's clause numbers for a key, joined for display ("3.4, 4.2"); the key itself if unmapped. */
export function clauseFor(key: string): string {
  let text = rendered.get(key);
  if (text === undefined) {
    text = (current[key] ?? [key]).join(', ');
    rendered.set(key, text);
  }
  return text;
}

/** Installs the clause map of the current policy document (called at start-up and when a policy is loaded). */
export function setClauseMap(map: Readonly<Record<string, readonly string[]>>): void {
  current = map;
  rendered = new Map();
}

/** The clause map in force. */
export const currentClauseMap = () => current;
