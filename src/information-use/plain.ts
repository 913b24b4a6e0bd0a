import { listOf } from '../lib/list-words';
/**
 * Plain words for "How your information is used" (Caldicott 8: no surprises): the register's and the consent
 * record's codes said the way a person would say them, and dates in UK format. Short sentences, no jargon.
 */

/** "2 March 2026" (UK format) for an ISO date or date-time. */
export const ukDate = (iso: string) =>
  new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "March 2026" for a month "2026-03". */
export const ukMonth = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "once", "twice", "5 times". */
export const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** The classifications a consent or purpose covers, as the kinds of information they are. */
export const CATEGORY_WORDS: Readonly<Record<string, string>> = {
  general: 'your name and basic details',
  personal: 'your contact details and circumstances',
  special: 'information about your health and other sensitive matters',
  safeguarding: 'information about keeping you or others safe',
  session: 'what happens in your sessions',
  commercial: 'business information',
};

/** UK GDPR Article 6 lawful bases, in plain words. */
export const LAWFUL_BASIS_WORDS: Readonly<Record<string, string>> = {
  consent: 'You agreed to it (your consent).',
  contract: 'We need it to give you a service you asked for.',
  legal_obligation: 'The law says we must.',
  vital_interests: 'It is needed to protect someone\'s life.',
  public_task: 'It is part of a public task we carry out.',
  legitimate_interests: 'It is needed for our work, and we have checked that this does not outweigh your rights.',
};

/** UK GDPR Article 9 conditions for sensitive information, in plain words. */
export const ART9_WORDS: Readonly<Record<string, string>> = {
  explicit_consent: 'For sensitive information, you gave clear consent.',
  employment_social_security: 'For sensitive information, it is needed for employment or social security law.',
  vital_interests: 'For sensitive information, it is needed to protect someone\'s life.',
  not_for_profit_body: 'For sensitive information, it is used only within our charity and its members.',
  made_public: 'For sensitive information, you have already made it public.',
  legal_claims: 'For sensitive information, it is needed for a legal claim.',
  substantial_public_interest: 'For sensitive information, the law allows it because it is in the public interest.',
  health_social_care: 'For sensitive information, it is needed for health or social care.',
  public_health: 'For sensitive information, it is needed to protect public health.',
  archiving_research: 'For sensitive information, it is used only for research or records kept in the public interest.',
};

/**
 * Why the law allows a purpose, as the person reads it: the lawful basis, then — when the purpose uses sensitive
 * information — the condition that allows that, as a second sentence of its own ("It is needed for our work, and we
 * have checked that this does not outweigh your rights. For sensitive information, it is used only within our charity
 * and its members."). Each part is a whole sentence already: they are joined with a space, never "; " or a label.
 */
export function whyTheLawAllows(lawfulBasis: string, art9Condition: string | null): string {
  const basis = LAWFUL_BASIS_WORDS[lawfulBasis] ?? lawfulBasis;
  const sensitive = art9Condition ? (ART9_WORDS[art9Condition] ?? art9Condition) : null;
  return sensitive ? `${basis} ${sensitive}` : basis;
}

/** How consent was given. */
export const METHOD_WORDS: Readonly<Record<string, string>> = {
  signed_form: 'by signing a form',
  e_signature: 'by typing your name (an electronic signature)',
  oral: 'by telling a member of staff, who wrote it down',
};

/** How a withdrawal was made. */
export const WITHDRAWAL_WORDS: Readonly<Record<string, string>> = { in_writing: 'in writing', orally: 'by telling us', other: 'in another way' };

/** How the notice was given at first contact. */
export const CONTACT_WORDS: Readonly<Record<string, string>> = { in_person: 'in person', phone: 'by phone', online: 'online', letter: 'by letter' };

/** The role a member of the organisation holds, as the person would understand it. */
export const ROLE_WORDS: Readonly<Record<string, string>> = {
  manager: 'manager', staff: 'member of staff', guardian: 'information guardian', safeguarding_lead: 'member of staff',
  volunteer: 'volunteer', student: 'placement student', administrator: 'system administrator',
};

/** Who an outside attendee at a meeting is (src/meetings/schema.ts, EXTERNAL_ROLES), as the person would say it. */
export const EXTERNAL_ROLE_WORDS: Readonly<Record<string, string>> = {
  health_professional: 'health professional', other_agency: 'worker from another agency', student: 'visiting student', volunteer: 'volunteer', visitor: 'visitor',
};

/** "a health professional", "an outreach worker": a noun with its indefinite article. */
export const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** The text with its first letter in capitals, to start a sentence ("a placement student…" → "A placement student…"). */
export const capitalised = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** Which of several roles describes someone best to the person (the first they hold). */
const ROLE_ORDER = ['manager', 'staff', 'guardian', 'safeguarding_lead', 'volunteer', 'student', 'administrator'] as const;

/** The role that describes someone best; '' for none. */
export function mainRole(roles: readonly string[]): string {
  return ROLE_ORDER.find((r) => roles.includes(r)) ?? '';
}

/** A person's name with their role: "Sam Patel (member of staff)". */
export const nameWithRole = (displayName: string, roles: readonly string[]) => {
  const role = ROLE_WORDS[mainRole(roles)];
  return role ? `${displayName} (${role})` : displayName;
};

/** A language tag as its English name ("cy" → "Welsh"); the tag itself when unknown. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(['en-GB'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

const UNITS: readonly [string, string][] = [['Y', 'year'], ['M', 'month'], ['W', 'week'], ['D', 'day']];

/** An ISO 8601 period ("P6Y", "P1Y6M") in words ("6 years", "1 year and 6 months"). */
export function periodWords(period: string): string {
  const parts: string[] = [];
  for (const [unit, word] of UNITS) {
    const m = new RegExp(`(\\d+)${unit}`).exec(period.slice(1));
    if (m) parts.push(`${Number(m[1])} ${word}${Number(m[1]) === 1 ? '' : 's'}`);
  }
  return parts.length ? listOf(parts) : period;
}
