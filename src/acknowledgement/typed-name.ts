import { DomainError, type FieldError } from '../lib/errors';

/**
 * Whether the name typed on a one-time acknowledgement link (src/acknowledgement/link.ts) is the name of the person
 * the link was sent to, compared ignoring case, accents, punctuation and spacing ("dr a nurse" is "Dr A. Nurse").
 * The link is the only proof of who accepted, and anyone holding it can type any name, so the typed name is never
 * trusted by itself. Each caller decides what a different name means, and no caller puts either name in the audit:
 * - a disclosure (4.3: we ensure the recipient understands the need for confidentiality) keeps the typed name as the
 *   signature (a recipient may sign with their full or married name); the disclosure then says so
 *   (`acknowledgedByOther`), the staff page warns before release, and release asks the releasing worker to confirm
 *   they checked who accepted (`recipientChecked`);
 * - a meeting (practice 3) has no release step — its notes go at once to whoever accepts — so a name that is not the
 *   external attendee's is refused (400 on `body.typedName`), nothing is written and the link keeps working.
 */
export function sameName(named: string, typed: string): boolean {
  return normaliseName(named) === normaliseName(typed);
}

/** A name reduced for comparison: accents, case, punctuation and extra spaces removed. */
const normaliseName = (name: string) =>
  name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The code of the refusal of a name that is not the one a link was sent to (the problem's `code`). */
export const NAME_MISMATCH = 'typed-name-mismatch';

/**
 * The refusal of a name that is not the one the link was sent to: a 400 on the field, kept as a refusal whose unit
 * still commits (src/acknowledgement/link.ts publicLinkUnit) so the attempt stays counted against the link
 * (src/acknowledgement/name-attempts.ts). Throw it before anything else is written; its detail never holds a name.
 */
export const nameMismatch = (detail: string, errors: FieldError[]) => new DomainError('invalid-input', detail, { errors, code: NAME_MISMATCH });
