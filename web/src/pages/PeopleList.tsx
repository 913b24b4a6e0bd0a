import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { SearchField, Input, Label, Button as AriaButton, Text } from 'react-aria-components';
import { api, call } from '../api/client';
import type { Me, Page, PersonSummary } from '../api/models';
import { Button, ButtonLink, Link, Loading, PageTitle, ProblemMessage, personName } from '../components/ui';
import { kindLabel } from '../labels';
import { hasRole, useSession } from '../session';

const PAGE_SIZE = 25;

/** Waits until typing pauses before searching, so the API is asked once per word rather than per key. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * Whom the list holds for the signed-in user, and why, from the roles the API gave the session (/api/auth/me) — as the
 * policy's list rules decide it: managers oversee every case (safeguarding/management-oversight); the guardian sees
 * everyone's general details to review how information is used (review/guardian-overview); anyone else sees the
 * people on their case teams and those a manager granted them access to (3.4 need to know).
 */
export function peopleScope(me: Me): { lede: string; empty: string; noMatch: string | null } {
  if (hasRole(me, 'manager')) {
    return {
      lede: 'Everyone we work with. Managers oversee every case, so that concerns can be acted on at once.',
      empty: 'No one has been added yet.',
      noMatch: null,
    };
  }
  const onTeams = 'those on your case teams, and those a manager granted you access to';
  if (hasRole(me, 'guardian')) {
    return {
      lede: hasRole(me, 'staff', 'volunteer', 'student')
        ? `Everyone we work with, by name and status only: as guardian you review how information is used. You see more of a record only for ${onTeams}.`
        : 'Everyone we work with, by name and status only: as guardian you review how information is used, not the details of anyone’s support.',
      empty: 'No one has been added yet.',
      noMatch: null,
    };
  }
  const needToKnow = 'You see people once you are on their case team or a manager grants you access.';
  return {
    lede: hasRole(me, 'staff') ? `Only the people you need to know about: ${onTeams}.`
      : `Only the people you need to know about: ${onTeams}. You see their general details (names, dates and status) unless a manager grants you more.`,
    empty: needToKnow,
    noMatch: needToKnow,
  };
}

/** The people the signed-in user needs to know about: search as you type, paged by the server. */
export function PeopleList() {
  const { me } = useSession();
  const scope = peopleScope(me);
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  // Cursors of the pages before this one: the API pages forward with an opaque cursor.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => setCursors([undefined]), [q]);

  const query = q ? { q } : {};
  const people = useQuery({
    queryKey: ['people', q, cursor],
    queryFn: () => call<Page<PersonSummary>>(api.GET('/api/people', { params: { query: { ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
  const count = useQuery({ queryKey: ['people', 'count', q], queryFn: () => call<{ count: number }>(api.GET('/api/people/count', { params: { query } })) });
  const pageNumber = cursors.length;
  const total = count.data?.count;

  return (
    <section>
      <div className="page-head">
        <PageTitle>People</PageTitle>
        {hasRole(me, 'staff', 'manager') ? <ButtonLink href="/people/new" variant="primary">Add a person</ButtonLink> : null}
      </div>
      <p className="lede">{scope.lede}</p>
      <SearchField value={text} onChange={setText} className="field search" aria-describedby="search-status">
        <Label>Search by name</Label>
        <Text slot="description" className="hint">Type the start of a first, family or preferred name, for example “Mar”. Results update as you type.</Text>
        <div className="search-box">
          <Input />
          {text ? <AriaButton className="search-clear" aria-label="Clear search">×</AriaButton> : null}
        </div>
      </SearchField>
      <p id="search-status" role="status" className="muted">
        {total === undefined ? '' : q ? `${total} ${total === 1 ? 'person matches' : 'people match'} “${q}”.` : `${total} ${total === 1 ? 'person' : 'people'} in all.`}
      </p>
      <ProblemMessage error={people.error} focus={false} />
      {people.isPending ? <Loading /> : null}
      {people.data ? (
        people.data.items.length ? (
          <ul className="card-list people-list" aria-label={`People, page ${pageNumber}`}>
            {people.data.items.map((p) => (
              <li key={p.id} className="card person-card">
                <span className="avatar" aria-hidden="true">{(p.preferredName ?? p.givenName).slice(0, 1)}{p.familyName.slice(0, 1)}</span>
                <span className="person-card-body">
                  <Link href={`/people/${p.id}`} className="card-title">{personName(p)}</Link>
                  <span className="muted">{kindLabel(p.kind)}{p.pronouns ? ` · ${p.pronouns}` : ''}</span>
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <div className="empty">
            <p><strong>{q ? 'No one matches that search.' : 'No one yet.'}</strong></p>
            {(q ? scope.noMatch : scope.empty) ? <p className="muted">{q ? scope.noMatch : scope.empty}</p> : null}
          </div>
        )
      ) : null}
      {cursors.length > 1 || people.data?.nextCursor ? (
      <nav aria-label="Pages of people" className="pager">
        <Button variant="secondary" isDisabled={cursors.length <= 1} onPress={() => setCursors((c) => c.slice(0, -1))}>Previous page</Button>
        <span className="muted">Page {pageNumber}{total !== undefined ? ` of ${Math.max(1, Math.ceil(total / PAGE_SIZE))}` : ''}</span>
        <Button variant="secondary" isDisabled={!people.data?.nextCursor} onPress={() => setCursors((c) => [...c, people.data?.nextCursor ?? undefined])}>Next page</Button>
      </nav>
      ) : null}
    </section>
  );
}
