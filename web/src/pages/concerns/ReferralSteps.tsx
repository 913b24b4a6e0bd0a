import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import type { Referral } from '../../api/referrals';
import { PathForm } from '../../components/PathForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button, ButtonLink, formatDateTime } from '../../components/ui';
import { DisclosureStatusBadge } from '../disclosure/shared';
import type { DisclosureStatus } from '../../api/sharing';
import { fromNow, referralState, splitNames, stillToDo } from './referralWords';

// A referral's later steps (practice 4.1–4.3, 1.3): a manager who did not make it approves or refuses it; a second
// manager reviews one released at once; the leads complete the answers an urgent referral left. Each is offered
// only when the API's `can` says so.

type Step = 'approve' | 'review' | 'complete';
const YES_NO = [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] as const;

/** One step's form. On success the parent refreshes and says what happened. */
function StepForm({ referral, step, onDone, onCancel }: { referral: Referral; step: Step; onDone: (message: string) => Promise<void>; onCancel: () => void }) {
  const [v, setV] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const set = (k: string) => (x: string) => {
    setV((old) => ({ ...old, [k]: x }));
    setClientErrors((old) => (old && k in old ? Object.fromEntries(Object.entries(old).filter(([n]) => n !== k)) : old));
  };
  const text = (k: string) => v[k]?.trim() ?? '';
  const missing = referral.missing;
  const names = step === 'approve' ? ['decision', 'justification'] : step === 'review' ? ['outcome', 'note'] : ['consentPossibleAndSafe', 'consentNote', 'personTold', 'notToldReason', 'agreedWith', 'reference'];
  const check = () => {
    const out: Record<string, string> = {};
    const need = (k: string, message: string) => { if (!text(k)) out[k] = message; };
    if (step === 'approve') { need('decision', 'Choose whether to approve or refuse it'); need('justification', 'Say why'); }
    if (step === 'review') { need('outcome', 'Say whether the release was right'); need('note', 'Write what you checked and found'); }
    if (step === 'complete') {
      if (missing.includes('consentPossibleAndSafe')) need('consentPossibleAndSafe', 'Answer whether seeking consent was possible and safe');
      if (missing.includes('consentNote')) need('consentNote', 'Say what they said when asked, or why they were not asked');
      if (missing.includes('personTold')) need('personTold', 'Answer whether the person will be told');
      if (v.personTold === 'no') need('notToldReason', 'Say why the person will not be told');
    }
    return out;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = check();
    if (Object.keys(problems).length) return setClientErrors(problems);
    setClientErrors(null);
    setBusy(true);
    setError(null);
    const path = { params: { path: { id: referral.id } } };
    try {
      if (step === 'approve') {
        await call(api.POST('/api/referrals/{id}/approval', { ...path, body: { decision: v.decision as 'approve' | 'refuse', justification: text('justification') } }));
        await onDone(v.decision === 'approve' ? 'Approved and released: the pack is ready to send.' : 'Refused: nothing was shared from the records.');
      } else if (step === 'review') {
        await call(api.POST('/api/referrals/{id}/review', { ...path, body: { outcome: v.outcome as 'upheld' | 'concerns', note: text('note') } }));
        await onDone(v.outcome === 'upheld' ? 'Reviewed: the release was right.' : 'Reviewed: your concerns are recorded for management to act on.');
      } else {
        const agreed = splitNames(v.agreedWith ?? '');
        await call(api.POST('/api/referrals/{id}/completion', {
          ...path,
          body: {
            ...(v.consentPossibleAndSafe ? { consentPossibleAndSafe: v.consentPossibleAndSafe === 'yes' } : {}),
            ...(text('consentNote') ? { consentNote: text('consentNote') } : {}),
            ...(v.personTold ? { personTold: v.personTold === 'yes' } : {}),
            ...(v.personTold === 'no' ? { notToldReason: text('notToldReason') } : {}),
            ...(agreed.length ? { agreedWith: agreed } : {}),
            ...(text('reference') ? { reference: text('reference') } : {}),
          },
        }));
        await onDone('The referral’s record is updated.');
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const title = step === 'approve' ? 'Approve or refuse the referral' : step === 'review' ? 'Review the release' : 'Complete the record';
  return (
    <div className="sub-fields neutral referral-step">
      <h4 ref={heading} tabIndex={-1} className="step-title">{title}</h4>
      <PathForm error={error} clientErrors={clientErrors} names={names} onSubmit={submit}>
        {step === 'approve' ? (
          <>
            <Radios name="decision" label="Your decision" isRequired value={v.decision ?? null} onChange={set('decision')} options={[
              { id: 'approve', label: 'Approve and release', description: 'The pack is made at once under the legal duty (policy 1.3)' },
              { id: 'refuse', label: 'Refuse', description: 'Nothing is shared from the records' },
            ]} />
            <TextBox name="justification" label="Why" isRequired rows={2} value={v.justification ?? ''} onChange={set('justification')} />
          </>
        ) : null}
        {step === 'review' ? (
          <>
            <Radios name="outcome" label="Was releasing it at once right?" isRequired value={v.outcome ?? null} onChange={set('outcome')} options={[
              { id: 'upheld', label: 'Yes, it was right' },
              { id: 'concerns', label: 'I have concerns', description: 'Recorded for management to act on' },
            ]} />
            <TextBox name="note" label="What you checked and found" isRequired rows={2} value={v.note ?? ''} onChange={set('note')} />
          </>
        ) : null}
        {step === 'complete' ? (
          <>
            {missing.includes('consentPossibleAndSafe') ? <Radios name="consentPossibleAndSafe" label="Was seeking the person’s consent possible and safe?" isRequired value={v.consentPossibleAndSafe ?? null} onChange={set('consentPossibleAndSafe')} options={YES_NO} /> : null}
            {missing.includes('consentNote') ? <TextBox name="consentNote" label="What they said when asked, or why they were not asked" isRequired rows={2} value={v.consentNote ?? ''} onChange={set('consentNote')} /> : null}
            {missing.includes('personTold') ? <Radios name="personTold" label="Will the person be told of the referral?" isRequired value={v.personTold ?? null} onChange={set('personTold')} options={YES_NO} /> : null}
            {v.personTold === 'no' ? <TextBox name="notToldReason" label="Why they will not be told" isRequired rows={2} value={v.notToldReason ?? ''} onChange={set('notToldReason')} /> : null}
            <TextInput name="agreedWith" label="Who agreed the referral" value={v.agreedWith ?? ''} onChange={set('agreedWith')} description="Names or roles, separated by commas." />
            <TextInput name="reference" label="The agency’s reference" value={v.reference ?? ''} onChange={set('reference')} />
          </>
        ) : null}
        <div className="actions">
          <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : step === 'approve' ? 'Record the decision' : step === 'review' ? 'Record the review' : 'Save the answers'}</Button>
          <Button variant="secondary" onPress={onCancel}>Cancel</Button>
        </div>
      </PathForm>
    </div>
  );
}

/** One referral: where it is up to, what is left and by when, its disclosure (and pack), and the next step the reader may take. */
function ReferralItem({ r, name, onDone }: { r: Referral; name: (id: string | null) => string; onDone: (message: string) => Promise<void> }) {
  const [step, setStep] = useState<Step | null>(null);
  const todo = stillToDo(r);
  const d = r.disclosure;
  return (
    <li className={`referral-item${r.overdueFlaggedAt && !r.completedAt ? ' overdue' : ''}`}>
      <div className="referral-head">
        <p className="card-title">{referralState(r)}</p>
        <div className="concern-badges">
          {r.urgent ? <span className="badge risk-badge">Urgent</span> : null}
          {d ? <DisclosureStatusBadge status={d.status as DisclosureStatus} /> : null}
          {r.completedAt ? <span className="badge ok">Record complete</span> : null}
        </div>
      </div>
      <p className="concern-meta">By {name(r.referredBy)}, {formatDateTime(r.referredAt)}{d ? <> · reference <span className="reference">{d.reference}</span></> : null}</p>
      {todo.length && r.completeBy ? (
        <p className={`deadline${new Date(r.completeBy).getTime() < Date.now() ? ' past' : ''}`}>
          Still to do: {todo.join(', ')} — {new Date(r.completeBy).getTime() < Date.now() ? 'overdue since' : 'by'} {formatDateTime(r.completeBy)} ({fromNow(r.completeBy)})
        </p>
      ) : null}
      {r.review ? <p className="chrono-why"><span className="chrono-label">Reviewed by {name(r.review.by)}: </span>{r.review.outcome === 'upheld' ? 'the release was right' : 'concerns recorded'} — {r.review.note}</p> : null}
      <div className="actions">
        {/* The pack is downloaded from the disclosure's page, which says whether this reader may open it and what their copy withholds (3.4). */}
        {d ? <ButtonLink href={`/disclosures/${d.id}`}>{d.status === 'released' ? 'The disclosure and its pack' : 'The disclosure'}</ButtonLink> : null}
        {!step && r.can.approve ? <Button onPress={() => setStep('approve')}>Approve or refuse…</Button> : null}
        {!step && r.can.review ? <Button onPress={() => setStep('review')}>Review the release…</Button> : null}
        {!step && r.can.complete ? <Button variant="secondary" onPress={() => setStep('complete')}>Complete the record…</Button> : null}
      </div>
      {step ? <StepForm referral={r} step={step} onCancel={() => setStep(null)} onDone={async (m) => { setStep(null); await onDone(m); }} /> : null}
    </li>
  );
}

/** The concern's referrals, oldest first, with what each still needs. */
export function Referrals({ referrals, name, onDone }: { referrals: Referral[]; name: (id: string | null) => string; onDone: (message: string) => Promise<void> }) {
  if (!referrals.length) return null;
  return (
    <div className="panel">
      <h2>Referrals</h2>
      <ul className="plain-list referral-list">{referrals.map((r) => <ReferralItem key={r.id} r={r} name={name} onDone={onDone} />)}</ul>
    </div>
  );
}

