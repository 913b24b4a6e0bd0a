import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import type { Chronology, ChronologyEntry, Concern, ConcernView } from '../../api/models';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { hasRole, useSession } from '../../session';
import { AddEntry, CloseConcern } from './ConcernActions';
import { ReferralAid } from './ReferralAid';
import { Referrals } from './ReferralSteps';
import { MISSING_WORDS, RECIPIENTS } from './referralWords';
import { ConcernSubject, RiskBadge, StatusBadge, concernForLabel, concernQuery } from './shared';

const KIND_LABELS: Record<string, string> = {
  raised: 'Raised', alerted: 'Alert sent', escalated: 'Escalated', acknowledged: 'Acknowledged', fact: 'Fact', action: 'Action',
  decision: 'Decision', outcome: 'Outcome', referral: 'Referral', 'referral-update': 'Referral', closed: 'Closed',
};
const yesNo = (v: unknown) => (v === true ? 'Yes' : v === false ? 'No' : v === null ? 'To answer later' : '—');
const listOf = (ks: unknown) => (Array.isArray(ks) ? (ks as string[]).map((k) => MISSING_WORDS[k] ?? k).join(', ') : '');

/** A referral's later step in words: approved, refused, reviewed, completed, or flagged overdue by Confide. */
function referralUpdate(d: Record<string, unknown>, who: React.ReactNode): React.ReactNode {
  switch (d.event) {
    case 'approved': return <>{who} approved the referral: the information was released.</>;
    case 'refused': return <>{who} refused the referral{d.disclosure ? ': nothing was shared from the records' : ''}.</>;
    case 'agreed': return <>{who} agreed the referral for management (practice 4.2).</>;
    case 'reviewed': return <>{who} reviewed the release: {d.outcome === 'upheld' ? 'it was right' : 'concerns recorded for management'}.</>;
    case 'completed': return <>{who} completed the referral’s record{Array.isArray(d.missing) && d.missing.length ? `; still to answer: ${listOf(d.missing)}` : ''}.</>;
    case 'overdue': return <>The referral’s record was not complete by its deadline: Confide flagged it to the managers.</>;
    default: return <>{who} updated the referral.</>;
  }
}

/** How a concern is handled (the API refuses it to anyone who does not work the concern, so it is asked only when `can.work`). */
const chronologyQuery = (id: string, enabled: boolean) => ({
  queryKey: ['concern', id, 'chronology'],
  queryFn: () => call<Chronology>(api.GET('/api/concerns/{id}/chronology', { params: { path: { id } } })),
  enabled,
});

/** What the raiser wrote: everything the reader may see of it (the API leaves out what they may not). */
function WhatWasRaised({ concern, raisedBy, subject }: { concern: Concern; raisedBy: string; subject?: ConcernView['subject'] }) {
  return (
    <div className="panel">
      <h2>What was raised</h2>
      <dl className="fields">
        <div className="field-row"><dt>About</dt><dd>{concernForLabel(concern.concernFor)}: <ConcernSubject concern={concern} subject={subject} /></dd></div>
        {concern.personId && concern.personDescription ? <div className="field-row"><dt>Description</dt><dd>{concern.personDescription}</dd></div> : null}
        <div className="field-row"><dt>What was seen or heard</dt><dd>{concern.whatHappened ?? '—'}</dd></div>
        <div className="field-row"><dt>When</dt><dd>{formatDateTime(concern.occurredAt)}</dd></div>
        <div className="field-row"><dt>Who else was involved</dt><dd>{concern.peopleInvolved || '—'}</dd></div>
        <div className="field-row"><dt>Immediate risk</dt><dd>{concern.immediateRisk ? <strong className="risk-text">Yes — someone may be at risk now</strong> : 'No, or not sure'}</dd></div>
        <div className="field-row"><dt>Already done</dt><dd>{concern.actionsTaken || '—'}</dd></div>
        <div className="field-row"><dt>Raised</dt><dd>{formatDateTime(concern.raisedAt)} by {raisedBy}</dd></div>
      </dl>
    </div>
  );
}

