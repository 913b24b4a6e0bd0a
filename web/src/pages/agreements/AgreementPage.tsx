import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { FileTrigger } from 'react-aria-components';
import { api, call, ifMatch } from '../../api/client';
import type { Account } from '../../api/models';
import type { Agreement, AgreementView } from '../../api/sharing';
import { PathForm } from '../../components/PathForm';
import { Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, ModalDialog, Notice, PageTitle, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import { navigate, useLocation } from '../../router';
import { hasRole, useSession } from '../../session';
import { categoryList, todayLocal, usePurposes } from '../disclosure/shared';
import { ReviewForm, ReviewHistory, type ReviewableAgreementView } from './reviews';
import { AgreementStatusBadge } from './shared';
import { earlierAllowsSigning, variationWords } from './variation-words';

const OURS = 'ours';

/** Our managers and guardians, who may sign for us: all of them for a manager (who may list accounts), else yourself. */
function useOurSignatories() {
  const { me } = useSession();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => call<{ items: Account[] }>(api.GET('/api/users', { params: { query: { includeInactive: 'true' } } })),
    enabled: hasRole(me, 'manager'),
    staleTime: 60_000,
  });
  const listed = (users.data?.items ?? []).filter((u) => u.active && u.roles.some((r) => r === 'manager' || r === 'guardian'));
  const self = hasRole(me, 'manager', 'guardian') ? [{ id: me.user.id, label: `${me.user.displayName} (you)` }] : [];
  return [...self, ...listed.filter((u) => u.id !== me.user.id).map((u) => ({ id: u.id, label: u.displayName }))];
}

