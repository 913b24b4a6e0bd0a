/**
 * Pseudonymisation of free text (3.3: person-specific information is not used unless there is no alternative; for a
 * purpose that does not need identity there is one). A pseudonymised pack replaces, in every free-text value it
 * carries — note titles and bodies, and person fields such as health or safeguarding notes — the person's recorded
 * identifiers:
 * - their given, family, preferred and full names, as whole words in any case (so "Jo's" and "JO" are caught and
 *   "Joanna" is not), by the stable pseudonym;
 * - their e-mail, phone number (in any spacing), postal address, date of birth (ISO, d/m/yyyy and "1 April 2010")
 *   and the ids of their record and cases, by "[withheld]".
 * What it cannot know is not caught: nicknames, misspellings, other people's names, places. That residual risk is
 * stated on the pack, and free text is chosen for a pseudonymised pack only when the purpose needs it (3.3).
 */

/** What a person is recorded as: the identifiers to look for. */
export interface Identifiers {
  names: string[];
  other: string[];
  phone: string | null;
  dateOfBirth: string | null;
}

/** The text that replaces an identifier that is not a name. */
export const WITHHELD = '[withheld]';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A whole-word match in any script: no letter, digit or underscore on either side. */
const word = (alternatives: string[]) => new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');

/** The ways a date of birth (YYYY-MM-DD) is commonly written. */
function dateForms(iso: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return [escape(iso)];
  const [, y, mm, dd] = m;
  const d = String(Number(dd));
  const mo = String(Number(mm));
  const month = MONTHS[Number(mm) - 1] ?? '';
  return [
    `${y}-${mm}-${dd}`, `0?${d}[/.-]0?${mo}[/.-]${y}`, `0?${d}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${month}|${month.slice(0, 3)})\\.?,?\\s+${y}`,
    `(?:${month}|${month.slice(0, 3)})\\.?\\s+0?${d}(?:st|nd|rd|th)?,?\\s+${y}`,
  ];
}

/**
 * Builds the scrubber for one person: a function that replaces their identifiers in a text. Longer names are tried
 * first, so "Jo Bloggs" becomes one pseudonym rather than two.
 */
export function scrubberFor(ids: Identifiers, pseudonym: string): (text: string) => string {
  const names = [...new Set(ids.names.map((n) => n.trim()).filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length);
  const nameRe = names.length ? word(names.map((n) => escape(n).replace(/\s+/g, '\\s+'))) : null;
  const others: string[] = [...new Set(ids.other.map((o) => o.trim()).filter((o) => o.length >= 3))].map((o) => escape(o).replace(/\s+/g, '\\s+'));
  const digits = ids.phone?.replace(/\D/g, '') ?? '';
  if (digits.length >= 6) others.push(digits.split('').join('[\\s().-]*'));
  if (ids.dateOfBirth) others.push(...dateForms(ids.dateOfBirth));
  const otherRe = others.length ? word(others) : null;
  return (text) => {
    let out = text;
    if (otherRe) out = out.replace(otherRe, WITHHELD);
    if (nameRe) out = out.replace(nameRe, pseudonym);
    return out;
  };
}