/** One chronology entry in words: who did what, when, and why. */
function Entry({ e, name }: { e: ChronologyEntry; name: (id: string | null) => string }) {
  const d = e.detail;
  const recipients = Array.isArray(d.recipients) ? (d.recipients as string[]).map((id) => name(id)).join(', ') : '';
  // Those alerted whose accounts were not set up (src/accounts/can-act.ts): alerted, but unable to act on it then.
  const notSetUp = Array.isArray(d.notSetUp) ? (d.notSetUp as string[]).map((id) => name(id)).join(', ') : '';
  let what: React.ReactNode;
  switch (e.kind) {
    case 'raised': what = <><strong>{name(e.recordedBy)}</strong> raised the concern{d.immediateRisk ? ', saying someone is at immediate risk' : ''}.</>; break;
    case 'alerted': what = recipients ? <>Confide alerted {recipients}.{notSetUp ? <> {notSetUp} could not act on it yet: not signed in to choose a password.</> : null}</> : <>Confide could alert nobody: there is no safeguarding lead or manager.</>; break;
    case 'escalated': what = <>Not acknowledged in time: Confide reminded {recipients || 'nobody'}.</>; break;
    case 'acknowledged': what = <><strong>{name(e.recordedBy)}</strong> acknowledged it.</>; break;
    case 'referral': what = <><strong>{name(e.recordedBy)}</strong> {d.urgent ? 'made an urgent referral' : 'made a referral'} to {RECIPIENTS[String(d.to)] ?? String(d.to)}{d.releasedAtOnce ? ', released at once' : d.disclosure ? ', waiting for a manager’s approval' : ''}.</>; break;
    case 'referral-update': what = referralUpdate(d, <strong>{name(e.recordedBy)}</strong>); break;
    case 'closed': what = <><strong>{name(e.recordedBy)}</strong> closed the concern.</>; break;
    default: what = <><strong>{name(e.recordedBy)}</strong> recorded {e.kind === 'action' ? 'an action' : `a ${e.kind}`}.</>;
  }
  return (
    <li className={`timeline-item chrono-${e.kind}`}>
      <span className="timeline-when"><time dateTime={e.at}>{formatDateTime(e.at)}</time> <span className={`badge kind-badge kind-${e.kind}`}>{KIND_LABELS[e.kind] ?? e.kind}</span></span>
      <p className="log-what">{what}</p>
      {e.text ? <p className="chrono-text">{e.kind === 'closed' ? <><span className="chrono-label">Outcome: </span>{e.text}</> : e.text}</p> : null}
      {e.reason ? <p className="chrono-why"><span className="chrono-label">Why: </span>{e.reason}</p> : null}
      {e.agreedBy ? <p className="chrono-why"><span className="chrono-label">Agreed with: </span>{name(e.agreedBy)} (manager){typeof e.detail.agreedWithNote === 'string' ? `; also consulted: ${e.detail.agreedWithNote}` : ''}</p> : null}
      {e.agreedWith?.length ? <p className="chrono-why"><span className="chrono-label">{e.kind === 'decision' ? 'Agreed with (as written): ' : 'Agreed with: '}</span>{e.agreedWith.join(', ')}</p> : null}
      {e.kind === 'referral' ? (
        <dl className="facts referral-facts">
          <dt>Risk of harm</dt><dd>{yesNo(d.riskOfHarm)}{d.riskOfHarmReason ? ` — ${String(d.riskOfHarmReason)}` : ''}</dd>
          <dt>Consent possible and safe</dt><dd>{yesNo(d.consentPossibleAndSafe)}{d.consentNote ? ` — ${String(d.consentNote)}` : ''}</dd>
          <dt>Information shared</dt><dd>{String(d.informationShared ?? '')}</dd>
          <dt>Shared with</dt><dd>{String(d.sharedWith ?? '')} — {String(d.sharedHow ?? '')}</dd>
          <dt>Person told</dt><dd>{yesNo(d.personTold)}{d.notToldReason ? ` — ${String(d.notToldReason)}` : ''}</dd>
          {d.reference ? <><dt>Their reference</dt><dd>{String(d.reference)}</dd></> : null}
          {Array.isArray(d.missing) && d.missing.length ? <><dt>To complete</dt><dd>{listOf(d.missing)}</dd></> : null}
        </dl>
      ) : null}
      {e.kind === 'referral-update' && d.event === 'completed' ? (
        <dl className="facts referral-facts">
          {'consentPossibleAndSafe' in d ? <><dt>Consent possible and safe</dt><dd>{yesNo(d.consentPossibleAndSafe)}</dd></> : null}
          {d.consentNote ? <><dt>Consent</dt><dd>{String(d.consentNote)}</dd></> : null}
          {'personTold' in d ? <><dt>Person told</dt><dd>{yesNo(d.personTold)}{d.notToldReason ? ` — ${String(d.notToldReason)}` : ''}</dd></> : null}
          {d.reference ? <><dt>Their reference</dt><dd>{String(d.reference)}</dd></> : null}
        </dl>
      ) : null}
    </li>
  );
}

/**
 * The handling, for those who work the concern: acknowledgement, the chronology, entries, referral, closing. One who
 * raised it (`canSettle` false) records what they know; someone else acknowledges and closes it (practice 4.2).
 */