/** Records one party's signatory: ours (a manager or guardian here) or a partner's, from the signed copy. */
function SignatoryForm({ a, onDone }: { a: Agreement; onDone: (v: AgreementView, message: string) => void }) {
  const ours = useOurSignatories();
  const parties = a.awaitingSignatures.map((p) => ({ id: p, label: p === OURS ? 'Us' : a.partners.find((x) => x.organisationId === p)?.name ?? 'A partner' }));
  const [v, setV] = useState<Record<string, string>>({ party: parties[0]?.id ?? '', signedOn: todayLocal() });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: string) => (x: string) => setV((old) => ({ ...old, [k]: x }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = v.party === OURS
      ? { party: 'ours', userId: v.userId, role: v.role?.trim() ?? '', signedOn: v.signedOn }
      : { party: 'partner', organisationId: v.party, name: v.name?.trim() ?? '', role: v.role?.trim() ?? '', signedOn: v.signedOn };
    try {
      const view = await call<AgreementView>(api.POST('/api/agreements/{id}/signatories', { params: { path: { id: a.id } }, body: body as never, headers: ifMatch(a.version) }));
      const who = parties.find((p) => p.id === v.party)?.label ?? '';
      setV({ party: view.data.awaitingSignatures[0] ?? '', signedOn: todayLocal() });
      onDone(view, `${who === 'Us' ? 'Our' : `${who}’s`} signatory is recorded.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!parties.length) return null;
  return (
    <PathForm error={error} names={['party', 'userId', 'organisationId', 'name', 'role', 'signedOn']} missing={{ userId: 'Choose who signed for us', name: 'Enter who signed', role: 'Enter their role' }} onSubmit={submit}>
      <Radios name="party" label="Signed for" isRequired value={v.party || null} onChange={set('party')} options={parties} />
      {v.party === OURS ? (
        <Choice name="userId" label="Who signed for us" isRequired value={v.userId ?? null} onChange={set('userId')} options={ours} description="A manager or the guardian." />
      ) : (
        <TextInput name="name" label="Who signed for them" isRequired autoComplete="off" value={v.name ?? ''} onChange={set('name')} />
      )}
      <TextInput name="role" label="Their role" isRequired autoComplete="off" value={v.role ?? ''} onChange={set('role')} description="e.g. Chief executive, Caldicott guardian" />
      <TextInput name="signedOn" label="Signed on" type="date" isRequired value={v.signedOn ?? ''} onChange={set('signedOn')} />
      <div className="actions"><Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record signatory'}</Button></div>
    </PathForm>
  );
}

/** Attaches the signed copy (a PDF or a scan): with every signature recorded, the agreement is then signed. */
function SignedCopyUpload({ a, onDone }: { a: Agreement; onDone: (v: AgreementView, message: string) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setError(null);
    setBusy(true);
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const view = await call<AgreementView>(api.POST('/api/agreements/{id}/document', { params: { path: { id: a.id } }, body: form as never, bodySerializer: (b: unknown) => b as FormData, headers: ifMatch(a.version) }));
      onDone(view, `The signed copy “${file.name}” is attached.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="upload">
      <ProblemMessage error={error} />
      <FileTrigger onSelect={upload} acceptedFileTypes={['application/pdf', 'image/png', 'image/jpeg']}>
        <Button variant="secondary" isDisabled={busy}>{busy ? 'Uploading…' : 'Attach the signed copy…'}</Button>
      </FileTrigger>
      <p className="hint">A PDF, or a scan as PNG or JPEG.</p>
    </div>
  );
}

/** Ends a signed agreement early, with the reason: from then it covers nothing (5.1). */
function TerminateForm({ a, onDone, onCancel }: { a: Agreement; onDone: (v: AgreementView, message: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onDone(await call<AgreementView>(api.POST('/api/agreements/{id}/terminate', { params: { path: { id: a.id } }, body: { reason: reason.trim() }, headers: ifMatch(a.version) })), 'The agreement is ended: it covers no sharing from now.');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <PathForm error={error} names={['reason']} missing={{ reason: 'Write why it ends early' }} onSubmit={submit}>
      <p>From now it is no basis for sharing anything with {a.partners.map((p) => p.name).join(', ')}.</p>
      <TextBox name="reason" label="Why it ends early" isRequired rows={3} value={reason} onChange={setReason} />
      <div className="actions">
        <Button type="submit" variant="danger">End the agreement</Button>
        <Button variant="secondary" onPress={onCancel}>Cancel</Button>
      </div>
    </PathForm>
  );
}

/** What a variation says of the earlier version it varies, true for the state of each (variation-words.ts). */
function VariationNote({ a, earlier }: { a: Agreement; earlier: Agreement | undefined }) {
  const words = variationWords(a, earlier, formatDate);
  return <p className="muted variation-note">{words.before}<Link href={`/agreements/${a.supersedes}`}>an earlier version</Link>{words.after}</p>;
}

/** A sharing agreement: its terms, its signatures and signed copy, and — for whoever may manage it — what is left to do. */
export default function AgreementPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const purposes = usePurposes();
  const q = useQuery({ queryKey: ['agreement', id], queryFn: () => call<ReviewableAgreementView>(api.GET('/api/agreements/{id}', { params: { path: { id } } })) });
  // The version a variation varies: what the page says of it depends on its state (in force, ended, ended early).
  const earlierId = q.data?.data.supersedes ?? null;
  const earlier = useQuery({
    queryKey: ['agreement', earlierId],
    queryFn: () => call<AgreementView>(api.GET('/api/agreements/{id}', { params: { path: { id: earlierId! } } })),
    enabled: earlierId !== null,
  });
  const { search } = useLocation();
  const [done, setDone] = useState<string | null>(search.get('drafted') ? 'The draft is saved. Record who signed for each side and attach the signed copy.' : null);
  const doneRef = useRef<HTMLDivElement>(null);
  const [acted, setActed] = useState(0);
  useEffect(() => {
    if (acted) doneRef.current?.focus();
  }, [acted]);

  const [ending, setEnding] = useState(false);
  const [varyError, setVaryError] = useState<unknown>(null);
  if (q.isPending) return <Loading />;
  if (q.error) return <><PageTitle>Sharing agreement</PageTitle><ProblemMessage error={q.error} /></>;
  const { data: a, can } = q.data;
  const onDone = (view: AgreementView, message: string) => {
    queryClient.setQueryData(['agreement', id], view);
    // Another version's page depends on this one's state (a draft variation of it can no longer be signed once it ends).
    void queryClient.invalidateQueries({ queryKey: ['agreement'], predicate: (query) => query.queryKey[1] !== id });
    void queryClient.invalidateQueries({ queryKey: ['agreements'] });
    setDone(view.data.status !== 'draft' && a.status === 'draft' ? `${message} Every party has signed: the agreement is now signed.` : message);
    setActed((n) => n + 1);
  };
  const vary = async () => {
    setVaryError(null);
    try {
      const created = await call<AgreementView>(api.POST('/api/agreements/{id}/vary', { params: { path: { id } } }));
      await queryClient.invalidateQueries({ queryKey: ['agreements'] });
      navigate(`/agreements/${created.data.id}?drafted=1`);
    } catch (err) {
      setVaryError(err);
    }
  };
  const draft = a.status === 'draft';
  const signable = draft && earlierAllowsSigning(a, earlier.data?.data);
  const partyName = (p: string) => (p === OURS ? 'Us' : a.partners.find((x) => x.organisationId === p)?.name ?? 'A partner');
  return (
    <article className="record">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/agreements">Sharing agreements</Link> <span aria-hidden="true">›</span> <span aria-current="page">{a.title}</span></nav>
      <div className="page-head">
        <div>
          <PageTitle title="Sharing agreement">{a.title}</PageTitle>
          <p className="muted">With {a.partners.map((p) => p.name).join(', ')} · <AgreementStatusBadge status={a.status} /></p>
        </div>
      </div>
      <div ref={doneRef} tabIndex={-1} className="done-anchor">{done ? <Notice>{done}</Notice> : null}</div>
      <p className={`usable ${a.usable ? 'usable-yes' : 'usable-no'}`}>
        {a.usable ? '✓ In force: a basis for sharing what it covers with these partners.' : draft ? 'Not yet a basis for sharing: every party signs and the signed copy is attached first.' : 'Not a basis for sharing now.'}
      </p>
      {can.manage && (a.status === 'in_force' || a.status === 'signed') ? (
        <div className="actions agreement-actions">
          <Button variant="secondary" onPress={() => void vary()}>Start a variation</Button>
          <Button variant="quiet" onPress={() => setEnding(true)}>End early…</Button>
        </div>
      ) : null}
      <ProblemMessage error={varyError} />
      {a.supersedes ? <VariationNote a={a} earlier={earlier.data?.data} /> : null}
      {a.supersededBy ? <p className="muted">Replaced by <Link href={`/agreements/${a.supersededBy}`}>its variation</Link>.</p> : null}
      <div className="columns">
        <div className="stack">
          <section className="panel" aria-labelledby="terms-title">
            <h2 id="terms-title">What it covers</h2>
            <dl className="facts">
              <dt>Partners</dt><dd>{a.partners.map((p) => p.name).join(', ')}</dd>
              <dt>Purposes</dt><dd>{a.purposeIds.map(purposes.name).join('; ')}</dd>
              <dt>Information</dt><dd>{categoryList(a.dataCategories)}</dd>
              <dt>Consent</dt><dd>{a.requiresConsent ? 'Each disclosure also needs the person’s consent' : 'The agreement is enough'}</dd>
              <dt>In force</dt><dd>{formatDate(a.startsOn)} to {formatDate(a.endsOn)}</dd>
              <dt>Review by</dt><dd>{formatDate(a.reviewOn)}</dd>
              {a.terminatedAt ? <><dt>Ended early</dt><dd>{formatDateTime(a.terminatedAt)}: {a.terminationReason}</dd></> : null}
            </dl>
          </section>
          <section className="panel" aria-labelledby="conditions-title">
            <h2 id="conditions-title">Conditions</h2>
            <dl className="conditions">
              <dt>Security</dt><dd>{a.conditions.security}</dd>
              <dt>Passing it on</dt><dd>{a.conditions.onwardSharing}</dd>
              <dt>Keeping and destroying it</dt><dd>{a.conditions.retention}</dd>
              <dt>Breaches</dt><dd>{a.conditions.breachNotification}</dd>
            </dl>
          </section>
          {a.status !== 'draft' ? (
            <section className="panel agreement-reviews" aria-labelledby="reviews-title">
              <h2 id="reviews-title">Reviews</h2>
              <p className="muted">Management review each agreement by its review date (3.1): it continues unchanged, needs a variation, or ends.</p>
              <ReviewHistory id={a.id} />
              {can.review ? <><h3>Record a review</h3><ReviewForm a={a} onDone={onDone} /></> : null}
            </section>
          ) : null}
        </div>
        <section className="panel" aria-labelledby="signing-title">
          <h2 id="signing-title">Signatures</h2>
          <ul className="checklist" aria-label="Signatures and signed copy">
            {a.signatories.map((s) => (
              <li key={`${s.party}-${s.organisationId ?? ''}`} className="check-done">
                <span className="check-mark" aria-hidden="true">✓</span>
                <span><strong>{s.party === 'ours' ? 'Us' : partyName(s.organisationId ?? '')}</strong>: {s.name}, {s.role}, signed {formatDate(s.signedOn)}<span className="visually-hidden"> (done)</span></span>
              </li>
            ))}
            {a.awaitingSignatures.map((p) => (
              <li key={p} className="check-todo"><span className="check-mark" aria-hidden="true" /><span><strong>{partyName(p)}</strong>: not signed yet</span></li>
            ))}
            <li className={a.document.attached ? 'check-done' : 'check-todo'}>
              <span className="check-mark" aria-hidden="true">{a.document.attached ? '✓' : ''}</span>
              <span><strong>Signed copy</strong>: {a.document.attached ? `attached${a.document.uploadedAt ? ` ${formatDate(a.document.uploadedAt)}` : ''}` : 'not attached yet'}</span>
            </li>
          </ul>
          {can.document && a.document.attached ? <p><a href={`/api/agreements/${a.id}/document`} download>Download the signed copy{a.document.filename ? ` (${a.document.filename})` : ''}</a></p> : null}
          {can.manage && signable ? (
            <>
              {a.awaitingSignatures.length ? <><h3>Record a signatory</h3><SignatoryForm a={a} onDone={onDone} /></> : null}
              {!a.document.attached ? <><h3>Signed copy</h3><SignedCopyUpload a={a} onDone={onDone} /></> : null}
            </>
          ) : null}
        </section>
      </div>
      <ModalDialog title="End this agreement early" isOpen={ending} onOpenChange={setEnding} tone="warning">
        {(close) => <TerminateForm a={a} onCancel={close} onDone={(view, message) => { close(); onDone(view, message); }} />}
      </ModalDialog>
    </article>
  );
}
