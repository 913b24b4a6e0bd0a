import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Notification, Page } from '../api/models';
import { Button, Link, Loading, PageTitle, ProblemMessage, formatDateTime } from '../components/ui';

/** The page each kind of record a notification names has in the app (the server names only these). */
const PAGES: Record<string, (id: string) => string> = {
  concern: (id) => `/concerns/${id}`, breach: (id) => `/breaches/${id}`, disclosure: (id) => `/disclosures/${id}`, person: (id) => `/people/${id}`,
  purpose: (id) => `/purposes/${id}`,
};

/** The list a notification leads to by the kind of record it names: the access inbox, the management review, the flag queue. */
const LISTS: Record<string, string> = { grant: '/access', policy_review: '/review', 'breach-flag': '/breaches/flags' };

/** Where a notification leads in the app: its record, the access inbox, the management review, the flag queue, or nowhere. */
const target = (n: Notification) =>
  n.resourceType && LISTS[n.resourceType] ? LISTS[n.resourceType] : n.resourceType && n.resourceId && PAGES[n.resourceType] ? PAGES[n.resourceType](n.resourceId) : null;

/**
 * How a settled alert says what the colleague did, by kind: an exception was decided (1.3), an access request dealt
 * with — decided by a manager, or withdrawn by the requester (3.4) — an emergency access reviewed (practice 4.2);
 * anything else (a concern acknowledged) was taken.
 */
const SETTLED_AS: Record<string, string> = {
  'access-request': 'Dealt with', 'disclosure-approval': 'Decided', 'referral-approval': 'Decided', 'break-glass': 'Reviewed',
};

/** Whether an alert still waits on its reader: unread, and nobody has taken what it asked for yet. */
const waiting = (n: Notification) => !n.readAt && !n.settled;

/**
 * The signed-in user's alerts, newest first; those still waiting on them stand out. Opening one marks it read. An
 * alert a colleague already took (acknowledged the concern, decided the request) says who and when, and no longer
 * asks for action.
 */
export default function Notifications() {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['notifications', 'all'],
    queryFn: ({ pageParam }) => call<Page<Notification>>(api.GET('/api/notifications', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const markRead = async (n: Notification) => {
    if (!n.readAt) await call(api.POST('/api/notifications/{id}/read', { params: { path: { id: n.id } }, body: {} })).catch(() => undefined);
    await queryClient.invalidateQueries({ queryKey: ['notifications'] });
  };
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <PageTitle>Alerts</PageTitle>
      <p className="lede">What needs your attention: safeguarding concerns, access decisions and emergency access. Alerts never contain confidential details — open them to see more.</p>
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : null}
      {items.length ? (
        <ul className="card-list" aria-label="Alerts">
          {items.map((n) => {
            const href = target(n);
            return (
              <li key={n.id} className={`card alert-card${waiting(n) ? ' unread' : ''}${n.settled ? ' settled' : ''}`}>
                <p className="card-title">
                  {waiting(n) ? <span className="badge unread-badge">New</span> : null}
                  {href ? <Link href={href} onPress={() => void markRead(n)}>{n.subject}</Link> : n.subject}
                </p>
                {n.settled ? (
                  <p className="alert-settled">
                    <strong>{SETTLED_AS[n.kind] ?? 'Taken'} by {n.settled.byName ?? 'a colleague'} at <time dateTime={n.settled.at}>{formatDateTime(n.settled.at)}</time>.</strong> No action needed from you.
                  </p>
                ) : <p>{n.body}</p>}
                <p className="muted alert-meta">
                  <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                  {waiting(n) ? <Button variant="quiet" className="small" onPress={() => markRead(n)}>Mark as read</Button> : null}
                </p>
              </li>
            );
          })}
        </ul>
      ) : list.data ? <div className="empty"><p><strong>No alerts.</strong></p></div> : null}
      {list.hasNextPage ? <Button variant="secondary" onPress={() => list.fetchNextPage()} isDisabled={list.isFetchingNextPage}>Show earlier alerts</Button> : null}
    </section>
  );
}
