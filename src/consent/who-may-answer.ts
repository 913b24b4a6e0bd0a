import { invalidInput } from '../lib/errors';
import type { RecordConsentInput } from './schema';

/** Under this age a child gives consent only when judged competent to decide (Gillick), or a parent gives it. */
export const AGE_OF_PRESUMED_CAPACITY = 16;
/** Parental responsibility ends at this age. */
export const AGE_OF_MAJORITY = 18;

/** Whole years from a date of birth (YYYY-MM-DD) to `at`; null when the date of birth is unknown or not a date. */
export function ageOn(dateOfBirth: string | null | undefined, at: Date): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth ?? '');
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const birthdayPassed = at.getUTCMonth() + 1 > month || (at.getUTCMonth() + 1 === month && at.getUTCDate() >= day);
  return at.getUTCFullYear() - year - (birthdayPassed ? 0 : 1);
}

/**
 * Who may give consent for a person of this age (1.3, 4.1 informed consent; practice 4.1 safeguarding children):
 * - under 16, the child only when judged competent to decide, with how they were judged (Gillick), or someone with
 *   parental responsibility — "the person themselves" without an assessment is not informed consent from a child,
 *   and a representative's authority (a lasting power of attorney, a deputy) is an adult's;
 * - from 16, the person is presumed able to decide (Mental Capacity Act 2005): no competence assessment is asked
 *   for, and from 18 no one holds parental responsibility for them.
 * A refusal is recorded whoever voiced it: saying no is heard from anyone. An unknown date of birth allows every
 * kind (the worker judges, and records how under `givenBy`).
 */
export function givenByFault(input: Pick<RecordConsentInput, 'decision' | 'givenBy'>, dateOfBirth: string | null | undefined, at: Date): Error | null {
  if (input.decision !== 'given') return null;
  const age = ageOn(dateOfBirth, at);
  if (age === null) return null;
  const kind = input.givenBy.kind;
  const fault = (detail: string, message: string) => invalidInput(detail, [{ path: 'body.givenBy.kind', message }]);
  if (age < AGE_OF_PRESUMED_CAPACITY && (kind === 'person' || kind === 'representative')) {
    return fault(
      'This person is under 16: consent comes from the child when you have judged them competent to decide (record how), or from someone with parental responsibility.',
      'under 16: competent_child or parental_responsibility',
    );
  }
  if (age >= AGE_OF_PRESUMED_CAPACITY && kind === 'competent_child') {
    return fault('This person is 16 or over and presumed able to decide for themselves: record it as given by the person.', '16 or over: not competent_child');
  }
  if (age >= AGE_OF_MAJORITY && kind === 'parental_responsibility') {
    return fault('This person is an adult: no one holds parental responsibility for them. An adult who cannot decide is represented by an authorised representative.', '18 or over: not parental_responsibility');
  }
  return null;
}
