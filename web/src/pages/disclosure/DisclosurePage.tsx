import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Checkbox } from 'react-aria-components';
import { api, call } from '../../api/client';
import type { Person, RecordView } from '../../api/models';
import type { Disclosure, DisclosureView } from '../../api/sharing';
import { PathForm } from '../../components/PathForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDate, formatDateTime, personName } from '../../components/ui';
import { fieldLabel } from '../../labels';
import { navigate, useLocation } from '../../router';
import { hasRole, useSession } from '../../session';
import { useAccountNames } from '../access/shared';
import { AgreementStatusBadge } from '../agreements/shared';
import { DisclosureStatusBadge, basisText, consentSoughtText, isOrdinaryException, purposeStateWords, categoryList, dayLocal, todayLocal, useOrganisations, usePurposes } from './shared';

// One disclosure and its next step (1.3, 4.3): a manager's decision on an exception, the recipient's acknowledgement
// (the one-time link, or staff attestation for an oral disclosure), the release of the CONFIDENTIAL pack and its
// download, and recording that the person was told. What is offered is what the API's `can` says; a disclosure
// whose consent was withdrawn (1.3) or whose sharing agreement ended (practice 5.1) says so instead of its next step.

export const disclosureQuery = (id: string) => ({
  queryKey: ['disclosure', id],
  queryFn: () => call<DisclosureView>(api.GET('/api/disclosures/{id}', { params: { path: { id } } })),
});

/** Where it is up to, as steps: asked, (a manager's decision), the recipient's acceptance, released. */
function Progress({ d }: { d: Disclosure }) {
  const steps = [
    { label: 'Asked', done: true, when: d.requestedAt },
    ...(d.basis === 'exception' ? [{ label: d.status === 'refused' ? 'Refused by a manager' : 'Manager’s decision', done: !!d.approvedAt, when: d.approvedAt }] : []),
    { label: 'Recipient accepted the terms', done: !!d.acknowledgedAt, when: d.acknowledgedAt },
    { label: 'Released', done: !!d.releasedAt, when: d.releasedAt },
  ];
  const current = steps.findIndex((s) => !s.done);
  return (
    <ol className="progress" aria-label="Progress">
      {steps.map((s, i) => (
        <li key={s.label} className={s.done ? (d.status === 'refused' && i === 1 ? 'refused' : 'done') : i === current && d.status !== 'refused' ? 'current' : ''} aria-current={i === current ? 'step' : undefined}>
          <span className="progress-mark" aria-hidden="true">{s.done ? (d.status === 'refused' && i === 1 ? '✕' : '✓') : i + 1}</span>
          <span className="progress-label">{s.label}{s.when ? <span className="progress-when">{formatDateTime(s.when)}</span> : null}
            <span className="visually-hidden">{s.done ? ' (done)' : ' (not yet)'}</span></span>
        </li>
      ))}
    </ol>
  );
}

