import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { ReferralPage } from '../../api/referrals';
import { Button, Link, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { useLocation } from '../../router';
import { RECIPIENTS, fromNow, stillToDo } from './referralWords';

type View = 'incomplete' | 'overdue' | 'all';
const VIEWS: ReadonlyArray<{ id: View; label: string }> = [
  { id: 'incomplete', label: 'Incomplete' },
  { id: 'overdue', label: 'Overdue' },
  { id: 'all', label: 'All referrals' },
];

/**
 * The leads' list of referrals (practice 4.3: every concern and the action on it recorded): those whose record is
 * still incomplete — answers an urgent referral left, a manager's decision, a second manager's review — soonest
 * deadline first, with how long until or since it; the overdue ones only; or all. What appears is the API's answer.
 */
export default function ReferralList() {
  const asked = useLocation().search.get('view');
  const view: View = asked === 'overdue' || asked === 'all' ? asked : 'incomplete';
  const list = useInfiniteQuery({
    queryKey: ['referrals', view],
    queryFn: ({ pageParam }) => call<ReferralPage>(api.GET('/api/referrals', { params: { query: { view, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const overdue = items.filter((r) => r.overdue).length;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/concerns">Concerns</Link></nav>
      <PageTitle>Referrals</PageTitle>
      <p className="lede">Referrals whose record is not complete yet, the nearest deadline first. An urgent referral goes first and its record is completed afterwards: the answers left, a manager’s decision, a second manager’s review.</p>
      <nav aria-label="Which referrals" className="view-tabs">
        {VIEWS.map((t) => <Link key={t.id} href={t.id === 'incomplete' ? '/concerns/referrals' : `/concerns/referrals?view=${t.id}`} aria-current={t.id === view ? 'page' : undefined} className={`view-tab${t.id === view ? ' current' : ''}`}>{t.label}</Link>)}
      </nav>
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && view !== 'all' ? (
        <p className="summary-line" role="status"><strong>{items.length}</strong> {view === 'overdue' ? 'overdue' : 'incomplete'}{view === 'incomplete' && overdue ? <>, <strong className="waiting-count">{overdue} overdue</strong></> : null}</p>
      ) : null}
      {items.length ? (
        <ul className="card-list concern-list" aria-label="Referrals">
          {items.map((r) => {
            const todo = stillToDo(r);
            return (
              <li key={r.id} className={`card concern-card${r.overdue ? ' urgent' : ''}`}>
                <div className="concern-card-main">
                  <p className="card-title"><Link href={`/concerns/${r.concernId}`}>Referral to {RECIPIENTS[r.to] ?? r.to}</Link></p>
                  <p className="concern-meta">Made {formatDateTime(r.referredAt)}{r.disclosure ? <> · <span className="reference">{r.disclosure.reference}</span></> : null}</p>
                  {todo.length ? <p className="concern-meta">Still to do: {todo.join(', ')}</p> : null}
                </div>
                <div className="concern-badges">
                  {r.urgent ? <span className="badge risk-badge">Urgent</span> : null}
                  {r.completedAt ? <span className="badge ok">Complete</span>
                    : r.completeBy ? <span className={`badge ${r.overdue ? 'unack-badge' : 'pending'}`}>{r.overdue ? `Overdue: due ${fromNow(r.completeBy)}` : `Due ${fromNow(r.completeBy)}`}</span> : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : list.data ? <div className="empty"><p><strong>{view === 'overdue' ? 'No referral is overdue.' : view === 'incomplete' ? 'Every referral’s record is complete.' : 'No referrals yet.'}</strong></p></div> : null}
      {list.hasNextPage ? <Button variant="secondary" onPress={() => list.fetchNextPage()} isDisabled={list.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}
