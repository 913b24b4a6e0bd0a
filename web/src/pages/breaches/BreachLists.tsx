import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { Button, ButtonLink, Link, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { hasRole, useSession } from '../../session';
import { useAccountNames } from '../access/shared';
import { ClockBadge } from './IcoCountdown';
import { SOURCE_LABELS, STATUS_LABELS, type BreachItem, type ReviewFlag } from './types';

/** Pages of the breaches the actor may see (management and the guardian all of them, others their own reports). */
function useBreaches() {
  return useInfiniteQuery({
    queryKey: ['breaches'],
    queryFn: ({ pageParam }) => call<Page<BreachItem>>(api.GET('/api/breaches', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function BreachCards({ items, name }: { items: BreachItem[]; name: (id: string) => string }) {
  return (
    <ul className="card-list breach-list" aria-label="Breaches">
      {items.map((b) => (
        <li key={b.id} className={`card breach-card${b.clock?.state === 'overdue' ? ' urgent' : ''}${b.status === 'reported' ? ' unacknowledged' : ''}`}>
          <div className="concern-card-main">
            <p className="card-title"><Link href={`/breaches/${b.id}`}>Breach reported {formatDateTime(b.reportedAt)}</Link></p>
            <p className="concern-meta">{b.source === 'report' ? `Reported by ${name(b.reportedBy)}` : SOURCE_LABELS[b.source]}</p>
          </div>
          <div className="concern-badges">
            {b.clock ? <ClockBadge clock={b.clock} /> : null}
            <span className={`badge breach-${b.status}`}>{STATUS_LABELS[b.status]}</span>
          </div>
        </li>
      ))}
    </ul>
  );
}

/**
 * Whether to offer the review flags (clause 5): always to management, who decide them; to the guardian only while a
 * flag waits for them — one no manager is free to decide (the API lists them no other).
 */
function useFlagsToOffer(): boolean {
  const { me } = useSession();
  const manager = hasRole(me, 'manager');
  const waiting = useQuery({
    queryKey: ['breach-flags', 'waiting'],
    queryFn: () => call<Page<ReviewFlag>>(api.GET('/api/breaches/flags', { params: { query: { status: 'open', limit: 1 } } })),
    enabled: !manager && me.may.includes('breach.flags'),
  });
  return manager || (waiting.data?.items.length ?? 0) > 0;
}

/**
 * The breach register (clause 5) for management and the guardian: every breach, those past the ICO deadline first,
 * then by deadline, each with its clock. Management also work the review flags from here — and the guardian, when no
 * manager is free to decide one.
 */
export function BreachRegister() {
  const { me } = useSession();
  const list = useBreaches();
  const offerFlags = useFlagsToOffer();
  const accounts = useAccountNames(hasRole(me, 'manager', 'administrator'));
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const open = items.filter((b) => b.status !== 'closed');
  const overdue = items.filter((b) => b.clock?.state === 'overdue').length;
  const name = (id: string) => (id === me.user.id ? 'you' : accounts(id) === 'someone' ? 'a colleague' : accounts(id));
  return (
    <section>
      <div className="page-head">
        <PageTitle>Breach register</PageTitle>
        <div className="head-actions">
          {offerFlags ? <ButtonLink href="/breaches/flags">Review flags</ButtonLink> : null}
          <ButtonLink href="/breaches/new" variant="primary">Report a breach</ButtonLink>
        </div>
      </div>
      <p className="lede">Suspected breaches of the confidentiality policy and how each was handled. The ICO must be told within 72 hours of becoming aware of a breach that risks people’s rights, so those past or nearest their deadline come first.</p>
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data ? (
        <p className="summary-line" role="status">
          <strong>{open.length}</strong> open{overdue ? <>, <strong className="waiting-count">{overdue} past the ICO deadline</strong></> : null} · {items.length - open.length} closed
        </p>
      ) : null}
      {items.length ? <BreachCards items={items} name={name} /> : list.data ? (
        <div className="empty"><p><strong>No breaches recorded.</strong></p><p className="muted">Reports from colleagues and review flags opened as breaches appear here.</p></div>
      ) : null}
      {list.hasNextPage ? <Button variant="secondary" onPress={() => list.fetchNextPage()} isDisabled={list.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}

/** The breaches the user reported, with their status (the API shows them nothing of the handling). */
export function MyBreaches() {
  const { me } = useSession();
  const list = useBreaches();
  const items = (list.data?.pages.flatMap((p) => p.items) ?? []).filter((b) => b.reportedBy === me.user.id && b.source === 'report');
  return (
    <section>
      <div className="page-head">
        <PageTitle>Breaches you reported</PageTitle>
        <div className="head-actions"><ButtonLink href="/breaches/new" variant="primary">Report a breach</ButtonLink></div>
      </div>
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : null}
      {items.length ? <BreachCards items={items} name={() => 'you'} /> : list.data ? <div className="empty"><p>You have not reported a breach.</p></div> : null}
      {list.hasNextPage ? <Button variant="secondary" onPress={() => list.fetchNextPage()} isDisabled={list.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}