/** A manager other than the requester approves or refuses an exception (1.3), saying why and whether the person is told. */
function DecideForm({ d, onDone }: { d: Disclosure; onDone: (view: DisclosureView) => void }) {
  const [v, setV] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string) => (x: string) => setV((old) => ({ ...old, [k]: x }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!v.decision) problems.decision = 'Choose whether you approve or refuse';
    if (!v.justification?.trim()) problems.justification = 'Write why';
    if (!v.tellPerson) problems.tellPerson = 'Choose whether the person is told';
    if (Object.keys(problems).length) return setClientErrors(problems);
    setClientErrors(null);
    setBusy(true);
    setError(null);
    try {
      const body = { decision: v.decision, justification: v.justification.trim(), tellPerson: v.tellPerson === 'yes', ...(v.tellPerson === 'no' && v.notToldReason?.trim() ? { notToldReason: v.notToldReason.trim() } : {}) };
      onDone(await call<DisclosureView>(api.POST('/api/disclosures/{id}/approval', { params: { path: { id: d.id } }, body: body as never })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PathForm error={error} clientErrors={clientErrors} names={['decision', 'justification', 'tellPerson', 'notToldReason']} onSubmit={submit}>
      <Radios name="decision" label="Your decision" isRequired value={v.decision ?? null} onChange={set('decision')} options={[
        { id: 'approve', label: 'Approve: the law, the emergency or the crime requires sharing without consent' },
        { id: 'refuse', label: 'Refuse: it does not go' },
      ]} />
      <TextBox name="justification" label="Your justification" isRequired rows={3} value={v.justification ?? ''} onChange={set('justification')} description="Recorded with the disclosure and kept in the register." />
      <Radios name="tellPerson" label="Is the person told?" isRequired value={v.tellPerson ?? null} onChange={set('tellPerson')} options={[
        { id: 'yes', label: 'Yes, they are told' },
        { id: 'no', label: 'No: telling them would prejudice the purpose' },
      ]} />
      {v.tellPerson === 'no' ? <TextBox name="notToldReason" label="Why they are not told" isRequired={v.decision === 'approve'} rows={2} value={v.notToldReason ?? ''} onChange={set('notToldReason')} /> : null}
      <div className="actions">
        <Button type="submit" variant={v.decision === 'refuse' ? 'danger' : 'primary'} isDisabled={busy}>{busy ? 'Saving…' : 'Record decision'}</Button>
      </div>
    </PathForm>
  );
}

/** The one-time link for the recipient: issued on request, shown to copy, never stored in the browser. */
function AcknowledgementLink({ d, onIssued }: { d: Disclosure; onIssued: () => void }) {
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const issue = async () => {
    setError(null);
    try {
      setLink(await call<{ url: string; expiresAt: string }>(api.POST('/api/disclosures/{id}/acknowledgement-link', { params: { path: { id: d.id } }, body: {} })));
      onIssued();
      setTimeout(() => box.current?.focus());
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <p>Send {d.recipientName} the link to accept the confidentiality terms. It works once, for 7 days, and shows only the terms — nothing about the person.</p>
      <ProblemMessage error={error} />
      {link ? (
        <div ref={box} tabIndex={-1} className="link-box">
          <p className="alert-title">Link ready{d.recipientEmail ? ` — send it to ${d.recipientEmail}` : ''}</p>
          <label className="field"><span>Acknowledgement link</span><input readOnly value={link.url} className="link-url" onFocus={(e) => e.currentTarget.select()} /></label>
          <p className="hint">Works until {formatDateTime(link.expiresAt)}. A new link replaces this one.</p>
          <div className="actions">
            <Button variant="secondary" onPress={() => navigator.clipboard?.writeText(link.url).then(() => setCopied(true))}>{copied ? 'Copied' : 'Copy link'}</Button>
          </div>
        </div>
      ) : (
        <div className="actions"><Button onPress={() => void issue()}>Create the link</Button></div>
      )}
    </>
  );
}

/** Staff attest that the recipient of an oral disclosure was told it is CONFIDENTIAL and accepted the terms (4.3). */
function AttestForm({ d, onDone }: { d: Disclosure; onDone: (view: DisclosureView) => void }) {
  const [v, setV] = useState<Record<string, string>>({ recipientName: d.recipientName, date: todayLocal() });
  const [error, setError] = useState<unknown>(null);
  const set = (k: string) => (x: string) => setV((old) => ({ ...old, [k]: x }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onDone(await call<DisclosureView>(api.POST('/api/disclosures/{id}/attestation', { params: { path: { id: d.id } }, body: { recipientName: v.recipientName?.trim(), date: v.date, statement: v.statement?.trim() ?? '' } as never })));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <PathForm error={error} names={['recipientName', 'date', 'statement']} missing={{ statement: 'Write what they were told and accepted' }} onSubmit={submit}>
      <TextInput name="recipientName" label="Who accepted the terms" isRequired value={v.recipientName ?? ''} onChange={set('recipientName')} />
      <TextInput name="date" label="On" type="date" isRequired value={v.date ?? ''} onChange={set('date')} />
      <TextBox name="statement" label="What they were told and accepted" isRequired rows={3} value={v.statement ?? ''} onChange={set('statement')} />
      <div className="actions"><Button type="submit">Record their acceptance</Button></div>
    </PathForm>
  );
}

/** Records when the person was told of the disclosure. */
function ToldForm({ d, name, onDone }: { d: Disclosure; name: string; onDone: (view: DisclosureView) => void }) {
  const [on, setOn] = useState(todayLocal());
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      // A day chosen: now for today, else that day's noon — or the moment the information left, when that was later
      // the same day (the person cannot have been told before it left).
      const left = d.mode === 'oral' && d.occurredAt ? d.occurredAt : d.releasedAt;
      const noon = new Date(`${on}T12:00:00`);
      const at = on === todayLocal() ? new Date() : left && noon < new Date(left) && on === dayLocal(left) ? new Date(left) : noon;
      onDone(await call<DisclosureView>(api.POST('/api/disclosures/{id}/person-told', { params: { path: { id: d.id } }, body: { toldAt: at.toISOString() } })));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <PathForm error={error} names={['toldAt']} onSubmit={submit}>
      <TextInput name="toldAt" label={`When ${name} was told`} type="date" isRequired value={on} onChange={setOn} />
      <div className="actions"><Button type="submit" variant="secondary">Record that they were told</Button></div>
    </PathForm>
  );
}

/** What the page says right after the request (`?requested=1`, from the request form). */
const REQUESTED = 'Your request is recorded.';

/** The disclosure's page: its facts, where it is up to, and the next step for whoever may take it. */
export default function DisclosurePage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const { me } = useSession();
  const q = useQuery(disclosureQuery(id));
  const personId = q.data?.data.personId;
  const person = useQuery({
    queryKey: ['person', personId],
    queryFn: () => call<RecordView<Person>>(api.GET('/api/people/{id}', { params: { path: { id: personId! } } })),
    enabled: !!personId,
    retry: false,
  });
  const orgs = useOrganisations();
  const purposes = usePurposes();
  const accountName = useAccountNames(hasRole(me, 'manager'));
  const who = (uid: string | null) => (uid === me.user.id ? 'you' : accountName(uid) === 'someone' ? 'a colleague' : accountName(uid));
  const { search } = useLocation();
  const justRequested = search.get('requested') === '1';
  const [done, setDone] = useState<string | null>(justRequested ? REQUESTED : null);
  const [releaseError, setReleaseError] = useState<unknown>(null);
  const [releasing, setReleasing] = useState(false);
  const [checked, setChecked] = useState(false);
  const nextRef = useRef<HTMLHeadingElement>(null);
  const acted = useRef(false);
  const status = q.data?.data.status;
  useEffect(() => {
    if (acted.current) nextRef.current?.focus();
  }, [status]);
  // "Your request is recorded" is said once, right after the request: the flag leaves the address at once, so a later
  // visit or a reload does not say it again.
  useEffect(() => {
    if (justRequested) navigate(`/disclosures/${id}`, { replace: true });
  }, [justRequested, id]);

  if (q.isPending) return <Loading />;
  if (q.error) return <><PageTitle>Disclosure</PageTitle><ProblemMessage error={q.error} /></>;
  const { data: d, can, pack } = q.data;
  const name = person.data ? personName(person.data.data) : 'the person';
  // …and only while the disclosure is still where a new request leaves it: not once the recipient has accepted, a
  // manager has decided, or it can no longer go.
  const stillAsIfRequested = (d.status === 'awaiting_acknowledgement' || d.status === 'awaiting_approval') && !d.consentWithdrawnAt && !d.agreementEndedAt && !d.purposeNotInForce;
  const notice = done === REQUESTED && !stillAsIfRequested ? null : done;
  const org = orgs.name(d.recipientOrganisationId);
  const update = (view: DisclosureView, message: string) => {
    acted.current = true;
    queryClient.setQueryData(['disclosure', id], view);
    void queryClient.invalidateQueries({ queryKey: ['disclosures'] });
    void queryClient.invalidateQueries({ queryKey: ['person', d.personId, 'disclosures'] });
    setDone(message);
  };
  const release = async () => {
    setReleaseError(null);
    setReleasing(true);
    try {
      const body = q.data?.data.acknowledgedByOther ? { recipientChecked: checked } : {};
      update(await call<DisclosureView>(api.POST('/api/disclosures/{id}/release', { params: { path: { id } }, body: body as never })), 'Released. The pack is ready to send.');
    } catch (err) {
      setReleaseError(err);
    } finally {
      setReleasing(false);
    }
  };

  const next = (() => {
    if (d.consentWithdrawnAt) {
      return {
        title: 'Consent withdrawn',
        body: (
          <>
            <p>{name} withdrew their consent for this purpose on {formatDate(d.consentWithdrawnAt)}. Nothing can be released under it (policy 1.3).</p>
            <p>
              {person.data?.can.recordConsent ? <><Link href={`/people/${d.personId}/consents/new`}>Record their consent again</Link> only if they agree. </> : 'Their consent can be recorded again only if they agree. '}
              Sharing without it is only for when the law, an emergency or a crime requires it, and a manager decides.
            </p>
          </>
        ),
      };
    }
    if (d.agreementEndedAt) {
      const title = d.agreement ? `“${d.agreement.title}”` : 'it rests on';
      return {
        title: 'Agreement ended',
        body: (
          <>
            <p>The sharing agreement {d.agreement ? <Link href={`/agreements/${d.agreement.id}`}>{title}</Link> : title} ended on {formatDate(d.agreementEndedAt)}, and no other signed agreement in force covers {org} for this purpose. Nothing can be released under it (policy practice 5.1).</p>
            <p>It can go only under a new or varied agreement signed by both sides, with {name}’s consent, or — when the law, an emergency or a crime requires it — with a manager’s approval.</p>
          </>
        ),
      };
    }
    if (d.purposeNotInForce) {
      const p = d.purposeNotInForce;
      return {
        title: purposeStateWords(p),
        body: (
          <>
            <p>The purpose “<Link href={`/purposes/${p.id}`}>{p.name}</Link>” {p.state === 'retired' ? 'was retired' : p.state === 'draft' ? 'is not approved' : `was due for review on ${formatDate(p.reviewDueOn)} and has not been approved again`}, so it covers nothing now. Nothing can be released for it (policy 3.1).</p>
            <p>{p.state === 'review-overdue' ? 'Once the guardian reviews and approves the purpose, this disclosure can go. ' : ''}Sharing for another purpose is a new request.</p>
          </>
        ),
      };
    }
    switch (d.status) {
      case 'awaiting_approval':
        return can.approve
          ? { title: 'Decide whether this goes without consent', body: <DecideForm d={d} onDone={(v) => update(v, v.data.status === 'refused' ? 'Refused. Nothing will be shared.' : 'Approved. The recipient can now be sent the link.')} /> }
          : { title: 'Waiting for a manager', body: <p>Sharing without consent needs the approval of a manager other than the person who asked (policy 1.3). Managers see it in their approvals.</p> };
      case 'awaiting_acknowledgement':
        if (!can.release) return { title: 'Waiting for the recipient', body: <p>{d.recipientName} has not yet accepted the confidentiality terms.</p> };
        return d.mode === 'written'
          ? { title: 'Send the recipient the link', body: <AcknowledgementLink d={d} onIssued={() => void queryClient.invalidateQueries({ queryKey: ['disclosure', id] })} /> }
          : { title: 'Record that they accepted the terms', body: <AttestForm d={d} onDone={(v) => update(v, 'Their acceptance is recorded.')} /> };
      case 'acknowledged':
        return can.release
          ? {
            title: 'Release the pack',
            body: (
              <>
                <p>{d.acknowledgedBy} accepted the terms on {formatDate(d.acknowledgedOn)}. Releasing checks everything again — the consent, agreement or approval, the purpose, the items — then makes the pack, marked CONFIDENTIAL on every page.</p>
                {d.acknowledgedByOther ? (
                  <div className="alert warning" role="alert">
                    <p className="alert-title">Accepted under a different name</p>
                    <p>The terms were accepted as “{d.acknowledgedBy}”, but this disclosure is for {d.recipientName}, {d.recipientRole} at {org}. Anyone with the link can type any name: check with {org} who accepted them before releasing.</p>
                    <Checkbox isSelected={checked} onChange={setChecked} className="checkbox" name="recipientChecked">
                      <span className="checkbox-mark" aria-hidden="true" />
                      <span>I have checked who accepted the terms, and they may receive this</span>
                    </Checkbox>
                  </div>
                ) : null}
                <ProblemMessage error={releaseError} />
                <div className="actions"><Button onPress={() => void release()} isDisabled={releasing || (!!d.acknowledgedByOther && !checked)}>{releasing ? 'Releasing…' : 'Release the pack'}</Button></div>
              </>
            ),
          }
          : { title: 'Ready to release', body: <p>The recipient has accepted the terms. Someone on the case team or a manager releases it.</p> };
      case 'released':
        return {
          title: 'Released',
          body: (
            <>
              <p>Released {formatDateTime(d.releasedAt)} by {who(d.releasedBy)}. Send the pack to {d.recipientName} securely.</p>
              {(can.pack ?? can.release) && pack?.copy === 'reader' ? (
                <>
                  <div className="alert warning" role="note">
                    <p className="alert-title">Your copy withholds what you may not read where it is kept</p>
                    <p>Need to know (policy 3.4): these items went to {d.recipientName} but are left out of your copy, which is not the pack as it went out.</p>
                    <ul>{pack.withheld.map((w) => <li key={w.item}><strong>{w.label}</strong> — {w.reason}</li>)}</ul>
                  </div>
                  <div className="actions">
                    <a className="button primary" href={`/api/disclosures/${d.id}/pack.pdf`} download>Download your copy (PDF)</a>
                    <a className="button secondary" href={`/api/disclosures/${d.id}/pack.json`} download>Your copy's data (JSON)</a>
                  </div>
                </>
              ) : can.pack ?? can.release ? (
                <div className="actions">
                  <a className="button primary" href={`/api/disclosures/${d.id}/pack.pdf`} download>Download the pack (PDF)</a>
                  <a className="button secondary" href={`/api/disclosures/${d.id}/pack.json`} download>Pack data (JSON)</a>
                </div>
              ) : null}
              {d.packSha256 ? <p className="hash">SHA-256 of the PDF: <code>{d.packSha256}</code></p> : null}
            </>
          ),
        };
      default:
        return { title: 'Refused', body: <p>A manager refused this on {formatDate(d.approvedAt)}. Nothing was shared.</p> };
    }
  })();

  return (
    <article className="record">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {person.data ? <><Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${d.personId}`}>{name}</Link></> : <Link href="/disclosures">Disclosures</Link>}
        {' '}<span aria-hidden="true">›</span> <span aria-current="page">{d.reference}</span>
      </nav>
      <div className="page-head">
        <div>
          <PageTitle title="Disclosure">Sharing with {org}</PageTitle>
          <p className="muted"><span className="reference">{d.reference}</span> · about {name} · <DisclosureStatusBadge status={d.status} consentWithdrawnAt={d.consentWithdrawnAt} agreementEndedAt={d.agreementEndedAt} purposeNotInForce={d.purposeNotInForce} /></p>
        </div>
      </div>
      {notice ? <Notice>{notice}</Notice> : null}
      <Progress d={d} />
      <div className="columns">
        <section className="panel next-step" aria-labelledby="next-title">
          <h2 id="next-title" ref={nextRef} tabIndex={-1}>{next.title}</h2>
          {next.body}
          {can.recordTold && d.status === 'released' && d.tellPerson !== false && !d.personToldAt ? (
            <div className="told-box">
              <h3>Tell {name}</h3>
              <p>They should know what was shared, with whom and why.</p>
              <ToldForm d={d} name={name} onDone={(v) => update(v, `Recorded that ${name} was told.`)} />
            </div>
          ) : null}
        </section>
        <section className="panel" aria-labelledby="what-title">
          <h2 id="what-title">What goes, to whom, and why</h2>
          <dl className="facts">
            <dt>To</dt><dd>{d.recipientName}, {d.recipientRole}<br />{org}{d.recipientEmail ? <><br />{d.recipientEmail}</> : null}</dd>
            <dt>Purpose</dt><dd>{purposes.name(d.purposeId)}</dd>
            <dt>Basis</dt>
            <dd>
              {d.basis === 'agreement' && d.agreement
                ? <>Under agreement: <Link href={`/agreements/${d.agreement.id}`}>{d.agreement.title}</Link>{d.agreement.status !== 'in_force' ? <> <AgreementStatusBadge status={d.agreement.status} /></> : null}</>
                : basisText(d)}
              {d.exceptionReference ? ` (${d.exceptionReference})` : ''}
            </dd>
            {isOrdinaryException(d) ? <><dt>Asked for consent?</dt><dd>{consentSoughtText(d)}</dd></> : null}
            <dt>Items</dt>
            <dd>
              {d.items.personFields.map(fieldLabel).join(', ')}
              {d.items.notes.length ? `${d.items.personFields.length ? '; ' : ''}${d.items.notes.length === 1 ? '1 note' : `${d.items.notes.length} notes`}` : ''}
              {d.items.attachments.length ? `; ${d.items.attachments.length === 1 ? '1 document' : `${d.items.attachments.length} documents`}` : ''}
              <span className="block hint">{categoryList(d.dataCategories)}{d.pseudonymise ? ' · pseudonymised' : ''}</span>
            </dd>
            {d.reason ? <><dt>Reason</dt><dd className="pre">{d.reason}</dd></> : null}
            <dt>Asked</dt><dd>{formatDateTime(d.requestedAt)} by {who(d.requestedBy)}</dd>
            {d.releasedAtOnce ? <><dt>Released at once</dt><dd>Under the legal duty by {who(d.releasedBy)}, a manager (practice 4.1) — not approved beforehand. {d.reviewedBy ? `Reviewed by ${who(d.reviewedBy)}${d.reviewedAt ? ` on ${formatDateTime(d.reviewedAt)}` : ''}${d.reviewOutcome === 'concerns' ? ': concerns recorded' : ''}.` : 'Awaiting a second manager’s review.'}</dd></> : null}
            {d.approvedAt ? <><dt>{d.status === 'refused' ? 'Refused' : 'Approved'}</dt><dd>{formatDateTime(d.approvedAt)}{d.approvedBy ? ` by ${who(d.approvedBy)}` : ''}{d.justification ? <span className="block pre">“{d.justification}”</span> : null}</dd></> : null}
            {d.acknowledgedAt ? <><dt>Terms accepted</dt><dd>{d.acknowledgedBy}, {formatDate(d.acknowledgedOn)} ({d.acknowledgementMethod === 'link' ? 'through the link' : 'attested by staff'}){d.acknowledgedByOther ? <span className="block hint">Not the named recipient ({d.recipientName})</span> : null}</dd></> : null}
            {d.tellPerson === false ? <><dt>Person told</dt><dd>Not told{d.notToldReason ? `: ${d.notToldReason}` : ''}</dd></> : d.personToldAt ? <><dt>Person told</dt><dd>{formatDateTime(d.personToldAt)}</dd></> : null}
          </dl>
        </section>
      </div>
    </article>
  );
}
