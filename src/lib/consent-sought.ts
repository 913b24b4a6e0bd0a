/**
 * Whether the person was asked for their consent before their information was shared on an exception to consent
 * (1.3: "only … with the informed consent of the person … with the following exceptions"; 4.1: we "will always ask
 * them to give their consent"), and the one way it is worded: in a release pack's terms and on the recipient's
 * acknowledgement page (4.3), and in the person's "How your information is used" summary. Two records answer it:
 * - an exception disclosure (src/disclosure/schema.ts): `consentSought`, then either what they answered when asked
 *   (`consentAnswer`: refused — one who agreed is shared with on their consent, not on an exception) or why they were
 *   not asked (`notSoughtBecause`: not possible, not safe or it would prejudice the purpose, an emergency);
 * - a safeguarding referral (src/safeguarding/schema.ts `consentPossibleAndSafe`): asked, or not because that was not
 *   possible or not safe. What the person said is free text there, so it is never read as "agreed" or "refused".
 * Null is "not recorded" (an exception asked for before migration 0029, an urgent referral not yet completed): the
 * words then claim nothing either way — neither that they were asked nor "without the consent".
 */

/** Why the person was not asked first (1.3, 4.1): it was not possible, it was not safe or would prejudice the purpose, an emergency. */
export const NOT_SOUGHT_REASONS = ['not_possible', 'not_safe', 'emergency'] as const;
export type NotSoughtReason = (typeof NOT_SOUGHT_REASONS)[number];

/** What the person answered when asked. `agreed` is accepted by no exception: their consent is the basis then (1.3). */
export const CONSENT_ANSWERS = ['refused', 'agreed'] as const;

/**
 * The answer, as recorded: asked (and `answer`, refused, when recorded as a structured answer; null when what they
 * said is free text, a referral's), or not asked (and `because`; null for a referral's "not possible or not safe").
 */
export type ConsentSought =
  | { sought: true; answer: 'refused' | null }
  | { sought: false; because: NotSoughtReason | null };

/** A disclosure's stored answer (migration 0029): 1 asked / 0 not asked / null not recorded, with what they answered or why not. */
export interface ConsentSoughtColumns {
  consent_sought?: number | null;
  consent_answer?: string | null;
  not_sought_because?: string | null;
}

const isReason = (v: unknown): v is NotSoughtReason => (NOT_SOUGHT_REASONS as readonly unknown[]).includes(v);

/** An exception disclosure's recorded answer, or null when none was recorded. */
export function consentSoughtOf(row: ConsentSoughtColumns): ConsentSought | null {
  if (row.consent_sought === null || row.consent_sought === undefined) return null;
  return Number(row.consent_sought) === 1
    ? { sought: true, answer: row.consent_answer === 'refused' ? 'refused' : null }
    : { sought: false, because: isReason(row.not_sought_because) ? row.not_sought_because : null };
}

/** A safeguarding referral's answer (`consentPossibleAndSafe`; null or absent: not answered yet) in the same shape. */
export function consentSoughtOfReferral(consentPossibleAndSafe: boolean | null | undefined): ConsentSought | null {
  if (consentPossibleAndSafe === null || consentPossibleAndSafe === undefined) return null;
  return consentPossibleAndSafe ? { sought: true, answer: null } : { sought: false, because: null };
}

/** Whether the information went "without the consent" of the person: only when they were not asked, or asked and refused. */
export const withoutTheirConsent = (a: ConsentSought | null) => a !== null && (!a.sought || a.answer === 'refused');

/** The columns an exception's answer is stored in (src/disclosure/commands.ts). */
export function consentSoughtColumns(a: { consentSought: boolean; consentAnswer?: string; notSoughtBecause?: NotSoughtReason }) {
  return {
    consent_sought: a.consentSought ? 1 : 0,
    consent_answer: a.consentSought && a.consentAnswer === 'refused' ? 'refused' : null,
    not_sought_because: a.consentSought ? null : (a.notSoughtBecause ?? null),
  };
}

/** The answer as an audit entry's detail records it: the structured answer only, `consentSought: null` when not recorded. */
export function consentSoughtDetail(a: ConsentSought | null): Record<string, unknown> {
  if (!a) return { consentSought: null };
  return a.sought ? { consentSought: true, consentAnswer: a.answer } : { consentSought: false, notSoughtBecause: a.because };
}

/** Why they were not asked, after "seeking their consent …" in a pack's terms. */
const NOT_SOUGHT_TERMS: Readonly<Record<NotSoughtReason | 'unspecified', string>> = {
  not_possible: 'seeking their consent was not possible',
  not_safe: 'seeking their consent was not safe, or would have prejudiced the purpose of sharing it',
  emergency: 'in an emergency there was no time to seek their consent',
  unspecified: 'seeking their consent was not possible or not safe',
};

/**
 * The sentence of a pack's terms (4.3) saying whether the person was asked first, as recorded — '' when not recorded.
 * `about` a referral, being asked is about the referral (what they said is free text, never "agreed").
 */
export function askedSentence(a: ConsentSought | null, about: 'referral' | 'exception'): string {
  if (!a) return '';
  if (a.sought) {
    if (a.answer === 'refused') return 'The person it concerns was asked for their consent first and refused it.';
    return about === 'referral' ? 'The person it concerns was asked about this referral before it was made.' : 'The person it concerns was asked for their consent first.';
  }
  const why = NOT_SOUGHT_TERMS[a.because ?? 'unspecified'];
  return `The person it concerns was not asked first: ${why}.`;
}

/** Why they were not asked, in the person's words, after "and …". */
const NOT_ASKED_YOU: Readonly<Record<NotSoughtReason | 'unspecified', string>> = {
  not_possible: 'asking you was not possible',
  not_safe: 'asking you could have put someone at risk or harmed an investigation',
  emergency: 'in an emergency there was no time to ask you',
  unspecified: 'asking you was not possible or not safe',
};

/**
 * The basis of a disclosure made on an exception (1.3) in the person's words (their summary): `because` says why it
 * was shared ("the law or a risk of harm required it"), and what follows whether we asked them first, as recorded —
 * "without asking you first" only when we did not, "you said no" only when that is the recorded answer, nothing
 * about asking when nothing was recorded.
 */
export function askedYouWords(because: string, a: ConsentSought | null): string {
  if (!a) return `because ${because}`;
  if (a.sought) return `because ${because}; ${a.answer === 'refused' ? 'we asked you first and you said no' : 'we asked you about it first'}`;
  return `without asking you first, because ${because} and ${NOT_ASKED_YOU[a.because ?? 'unspecified']}`;
}
