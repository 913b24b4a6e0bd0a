import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Disclosure, DisclosureBasis, DisclosureStatus } from '../../api/sharing';
import { ApiForm } from '../../components/ApiForm';
import { Choice, TextInput } from '../../components/fields';
import { Button, ButtonLink, Link, Loading, PageTitle, ProblemMessage, formatDate } from '../../components/ui';
import { hasRole, useSession } from '../../session';
import { useAccountNames } from '../access/shared';
import { BASIS_LABELS, DisclosureStatusBadge, STATUS_LABELS, basisText, consentSoughtText, groundLabel, isOrdinaryException, useOrganisations, usePurposes } from './shared';

type Filters = { from?: string; to?: string; basis?: DisclosureBasis; status?: DisclosureStatus };

/** Pages of the organisation-wide register (management and the guardian), newest first. */
function useRegister(filters: Filters) {
  return useInfiniteQuery({
    queryKey: ['disclosures', 'register', filters],
    queryFn: ({ pageParam }) => call<Page<Disclosure>>(api.GET('/api/disclosures', { params: { query: { limit: 50, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

const ANY = 'any';
/** The CSV export of the register with the same filters (the API's own export: what, to whom, when, basis — never content). */
const csvHref = (f: Filters) => `/api/disclosures?${new URLSearchParams({ format: 'csv', limit: '200', ...(f as Record<string, string>) })}`;

/**
 * The disclosure register (3.1, 4.3): every disclosure the organisation made or was asked to make — to whom, when,
 * for what, on which basis, and whether the person was told — filterable, and exported as CSV.
 */
export function DisclosureRegister() {
  const { me } = useSession();
  const who = useAccountNames(hasRole(me, 'manager'));
  const orgs = useOrganisations();
  const purposes = usePurposes();
  const [draft, setDraft] = useState<Record<string, string>>({ basis: ANY, status: ANY });
  const [filters, setFilters] = useState<Filters>({});
  const register = useRegister(filters);
  const waiting = useRegister({ status: 'awaiting_approval' });
  const items = register.data?.pages.flatMap((p) => p.items) ?? [];
  const waitingCount = waiting.data?.pages[0]?.items.length ?? 0;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({
      ...(draft.from ? { from: draft.from } : {}), ...(draft.to ? { to: draft.to } : {}),
      ...(draft.basis !== ANY ? { basis: draft.basis as DisclosureBasis } : {}), ...(draft.status !== ANY ? { status: draft.status as DisclosureStatus } : {}),
    });
  };
  return (
    <section>
      <div className="page-head">
        <PageTitle>Disclosure register</PageTitle>
        <div className="head-actions">
          <ButtonLink href="/disclosures/approvals">Waiting for approval{waitingCount ? ` (${waitingCount})` : ''}</ButtonLink>
          <a className="button secondary" href={csvHref(filters)} download="disclosure-register.csv">Export CSV</a>
        </div>
      </div>
      <p className="lede">Everything shared with other organisations, or asked for: to whom, for what, on which basis, and whether the person was told (policy 4.3). Reviewed by management and the guardian.</p>
      <ApiForm error={register.error} onSubmit={apply} className="filters">
        <div className="filter-row">
          <TextInput name="from" label="Asked from" type="date" value={draft.from ?? ''} onChange={(v) => setDraft({ ...draft, from: v })} />
          <TextInput name="to" label="Asked until" type="date" value={draft.to ?? ''} onChange={(v) => setDraft({ ...draft, to: v })} />
          <Choice name="basis" label="Basis" value={draft.basis} onChange={(v) => setDraft({ ...draft, basis: v })} options={[{ id: ANY, label: 'Any basis' }, ...Object.entries(BASIS_LABELS).map(([id, label]) => ({ id, label }))]} />
          <Choice name="status" label="Status" value={draft.status} onChange={(v) => setDraft({ ...draft, status: v })} options={[{ id: ANY, label: 'Any status' }, ...Object.entries(STATUS_LABELS).map(([id, s]) => ({ id, label: s.label }))]} />
          <div className="filter-apply"><Button type="submit" variant="secondary">Show</Button></div>
        </div>
      </ApiForm>
      {register.isPending ? <Loading /> : null}
      {register.data ? <p className="summary-line" role="status"><strong>{items.length}{register.hasNextPage ? '+' : ''}</strong> {items.length === 1 ? 'disclosure' : 'disclosures'}{Object.keys(filters).length ? ' matching' : ''}</p> : null}
      {items.length ? (
        <div className="table-wrap">
          <table className="table register-table">
            <caption className="visually-hidden">Disclosures, newest first</caption>
            <thead><tr><th scope="col">Reference</th><th scope="col">Asked</th><th scope="col">To</th><th scope="col">Purpose</th><th scope="col">Basis</th><th scope="col">Status</th><th scope="col">Person told</th></tr></thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <th scope="row"><Link href={`/disclosures/${d.id}`}>{d.reference}</Link></th>
                  <td>{formatDate(d.requestedAt)}</td>
                  <td>{orgs.name(d.recipientOrganisationId)}<span className="block hint">{d.recipientName}, {d.recipientRole}</span></td>
                  <td>{purposes.name(d.purposeId)}</td>
                  <td>{basisText(d)}{isOrdinaryException(d) ? <span className="block hint">{consentSoughtText(d)}</span> : null}{d.releasedAtOnce ? <span className="block hint">Released at once under the legal duty by {who(d.releasedBy)}; {d.reviewedBy ? `reviewed by ${who(d.reviewedBy)}` : 'awaiting a second manager’s review'}</span> : d.approvedBy ? <span className="block hint">Approved by {who(d.approvedBy)}</span> : null}</td>
                  <td><DisclosureStatusBadge status={d.status} consentWithdrawnAt={d.consentWithdrawnAt} agreementEndedAt={d.agreementEndedAt} purposeNotInForce={d.purposeNotInForce} /></td>
                  <td>{d.tellPerson === false ? 'Not told (decided)' : d.personToldAt ? formatDate(d.personToldAt) : d.status === 'released' ? 'Not yet' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : register.data ? <div className="empty"><p><strong>No disclosures{Object.keys(filters).length ? ' match' : ' yet'}.</strong></p></div> : null}
      {register.hasNextPage ? <Button variant="secondary" onPress={() => register.fetchNextPage()} isDisabled={register.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}

/**
 * Managers' approvals: disclosures asked for without consent, waiting for a decision (1.3). Who may decide each
 * one — never the manager who asked — is the API's answer on its page.
 */
export function DisclosureApprovals() {
  const { me } = useSession();
  const name = useAccountNames(hasRole(me, 'manager'));
  const orgs = useOrganisations();
  const purposes = usePurposes();
  const waiting = useRegister({ status: 'awaiting_approval' });
  const items = waiting.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/disclosures">Disclosure register</Link></nav>
      <PageTitle>Waiting for approval</PageTitle>
      <p className="lede">Requests to share without consent because the law, an emergency or a crime requires it. A manager other than the person who asked decides each one (policy 1.3).</p>
      <ProblemMessage error={waiting.error} />
      {waiting.isPending ? <Loading /> : null}
      {items.length ? (
        <ul className="card-list" aria-label="Waiting for approval">
          {items.map((d) => (
            <li key={d.id} className="card request-card urgent approval-card">
              <p className="card-title"><Link href={`/disclosures/${d.id}`}>To {orgs.name(d.recipientOrganisationId)}: {groundLabel(d.exceptionGround).toLowerCase()}</Link></p>
              {d.reason ? <blockquote className="reason">“{d.reason}”</blockquote> : null}
              <p className="muted">Asked by {d.requestedBy === me.user.id ? 'you' : name(d.requestedBy)} on {formatDate(d.requestedAt)} · for “{purposes.name(d.purposeId)}” · {d.recipientName}, {d.recipientRole} · <span className="reference">{d.reference}</span></p>
              {isOrdinaryException(d) ? <p className="muted">{consentSoughtText(d)}</p> : null}
            </li>
          ))}
        </ul>
      ) : waiting.data ? <div className="empty"><p><strong>Nothing is waiting.</strong></p><p className="muted">Requests to share without consent appear here.</p></div> : null}
      {waiting.hasNextPage ? <Button variant="secondary" onPress={() => waiting.fetchNextPage()} isDisabled={waiting.isFetchingNextPage}>Show more</Button> : null}
    </section>
  );
}
