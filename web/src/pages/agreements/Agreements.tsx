import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Agreement, AgreementCan, AgreementStatus } from '../../api/sharing';
import { Choice } from '../../components/fields';
import { Button, ButtonLink, Link, Loading, PageTitle, ProblemMessage, formatDate } from '../../components/ui';
import { usePurposes } from '../disclosure/shared';
import { AGREEMENT_STATUS, AgreementCard } from './shared';

const ALL = 'all';

/**
 * The sharing agreements — joint working protocols with partners (practice 5.1): who with, for what, on which
 * conditions and until when. Everyone working here may see them; drafting and signing is for whoever `can.manage`.
 */
export function Agreements() {
  const purposes = usePurposes();
  const [status, setStatus] = useState<string>(ALL);
  const list = useInfiniteQuery({
    queryKey: ['agreements', status],
    queryFn: ({ pageParam }) => call<Page<Agreement> & { can: AgreementCan }>(api.GET('/api/agreements', { params: { query: { limit: 50, ...(status !== ALL ? { status: status as AgreementStatus } : {}), ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const can = list.data?.pages[0]?.can;
  return (
    <section>
      <div className="page-head">
        <PageTitle>Sharing agreements</PageTitle>
        <div className="head-actions">
          <ButtonLink href="/agreements/review">Due for review</ButtonLink>
          {can?.manage ? <ButtonLink href="/agreements/new" variant="primary">New agreement</ButtonLink> : null}
        </div>
      </div>
      <p className="lede">Our joint working protocols with partner organisations: what may be shared with them, for which purposes, and on what conditions (practice 5.1). Only an agreement signed by both sides, with its signed copy, and in force is a basis for sharing.</p>
      <div className="filter-row narrow-filter">
        <Choice name="status" label="Show" value={status} onChange={setStatus} options={[{ id: ALL, label: 'All agreements' }, ...Object.entries(AGREEMENT_STATUS).map(([id, s]) => ({ id, label: s.label }))]} />
      </div>
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : null}
      {items.length ? (
        <ul className="card-list" aria-label="Sharing agreements">
          {items.map((a) => <AgreementCard key={a.id} a={a} purposeName={purposes.name} />)}
        </ul>
      ) : list.data ? <div className="empty"><p><strong>No sharing agreements{status !== ALL ? ' with this status' : ' yet'}.</strong></p>{can?.manage ? <p className="muted">Draft one when you agree to share information with a partner regularly.</p> : null}</div> : null}
      {list.hasNextPage ? <Button variant="secondary" onPress={() => list.fetchNextPage()} isDisabled={list.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}

const WINDOWS = [{ id: '30', label: 'the next 30 days' }, { id: '60', label: 'the next 60 days' }, { id: '90', label: 'the next 90 days' }, { id: '180', label: 'the next 6 months' }];

/** The review list (5.1): signed agreements whose review or end date is near, soonest first, so none lapses unnoticed. */
export function AgreementsReview() {
  const purposes = usePurposes();
  const [within, setWithin] = useState('60');
  const due = useQuery({
    queryKey: ['agreements', 'review-due', within],
    queryFn: () => call<{ withinDays: number; until: string; items: Agreement[] }>(api.GET('/api/agreements/review-due', { params: { query: { withinDays: Number(within) } } })),
  });
  const items = due.data?.items ?? [];
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/agreements">Sharing agreements</Link></nav>
      <PageTitle>Agreements due for review</PageTitle>
      <p className="lede">Signed agreements to review, renew or vary before they lapse (practice 5.1). After its end date an agreement covers nothing.</p>
      <div className="filter-row narrow-filter">
        <Choice name="within" label="Due within" value={within} onChange={setWithin} options={WINDOWS} />
      </div>
      <ProblemMessage error={due.error} />
      {due.isPending ? <Loading /> : null}
      {due.data ? <p className="summary-line" role="status"><strong>{items.length}</strong> due by {formatDate(due.data.until)}</p> : null}
      {items.length ? (
        <ul className="card-list" aria-label="Agreements due for review">
          {items.map((a) => (
            <AgreementCard key={a.id} a={a} purposeName={purposes.name}
              extra={<p className="due-line"><span className="badge told-due">{a.due === 'end' ? 'Ends' : a.due === 'review' ? 'Review' : 'Review and end'}</span>{a.due === 'end' ? `ends ${formatDate(a.endsOn)}` : (
                // A review date already past is overdue, and says so (3.1: continuing uses are reviewed).
                <><span className={a.reviewOverdue ? 'review-overdue' : undefined}>{a.reviewOverdue ? 'review overdue since' : 'review by'} {formatDate(a.reviewOn)}</span>{a.due === 'review and end' ? `, ends ${formatDate(a.endsOn)}` : ''}</>
              )}</p>} />
          ))}
        </ul>
      ) : due.data ? <div className="empty"><p><strong>Nothing is due.</strong></p><p className="muted">No signed agreement reaches its review or end date in {WINDOWS.find((w) => w.id === within)?.label}.</p></div> : null}
    </section>
  );
}
