import { AcceptanceForm, LinkNotAvailable, TermsCard, useAcceptance } from '../acknowledge/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { api, call } from '../../api/client';
import type { MeetingLinkResult, MeetingLinkTerms } from '../../api/sharing';
import { AuthFrame } from '../../components/AuthFrame';
import { Loading, PageTitle, formatDateTime } from '../../components/ui';

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
  const form = useAcceptance((body) => call<MeetingLinkResult>(api.POST('/api/meeting-acknowledgements/{token}', { params: { path: { token } }, body })));
  const done = form.done;

  if (terms.isPending) return <AuthFrame><Loading label="Opening the terms…" /></AuthFrame>;
  if (terms.error) return <LinkNotAvailable error={terms.error} />;
  const t = terms.data;
  if (done) {
    return (
      <AuthFrame wide>
        <PageTitle title="Terms accepted" focus={false}>Thank you</PageTitle>
        <div ref={form.doneRef} tabIndex={-1} className="confirmation" role="status">
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
      <TermsCard terms={t.terms} />
      <AcceptanceForm form={form} />
    </AuthFrame>
  );
}
