import { useEffect, useRef, type ReactNode } from 'react';
import { Button as AriaButton, Dialog, Heading, Link as AriaLink, Modal, ModalOverlay, type ButtonProps, type LinkProps } from 'react-aria-components';
import { ApiError } from '../api/client';

/**
 * The page's heading: sets the document title and takes focus when the page opens, so screen readers hear where they
 * are. The document title (`title`, else the heading when it is plain text) names the kind of page only — "Person",
 * "Session note" — never what a record says: the tab title goes into the browser's history and tab list, which
 * anyone at a shared office computer can read (3.7, practice 2). A heading that shows a record's content (a name, a
 * note's title) must be given a `title`.
 */
export function PageTitle({ children, title, focus = true }: { children: ReactNode; title?: string; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    if (text) document.title = `${text} — Confide`;
  }, [text]);
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: true });
  }, [focus]);
  return <h1 ref={ref} tabIndex={-1}>{children}</h1>;
}

/** A button; `variant` sets its weight on the page. */
export function Button({ variant = 'primary', className, ...props }: ButtonProps & { variant?: 'primary' | 'secondary' | 'danger' | 'quiet' }) {
  return <AriaButton {...props} className={`button ${variant} ${typeof className === 'string' ? className : ''}`} />;
}

/** A link inside the app (client-side navigation through the router). */
export function Link({ className, ...props }: LinkProps & { className?: string }) {
  return <AriaLink {...props} className={`link ${className ?? ''}`} />;
}

/** A link styled as a button. */
export function ButtonLink({ variant = 'secondary', ...props }: LinkProps & { variant?: 'primary' | 'secondary' }) {
  return <AriaLink {...props} className={`button ${variant}`} />;
}

/**
 * The API's answer to a failed request, in its own words, with the clause when it cites one. Takes focus when it
 * appears (after a submit), so the user hears what went wrong.
 */
export function ProblemMessage({ error, focus = true }: { error: unknown; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error && focus) ref.current?.focus();
  }, [error, focus]);
  if (!error) return null;
  const p = error instanceof ApiError ? error.problem : null;
  const fields = p?.errors?.filter((e) => !e.path.startsWith('body.')) ?? [];
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="alert error">
      <p className="alert-title">{error instanceof Error ? error.message : 'Something went wrong.'}</p>
      {p?.clause ? <p className="alert-clause">Policy clause {p.clause}</p> : null}
      {fields.length ? <ul>{fields.map((e) => <li key={e.path}>{e.message}</li>)}</ul> : null}
    </div>
  );
}

/** A short confirmation after a step, announced politely. */
export function Notice({ children, tone = 'success' }: { children: ReactNode; tone?: 'success' | 'info' | 'warning' }) {
  return <div role="status" className={`alert ${tone}`}>{children}</div>;
}

/** Shown while a page's data loads. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <p className="loading" role="status">{label}</p>;
}

/** A modal dialog with a title; React Aria traps focus inside and returns it to the opener on close. */
export function ModalDialog({ title, isOpen, onOpenChange, children, tone }: { title: string; isOpen: boolean; onOpenChange: (open: boolean) => void; children: ReactNode | ((close: () => void) => ReactNode); tone?: 'warning' }) {
  return (
    <ModalOverlay isOpen={isOpen} onOpenChange={onOpenChange} isDismissable className="modal-overlay">
      <Modal className={`modal ${tone ?? ''}`}>
        <Dialog className="dialog">
          {({ close }) => (
            <>
              <Heading slot="title">{title}</Heading>
              {typeof children === 'function' ? children(close) : children}
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });
/** "2 Mar 2026, 09:00". */
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
/** "2 Mar 2026". */
export const formatDate = (iso: string | null | undefined) => (iso ? dateOnly.format(new Date(iso.length === 10 ? `${iso}T00:00:00` : iso)) : '—');

/** A person's name as staff say it: preferred name first when they have one. */
export const personName = (p: { givenName: string; familyName: string; preferredName?: string | null }) =>
  `${p.preferredName ?? p.givenName} ${p.familyName}${p.preferredName && p.preferredName !== p.givenName ? ` (${p.givenName})` : ''}`;
