import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Grant, Page } from '../../api/models';
import { Radios, TextBox } from '../../components/fields';
import { useSession } from '../../session';
import { Button, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { GrantRecord, useAccountNames } from './shared';
import { ApiForm } from '../../components/ApiForm';

/** A manager's review of one emergency access: justified, or a breach of the policy (practice 4.3, 5). */
function Review({ grant, onDone }: { grant: Grant; onDone: (text: string) => void }) {
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<'justified' | 'breach' | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await call(api.POST('/api/access/break-glass/{id}/review', { params: { path: { id: grant.id } }, body: { outcome: outcome as 'justified', note } }));
      onDone(outcome === 'breach' ? 'Recorded as a breach; the access has ended.' : 'Recorded as justified.');
      await queryClient.invalidateQueries({ queryKey: ['grants'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <ApiForm onSubmit={submit} error={error} className="decide-form">
      <Radios name="outcome" label="Your review" value={outcome} onChange={setOutcome} isRequired options={[
        { id: 'justified', label: 'Justified', description: 'There was an emergency and the access was needed.' },
        { id: 'breach', label: 'A breach of the policy', description: 'Ends the access now and records a breach (section 5).' },
      ]} />
      <TextBox name="note" label="Your reasons" value={note} onChange={setNote} isRequired rows={2} />
      <div className="actions"><Button type="submit" variant={outcome === 'breach' ? 'danger' : 'primary'}>Record review</Button></div>
    </ApiForm>
  );
}

/** The break-glass review queue: every emergency access waits here until another manager reviews it. */
export default function BreakGlassQueue() {
  const { me } = useSession();
  const name = useAccountNames();
  const [done, setDone] = useState<string | null>(null);
  const pending = useQuery({ queryKey: ['grants', 'break-glass', 'pending'], queryFn: () => call<Page<Grant>>(api.GET('/api/access/break-glass', { params: { query: { review: 'pending', limit: 100 } } })) });
  return (
    <section>
      <PageTitle>Break-glass reviews</PageTitle>
      <p className="lede">Emergency access outside need to know, oldest first. You cannot review your own.</p>
      {done ? <Notice>{done}</Notice> : null}
      <ProblemMessage error={pending.error} focus={false} />
      {pending.isPending ? <Loading /> : pending.data?.items.length ? (
        <ul className="card-list">
          {pending.data.items.map((g) => (
            <li key={g.id} className="card request-card urgent">
              <p className="card-title"><strong>{name(g.userId)}</strong> opened <GrantRecord grant={g} /> in an emergency</p>
              <blockquote className="reason">“{g.reason}”</blockquote>
              <p className="muted">Opened {formatDateTime(g.requestedAt)} · access {g.status === 'approved' ? `until ${formatDateTime(g.expiresAt)}` : 'ended'}</p>
              {/* Your own use is reviewed by another manager (grant/no-self-approval): no form the API would refuse. */}
              {g.userId === me.user.id
                ? <p className="muted">Your own use: another manager reviews it.</p>
                : <Review grant={g} onDone={(t) => setDone(`${name(g.userId)}: ${t}`)} />}
            </li>
          ))}
        </ul>
      ) : <div className="empty"><p><strong>Nothing waiting for review.</strong></p></div>}
    </section>
  );
}
