// Words for consent (1.3, 4.1): how it was given, by whom, its status and how it was withdrawn.
import type { Consent, ConsentRecipient, Purpose, Recipient } from '../../api/models';
import { CLASSIFICATION_LABELS } from '../../labels';

/** The purpose's recipient category meaning the organisation's own service, and the one naming partners. */
export const INTERNAL_ONLY = 'internal service only';
export const NAMED_PARTNER = 'named partner organisation';

export const METHODS = [
  { id: 'e_signature', label: 'Written: they type their name', description: 'An electronic signature on this device' },
  { id: 'oral', label: 'Spoken', description: 'You record what was said and agreed; a witness if there was one' },
] as const;
export const METHOD_LABELS: Record<string, string> = { e_signature: 'Written (typed signature)', oral: 'Spoken, attested by staff', signed_form: 'Signed form' };

export const GIVEN_BY = [
  { id: 'person', label: 'The person themselves' },
  { id: 'competent_child', label: 'A child competent to decide', description: 'Record how you judged they understand (Gillick competence)' },
  { id: 'parental_responsibility', label: 'Someone with parental responsibility' },
  { id: 'representative', label: 'An authorised representative', description: 'e.g. lasting power of attorney, court-appointed deputy' },
] as const;
export const GIVEN_BY_LABELS: Record<string, string> = Object.fromEntries(GIVEN_BY.map((g) => [g.id, g.label]));

/** Whole years from a date of birth (YYYY-MM-DD) to today; null when it is unknown or hidden from this user. */
function ageToday(dateOfBirth: string | null | undefined): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth ?? '');
  if (!m) return null;
  const now = new Date();
  const passed = now.getMonth() + 1 > Number(m[2]) || (now.getMonth() + 1 === Number(m[2]) && now.getDate() >= Number(m[3]));
  return now.getFullYear() - Number(m[1]) - (passed ? 0 : 1);
}

/**
 * Who can give consent for a person of their age, as the server checks it (src/consent/who-may-answer.ts): under 16
 * a child judged competent or someone with parental responsibility; 16 and over the person (or a representative);
 * 18 and over no parent. A refusal is recorded from anyone. Every choice, and no hint, when the age is not known.
 */
export function whoCanAnswer(dateOfBirth: string | null | undefined, decision: string): { options: ReadonlyArray<(typeof GIVEN_BY)[number]>; hint?: string } {
  const age = ageToday(dateOfBirth);
  if (age === null || decision !== 'given') return { options: GIVEN_BY };
  if (age < 16) {
    return {
      options: GIVEN_BY.filter((g) => g.id === 'competent_child' || g.id === 'parental_responsibility'),
      hint: `They are ${age}: under 16, consent comes from them only if you judge them competent to decide (write how), or from someone with parental responsibility.`,
    };
  }
  return { options: GIVEN_BY.filter((g) => g.id !== 'competent_child' && (age < 18 || g.id !== 'parental_responsibility')) };
}

export const WITHDRAWAL_METHODS = [
  { id: 'in_writing', label: 'In writing' },
  { id: 'orally', label: 'Spoken (in person or by phone)' },
  { id: 'other', label: 'Another way' },
] as const;
export const withdrawalLabel = (m: string | null) => WITHDRAWAL_METHODS.find((x) => x.id === m)?.label.toLowerCase() ?? '';

export const STATUS: Record<Consent['status'], { label: string; tone: string }> = {
  given: { label: 'Agreed', tone: 'ok' },
  refused: { label: 'Did not agree', tone: 'warn' },
  withdrawn: { label: 'Withdrawn', tone: 'warn' },
  expired: { label: 'Expired', tone: 'muted-badge' },
  superseded: { label: 'Replaced', tone: 'muted-badge' },
};

export const LAWFUL_BASIS: Record<string, string> = {
  consent: 'Consent', contract: 'Contract', legal_obligation: 'Legal obligation', vital_interests: 'Vital interests',
  public_task: 'Public task', legitimate_interests: 'Legitimate interests',
};

/** "Health and support needs" for a classification. */
export const categoryLabel = (c: string) => CLASSIFICATION_LABELS[c]?.label ?? c;

/**
 * A recipient as people say it: each organisation by its name (the API names them on a consent; `orgNames` names
 * them on a recipient not yet recorded).
 */
export function recipientLabel(r: Recipient | ConsentRecipient, orgNames: ReadonlyMap<string, string> = new Map()): string {
  if (r.kind === 'internal') return 'Our own service only';
  if (r.kind === 'organisation') return ('name' in r && r.name) || orgNames.get(r.organisationId) || 'A named partner organisation';
  return r.category.charAt(0).toUpperCase() + r.category.slice(1);
}

/** "A", "A and B", "A, B and C". */
export const inWords = (items: readonly string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** The purpose's name, or a placeholder while the register loads. */
export const purposeName = (purposes: readonly Purpose[] | undefined, id: string) => purposes?.find((p) => p.id === id)?.name ?? 'A purpose';
