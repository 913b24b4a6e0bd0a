import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import { useLocation } from '../../router';
import { AttendeeLink } from './AttendeeLink';
import { NOTE_CLASSES, roleLabel, type Attendee, type Meeting, type SharedNotes } from './shared';

/** A third party's acknowledgement of confidentiality, recorded by staff who were there; then their copy of the notes. */
function ExternalActions({ meeting, a, onShared }: { meeting: Meeting; a: Attendee; onShared: (s: SharedNotes) => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const acknowledge = async () => {
    setError(null);
    try {
      await call(api.POST('/api/meetings/{id}/attendees/{attendeeId}/acknowledge', {
        params: { path: { id: meeting.id, attendeeId: a.id } }, body: { method: 'attested_at_meeting', acknowledgedAt: meeting.heldAt }, // given at the meeting, attested by staff who were there
      }));
      await queryClient.invalidateQueries({ queryKey: ['meeting', meeting.id] });
    } catch (err) {
      setError(err);
    }
  };
  const share = async () => {
    setError(null);
    try {
      onShared(await call<SharedNotes>(api.POST('/api/meetings/{id}/share', { params: { path: { id: meeting.id } }, body: { attendeeId: a.id } })));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <div className="actions">
        {!a.acknowledgedAt ? <Button variant="secondary" className="small" onPress={acknowledge}>They acknowledged confidentiality at the meeting<span className="visually-hidden">: {a.name}</span></Button> : null}
        <Button variant={a.acknowledgedAt ? 'secondary' : 'quiet'} className="small" onPress={share}>Prepare their copy of the notes<span className="visually-hidden"> for {a.name}</span></Button>
      </div>
      <ProblemMessage error={error} />
    </>
  );
}

/**
 * Whether session notes may go to the meeting's third parties (practice 2): only when the client asked — shown with
 * how and when they asked, as staff recorded it, and when that was recorded.
 */
function ClientRequest({ request }: { request: Meeting['clientRequest'] }) {
  if (!request) return <p className="hint">Session details: never passed to a third party unless the client asks. No request of the client is recorded, so these notes stay with the team.</p>;
  return (
    <div role="group" aria-label="The client's request">
      <p className="hint">Session details: never passed to a third party unless the client asks. The client asked for them to be passed on{request.recordedAt ? ` (recorded ${formatDateTime(request.recordedAt)})` : ''}:</p>
      <p className="pre">{request.detail}</p>
    </div>
  );
}

/**
 * A meeting with third parties (practice 3): when, who was there — each user here by the role they hold, and each
 * third party's (external, or a placement student or volunteer here) acknowledgement of confidentiality, given at
 * the meeting or through a one-time link sent to them from here — and the notes. An attendee's copy of the notes is
 * prepared only once they have acknowledged, and never holds session details unless the client asked — how and when
 * they asked is shown with the notes: the API says no otherwise, with its reason.
 */
export default function MeetingPage({ id }: { id: string }) {
  const recorded = useLocation().search.get('recorded') === '1';
  const [shared, setShared] = useState<SharedNotes | null>(null);
  const q = useQuery({ queryKey: ['meeting', id], queryFn: () => call<{ data: Meeting }>(api.GET('/api/meetings/{id}', { params: { path: { id } } })) });
  if (q.isPending) return <Loading />;
  if (q.isError) return <><PageTitle>Meeting</PageTitle><ProblemMessage error={q.error} /></>;
  const m = q.data.data;
  const external = m.attendees.filter((a) => a.kind === 'external');
  const waiting = external.filter((a) => !a.acknowledgedAt).length;
  return (
    <section>
      {m.personId ? <nav aria-label="Breadcrumb" className="breadcrumb"><Link href={`/people/${m.personId}`}>Back to the person</Link></nav>
        : m.caseId ? <nav aria-label="Breadcrumb" className="breadcrumb"><Link href={`/cases/${m.caseId}`}>Back to the case</Link></nav> : null}
      <div className="page-head">
        <div>
          <PageTitle title="Meeting">{m.title}</PageTitle>
          <p className="muted">Held {formatDateTime(m.heldAt)} · notes: {NOTE_CLASSES.find((c) => c.id === m.notesClassification)?.label}</p>
        </div>
      </div>
      {recorded ? <Notice>The meeting was recorded.{waiting ? ` ${waiting === 1 ? 'One external attendee has' : `${waiting} external attendees have`} not yet acknowledged confidentiality: nothing is shared with them until they do.` : ''}</Notice> : null}
      <div className="columns">
        <div className="panel">
          <h2>Who was there</h2>
          <ul className="card-list attendee-list" aria-label="Attendees">
            {m.attendees.map((a) => (
              <li key={a.id} className="card">
                <p className="card-title">{a.name}</p>
                <p className="concern-meta">{roleLabel(a)}{a.organisation ? ` · ${a.organisation}` : ''}</p>
                {a.thirdParty ? (
                  <>
                    <p>{a.acknowledgedAt
                      ? <span className="badge ok">Acknowledged confidentiality {formatDateTime(a.acknowledgedAt)}</span>
                      : <span className="badge pending">Not yet acknowledged confidentiality</span>}</p>
                    {a.linkUsedAt ? (
                      <p className="hint">Accepted through their link as “{a.linkName}”, dated {formatDate(a.linkDate)} · {a.notesServedAt ? `notes sent ${formatDateTime(a.notesServedAt)}` : 'notes withheld'}</p>
                    ) : null}
                    <ExternalActions meeting={m} a={a} onShared={setShared} />
                    {!a.acknowledgedAt && !a.linkUsedAt ? <AttendeeLink meeting={m} a={a} /> : null}
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>Notes</h2>
          <p className="pre note-body">{m.notes}</p>
          {m.notesClassification === 'session' ? <ClientRequest request={m.clientRequest} /> : null}
        </div>
      </div>
      {shared ? (
        <div className="panel confidential-copy" role="region" aria-label={`Copy of the notes for ${shared.recipient.name}`}>
          <p className="marking">{shared.marking}</p>
          <h2>Notes for {shared.recipient.name}{shared.recipient.organisation ? `, ${shared.recipient.organisation}` : ''}</h2>
          <p className="hint">{shared.terms}</p>
          <p><strong>{shared.meeting.title}</strong>, {formatDateTime(shared.meeting.heldAt)}</p>
          <p className="pre">{shared.meeting.notes}</p>
          <p className="hint">Reference {shared.reference} · prepared {formatDateTime(shared.sharedAt)}</p>
          <div className="actions"><Button variant="secondary" onPress={() => window.print()}>Print</Button></div>
        </div>
      ) : null}
    </section>
  );
}
