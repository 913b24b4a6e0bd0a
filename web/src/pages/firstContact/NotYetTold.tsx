import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Page, PersonSummary } from '../../api/models';
import { Button, ButtonLink, Link, Loading, PageTitle, ProblemMessage, personName } from '../../components/ui';
import { kindLabel } from '../../labels';

const PAGE_SIZE = 25;

/** "People we have not yet told" (4.1): the worklist of people the user works with who have not been given the notice. */
export default function NotYetTold() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ['people', 'not-yet-told', cursor],
    queryFn: () => call<Page<PersonSummary>>(api.GET('/api/people/not-yet-told', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <section>
      <PageTitle>People we have not yet told</PageTitle>
      <p className="lede">Everyone should hear how we keep their information confidential at their first contact (policy 4.1). These people you work with have not been told yet — tell them at your next contact.</p>
      <ProblemMessage error={list.error} focus={false} />
      {list.isPending ? <Loading /> : null}
      {list.data ? (
        list.data.items.length ? (
          <ul className="card-list" aria-label={`People not yet told, page ${cursors.length}`}>
            {list.data.items.map((p) => (
              <li key={p.id} className="card person-card worklist-card">
                <span className="avatar" aria-hidden="true">{(p.preferredName ?? p.givenName).slice(0, 1)}{p.familyName.slice(0, 1)}</span>
                <span className="person-card-body">
                  <Link href={`/people/${p.id}`} className="card-title">{personName(p)}</Link>
                  <span className="muted">{kindLabel(p.kind)}</span>
                </span>
                <ButtonLink href={`/people/${p.id}/first-contact`} aria-label={`Record first contact with ${personName(p)}`}>Record first contact</ButtonLink>
              </li>
            ))}
          </ul>
        ) : (
          <div className="empty">
            <p><strong>Everyone you work with has been told.</strong></p>
            <p className="muted">People you register without telling them appear here until you record their first contact.</p>
          </div>
        )
      ) : null}
      {cursors.length > 1 || list.data?.nextCursor ? (
        <nav aria-label="Pages of people not yet told" className="pager">
          <Button variant="secondary" isDisabled={cursors.length <= 1} onPress={() => setCursors((c) => c.slice(0, -1))}>Previous page</Button>
          <span className="muted">Page {cursors.length}</span>
          <Button variant="secondary" isDisabled={!list.data?.nextCursor} onPress={() => setCursors((c) => [...c, list.data?.nextCursor ?? undefined])}>Next page</Button>
        </nav>
      ) : null}
    </section>
  );
}
