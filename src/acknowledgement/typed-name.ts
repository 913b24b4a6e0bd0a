/**
 * Who accepted the terms, against the named recipient (4.3: we ensure that the recipient understands the need for
 * confidentiality). The one-time link is the only proof of who accepted, and anyone holding it can type any name, so
 * the name is not trusted and not refused either (a recipient may sign with their full or married name): the name
 * typed is kept as their signature and compared with the recipient the disclosure names. When they differ, the
 * disclosure says so (`acknowledgedByOther`), the staff page warns before release, and release asks the releasing
 * worker to confirm they checked who accepted (`recipientChecked`); the audit records that the names differed and
 * that it was checked — never the names themselves. Names are compared ignoring case, accents, punctuation and
 * spacing.
 */
export function sameRecipient(named: string, typed: string): boolean {
  return normaliseName(named) === normaliseName(typed);
}

/** A name reduced for comparison: accents, case, punctuation and extra spaces removed. */
const normaliseName = (name: string) =>
  name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
