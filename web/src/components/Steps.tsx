import { useEffect, useRef } from 'react';
import { errorsByField } from './PathForm';

// The parts every form in steps shares (adding a person, asking for a disclosure, making a referral): the list of
// steps, the step heading taking focus on each move, and a refusal from the API sending the user back to the step
// that holds the field at fault.

/** The steps of a form, the current one marked for assistive technology, those before it shown done. */
export function Stepper({ steps, step, label = 'Steps' }: { steps: readonly string[]; step: number; label?: string }) {
  return (
    <ol className="stepper" aria-label={label}>
      {steps.map((name, i) => (
        <li key={name} className={i === step ? 'current' : i < step ? 'done' : ''} aria-current={i === step ? 'step' : undefined}>
          <span className="stepper-number" aria-hidden="true">{i < step ? '✓' : i + 1}</span>
          <span>{name}{i < step ? <span className="visually-hidden"> (done)</span> : null}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * A ref for the step heading, focused each time the step changes (not on the first showing), so a screen reader
 * hears where the user has moved to.
 */
export function useStepHeading(step: number) {
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [step]);
  return heading;
}

/**
 * The first step holding a field the API refused (`stepFields`: each step's field names; a name covers the fields
 * nested under it), or null when no field of any step is at fault.
 */
export function stepAtFault(error: unknown, names: readonly string[], stepFields: ReadonlyArray<readonly string[]>): number | null {
  const stepOf = (name: string) => stepFields.findIndex((fs) => fs.some((f) => name === f || name.startsWith(`${f}.`)));
  const wrong = Object.keys(errorsByField(error, names).fields).map(stepOf).filter((s) => s >= 0);
  return wrong.length ? Math.min(...wrong) : null;
}