function Handling({ id, concern, canRefer, canSettle, releaseAtOnce }: { id: string; concern: Concern; canRefer: boolean; canSettle: boolean; releaseAtOnce: boolean }) {
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const [shown, setShown] = useState(0); // each confirmation takes focus, so a keyboard or screen-reader user hears it
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (shown) doneRef.current?.focus();
  }, [shown]);
  const [ackError, setAckError] = useState<unknown>(null);
  const chronology = useQuery(chronologyQuery(id, true));
  const names = chronology.data?.names ?? {};
  const name = (uid: string | null) => (uid ? names[uid] ?? 'a colleague' : 'Confide');
  const refresh = async (message: string) => {
    setDone(message);
    await queryClient.invalidateQueries({ queryKey: ['referrals'] });
    await queryClient.invalidateQueries({ queryKey: ['concern', id] });
    await queryClient.invalidateQueries({ queryKey: ['concerns'] });
  };
  const acknowledge = async () => {
    setAckError(null);
    try {
      await call(api.POST('/api/concerns/{id}/acknowledge', { params: { path: { id } }, body: {} }));
      await refresh('Acknowledged. The raiser sees that it is being handled, and escalation has stopped.');
    } catch (err) {
      setAckError(err);
    }
  };
  const h = chronology.data?.handling;
  const open = concern.status !== 'closed';
  return (
    <>
      {done ? <div ref={doneRef} tabIndex={-1} className="notice-focus"><Notice>{done}</Notice></div> : null}
      {concern.status === 'raised' ? (
        <div className="alert warning ack-box">
          <p className="alert-title">Nobody has acknowledged this concern yet.</p>
          <p>{h?.nextEscalationAt ? `If it is not acknowledged by ${formatDateTime(h.nextEscalationAt)}, it escalates to every manager.` : 'It has been escalated to every manager.'}</p>
          <ProblemMessage error={ackError} />
          {canSettle ? <Button onPress={acknowledge}>Acknowledge</Button> : <p>You raised this concern: another safeguarding lead or a manager acknowledges it.</p>}
        </div>
      ) : null}
      {/* The referral comes before the chronology: a lead acting on an immediate risk finds it at once (practice 4.1). */}
      <Referrals referrals={chronology.data?.referrals ?? []} name={name} onDone={async (m) => { await refresh(m); setShown((n) => n + 1); }} />
      {open && canRefer ? <ReferralAid concern={concern} releaseAtOnce={!!concern.personId && releaseAtOnce} onSent={refresh} /> : null}
      <div className="columns">
        <div className="panel">
          <h2>Chronology</h2>
          <p className="hint">Everything that happened, oldest first. Entries are never changed: to correct one, add another.</p>
          <ProblemMessage error={chronology.error} focus={false} />
          {chronology.isPending ? <Loading /> : null}
          {chronology.data ? <ol className="timeline chronology">{chronology.data.entries.map((e) => <Entry key={e.id} e={e} name={name} />)}</ol> : null}
        </div>
        <div className="stack">
          {open ? <AddEntry id={id} onAdded={refresh} managers={chronology.data?.managers ?? []} /> : <div className="panel"><h2>Closed</h2><p>{h?.closedAt ? `Closed on ${formatDateTime(h.closedAt)} by ${name(h.closedBy)}.` : 'This concern is closed.'}</p></div>}
        </div>
      </div>
      {open && canSettle ? <CloseConcern id={id} onClosed={refresh} /> : null}
    </>
  );
}

/**
 * A concern's page. Those who work it (the API's `can.work`) see what was raised and its handling; the person who
 * raised it sees what they wrote and its status only.
 */
export default function ConcernPage({ id }: { id: string }) {
  const { me } = useSession();
  const concern = useQuery(concernQuery(id));
  const chronology = useQuery(chronologyQuery(id, !!concern.data?.can.work));
  const chronologyNames = chronology.data?.names ?? {};
  if (concern.isPending) return <Loading />;
  if (concern.error) return <section><PageTitle>Concern</PageTitle><ProblemMessage error={concern.error} /></section>;
  const c = concern.data.data;
  const mine = c.raisedBy === me.user.id;
  const raisedBy = mine ? 'you' : chronologyNames[c.raisedBy] ?? 'a colleague';
  const back = hasRole(me, 'safeguarding_lead', 'manager') && concern.data.can.work ? { href: '/concerns', label: 'Concerns' } : { href: '/concerns/mine', label: 'Concerns you raised' };
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href={back.href}>{back.label}</Link></nav>
      <div className="page-head">
        <PageTitle title="Concern">Concern about {concernForLabel(c.concernFor)}</PageTitle>
        <div className="concern-badges"><RiskBadge risk={c.immediateRisk} /><StatusBadge status={c.status} /></div>
      </div>
      {!concern.data.can.work ? (
        <p className="lede">
          {/* The safeguarding leads, or management when there are none (practice 4.1): the words fit either. */}
          {c.status === 'raised' ? 'Sent for immediate action; waiting for the safeguarding leads or management to acknowledge it.' : c.status === 'acknowledged' ? 'It has been acknowledged and is being handled. Whoever handles it may contact you.' : 'It has been closed by those who handled it.'}
        </p>
      ) : null}
      <WhatWasRaised concern={c} raisedBy={raisedBy} subject={concern.data.subject} />
      {concern.data.can.work ? <Handling id={id} concern={c} canRefer={!!concern.data.can.refer} canSettle={!!concern.data.can.settle} releaseAtOnce={!!concern.data.can.releaseAtOnce} /> : null}
    </section>
  );
}
