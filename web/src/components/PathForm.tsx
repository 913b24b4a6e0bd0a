import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { ApiError } from '../api/client';
import { ProblemMessage } from './ui';

/**
 * The API's field errors for a form whose body has nested parts ("body.firstContact.method",
 * "body.recipients.0.category"), keyed by the form's field names: each error goes to the longest field name that
 * is a prefix of its path, one message per field (the first). Errors no field claims are returned under `rest`.
 */
export function errorsByField(error: unknown, names: readonly string[], prefix = 'body', missing: Readonly<Record<string, string>> = {}): { fields: Record<string, string>; rest: string[] } {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (!(error instanceof ApiError)) return { fields, rest };
  const byLength = [...names].sort((a, b) => b.length - a.length);
  for (const e of error.problem.errors ?? []) {
    const path = e.path.startsWith(`${prefix}.`) ? e.path.slice(prefix.length + 1) : e.path;
    const name = byLength.find((n) => path === n || path.startsWith(`${n}.`));
    // An answer left empty: say what to give, in the form's words, rather than the validator's.
    if (name) fields[name] ??= MISSING.test(e.message) ? missing[name] ?? 'Fill this in' : e.message;
    else rest.push(e.message);
  }
  return { fields, rest };
}

/** The API's words for an answer that was not given (empty, absent or not one of the choices; src/lib/plain-messages.ts). */
const MISSING = /^required$|^choose at least one$|^must be one of: /;

/** Focuses the first field (in page order) named in `names`. */
export function focusFirstField(names: readonly string[]) {
  const wanted = new Set(names);
  for (const el of document.querySelectorAll<HTMLElement>('form [name], form [data-name]')) {
    const name = el.getAttribute('name') ?? el.getAttribute('data-name') ?? '';
    if (wanted.has(name) && el.getAttribute('type') !== 'hidden' && !el.closest('[aria-hidden="true"]')) {
      el.focus();
      return;
    }
  }
}

/** The name of the radio button or checkbox a click chose (on its input or its label), if any. */
const choiceName = (target: EventTarget): string | null => {
  const el = target as HTMLElement;
  const input = el instanceof HTMLInputElement ? el : el.closest?.('label')?.querySelector('input');
  return input && (input.type === 'radio' || input.type === 'checkbox') ? input.name || null : null;
};

/**
 * A form for a request with nested parts: the API's field errors are tied to their fields (aria-invalid,
 * aria-describedby through React Aria's validation), focus moves to the first one, and a field's error goes as soon
 * as it is edited. A refusal that names no field (403 with its reason and clause) is shown above the fields and
 * takes focus. `clientErrors` are the form's own checks before anything is sent, shown the same way.
 */
export function PathForm({ error, clientErrors, names, missing, onSubmit, children, className }: {
  error: unknown;
  /** What to say, by field, when the API says an answer is missing. */
  missing?: Readonly<Record<string, string>>;
  clientErrors?: Record<string, string> | null;
  names: readonly string[];
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  className?: string;
}) {
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const fromApi = errorsByField(error, names, 'body', missing);
  const all = { ...fromApi.fields, ...(clientErrors ?? {}) };
  useEffect(() => {
    setEdited(new Set());
    const keys = [...Object.keys(errorsByField(error, names, 'body', missing).fields), ...Object.keys(clientErrors ?? {})];
    if (keys.length) setTimeout(() => focusFirstField(keys));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [error, clientErrors]);
  const shown = Object.fromEntries(Object.entries(all).filter(([name]) => !edited.has(name)));
  const markEdited = (name: string | null) => {
    const field = name ? [...names].sort((a, b) => b.length - a.length).find((n) => name === n || name.startsWith(`${n}.`)) : undefined;
    if (field && field in all && !edited.has(field)) setEdited(new Set([...edited, field]));
  };
  const open = Object.keys(shown).length;
  return (
    <Form onSubmit={onSubmit} validationBehavior="aria" validationErrors={shown} className={`form ${className ?? ''}`}>
      {/* React Aria's radio buttons and checkboxes stop their change event: choosing one is also seen, before that, as the
          click on its label or input. */}
      <div className="form-body" onChange={(e) => markEdited((e.target as HTMLInputElement).name)} onClickCapture={(e) => markEdited(choiceName(e.target))}>
        {open || fromApi.rest.length ? (
          <div className="alert error" role="alert">
            <p className="alert-title">{open === 1 ? 'One answer needs attention' : open > 1 ? `${open} answers need attention` : 'Some answers need attention'}</p>
            {open ? <p>Each is marked below with what to change.</p> : null}
            {fromApi.rest.length ? <ul>{fromApi.rest.map((m) => <li key={m}>{m}</li>)}</ul> : null}
          </div>
        ) : Object.keys(all).length ? null : <ProblemMessage error={error} />}
        {children}
      </div>
    </Form>
  );
}
