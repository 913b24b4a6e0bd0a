import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Disclosure } from '../../api/sharing';
import { Button, ButtonLink, ProblemMessage } from '../../components/ui';
import { DisclosureCard, useOrganisations, usePurposes } from './shared';

/** A person's disclosure register on their page: what you may see of what was shared about them. */
export default function PersonDisclosures({ personId, canRequest }: { personId: string; canRequest: boolean }) {
  const orgs = useOrganisations();
  const purposes = usePurposes();
  const list = useInfiniteQuery({
    queryKey: ['person', personId, 'disclosures'],
    queryFn: ({ pageParam }) => call<Page<Disclosure>>(api.GET('/api/people/{id}/disclosures', { params: { path: { id: personId }, query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="disclosures-title">
      <div className="panel-head">
        <h2 id="disclosures-title">Shared with other organisations</h2>
        {canRequest ? <ButtonLink href={`/people/${personId}/disclosures/new`}>Share information</ButtonLink> : null}
      </div>
      <p className="muted">What was shared about them, or asked for, newest first (policy 4.3).</p>
      <ProblemMessage error={list.error} focus={false} />
      {list.data && !items.length ? <p className="empty-line">Nothing shared.</p> : null}
      {items.length ? (
        <ul className="card-list" aria-label="Disclosures about this person">
          {items.map((d) => <DisclosureCard key={d.id} d={d} orgName={orgs.name(d.recipientOrganisationId)} purposeName={purposes.name(d.purposeId)} />)}
        </ul>
      ) : null}
      {list.hasNextPage ? <Button variant="secondary" onPress={() => list.fetchNextPage()} isDisabled={list.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}
