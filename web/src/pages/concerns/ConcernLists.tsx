import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { ConcernPage } from '../../api/models';
import { Button, ButtonLink, Link, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { RiskBadge, StatusBadge, ago, concernForLabel } from './shared';

/** Pages of concerns in one of the API's views, with the names of who raised them. */
function useConcerns(view: 'inbox' | 'mine' | 'all', status?: 'closed') {
  return useInfiniteQuery({
    queryKey: ['concerns', view, status ?? ''],
    queryFn: ({ pageParam }) => call<ConcernPage>(api.GET('/api/concerns', { params: { query: { view, limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * The safeguarding leads' inbox (practice 4.1: for their immediate action): open concerns, immediate risk first,
 * then the longest waiting; those nobody has acknowledged yet stand out. What a reader may see is the API's answer.
 */
export function ConcernInbox() {
  const open = useConcerns('inbox');
  const items = open.data?.pages.flatMap((p) => p.items) ?? [];
  const names = Object.assign({}, ...(open.data?.pages.map((p) => p.names) ?? [])) as Record<string, string>;
  const waiting = items.filter((c) => c.status === 'raised').length;
  return (
    <section>
      <div className="page-head">
        <PageTitle>Concerns</PageTitle>
        <div className="head-actions">
          <ButtonLink href="/concerns/referrals">Referrals to complete</ButtonLink>
          <ButtonLink href="/concerns/closed">Closed concerns</ButtonLink>
          <ButtonLink href="/concerns/mine">Concerns you raised</ButtonLink>
        </div>
      </div>
      <p className="lede">Open safeguarding concerns: immediate risk first, then the longest waiting. Acknowledge each one as soon as you have read it — until then it keeps escalating.</p>
      <ProblemMessage error={open.error} />
      {open.isPending ? <Loading /> : null}
      {open.data ? (
        <p className="summary-line" role="status">
          <strong>{items.length}</strong> open{waiting ? <>, <strong className="waiting-count">{waiting} not yet acknowledged</strong></> : null}
        </p>
      ) : null}
      {items.length ? (
        <ul className="card-list concern-list" aria-label="Open concerns">
          {items.map((c) => (
            <li key={c.id} className={`card concern-card${c.immediateRisk ? ' urgent' : ''}${c.status === 'raised' ? ' unacknowledged' : ''}`}>
              <div className="concern-card-main">
                <p className="card-title">
                  <Link href={`/concerns/${c.id}`}>Concern about {concernForLabel(c.concernFor)}</Link>
                </p>
                <p className="concern-meta">
                  Raised by {names[c.raisedBy] ?? 'a colleague'} · <time dateTime={c.raisedAt} title={formatDateTime(c.raisedAt)}>{ago(c.raisedAt)}</time>
                </p>
              </div>
              <div className="concern-badges">
                <RiskBadge risk={c.immediateRisk} />
                {c.status === 'raised' ? <span className="badge unack-badge">Not acknowledged</span> : <StatusBadge status={c.status} />}
              </div>
            </li>
          ))}
        </ul>
      ) : open.data ? <div className="empty"><p><strong>No open concerns.</strong></p><p className="muted">New ones appear here and in your alerts the moment they are raised.</p></div> : null}
      {open.hasNextPage ? <Button variant="secondary" onPress={() => open.fetchNextPage()} isDisabled={open.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}

/** Closed concerns, newest first, for the leads to look back on. */
export function ClosedConcerns() {
  const closed = useConcerns('all', 'closed');
  const items = closed.data?.pages.flatMap((p) => p.items) ?? [];
  const names = Object.assign({}, ...(closed.data?.pages.map((p) => p.names) ?? [])) as Record<string, string>;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/concerns">Concerns</Link></nav>
      <PageTitle>Closed concerns</PageTitle>
      <ProblemMessage error={closed.error} />
      {closed.isPending ? <Loading /> : null}
      {items.length ? (
        <ul className="card-list concern-list">
          {items.map((c) => (
            <li key={c.id} className="card concern-card">
              <div className="concern-card-main">
                <p className="card-title"><Link href={`/concerns/${c.id}`}>Concern about {concernForLabel(c.concernFor)}</Link></p>
                <p className="concern-meta">Raised by {names[c.raisedBy] ?? 'a colleague'} on {formatDateTime(c.raisedAt)}</p>
              </div>
              <div className="concern-badges"><StatusBadge status={c.status} /></div>
            </li>
          ))}
        </ul>
      ) : closed.data ? <p className="muted">No closed concerns.</p> : null}
      {closed.hasNextPage ? <Button variant="secondary" onPress={() => closed.fetchNextPage()} isDisabled={closed.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}

/** The concerns the signed-in user raised: what they wrote and its status, nothing of how it is handled. */
export function MyConcerns() {
  const mine = useConcerns('mine');
  const items = mine.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <div className="page-head">
        <PageTitle>Concerns you raised</PageTitle>
        <ButtonLink href="/concerns/new" variant="primary">Raise a concern</ButtonLink>
      </div>
      <p className="lede">What you reported and where it is up to. How the safeguarding leads handle a concern stays with them; they may contact you.</p>
      <ProblemMessage error={mine.error} />
      {mine.isPending ? <Loading /> : null}
      {items.length ? (
        <ul className="card-list concern-list" aria-label="Concerns you raised">
          {items.map((c) => (
            <li key={c.id} className="card concern-card">
              <div className="concern-card-main">
                <p className="card-title"><Link href={`/concerns/${c.id}`}>Concern about {concernForLabel(c.concernFor)}</Link></p>
                <p className="concern-meta">You raised it on {formatDateTime(c.raisedAt)}</p>
              </div>
              <div className="concern-badges"><RiskBadge risk={c.immediateRisk} /><StatusBadge status={c.status} /></div>
            </li>
          ))}
        </ul>
      ) : mine.data ? <div className="empty"><p><strong>You have not raised any concerns.</strong></p><p className="muted">Use “Raise a concern” at the top of any page whenever you are worried about someone.</p></div> : null}
      {mine.hasNextPage ? <Button variant="secondary" onPress={() => mine.fetchNextPage()} isDisabled={mine.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}
