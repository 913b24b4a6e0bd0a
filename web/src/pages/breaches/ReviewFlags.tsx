import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { ApiForm } from '../../components/ApiForm';
import { TextBox } from '../../components/fields';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { navigate } from '../../router';
import { hasRole, useSession } from '../../session';
import { useAccountNames } from '../access/shared';
import { FLAG_WORDS, type BreachView, type ReviewFlag } from './types';

/** What a flag saw, in a sentence (the counts and windows the API gives; never what was read). */
function flagDetail(f: ReviewFlag, who: string, reviewsBreakGlass: boolean) {
  switch (f.kind) {
    case 'break-glass-unreviewed': return <>{who} used break-glass on {formatDateTime(f.windowStart)}; nobody has reviewed it yet.{reviewsBreakGlass ? <> <Link href="/access/break-glass">Break-glass reviews</Link></> : null}</>;
    case 'read-volume': return <>{who} opened {f.count} records between {formatDateTime(f.windowStart)} and {formatDateTime(f.windowEnd)}.</>;
    case 'repeated-denials': return <>{who} was refused {f.count} times between {formatDateTime(f.windowStart)} and {formatDateTime(f.windowEnd)}.</>;
    default: return <>{who} exported the details of {f.count} people on {formatDateTime(f.windowStart)}.</>;
  }
}

/** One open flag with its two decisions: not a breach (with the reason), or open it as a breach (the clock starts). */
function FlagCard({ flag, who, reviewsBreakGlass }: { flag: ReviewFlag; who: string; reviewsBreakGlass: boolean }) {
  const queryClient = useQueryClient();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const dismiss = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await call(api.POST('/api/breaches/flags/{id}/dismiss', { params: { path: { id: flag.id } }, body: { reason } }));
      await queryClient.invalidateQueries({ queryKey: ['breach-flags'] });
    } catch (err) {
      setError(err);
    }
  };
  const open = async () => {
    setError(null);
    try {
      const b = await call<BreachView>(api.POST('/api/breaches/flags/{id}/open', { params: { path: { id: flag.id } }, body: {} }));
      await queryClient.invalidateQueries({ queryKey: ['breaches'] });
      await queryClient.invalidateQueries({ queryKey: ['breach-flags'] });
      navigate(`/breaches/${b.data.id}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li className="card flag-card">
      <p className="card-title">{FLAG_WORDS[flag.kind]}</p>
      <p>{flagDetail(flag, who, reviewsBreakGlass)}</p>
      <p className="concern-meta">Raised {formatDateTime(flag.raisedAt)}</p>
      <ProblemMessage error={dismissing ? null : error} />
      {dismissing ? (
        <ApiForm onSubmit={dismiss} error={error}>
          <TextBox name="reason" label="Why this is not a breach" value={reason} onChange={setReason} rows={2} isRequired />
          <div className="actions">
            <Button type="submit" variant="secondary">Dismiss the flag</Button>
            <Button variant="quiet" onPress={() => setDismissing(false)}>Cancel</Button>
          </div>
        </ApiForm>
      ) : flag.can?.decide === false ? (
        <p>This flag is about your own activity: another manager decides it.</p>
      ) : (
        <div className="actions">
          <Button variant="secondary" onPress={() => setDismissing(true)}>Not a breach…</Button>
          <Button variant="danger" onPress={open}>Open as a breach</Button>
        </div>
      )}
    </li>
  );
}

/**
 * Review flags (clause 5: the signs of a breach are looked at): break-glass uses left unreviewed, unusual numbers of
 * reads, exports of people's details and repeated refusals, raised from the audit chain for management to judge — and
 * for the guardian, those no manager is free to decide (each is about the only active manager, or there is none).
 */
export default function ReviewFlags() {
  const { me } = useSession();
  const manager = hasRole(me, 'manager');
  const flags = useQuery({
    queryKey: ['breach-flags'],
    queryFn: () => call<Page<ReviewFlag>>(api.GET('/api/breaches/flags', { params: { query: { status: 'open', limit: 100 } } })),
  });
  const accounts = useAccountNames(hasRole(me, 'manager', 'administrator'));
  const name = (f: ReviewFlag) => f.userName ?? accounts(f.userId);
  const items = flags.data?.items ?? [];
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/breaches">Breach register</Link></nav>
      <PageTitle>Review flags</PageTitle>
      <p className="lede">Activity Confide noticed in the audit trail that may be a breach. Look at each one: dismiss it with the reason, or open it as a breach — the 72-hour clock then starts.</p>
      {manager ? null : <p>Management decide review flags. You see only those no manager is free to decide — each is about the only active manager, or there is no active manager — so they are yours to decide.</p>}
      <ProblemMessage error={flags.error} />
      {flags.isPending ? <Loading /> : null}
      {flags.data ? <Notice tone="info">{items.length === 0 ? (manager ? 'No open flags.' : 'No open flags wait for you: while a manager is free, management decide them.') : items.length === 1 ? 'One flag to review.' : `${items.length} flags to review.`}</Notice> : null}
      {items.length ? <ul className="card-list" aria-label="Open review flags">{items.map((f) => <FlagCard key={f.id} flag={f} who={name(f)} reviewsBreakGlass={manager} />)}</ul> : null}
    </section>
  );
}
