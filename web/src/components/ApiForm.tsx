import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { ApiError } from '../api/client';
import { ProblemMessage } from './ui';

/**
 * A form whose errors come from the API. Field errors (problem+json `errors[{path: "body.<field>"}]`) are tied to
 * their fields (aria-invalid, aria-describedby) and focus moves to the first one; any other refusal is shown above
 * the fields with the API's reason and clause, and takes focus. A field's error goes as soon as it is edited — on
 * typing, not on leaving the field, so nothing moves under the pointer on the way to the submit button. When the
 * form says which `fields` it has and none of the API's field errors is one of them (a case's change refused for the
 * purpose it is held for, body.purposeId, on a form without that field), the refusal is shown above the fields too.
 */
export function ApiForm({ error, onSubmit, children, className, resolved = [], fields }: {
  error: unknown;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  className?: string;
  /** Fields whose error no longer applies because of another field (a person chosen instead of described). */
  resolved?: readonly string[];
  /** The names of the fields this form has, when it knows them. */
  fields?: readonly string[];
}) {
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  // Focus goes to the first field at fault in this form, not a field of the same name in another form on the page.
  const formRef = useRef<HTMLFormElement>(null);
  const all = error instanceof ApiError ? error.fieldErrors() : {};
  const names = Object.keys(all);
  const noneHere = fields !== undefined && names.length > 0 && names.every((n) => !fields.includes(n));
  useEffect(() => {
    setEdited(new Set());
    const first = error instanceof ApiError ? Object.keys(error.fieldErrors())[0] : undefined;
    if (first) (formRef.current ?? document).querySelector<HTMLElement>(`[name="${first}"]:not([type="hidden"]), [data-name="${first}"]`)?.focus();
  }, [error]);
  const shown = Object.fromEntries(Object.entries(all).filter(([name]) => !edited.has(name) && !resolved.includes(name)));
  // A field counts as edited on typing, and on choosing a radio button or checkbox (React Aria's inputs report the
  // click, not always a change event, to the form).
  const touched = (e: { target: EventTarget }) => {
    const t = e.target as HTMLInputElement;
    const name = t.name || t.dataset?.name;
    if (name && names.includes(name) && !edited.has(name)) setEdited(new Set([...edited, name]));
  };
  return (
    <Form
      ref={formRef}
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={shown}
      className={`form ${className ?? ''}`}
    >
      <div
        className="form-body"
        onChange={touched}
        onInput={touched}
        onClick={touched}
      >
        {names.length && !noneHere ? null : <ProblemMessage error={error} />}
        {children}
      </div>
    </Form>
  );
}
