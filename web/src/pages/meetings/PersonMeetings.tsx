import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { ButtonLink, Link, ProblemMessage, formatDateTime } from '../../components/ui';
import type { MeetingItem } from './shared';

/** The meetings with third parties about a person and their cases (practice 3), on the person's page, for their team. */
export function PersonMeetings({ personId }: { personId: string }) {
  const q = useQuery({
    queryKey: ['person', personId, 'meetings'],
    queryFn: () => call<{ items: MeetingItem[]; hidden: number }>(api.GET('/api/people/{id}/meetings', { params: { path: { id: personId } } })),
  });
  return (
    <section className="panel" aria-labelledby="meetings-title">
      <div className="panel-head">
        <h2 id="meetings-title">Meetings with others</h2>
        <ButtonLink href={`/people/${personId}/meetings/new`}>Record a meeting</ButtonLink>
      </div>
      <ProblemMessage error={q.error} focus={false} />
      {q.data ? (
        q.data.items.length ? (
          <ul className="card-list">
            {q.data.items.map((m) => (
              <li key={m.id} className="card case-card">
                <Link href={`/meetings/${m.id}`} className="card-title">{m.title}</Link>
                {m.awaitingAcknowledgement ? <span className="badge pending">{m.awaitingAcknowledgement} not yet acknowledged</span> : m.external ? <span className="badge ok">All acknowledged</span> : null}
                <span className="muted">{formatDateTime(m.heldAt)} · {m.attendees} {m.attendees === 1 ? 'attendee' : 'attendees'}, {m.external} from outside</span>
              </li>
            ))}
          </ul>
        ) : <p className="muted">No meetings recorded.</p>
      ) : null}
    </section>
  );
}
