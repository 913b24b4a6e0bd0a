import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Grant, Page } from '../../api/models';
import { TextBox, TextInput } from '../../components/fields';
import { Button, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { CLASSIFICATION_LABELS } from '../../labels';
import { hasRole, useSession } from '../../session';
import { GrantRecord, useAccountNames } from './shared';
import { ApiForm } from '../../components/ApiForm';

/** "safeguarding information", "personal, special category information" or "general details". */
const classes = (g: Grant) => {
  const named = g.classifications.filter((c) => c !== 'general').map((c) => CLASSIFICATION_LABELS[c]?.label.toLowerCase() ?? c);
  return named.length ? `${named.join(', ')} information` : 'general details';
};
const STATUS: Record<string, string> = { requested: 'Waiting for a decision', approved: 'Approved', refused: 'Refused', revoked: 'Ended', expired: 'Ended', withdrawn: 'Withdrawn' };

/** A manager's decision on one request: approve for a length of time, or refuse saying why. */
function Decide({ grant, onDecided }: { grant: Grant; onDecided: (text: string) => void }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'approve' | 'refuse' | null>(null);
  const [hours, setHours] = useState(String(grant.requestedHours));
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      if (mode === 'approve') await call(api.POST('/api/access/requests/{id}/approve', { params: { path: { id: grant.id } }, body: { hours: Number(hours), ...(note.trim() ? { note } : {}) } }));
      else await call(api.POST('/api/access/requests/{id}/refuse', { params: { path: { id: grant.id } }, body: { note } }));
      onDecided(mode === 'approve' ? `Approved for ${hours} hour${Number(hours) === 1 ? '' : 's'}.` : 'Refused.');
      await queryClient.invalidateQueries({ queryKey: ['grants'] });
    } catch (err) {
      setError(err);
    }
  };
  if (!mode) {
    return (
      <div className="actions">
        <Button onPress={() => setMode('approve')}>Approve…</Button>
        <Button variant="secondary" onPress={() => setMode('refuse')}>Refuse…</Button>
      </div>
    );
  }
  return (
    <ApiForm onSubmit={submit} error={error} className="decide-form">
      {mode === 'approve' ? <TextInput name="hours" label="Access lasts (hours)" value={hours} onChange={setHours} inputMode="numeric" isRequired autoFocus description="Access ends by itself after this time." /> : null}
      <TextBox name="note" label={mode === 'approve' ? 'Note to the requester' : 'Why you are refusing'} value={note} onChange={setNote} isRequired={mode === 'refuse'} rows={2} />
      <div className="actions">
        <Button type="submit" variant={mode === 'approve' ? 'primary' : 'danger'}>{mode === 'approve' ? 'Approve access' : 'Refuse request'}</Button>
        <Button variant="secondary" onPress={() => setMode(null)}>Cancel</Button>
      </div>
    </ApiForm>
  );
}

/**
 * What the requester may do with their own request or access: withdraw a request still waiting (rule
 * grants/withdraw-own), or give up access they no longer need (grants/own) — 3.4: need to know as short as it can be.
 */
function OwnActions({ grant, onDone }: { grant: Grant; onDone: (text: string) => void }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const withdraw = grant.kind === 'request' && grant.status === 'requested';
  const giveUp = grant.status === 'approved';
  if (!withdraw && !giveUp) return null;
  const act = async () => {
    setError(null);
    try {
      if (withdraw) await call(api.POST('/api/access/requests/{id}/withdraw', { params: { path: { id: grant.id } } }));
      else await call(api.POST('/api/access/grants/{id}/revoke', { params: { path: { id: grant.id } }, body: {} }));
      onDone(withdraw ? 'Request withdrawn: it has left the managers’ queue.' : 'Access given up: it has ended.');
      await queryClient.invalidateQueries({ queryKey: ['grants'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="actions">
      <Button variant="secondary" onPress={() => void act()}>{withdraw ? 'Withdraw request' : 'Give up access'}</Button>
      <ProblemMessage error={error} />
    </div>
  );
}

/** Managers: the requests waiting for a decision, then recent decisions. Everyone else: their own requests. */
export default function AccessInbox() {
  const { me } = useSession();
  const manager = hasRole(me, 'manager');
  const name = useAccountNames(manager);
  const [decided, setDecided] = useState<string | null>(null);
  const [ownDone, setOwnDone] = useState<string | null>(null);
  const waiting = useQuery({
    queryKey: ['grants', 'requests', 'requested'],
    queryFn: () => call<Page<Grant>>(api.GET('/api/access/requests', { params: { query: { status: 'requested', limit: 100 } } })),
  });
  const mine = useQuery({
    queryKey: ['grants', 'mine'],
    queryFn: () => call<Page<Grant>>(api.GET('/api/access/grants', { params: { query: { mine: 'true', limit: 50 } } })),
  });
  const others = (waiting.data?.items ?? []).filter((g) => g.userId !== me.user.id && g.kind === 'request');

  return (
    <section>
      <PageTitle>{manager ? 'Access requests' : 'Your access'}</PageTitle>
      {manager ? (
        <>
          <p className="lede">Colleagues asking to see more than their need to know gives them (3.4). Decide each one; access ends by itself.</p>
          {decided ? <Notice>{decided}</Notice> : null}
          <ProblemMessage error={waiting.error} focus={false} />
          {waiting.isPending ? <Loading /> : others.length ? (
            <ul className="card-list">
              {others.map((g) => (
                <li key={g.id} className="card request-card">
                  <p className="card-title"><strong>{name(g.userId)}</strong> asks to see {classes(g)} about <GrantRecord grant={g} /></p>
                  <blockquote className="reason">“{g.reason}”</blockquote>
                  <p className="muted">Asked {formatDateTime(g.requestedAt)} · for {g.requestedHours} hour{g.requestedHours === 1 ? '' : 's'}</p>
                  <Decide grant={g} onDecided={(t) => setDecided(`${name(g.userId)}: ${t}`)} />
                </li>
              ))}
            </ul>
          ) : <div className="empty"><p><strong>No requests waiting.</strong></p><p className="muted">You will be notified when someone asks.</p></div>}
        </>
      ) : null}
      <h2>{manager ? 'Your own requests and access' : 'Your requests and access'}</h2>
      {ownDone ? <Notice>{ownDone}</Notice> : null}
      <ProblemMessage error={mine.error} focus={false} />
      {mine.data?.items.length ? (
        <ul className="card-list">
          {mine.data.items.map((g) => (
            <li key={g.id} className="card">
              <p className="card-title">{g.kind === 'break_glass' ? 'Emergency access to' : 'Access to'} {classes(g)} about <GrantRecord grant={g} /></p>
              <p><span className={`badge grant-${g.status}`}>{STATUS[g.status] ?? g.status}</span> {g.expiresAt && g.status === 'approved' ? <span className="muted">until {formatDateTime(g.expiresAt)}</span> : null}</p>
              {g.decisionNote && g.kind === 'request' ? <p className="muted">Manager’s note: {g.decisionNote}</p> : null}
              <OwnActions grant={g} onDone={setOwnDone} />
            </li>
          ))}
        </ul>
      ) : mine.data ? <p className="muted">You have not asked for access to anything.</p> : null}
    </section>
  );
}
