import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { api, call } from '../api/client';
import type { CaseSummary, Page, Person, RecordView } from '../api/models';
import { BreakGlass, RequestAccessForm } from '../components/access';
import { RecordFields } from '../components/RecordFields';
import { Button, ButtonLink, Link, Loading, ModalDialog, Notice, PageTitle, ProblemMessage, formatDate, personName } from '../components/ui';
import { kindLabel } from '../labels';
import { OpenCase } from './OpenCase';
import { ConsentHistory } from './consent/ConsentHistory';
import { PersonMeetings } from './meetings/PersonMeetings';
import { useLocation } from '../router';

// What was shared about the person loads with its panel, not with the app (4.3).
const PersonDisclosures = lazy(() => import('./disclosure/PersonDisclosures'));

const PERSON_FIELDS = ['kind', 'preferredName', 'pronouns', 'dateOfBirth', 'email', 'phone', 'address', 'ethnicity', 'healthNotes', 'safeguardingNotes'] as const;

/** Loads a person as the API presents them to the signed-in user. */
export const personQuery = (id: string) => ({
  queryKey: ['person', id],
  queryFn: () => call<RecordView<Person>>(api.GET('/api/people/{id}', { params: { path: { id } } })),
});

/** A person's page: their details (restricted fields marked), their cases, and what the user may do next. */
export function PersonPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(id));
  const cases = useQuery({
    queryKey: ['person', id, 'cases'],
    queryFn: () => call<Page<CaseSummary>>(api.GET('/api/people/{id}/cases', { params: { path: { id }, query: { limit: 50 } } })),
    enabled: person.isSuccess,
  });
  const [requesting, setRequesting] = useState(false);
  const [opened, setOpened] = useState(false);
  const { search } = useLocation();

  if (person.isPending) return <Loading />;
  if (person.error) return <><PageTitle>Person</PageTitle><ProblemMessage error={person.error} /></>;
  const { data, restricted, can } = person.data;
  const record = { type: 'person' as const, id };
  const refresh = () => {
    setOpened(true);
    return queryClient.invalidateQueries({ queryKey: ['person', id] });
  };

  return (
    <article className="record">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link> <span aria-hidden="true">›</span> <span aria-current="page">{personName(data)}</span></nav>
      <div className="page-head">
        <div>
          <PageTitle title="Person">{personName(data)}</PageTitle>
          <p className="muted">{kindLabel(data.kind)}{data.pronouns ? ` · ${data.pronouns}` : ''}{data.archivedAt ? ' · archived' : ''}</p>
        </div>
        <div className="head-actions">
          {can.edit.length ? <ButtonLink href={`/people/${id}/edit`}>Edit details</ButtonLink> : null}
          {can.seeAccessLog ? <ButtonLink href={`/people/${id}/access-log`}>Who has seen this record</ButtonLink> : null}
          {can.readInformationUse ? <ButtonLink href={`/people/${id}/information-use`}>How their information is used</ButtonLink> : null}
          <ButtonLink href={`/concerns/new?person=${id}`}>Raise a concern</ButtonLink>
        </div>
      </div>
      {opened ? <Notice tone="warning">Emergency access is open. Managers have been told and will review it.</Notice> : null}
      {search.get('registered') ? <Notice>{personName(data)} is registered{data.toldAt ? ', told about our confidentiality policy' : ''}{cases.data?.items.length ? ' and their case is open' : ''}.</Notice> : null}
      {search.get('told') ? <Notice>First contact recorded.</Notice> : null}
      {'toldAt' in data ? (
        data.toldAt ? (
          <p className="told told-yes"><span aria-hidden="true" className="told-icon">✓</span> Told about our confidentiality policy on {formatDate(data.toldAt)}</p>
        ) : (
          <div className="told told-no">
            <p><strong>Not yet told</strong> about our confidentiality policy. Tell them at your next contact (policy 4.1).</p>
            {can.inform ? <ButtonLink href={`/people/${id}/first-contact`} variant="primary">Record first contact</ButtonLink> : null}
          </div>
        )
      ) : null}

      <section className="panel" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <RecordFields record={record} fields={PERSON_FIELDS.filter((f) => f !== 'kind' && f !== 'pronouns')} data={data as unknown as Record<string, unknown>} restricted={restricted} canRequest={can.requestAccess} format={{ dateOfBirth: (v) => formatDate(String(v)) }} />
        {restricted.length && (can.requestAccess || can.breakGlass) ? (
          <div className="restricted-summary">
            <p>{restricted.length === 1 ? 'One field is' : `${restricted.length} fields are`} restricted for you.</p>
            <div className="actions">
              {can.requestAccess ? <Button variant="secondary" onPress={() => setRequesting(true)}>Request access to this record</Button> : null}
              {can.breakGlass ? <BreakGlass record={record} onOpened={refresh} /> : null}
            </div>
          </div>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="cases-title">
        <div className="panel-head">
          <h2 id="cases-title">Cases</h2>
          {can.openCase ? <OpenCase personId={id} /> : null}
        </div>
        <ProblemMessage error={cases.error} focus={false} />
        {cases.data ? (
          cases.data.items.length ? (
            <ul className="card-list">
              {cases.data.items.map((c) => (
                <li key={c.id} className="card case-card">
                  <Link href={`/cases/${c.id}`} className="card-title">{c.service}</Link>
                  <span className={`badge status-${c.status}`}>{c.status === 'open' ? 'Open' : 'Closed'}</span>
                  <span className="muted">Opened {formatDate(c.openedOn)}{c.closedOn ? `, closed ${formatDate(c.closedOn)}` : ''}</span>
                </li>
              ))}
            </ul>
          ) : <p className="muted">No cases you need to know about.</p>
        ) : null}
      </section>

      <ConsentHistory personId={id} can={can} />

      {can.seeDisclosures ? <Suspense fallback={null}><PersonDisclosures personId={id} canRequest={!!can.requestDisclosure} /></Suspense> : null}
      {can.recordMeeting ? <PersonMeetings personId={id} /> : null}

      <ModalDialog title={`Request access to ${personName(data)}’s record`} isOpen={requesting} onOpenChange={setRequesting}>
        {(close) => <RequestAccessForm record={record} classifications={[...new Set(restricted.map((r) => r.classification))]} onDone={close} />}
      </ModalDialog>
    </article>
  );
}
