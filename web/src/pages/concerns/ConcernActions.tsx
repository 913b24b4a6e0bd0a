import { useState, type FormEvent } from 'react';
import { ApiError, api, call, type FieldError } from '../../api/client';
import { ApiForm } from '../../components/ApiForm';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Button } from '../../components/ui';

type Kind = 'fact' | 'action' | 'decision' | 'outcome';
const KINDS: ReadonlyArray<{ id: Kind; label: string; description: string }> = [
  { id: 'fact', label: 'A fact', description: 'something learned: a call, a conversation, a document' },
  { id: 'action', label: 'An action', description: 'something done or to be done, and by whom' },
  { id: 'decision', label: 'A decision', description: 'what was decided, why, and who agreed' },
  { id: 'outcome', label: 'An outcome', description: 'how things turned out' },
];

/** "Priya (DSL), Social worker on duty" or one per line → a list of names. */
const splitNames = (s: string) => s.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
const invalid = (errors: FieldError[]) => new ApiError({ status: 400, title: 'Some answers are missing', errors });

/** Add a fact, an action, a decision (with its reason and who agreed) or an outcome to the chronology (practice 4.2–4.3). */
export function AddEntry({ id, onAdded }: { id: string; onAdded: (message: string) => Promise<void> }) {
  const [kind, setKind] = useState<Kind>('fact');
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [agreed, setAgreed] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: FieldError[] = [];
    if (!text.trim()) errors.push({ path: 'body.text', message: 'Write what to record.' });
    if (kind === 'decision' && !reason.trim()) errors.push({ path: 'body.reason', message: 'Say why it was decided.' });
    if (kind === 'decision' && !splitNames(agreed).length) errors.push({ path: 'body.agreedWith', message: 'Say who agreed it (names or roles).' });
    if (errors.length) return setError(invalid(errors));
    setBusy(true);
    setError(null);
    try {
      const body = kind === 'decision' ? { kind, text, reason, agreedWith: splitNames(agreed) }
        : kind === 'outcome' ? { kind, text, ...(reason.trim() ? { reason } : {}) } : { kind, text };
      await call(api.POST('/api/concerns/{id}/entries', { params: { path: { id } }, body }));
      setText('');
      setReason('');
      setAgreed('');
      await onAdded(`${KINDS.find((k) => k.id === kind)?.label ?? 'Entry'} added to the chronology.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel">
      <h2>Add to the chronology</h2>
      <ApiForm onSubmit={submit} error={error}>
        <Radios name="kind" label="What are you recording?" value={kind} onChange={setKind} options={KINDS} />
        <TextBox name="text" label={kind === 'decision' ? 'What was decided' : kind === 'outcome' ? 'The outcome' : kind === 'action' ? 'The action' : 'The fact'} value={text} onChange={setText} rows={3} isRequired />
        {kind === 'decision' || kind === 'outcome' ? <TextBox name="reason" label="Why" value={reason} onChange={setReason} rows={2} isRequired={kind === 'decision'} /> : null}
        {kind === 'decision' ? <TextInput name="agreedWith" label="Who agreed" value={agreed} onChange={setAgreed} isRequired description="Names or roles, separated by commas: colleagues or other agencies." /> : null}
        <div className="actions"><Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Add to the chronology'}</Button></div>
      </ApiForm>
    </div>
  );
}

type YesNo = 'yes' | 'no' | null;
const YES_NO = [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] as const;

/**
 * Record a referral to the local authority or the police, answering the decision aid (HM Government's
 * information-sharing advice): the answers are the recorded reasons (practice 4.3, 1.3). Consent never blocks it.
 */
export function RecordReferral({ id, onRecorded }: { id: string; onRecorded: (message: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState<'local_authority' | 'police' | null>(null);
  const [risk, setRisk] = useState<YesNo>(null);
  const [riskReason, setRiskReason] = useState('');
  const [consent, setConsent] = useState<YesNo>(null);
  const [consentNote, setConsentNote] = useState('');
  const [shared, setShared] = useState('');
  const [sharedWith, setSharedWith] = useState('');
  const [sharedHow, setSharedHow] = useState('');
  const [told, setTold] = useState<YesNo>(null);
  const [notToldReason, setNotToldReason] = useState('');
  const [agreed, setAgreed] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <div className="panel">
        <h2>Referral</h2>
        <p className="hint">To the local authority’s safeguarding team or the police. Consent is sought where it is possible and safe, but never stops a referral that is needed.</p>
        <Button variant="secondary" onPress={() => setOpen(true)}>Record a referral…</Button>
      </div>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: FieldError[] = [];
    const need = (ok: unknown, path: string, message: string) => { if (!ok) errors.push({ path: `body.${path}`, message }); };
    need(to, 'to', 'Choose who the referral went to.');
    need(risk, 'riskOfHarm', 'Answer whether there is a risk of harm.');
    need(riskReason.trim(), 'riskOfHarmReason', 'Say what the risk is, or why there is none.');
    need(consent, 'consentPossibleAndSafe', 'Answer whether seeking consent is possible and safe.');
    need(consentNote.trim(), 'consentNote', 'Say what the person said, or why they were not asked.');
    need(shared.trim(), 'informationShared', 'Say what was shared: only what is necessary and proportionate.');
    need(sharedWith.trim(), 'sharedWith', 'Say who received it.');
    need(sharedHow.trim(), 'sharedHow', 'Say how it was shared.');
    need(told, 'personTold', 'Answer whether the person will be told.');
    if (told === 'no') need(notToldReason.trim(), 'notToldReason', 'Say why the person will not be told.');
    if (errors.length) return setError(invalid(errors));
    setBusy(true);
    setError(null);
    try {
      await call(api.POST('/api/concerns/{id}/referrals', {
        params: { path: { id } },
        body: {
          to: to!, riskOfHarm: risk === 'yes', riskOfHarmReason: riskReason, consentPossibleAndSafe: consent === 'yes', consentNote,
          informationShared: shared, sharedWith, sharedHow, personTold: told === 'yes',
          ...(told === 'no' ? { notToldReason } : {}),
          ...(splitNames(agreed).length ? { agreedWith: splitNames(agreed) } : {}),
          ...(reference.trim() ? { reference } : {}),
        },
      }));
      setOpen(false);
      await onRecorded(`Referral to ${to === 'police' ? 'the police' : 'the local authority'} recorded in the chronology.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel">
      <h2>Record a referral</h2>
      {/* A radio button answered since the check takes its error away (React Aria keeps it while it is passed in). */}
      <ApiForm onSubmit={submit} error={error} resolved={[to && 'to', risk && 'riskOfHarm', consent && 'consentPossibleAndSafe', told && 'personTold'].filter((f): f is string => !!f)}>
        <Radios name="to" label="Referred to" value={to} onChange={setTo} isRequired options={[{ id: 'local_authority', label: 'The local authority’s safeguarding team' }, { id: 'police', label: 'The police' }]} />
        <Radios name="riskOfHarm" label="Is there a risk of harm to the person or to others?" value={risk} onChange={setRisk} isRequired options={YES_NO} />
        <TextBox name="riskOfHarmReason" label="What is the risk?" value={riskReason} onChange={setRiskReason} rows={2} isRequired />
        <Radios name="consentPossibleAndSafe" label="Is seeking the person’s consent possible and safe?" value={consent} onChange={setConsent} isRequired options={YES_NO} />
        <TextBox name="consentNote" label="What they said when asked, or why they were not asked" value={consentNote} onChange={setConsentNote} rows={2} isRequired />
        <TextBox name="informationShared" label="What was shared" value={shared} onChange={setShared} rows={3} isRequired description="Only what is necessary and proportionate." />
        <TextInput name="sharedWith" label="Shared with (team or officer)" value={sharedWith} onChange={setSharedWith} isRequired />
        <TextInput name="sharedHow" label="How it was shared" value={sharedHow} onChange={setSharedHow} isRequired description="For example: secure e-mail, the referral portal, by phone." />
        <Radios name="personTold" label="Will the person be told of the referral?" value={told} onChange={setTold} isRequired options={YES_NO} />
        {told === 'no' ? <TextBox name="notToldReason" label="Why they will not be told" value={notToldReason} onChange={setNotToldReason} rows={2} isRequired /> : null}
        <TextInput name="agreedWith" label="Who agreed the referral" value={agreed} onChange={setAgreed} description="Names or roles, separated by commas." />
        <TextInput name="reference" label="Their reference" value={reference} onChange={setReference} />
        <div className="actions">
          <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record the referral'}</Button>
          <Button variant="secondary" onPress={() => setOpen(false)}>Cancel</Button>
        </div>
      </ApiForm>
    </div>
  );
}

/** Close a concern with its outcome and the reason; the raiser sees it closed. */
export function CloseConcern({ id, onClosed }: { id: string; onClosed: (message: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  if (!open) return <div className="actions"><Button variant="quiet" onPress={() => setOpen(true)}>Close this concern…</Button></div>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: FieldError[] = [];
    if (!outcome.trim()) errors.push({ path: 'body.outcome', message: 'Say how it ended.' });
    if (!reason.trim()) errors.push({ path: 'body.reason', message: 'Say why it can be closed.' });
    if (errors.length) return setError(invalid(errors));
    try {
      await call(api.POST('/api/concerns/{id}/close', { params: { path: { id } }, body: { outcome, reason } }));
      await onClosed('The concern is closed. The person who raised it has been told.');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="panel">
      <h2>Close this concern</h2>
      <ApiForm onSubmit={submit} error={error}>
        <TextBox name="outcome" label="Outcome" value={outcome} onChange={setOutcome} rows={2} isRequired />
        <TextBox name="reason" label="Why it can be closed" value={reason} onChange={setReason} rows={2} isRequired />
        <div className="actions">
          <Button type="submit" variant="danger">Close the concern</Button>
          <Button variant="secondary" onPress={() => setOpen(false)}>Cancel</Button>
        </div>
      </ApiForm>
    </div>
  );
}
