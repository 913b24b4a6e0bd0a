import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { AuthFrame } from '../../components/AuthFrame';
import { PathForm } from '../../components/PathForm';
import { TextInput } from '../../components/fields';
import { Button, PageTitle, ProblemMessage } from '../../components/ui';
import { todayLocal } from '../disclosure/shared';

const MISSING = { typedName: 'Type your full name to accept the terms', date: 'Enter today’s date' };

/** What the person with a one-time link sends to accept the terms: their typed name (the signature) and the date. */
export interface Acceptance { typedName: string; date: string }

/**
 * The accept step of a one-time acknowledgement link (4.3 disclosure, practice 3 meetings): the typed name and date,
 * checked before anything is sent, then `send`; what it answers becomes `done`, and focus moves to the confirmation.
 */
export function useAcceptance<T>(send: (body: Acceptance) => Promise<T>) {
  const [typedName, setTypedName] = useState('');
  const [date, setDate] = useState(todayLocal);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<T | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!typedName.trim()) problems.typedName = MISSING.typedName;
    if (!date) problems.date = MISSING.date;
    if (Object.keys(problems).length) return setClientErrors(problems);
    setClientErrors(null);
    setBusy(true);
    setError(null);
    try {
      setDone(await send({ typedName: typedName.trim(), date }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { typedName, setTypedName, date, setDate, error, clientErrors, busy, done, doneRef, submit };
}

/** The form of {@link useAcceptance}: name, date and the accept button, errors tied to their fields. */
export function AcceptanceForm({ form }: { form: ReturnType<typeof useAcceptance<unknown>> }) {
  return (
    <PathForm error={form.error} clientErrors={form.clientErrors} names={['typedName', 'date']} missing={MISSING} onSubmit={form.submit}>
      <TextInput name="typedName" label="Type your full name to accept" isRequired autoComplete="name" value={form.typedName} onChange={form.setTypedName} description="Typing your name here is your signature." />
      <TextInput name="date" label="Date" type="date" isRequired value={form.date} onChange={form.setDate} />
      <div className="actions"><Button type="submit" isDisabled={form.busy}>{form.busy ? 'Saving…' : 'I accept these terms'}</Button></div>
    </PathForm>
  );
}

/** The confidentiality terms, scrollable and readable by keyboard. */
export function TermsCard({ terms }: { terms: string }) {
  return (
    <section className="terms-card" aria-labelledby="terms-title">
      <h2 id="terms-title">The terms</h2>
      <div className="terms-text" tabIndex={0} role="region" aria-label="The terms text">{terms}</div>
    </section>
  );
}

/** A link that does not open: unknown, used, expired and replaced links read the same (nothing to probe). */
export function LinkNotAvailable({ error }: { error: unknown }) {
  const gone = error instanceof ApiError && error.status === 404;
  return (
    <AuthFrame>
      <PageTitle title="Link not available">This link does not work</PageTitle>
      {gone ? (
        <p>It may have been used already, it may have expired, or it may have been replaced by a newer one. Ask the person who sent it to send a new link.</p>
      ) : <ProblemMessage error={error} />}
    </AuthFrame>
  );
}
