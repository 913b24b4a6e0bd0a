import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { AccessLogClassRule, AccessLogEntry, Page } from '../../api/models';
import { Button, Link, Loading, PageTitle, ProblemMessage, personName } from '../../components/ui';
import { CLASSIFICATION_LABELS, describeAction, fieldLabel, otherRulePhrase, roleList } from '../../labels';
import { personQuery } from '../PersonPage';

const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const OUTCOME: Record<string, string> = { allow: 'Allowed', deny: 'Refused', change: 'Changed' };
/** The id the audit names Confide itself by (src/accounts/system-actor.ts), which no account can have. */
const SYSTEM_ID = 'system';

/**
 * Part of a record another rule than the entry's own opened, and why: "Safeguarding notes — under emergency access.
 * Why: …" (1.1: the rule that opened each part is named, not only the one that opened the record).
 */
function OtherRule({ c }: { c: AccessLogClassRule }) {
  const what = c.fields.length ? c.fields.map(fieldLabel).join(', ') : `${CLASSIFICATION_LABELS[c.classification]?.label ?? c.classification} information`;
  return (
    <p className="log-why log-other-rule">
      {what} — {otherRulePhrase(c.rule)}.{c.why ? ` Why: ${c.why}` : ''}
      {c.clause ? <span className="muted"> (policy {c.clause})</span> : null}
    </p>
  );
}

/** "Who has seen this record": every audited access to a person's records as a timeline people can read (3.1). */
export default function AccessLog({ personId }: { personId: string }) {
  const person = useQuery(personQuery(personId));
  const log = useInfiniteQuery({
    queryKey: ['access-log', personId],
    queryFn: ({ pageParam }) => call<Page<AccessLogEntry>>(api.GET('/api/people/{id}/access-log', { params: { path: { id: personId }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const name = person.data ? personName(person.data.data) : 'this person';
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const days = new Map<string, AccessLogEntry[]>();
  for (const e of entries) {
    const d = day.format(new Date(e.at));
    days.set(d, [...(days.get(d) ?? []), e]);
  }
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${personId}`}>{name}</Link></nav>
      <PageTitle title="Who has seen a person’s records">Who has seen {name}’s records</PageTitle>
      <p className="lede">Every time someone opened, changed or was refused this person’s records, newest first — and why the policy allowed or refused it. Looking at this list is recorded too.</p>
      <ProblemMessage error={log.error} />
      {log.isPending ? <Loading /> : null}
      {[...days].map(([d, items]) => (
        <section key={d} className="log-day" aria-label={d}>
          <h2 className="log-day-title">{d}</h2>
          <ol className="timeline log">
            {items.map((e) => (
              <li key={e.seq} className={`timeline-item log-${e.decision}`}>
                <span className="timeline-when"><time dateTime={e.at}>{time.format(new Date(e.at))}</time></span>
                <p className="log-what">
                  <span className={`badge outcome-${e.decision}`}>{OUTCOME[e.decision] ?? e.decision}</span>{' '}
                  <strong>{e.actor?.displayName ?? 'The system'}</strong>
                  {/* Confide itself (acting for someone following a link it sent, or on a schedule) holds no role of its own. */}
                  {e.actor && e.actor.id !== SYSTEM_ID ? <span className="muted"> ({roleList(e.actor.roles)})</span> : null}{' '}
                  {e.decision === 'deny' ? `was refused when they tried this: ${describeAction(e.action, e.list)}` : describeAction(e.action, e.list)}
                </p>
                {/* 2.1: a case, and what is filed under it, is used for the purpose it is held for. */}
                {e.purpose ? <p className="log-purpose">For the purpose: {e.purpose.name ?? 'a purpose of the register'}</p> : null}
                {e.fields.length ? <p className="log-fields">{e.decision === 'change' ? 'Fields changed' : 'Information seen'}: {e.fields.map(fieldLabel).join(', ')}</p> : null}
                {e.why ? <p className="log-why">Why: {e.why}{e.clause ? <span className="muted"> (policy {e.clause})</span> : null}</p> : null}
                {e.rulesByClass.map((c) => <OtherRule key={c.classification} c={c} />)}
              </li>
            ))}
          </ol>
        </section>
      ))}
      {log.hasNextPage ? <Button variant="secondary" onPress={() => log.fetchNextPage()} isDisabled={log.isFetchingNextPage}>Show earlier entries</Button> : null}
      {log.data && !entries.length ? <p className="muted">No one has opened these records yet.</p> : null}
    </section>
  );
}
