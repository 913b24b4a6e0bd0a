import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client';
import type { MeetingLinkResult, MeetingLinkTerms } from '../../api/sharing';
import { AuthFrame } from '../../components/AuthFrame';
import { PathForm } from '../../components/PathForm';
import { TextInput } from '../../components/fields';
import { Button, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { todayLocal } from '../disclosure/shared';

const MISSING = { typedName: 'Type your full name to accept the terms', date: 'Enter today’s date' };

/** The delivered PDF as a download link (a blob URL, revoked when the page goes). */
function PdfLink({ pdf }: { pdf: NonNullable<MeetingLinkResult['pdf']> }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([Uint8Array.from(atob(pdf.base64), (c) => c.charCodeAt(0))], { type: pdf.contentType })), [pdf]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <a className="button" href={url} download={pdf.filename}>Download the notes (PDF, marked CONFIDENTIAL)</a>;
}

/**
 * An external meeting attendee's page for their one-time link (practice 3), open without an account: who sends it,
 * who it is for, when the meeting was held and the confidentiality terms — not the meeting's title, subject or notes
 * — then their typed name and the date. Once they accept, the notes of this meeting are shown once, with the PDF to
 * keep; or the page says why they are withheld. An unknown, used or expired link reads the same.
 */
export default function MeetingAcknowledge({ token }: { token: string }) {
  const terms = useQuery({
    queryKey: ['meeting-acknowledgement', token],
    queryFn: () => call<MeetingLinkTerms>(api.GET('/api/meeting-acknowledgements/{token}', { params: { path: { token } } })),
    retry: false,
    staleTime: Infinity,
  });
  const [typedName, setTypedName] = useState('');
  const [date, setDate] = useState(todayLocal);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<MeetingLinkResult | null>(null);
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
      setDone(await call<MeetingLinkResult>(api.POST('/api/meeting-acknowledgements/{token}', { params: { path: { token } }, body: { typedName: typedName.trim(), date } })));
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
          <p>{done.notes ? 'The notes of the meeting are below. They are shown only this once: download the PDF to keep them. This link no longer works.' : 'This link no longer works.'}</p>
        </div>
        {done.notes && done.pdf ? (
          <section className="terms-card" aria-labelledby="notes-title">
            <p className="eyebrow">CONFIDENTIAL</p>
            <h2 id="notes-title">{done.notes.meeting.title}</h2>
            <p>Held {formatDateTime(done.notes.meeting.heldAt)} · reference <span className="reference">{done.notes.reference}</span></p>
            <div className="note-body">{done.notes.meeting.notes}</div>
            <div className="actions"><PdfLink pdf={done.pdf} /></div>
          </section>
        ) : (
          <p role="alert">The notes are not shared with you: {done.withheld?.reason} ({done.withheld?.clause})</p>
        )}
      </AuthFrame>
    );
  }
  return (
    <AuthFrame wide>
      <p className="eyebrow">Confidential meeting notes from {t.from}</p>
      <PageTitle title="Accept the confidentiality of the meeting">Accept the confidentiality of the meeting</PageTitle>
      <p className="lede">{t.next}</p>
      <dl className="facts ack-facts">
        <dt>For</dt><dd>{t.attendee.name}{t.attendee.organisation ? `, ${t.attendee.organisation}` : ''}</dd>
        <dt>Meeting held</dt><dd>{formatDateTime(t.heldAt)}</dd>
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
