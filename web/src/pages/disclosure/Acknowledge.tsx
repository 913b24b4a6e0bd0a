import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client';
import type { AcknowledgementTerms } from '../../api/sharing';
import { PathForm } from '../../components/PathForm';
import { AuthFrame } from '../../components/AuthFrame';
import { TextInput } from '../../components/fields';
import { Button, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { todayLocal } from './shared';

const MISSING = { typedName: 'Type your full name to accept the terms', date: 'Enter today’s date' };

/**
 * The recipient's page for the one-time link (4.3), open without an account: who is sharing, with whom, the
 * reference and the confidentiality terms — nothing about the person — then their typed name and the date. The link
 * stops working once they accept; an unknown, used or expired link reads the same.
 */
export default function Acknowledge({ token }: { token: string }) {
  const terms = useQuery({
    queryKey: ['acknowledgement', token],
    queryFn: () => call<AcknowledgementTerms>(api.GET('/api/disclosure-acknowledgements/{token}', { params: { path: { token } } })),
    retry: false,
    staleTime: Infinity,
  });
  const [typedName, setTypedName] = useState('');
  const [date, setDate] = useState(todayLocal);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
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
      const out = await call<{ reference: string }>(api.POST('/api/disclosure-acknowledgements/{token}', { params: { path: { token } }, body: { typedName: typedName.trim(), date } }));
      setDone(out.reference);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (terms.isPending) return <AuthFrame><Loading label="Opening the terms…" /></AuthFrame>;
  if (terms.error) {
    const gone = terms.error instanceof ApiError && terms.error.status === 404;
    return (
      <AuthFrame>
        <PageTitle title="Link not available">This link does not work</PageTitle>
        {gone ? (
          <p>It may have been used already, it may have expired, or it may have been replaced by a newer one. Ask the person who sent it to send a new link.</p>
        ) : <ProblemMessage error={terms.error} />}
      </AuthFrame>
    );
  }
  const t = terms.data;
  if (done) {
    return (
      <AuthFrame wide>
        <PageTitle title="Terms accepted" focus={false}>Thank you</PageTitle>
        <div ref={doneRef} tabIndex={-1} className="confirmation" role="status">
          <p className="confirmation-title">You have accepted the confidentiality terms</p>
          <p>{t.from} can now send you the information for reference <strong>{done}</strong>. This link no longer works.</p>
        </div>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame wide>
      <p className="eyebrow">Confidential information from {t.from}</p>
      <PageTitle title="Accept the confidentiality terms">Accept the confidentiality terms</PageTitle>
      <p className="lede">Before any information is sent, please read and accept the terms under which {t.from} shares it with you.</p>
      <dl className="facts ack-facts">
        <dt>Reference</dt><dd><span className="reference">{t.reference}</span></dd>
        <dt>For</dt><dd>{t.recipient.name}, {t.recipient.role}</dd>
        <dt>Organisation</dt><dd>{t.recipient.organisation}</dd>
        <dt>Link works until</dt><dd>{formatDateTime(t.expiresAt)}</dd>
      </dl>
      <section className="terms-card" aria-labelledby="terms-title">
        <h2 id="terms-title">The terms</h2>
        <div className="terms-text" tabIndex={0} role="region" aria-label="The terms text">{t.terms}</div>
      </section>
      <PathForm error={error} clientErrors={clientErrors} names={['typedName', 'date']} missing={MISSING} onSubmit={submit}>
        <TextInput name="typedName" label="Type your full name to accept" isRequired autoComplete="name" value={typedName} onChange={setTypedName} description="Typing your name here is your signature." />
        <TextInput name="date" label="Date" type="date" isRequired value={date} onChange={setDate} />
        <div className="actions"><Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'I accept these terms'}</Button></div>
      </PathForm>
    </AuthFrame>
  );
}
